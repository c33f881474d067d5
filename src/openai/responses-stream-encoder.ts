import type { ToolActivity, UpstreamEvent } from '../upstream/types.js';
import { InternalError } from '../util/errors.js';
import type { ToolActivityMode } from './chat-chunk-encoder.js';
import { createResponseIds, type ResponseIds } from './responses-ids.js';
import {
  buildResponse,
  DEFAULT_ECHO,
  messageItem,
  outputItem,
  outputTextPart,
  reasoningItem,
  responseError,
  summaryTextPart,
  type OutputItemState,
  type ResponseFailure,
  type ResponseHeader,
} from './responses-object.js';
import { toResponseUsage } from './responses-usage.js';
import { createUsageMeter, type UsageMeter } from './usage-meter.js';
import type { ResponseErrorBody, ResponseObject, ResponseStreamEvent } from './responses-wire.js';
import { renderToolNote } from './tool-note.js';

import type {
  ResponsesEncoderOptions,
  ResponsesReasoningMode,
  ResponsesStreamEncoder,
} from './responses-encoder-types.js';

export type {
  ResponsesEncoderOptions,
  ResponsesReasoningMode,
  ResponsesStreamEncoder,
} from './responses-encoder-types.js';

type Unsequenced<E> = E extends unknown ? Omit<E, 'sequence_number'> : never;
type Ending = { status: 'completed'; completedAt: number } | { status: 'failed'; error: ResponseErrorBody };

interface EncoderState {
  readonly header: ResponseHeader;
  readonly reasoning: ResponsesReasoningMode;
  readonly toolActivity: ToolActivityMode;
  readonly ids: Pick<ResponseIds, 'message' | 'reasoning'>;
  readonly now: () => number;
  readonly meter: UsageMeter;
  readonly items: OutputItemState[];
  readonly toolsSeen: Set<string>;
  readonly out: ResponseStreamEvent[];
  open: OutputItemState | null;
  sequence: number;
  started: boolean;
  /** Whether the open message's text ends a line (true when it is empty), for tool notes. */
  atLineStart: boolean;
  ending: Ending | null;
}

/**
 * Create the Responses event state machine. At most one output item is open at a time, and items
 * are closed in order, so `output_index` always matches the final `output` array: reasoning before
 * the text it preceded; reasoning after text closes the message and opens a new item. Every
 * response contains a message item (empty when the agent said nothing). Agent tools are hidden or
 * become note lines in the message, never `function_call` items (docs/monkeycode-protocol.md §9.3).
 */
export function createResponsesStreamEncoder(options: ResponsesEncoderOptions): ResponsesStreamEncoder {
  const state: EncoderState = {
    header: {
      id: options.id,
      model: options.model,
      createdAt: options.createdAt,
      echo: options.request ?? DEFAULT_ECHO,
    },
    reasoning: options.reasoning ?? 'summary',
    toolActivity: options.toolActivity ?? 'hide',
    ids: options.ids ?? createResponseIds(),
    now: options.now ?? Date.now,
    meter: createUsageMeter(options.prompt ?? null),
    items: [],
    toolsSeen: new Set(),
    out: [],
    open: null,
    sequence: 0,
    started: false,
    atLineStart: true,
    ending: null,
  };
  return {
    start: () => drain(state, begin),
    push: (event) => drain(state, (s) => encodeEvent(s, event)),
    finish: () => drain(state, complete),
    fail: (error) => drain(state, (s) => failWith(s, error)),
    hasOutput: () => state.items.length > 0,
    isFinished: () => state.ending !== null,
    usage: () => state.meter.current(),
    response: () => snapshot(state),
  };
}

/** Run `step`, then hand out (and forget) the events it emitted. */
function drain(state: EncoderState, step: (state: EncoderState) => void): ResponseStreamEvent[] {
  step(state);
  return state.out.splice(0);
}

function emit(state: EncoderState, event: Unsequenced<ResponseStreamEvent>): void {
  state.out.push({ ...event, sequence_number: state.sequence });
  state.sequence += 1;
}

function encodeEvent(state: EncoderState, event: UpstreamEvent): void {
  if (state.ending !== null)
    throw new InternalError(`responses encoder got "${event.type}" after the response ended`);
  switch (event.type) {
    case 'text':
      if (event.text === '') return;
      state.meter.addOutput(event.text);
      return appendText(state, event.text);
    case 'reasoning':
      if (event.text === '') return;
      state.meter.addOutput(event.text);
      if (state.reasoning === 'summary') appendReasoning(state, event.text);
      return;
    case 'tool-activity':
      return noteTool(state, event);
    case 'usage':
      return state.meter.report(event);
    case 'finish':
      return complete(state);
    case 'task-created':
    case 'task-resumed':
    case 'task-ready':
    case 'stream-reattached':
    case 'turn-started':
    case 'answer-complete': // response.completed carries the usage: it waits for it
    case 'error':
      return;
  }
}

