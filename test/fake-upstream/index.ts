/** Fake MonkeyCode server for tests — public surface. See README.md. */
export { startFakeUpstream, type FakeUpstream, type FakeStateView } from './start-fake-upstream.js';
export type {
  FakeUpstreamOptions,
  ResolvedOptions,
  CaptchaOptions,
  StatusVariant,
  CloseAfterTurn,
} from './options.js';
export type { NewUser } from './store.js';
export type {
  UserRecord,
  SessionRecord,
  TaskRecord,
  TurnRecord,
  TaskStatus,
  VmStatus,
  PlanName,
} from './types.js';
export type {
  RecordedEntry,
  RecordedHttp,
  RecordedHandshake,
  RecordedFrameIn,
  RecordedClose,
  SentFrame,
} from './recorder.js';
export type { FakeEventMap } from './events.js';
export { Faults, type HttpFailure, type StreamBreak } from './faults.js';
export type { Agent, AgentStep, AgentContext } from './agent/agent-types.js';
export * as steps from './agent/agent-steps.js';
export { createDefaultAgent, defaultReply } from './agent/default-agent.js';
export {
  agentFromFixture,
  agentFromFrames,
  loadFixture,
  parseFrames,
  stepsFromFrames,
  FIXTURE_DIR,
} from './agent/fixture-agent.js';
export { MODEL_IDS, CATALOG_MODELS } from './catalog/models.js';
export { IMAGE_IDS, CATALOG_IMAGES } from './catalog/images.js';
export { makeFrame, serializeFrame, wireFrameSchema, type WireFrame } from './wire/frames.js';
export { PUBLIC_HOST_ID } from './routes/task-create-route.js';
