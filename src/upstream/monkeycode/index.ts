/**
 * MonkeyCode upstream client (spec: `docs/monkeycode-protocol.md`).
 * The adapter is the entry point; the lower-level pieces are exported for tools and tests.
 */
export { createMonkeyCodeAdapter, MonkeyCodeAdapter } from './adapter.js';
export { DEFAULT_RESOURCE, resolveOptions, type MonkeyCodeOptions, type TaskResource } from './options.js';
export { parseSessionCookie, SESSION_COOKIE_NAME } from './session-cookie.js';
export { captureSessionCookie, type CapturedSession } from './session-cookie.js';
export { kindOfCode, cleanUpstreamMessage } from './error-codes.js';
export { parseEnvelope, type RawResponse } from './envelope.js';
export { planAllowsModel, allowedModels, pickDefaultModel } from './models.js';
export { isCallableModel } from './models.js';
export { selectImage, PUBLIC_HOST_ID, type MonkeyCodeImage } from './images.js';
export type { MonkeyCodeTask, TaskStats } from './tasks.js';
export { decodeFrameData, parseWireFrame, type FrameData, type WireFrame } from './frame-codec.js';
export { encodeUserInput, encodeReplyQuestion, MAX_CLIENT_FRAME_BYTES } from './frame-codec.js';
export { interpretFrame, type FrameAction } from './frame-actions.js';
export { solveCaptcha } from './captcha/solve-captcha.js';
export { deriveSubChallenges, type CaptchaChallenge } from './captcha/pow.js';
export { undiciWebSocketFactory, type WebSocketFactory, type WebSocketLike } from './web-socket.js';
