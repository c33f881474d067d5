import assert from 'node:assert/strict';
import { InvalidRequestError } from '../../src/util/errors.js';
import type { UpstreamEvent } from '../../src/upstream/types.js';

/** Assert `run` throws an `InvalidRequestError` naming `param`; returns it for further checks. */
export function assertInvalid(run: () => unknown, param: string | null): InvalidRequestError {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof InvalidRequestError, `expected InvalidRequestError, got ${String(caught)}`);
  assert.equal(caught.param, param);
  assert.equal(caught.status, 400);
  return caught;
}

/** Shorthands for upstream events. */
export const ev = {
  created: (taskId = 't1'): UpstreamEvent => ({ type: 'task-created', taskId }),
  ready: (taskId = 't1'): UpstreamEvent => ({ type: 'task-ready', taskId }),
  started: (taskId = 't1'): UpstreamEvent => ({ type: 'turn-started', taskId }),
  text: (text: string): UpstreamEvent => ({ type: 'text', text }),
  reasoning: (text: string): UpstreamEvent => ({ type: 'reasoning', text }),
  tool: (
    id: string,
    title: string | null,
    inputSummary: string | null = null,
    status = 'pending',
  ): UpstreamEvent => ({
    type: 'tool-activity',
    id,
    title,
    kind: 'read',
    status,
    inputSummary,
  }),
  usage: (inputTokens: number, outputTokens: number): UpstreamEvent => ({
    type: 'usage',
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    estimated: false,
  }),
  finish: (taskId = 't1'): UpstreamEvent => ({ type: 'finish', taskId }),
};
