/** relaypool's Anthropic Messages protocol layer: parse requests, encode stream events, fold non-stream answers. */
export {
  parseMessagesRequest,
  parseCountTokensRequest,
  type MessagesRequest,
  type MessagesPrompt,
  type ParseMessagesOptions,
} from './messages-request.js';
export {
  createMessageStreamEncoder,
  thinkingSignature,
  type MessageStreamEncoder,
  type MessageEncoderOptions,
} from './stream-encoder.js';
export { foldMessage, foldMessageEvents, type FoldedMessage } from './fold-message.js';
export { anthropicErrorBody, anthropicErrorType } from './error-body.js';
export { AnthropicModels, type AnthropicModelOptions, type ModelLookup } from './model-aliases.js';
export { encodeModelInfo, encodeModelInfoList } from './model-list.js';
export { countTokens } from './count-tokens.js';
export { createMessageIds } from './ids.js';
export type * from './wire.js';
