import type { TokenUsage, ToolActivity, UpstreamEvent } from '../upstream/types.js';
import { InternalError } from '../util/errors.js';
import { choiceChunk, usageChunk, type ChunkHeader } from './chat-chunks.js';
import { toWireUsage } from './chat-usage.js';
import { createUsageMeter, type UsageMeter } from './usage-meter.js';
import { renderToolNote } from './tool-note.js';
import type { ChatCompletionChunk, ChatCompletionChunkDelta } from './wire.js';

/** Reasoning as `delta.reasoning_content` (default), dropped, or inline `<think>…</think>` content. */
export type ReasoningMode = 'field' | 'hide' | 'think-tags';
/** The agent's own tool use: hidden (default) or one `> [tool] …` note line in content per tool. */
export type ToolActivityMode = 'hide' | 'text';

/** Options of `createChatChunkEncoder`. */
export interface ChatChunkEncoderOptions {
  id: string;
  model: string;
  /** Unix seconds, shared by every chunk. */
  created: number;
  reasoning?: ReasoningMode;
  toolActivity?: ToolActivityMode;
  /** `stream_options.include_usage`. */
  includeUsage: boolean;
  /**
   * Finish at `answer-complete` instead of `finish`: nothing the client gets waits for the billed
   * tokens. Only when it needs no usage and no conversation waits for this turn's task to be kept.
   */
  endAtAnswer?: boolean;
  /** The prompt sent upstream (a `ChatRequest` fits); only used to estimate usage when none arrives. */
  prompt?: { systemPrompt: string | null; content: string };
}

/** Turns one turn's `UpstreamEvent`s into `chat.completion.chunk`s. */
export interface ChatChunkEncoder {
  /** Chunks for one event (often none). `finish` ends the completion; `error` yields nothing. */
  push(event: UpstreamEvent): ChatCompletionChunk[];
  /** Close whatever is open and emit the final chunk(s); idempotent. Same as pushing `finish`. */
  finish(): ChatCompletionChunk[];
  /** True once any chunk went out; before that a failure can still be retried invisibly. */
  hasOutput(): boolean;
  /** True once the final chunk was produced. */
  isFinished(): boolean;
  /** Usage so far: the upstream's numbers, else an estimate (`estimated: true`). */
  usage(): TokenUsage;
}

const OPEN_THINK = '<think>\n';
const CLOSE_THINK = '\n</think>\n\n';
const CLOSE_THINK_AT_END = '\n</think>';

interface EncoderState {
  readonly header: ChunkHeader;
  readonly endAtAnswer: boolean;
  readonly reasoning: ReasoningMode;
  readonly toolActivity: ToolActivityMode;
  readonly toolsSeen: Set<string>;
  /** Usage: the upstream's numbers, else an estimate from the prompt and the output so far. */
  readonly meter: UsageMeter;
  roleSent: boolean;
  thinkOpen: boolean;
  /** Whether content so far ends a line (true at the start), so tool notes start on their own line. */
  atLineStart: boolean;
  emitted: boolean;
  finished: boolean;
}

/**
 * Create the chat chunk state machine. The first chunk carries `role: "assistant"` together with
 * the first delta (or with the final chunk when the turn produced nothing). Never emits `tool_calls`
 * or `finish_reason: "tool_calls"` (docs/monkeycode-protocol.md §9.3). Error frames are the SSE writer's job.
 */
export function createChatChunkEncoder(options: ChatChunkEncoderOptions): ChatChunkEncoder {
  const state: EncoderState = {
    header: {
      id: options.id,
      model: options.model,
      created: options.created,
      includeUsage: options.includeUsage,
    },
    endAtAnswer: (options.endAtAnswer ?? false) && !options.includeUsage,
    reasoning: options.reasoning ?? 'field',
    toolActivity: options.toolActivity ?? 'hide',
    toolsSeen: new Set(),
    meter: createUsageMeter(options.prompt ?? null),
    roleSent: false,
    thinkOpen: false,
    atLineStart: true,
    emitted: false,
    finished: false,
  };
  return {
    push: (event) => encodeEvent(state, event),
    finish: () => finishChunks(state),
    hasOutput: () => state.emitted,
    isFinished: () => state.finished,
    usage: () => state.meter.current(),
  };
}

function encodeEvent(state: EncoderState, event: UpstreamEvent): ChatCompletionChunk[] {
  if (state.finished) throw new InternalError(`chat chunk encoder got "${event.type}" after finish`);
  switch (event.type) {
    case 'text':
      return encodeText(state, event.text);
    case 'reasoning':
      return encodeReasoning(state, event.text);
    case 'tool-activity':
      return encodeToolActivity(state, event);
    case 'usage':
      state.meter.report(event);
      return [];
    case 'answer-complete':
      return state.endAtAnswer ? finishChunks(state) : [];
    case 'finish':
      return finishChunks(state);
    case 'task-created':
    case 'task-resumed':
    case 'task-ready':
    case 'stream-reattached':
    case 'turn-started':
    case 'error':
      return [];
  }
}

function encodeText(state: EncoderState, text: string): ChatCompletionChunk[] {
  if (text === '') return [];
  state.meter.addOutput(text);
  return emit(state, { content: closeThink(state, CLOSE_THINK) + text });
}

function encodeReasoning(state: EncoderState, text: string): ChatCompletionChunk[] {
  if (text === '') return [];
  state.meter.addOutput(text);
  if (state.reasoning === 'hide') return [];
  if (state.reasoning === 'field') return emit(state, { reasoning_content: text });
  const open = state.thinkOpen ? '' : OPEN_THINK;
  state.thinkOpen = true;
  return emit(state, { content: open + text });
}

function encodeToolActivity(state: EncoderState, activity: ToolActivity): ChatCompletionChunk[] {
  if (state.toolActivity === 'hide' || state.toolsSeen.has(activity.id)) return [];
  state.toolsSeen.add(activity.id);
  const close = closeThink(state, CLOSE_THINK);
  const lead = close === '' && !state.atLineStart ? '\n' : '';
  return emit(state, { content: `${close}${lead}${renderToolNote(activity)}\n\n` });
}

/** The closing tag when a think block is open (and mark it closed), else `''`. */
function closeThink(state: EncoderState, tag: string): string {
  if (!state.thinkOpen) return '';
  state.thinkOpen = false;
  return tag;
}

function emit(state: EncoderState, delta: ChatCompletionChunkDelta): ChatCompletionChunk[] {
  const withRole: ChatCompletionChunkDelta = state.roleSent ? delta : { role: 'assistant', ...delta };
  state.roleSent = true;
  state.emitted = true;
  if (delta.content !== undefined) state.atLineStart = delta.content.endsWith('\n');
  return [choiceChunk(state.header, withRole)];
}

function finishChunks(state: EncoderState): ChatCompletionChunk[] {
  if (state.finished) return [];
  const close = closeThink(state, CLOSE_THINK_AT_END);
  const chunks = close === '' ? [] : emit(state, { content: close });
  const last: ChatCompletionChunkDelta = state.roleSent ? {} : { role: 'assistant', content: '' };
  state.roleSent = true;
  state.emitted = true;
  state.finished = true;
  chunks.push(choiceChunk(state.header, last, 'stop'));
  if (state.header.includeUsage) chunks.push(usageChunk(state.header, toWireUsage(state.meter.current())));
  return chunks;
}