function begin(state: EncoderState): void {
  if (state.started) return;
  state.started = true;
  emit(state, { type: 'response.created', response: snapshot(state) });
  emit(state, { type: 'response.in_progress', response: snapshot(state) });
}

function appendText(state: EncoderState, text: string): void {
  const item = state.open?.kind === 'message' ? state.open : openItem(state, 'message');
  item.text += text;
  state.atLineStart = text.endsWith('\n');
  const at = { item_id: item.id, output_index: state.items.indexOf(item) };
  emit(state, { type: 'response.output_text.delta', ...at, content_index: 0, delta: text, logprobs: [] });
}

function appendReasoning(state: EncoderState, text: string): void {
  const item = state.open?.kind === 'reasoning' ? state.open : openItem(state, 'reasoning');
  item.text += text;
  const at = { item_id: item.id, output_index: state.items.indexOf(item) };
  emit(state, { type: 'response.reasoning_summary_text.delta', ...at, summary_index: 0, delta: text });
}

function noteTool(state: EncoderState, activity: ToolActivity): void {
  if (state.toolActivity === 'hide' || state.toolsSeen.has(activity.id)) return;
  state.toolsSeen.add(activity.id);
  const lead = state.open?.kind === 'message' && !state.atLineStart ? '\n' : '';
  appendText(state, `${lead}${renderToolNote(activity)}\n\n`);
}

/** Close the open item (if any) and open a new one of `kind`, announcing it and its one part. */
function openItem(state: EncoderState, kind: OutputItemState['kind']): OutputItemState {
  begin(state);
  closeOpen(state);
  const id = kind === 'message' ? state.ids.message() : state.ids.reasoning();
  const item: OutputItemState = { kind, id, text: '', status: 'in_progress' };
  const at = { item_id: id, output_index: state.items.length };
  state.items.push(item);
  state.open = item;
  if (kind === 'message') {
    state.atLineStart = true;
    emit(state, {
      type: 'response.output_item.added',
      output_index: at.output_index,
      item: messageItem(id, 'in_progress', []),
    });
    emit(state, { type: 'response.content_part.added', ...at, content_index: 0, part: outputTextPart('') });
  } else {
    emit(state, {
      type: 'response.output_item.added',
      output_index: at.output_index,
      item: reasoningItem(id, null),
    });
    emit(state, {
      type: 'response.reasoning_summary_part.added',
      ...at,
      summary_index: 0,
      part: summaryTextPart(''),
    });
  }
  return item;
}

function closeOpen(state: EncoderState): void {
  const item = state.open;
  if (item === null) return;
  state.open = null;
  item.status = 'completed';
  const at = { item_id: item.id, output_index: state.items.indexOf(item) };
  const text = item.text;
  if (item.kind === 'message') {
    emit(state, { type: 'response.output_text.done', ...at, content_index: 0, text, logprobs: [] });
    emit(state, { type: 'response.content_part.done', ...at, content_index: 0, part: outputTextPart(text) });
  } else {
    emit(state, { type: 'response.reasoning_summary_text.done', ...at, summary_index: 0, text });
    emit(state, {
      type: 'response.reasoning_summary_part.done',
      ...at,
      summary_index: 0,
      part: summaryTextPart(text),
    });
  }
  emit(state, { type: 'response.output_item.done', output_index: at.output_index, item: outputItem(item) });
}

function complete(state: EncoderState): void {
  if (state.ending !== null) return;
  begin(state);
  closeOpen(state);
  if (!state.items.some((item) => item.kind === 'message')) {
    openItem(state, 'message');
    closeOpen(state);
  }
  state.ending = { status: 'completed', completedAt: Math.floor(state.now() / 1000) };
  emit(state, { type: 'response.completed', response: snapshot(state) });
}

function failWith(state: EncoderState, error: ResponseFailure): void {
  if (state.ending !== null) return;
  begin(state);
  if (state.open !== null) state.open.status = 'incomplete';
  state.open = null;
  state.ending = { status: 'failed', error: responseError(error) };
  emit(state, { type: 'response.failed', response: snapshot(state) });
}

function snapshot(state: EncoderState): ResponseObject {
  const ending = state.ending;
  if (ending === null) return buildResponse(state.header, { status: 'in_progress', output: state.items });
  return buildResponse(state.header, {
    ...ending,
    output: state.items,
    usage: toResponseUsage(state.meter.current()),
  });
}
