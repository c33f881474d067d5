import { createHash } from 'node:crypto';
import type { TokenUsage, ToolActivity, UpstreamEvent } from '../upstream/types.js';
import { InternalError } from '../util/errors.js';
import {
  createUsageMeter,
  renderToolNote,
  type ToolActivityMode,
  type UsageMeter,
  type UsagePrompt,
} from '../openai/index.js';
import type { ContentBlock, ContentBlockDelta, MessageStreamEvent, MessageUsage } from './wire.js';

/** Options of `createMessageStreamEncoder`. */
export interface MessageEncoderOptions {
  /** `msg_…`. */
  id: string;
  /** The model as the client named it. */
  model: string;
  /** Show the agent's reasoning as thinking blocks (false: drop it). */
  thinking: boolean;
  /** The agent's own tool use: hidden, or one `> [tool] …` note line in the text per tool. */
  toolActivity: ToolActivityMode;
  /** The prompt sent upstream; only used to estimate usage when none arrives. */
  prompt: UsagePrompt;
}

/** Turns one turn's `UpstreamEvent`s into Anthropic stream events. */
export interface MessageStreamEncoder {
  /** `message_start` (once; also produced by the first `task-created`/`task-resumed`). */
  start(): MessageStreamEvent[];
  /** Events for one upstream event (often none). `finish` ends the message; `error` yields nothing. */
  push(event: UpstreamEvent): MessageStreamEvent[];
  /** Close the open block and end the message (`message_delta`, `message_stop`); idempotent. */
  finish(): MessageStreamEvent[];
  isFinished(): boolean;
  /** Usage so far: the upstream's numbers, else an estimate (`estimated: true`). */
  usage(): TokenUsage;
}

interface OpenBlock {
  index: number;
  type: ContentBlock['type'];
  /** A thinking block's text so far (its signature is derived from it). */
  thinking: string;
}

interface EncoderState {
  readonly options: MessageEncoderOptions;
  readonly meter: UsageMeter;
  readonly toolsSeen: Set<string>;
  started: boolean;
  open: OpenBlock | null;
  blocks: number;
  textBlocks: number;
  /** Whether the text so far ends a line (true at the start), so tool notes start on their own line. */
  atLineStart: boolean;
  finished: boolean;
}

/**
 * The opaque `signature` of a thinking block. Anthropic's proves the block came from its model;
 * relaypool's is a digest of the thinking text — clients only store and resend it, and relaypool
 * does not rely on what comes back (resent thinking is never sent upstream).
 */
export function thinkingSignature(thinking: string): string {
  return createHash('sha256').update(thinking, 'utf8').digest('base64');
}

/**
 * Create the message stream state machine. A block opens at the first delta of its kind and is
 * closed (a thinking block after its `signature_delta`) when the other kind starts or the message
 * ends; the first block is followed by one `ping`, as the API does. A turn without any text still
 * ends with one (empty) text block. Never emits `tool_use`: the agent's tools already ran upstream.
 */
export function createMessageStreamEncoder(options: MessageEncoderOptions): MessageStreamEncoder {
  const state: EncoderState = {
    options,
    meter: createUsageMeter(options.prompt),
    toolsSeen: new Set(),
    started: false,
    open: null,
    blocks: 0,
    textBlocks: 0,
    atLineStart: true,
    finished: false,
  };
  return {
    start: () => start(state),
    push: (event) => encodeEvent(state, event),
    finish: () => finish(state),
    isFinished: () => state.finished,
    usage: () => state.meter.current(),
  };
}

function wireUsage(usage: TokenUsage, outputTokens = usage.outputTokens): MessageUsage {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}

function start(state: EncoderState): MessageStreamEvent[] {
  if (state.started) return [];
  state.started = true;
  const { id, model } = state.options;
  const usage = wireUsage(state.meter.current(), 0);
  return [
    {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage,
      },
    },
  ];
}

function encodeEvent(state: EncoderState, event: UpstreamEvent): MessageStreamEvent[] {
  if (state.finished) throw new InternalError(`message stream encoder got "${event.type}" after finish`);
  switch (event.type) {
    case 'task-created':
    case 'task-resumed':
      return start(state);
    case 'text':
      if (event.text === '') return [];
      state.meter.addOutput(event.text);
      return writeText(state, event.text);
    case 'reasoning':
      if (event.text === '') return [];
      state.meter.addOutput(event.text);
      return state.options.thinking
        ? delta(state, 'thinking', { type: 'thinking_delta', thinking: event.text })
        : [];
    case 'tool-activity':
      return toolNote(state, event);
    case 'usage':
      state.meter.report(event);
      return [];
    case 'finish':
      return finish(state);
    case 'task-ready':
    case 'stream-reattached':
    case 'turn-started':
    case 'answer-complete':
    case 'error':
      return [];
  }
}

function writeText(state: EncoderState, text: string): MessageStreamEvent[] {
  const events = delta(state, 'text', { type: 'text_delta', text });
  state.atLineStart = text.endsWith('\n');
  return events;
}

function toolNote(state: EncoderState, activity: ToolActivity): MessageStreamEvent[] {
  if (state.options.toolActivity === 'hide' || state.toolsSeen.has(activity.id)) return [];
  state.toolsSeen.add(activity.id);
  const lead = state.open?.type === 'text' && !state.atLineStart ? '\n' : '';
  return writeText(state, `${lead}${renderToolNote(activity)}\n\n`);
}

/** A delta into a block of `type`, opening it (and closing the other kind) first when needed. */
function delta(
  state: EncoderState,
  type: ContentBlock['type'],
  body: ContentBlockDelta,
): MessageStreamEvent[] {
  const events = start(state);
  if (state.open?.type !== type) events.push(...closeBlock(state), ...openBlock(state, type));
  const open = state.open;
  if (open === null) throw new InternalError('no content block is open');
  if (body.type === 'thinking_delta') open.thinking += body.thinking;
  events.push({ type: 'content_block_delta', index: open.index, delta: body });
  return events;
}

function openBlock(state: EncoderState, type: ContentBlock['type']): MessageStreamEvent[] {
  const index = state.blocks++;
  if (type === 'text') {
    state.textBlocks += 1;
    state.atLineStart = true;
  }
  state.open = { index, type, thinking: '' };
  const block: ContentBlock =
    type === 'text'
      ? { type: 'text', text: '', citations: null }
      : { type: 'thinking', thinking: '', signature: '' };
  const events: MessageStreamEvent[] = [{ type: 'content_block_start', index, content_block: block }];
  if (index === 0) events.push({ type: 'ping' });
  return events;
}

function closeBlock(state: EncoderState): MessageStreamEvent[] {
  const open = state.open;
  if (open === null) return [];
  state.open = null;
  const events: MessageStreamEvent[] = [];
  if (open.type === 'thinking') {
    events.push({
      type: 'content_block_delta',
      index: open.index,
      delta: { type: 'signature_delta', signature: thinkingSignature(open.thinking) },
    });
  }
  events.push({ type: 'content_block_stop', index: open.index });
  return events;
}

function finish(state: EncoderState): MessageStreamEvent[] {
  if (state.finished) return [];
  const events = start(state);
  if (state.textBlocks === 0) events.push(...closeBlock(state), ...openBlock(state, 'text'));
  events.push(...closeBlock(state));
  state.finished = true;
  events.push({
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: wireUsage(state.meter.current()),
  });
  events.push({ type: 'message_stop' });
  return events;
}
