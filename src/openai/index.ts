/** relaypool's OpenAI protocol layer: parse requests, encode chunks, fold non-stream answers. */
export { parseChatRequest, type ChatRequest, type ParseChatOptions } from './chat-request.js';
export type { ChatMessage, ChatRole, ChatToolCall } from './chat-message.js';
export type { ClientToolsMode } from './request-policy.js';
export { renderConversation, renderSystemPrompt, CONVERSATION_FORMAT_DESCRIPTION } from './render-conversation.js';
export {
  createChatChunkEncoder,
  type ChatChunkEncoder,
  type ChatChunkEncoderOptions,
  type ReasoningMode,
  type ToolActivityMode,
} from './chat-chunk-encoder.js';
export {
  foldChatCompletion,
  foldChatChunks,
  type ChatFoldOptions,
  type FoldedChatCompletion,
} from './fold-chat-completion.js';
export type { ChatUsage } from './chat-usage.js';
export { toWireUsage } from './chat-usage.js';
export { estimateTokens } from './token-estimate.js';
export { encodeModelList, type ModelEntry } from './model-list.js';
export { createChatCompletionIds, createIdGenerator, type RandomBytes } from './ids.js';
export type * from './wire.js';
