/** relaypool's OpenAI protocol layer: parse requests, encode chunks and Responses events, fold non-stream answers. */
export { parseChatRequest, type ChatRequest, type ParseChatOptions } from './chat-request.js';
export type { ChatMessage, ChatRole, ChatToolCall } from './chat-message.js';
export type { ClientToolsMode } from './request-policy.js';
export {
  renderConversation,
  renderSystemPrompt,
  CONVERSATION_FORMAT_DESCRIPTION,
} from './render-conversation.js';
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
export { chunkJsonWriter } from './chat-chunks.js';
export { toWireUsage } from './chat-usage.js';
export { encodeModelList, type ModelEntry } from './model-list.js';
export { createChatCompletionIds, createIdGenerator, type RandomBytes } from './ids.js';
export type * from './wire.js';
export {
  parseResponsesRequest,
  type ResponsesRequest,
  type ParseResponsesOptions,
} from './responses-request.js';
export {
  createResponsesStreamEncoder,
  type ResponsesStreamEncoder,
  type ResponsesEncoderOptions,
  type ResponsesReasoningMode,
} from './responses-stream-encoder.js';
export { foldResponse, foldResponseEvents, type FoldedResponse } from './responses-fold.js';
export type { ResponseEcho, ResponseFailure } from './responses-object.js';
export { toResponseUsage } from './responses-usage.js';
export { createResponseIds, type ResponseIds } from './responses-ids.js';
export type * from './responses-wire.js';
export { renderFollowUp, inlineInstructions } from './render-conversation.js';
export {
  splitAtLastAnswer,
  canonicalAnswer,
  canonicalMessages,
  answerMessage,
  type ConversationSplit,
} from './continuation.js';
export {
  parseAt,
  invalidParam,
  unsupportedParam,
  missingParam,
  formatParam,
  type ParamPath,
} from './request-param.js';
export { createUsageMeter, type UsageMeter, type UsagePrompt } from './usage-meter.js';
export { renderToolNote } from './tool-note.js';
