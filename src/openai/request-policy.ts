import { z } from 'zod';
import type { ChatBody } from './chat-body-schema.js';
import { invalidParam, parseAt, unsupportedParam } from './request-param.js';

/** What to do with client-defined `tools`/`functions`: accept and ignore, or refuse with a 400. */
export type ClientToolsMode = 'ignore' | 'reject';

/**
 * Refuse parameters whose meaning relaypool cannot honour: the upstream agent answers with one
 * stream of plain text from its own model settings. Silently dropping these would hand the client
 * something other than what it asked for (several choices, JSON, audio, log-probabilities, a
 * moderation verdict, cited web results), so each is a 400 naming the parameter.
 */
export function checkUnsupportedParams(body: ChatBody): void {
  if (body.n != null && body.n > 1) {
    throw unsupportedParam(['n'], 'only one choice (n = 1) is supported.');
  }
  const format = body.response_format?.type;
  if (format !== undefined && format !== 'text') {
    throw unsupportedParam(
      ['response_format'],
      'only the "text" response format is supported; the upstream agent cannot guarantee JSON output.',
    );
  }
  if (body.modalities?.some((modality) => modality !== 'text')) {
    throw unsupportedParam(['modalities'], 'only the "text" modality is supported.');
  }
  if (body.audio != null) throw unsupportedParam(['audio'], 'audio output is not supported.');
  if (body.logprobs === true) throw unsupportedParam(['logprobs'], 'log probabilities are not available.');
  if (body.top_logprobs != null && body.top_logprobs > 0) {
    throw unsupportedParam(['top_logprobs'], 'log probabilities are not available.');
  }
  if (body.prediction != null) throw unsupportedParam(['prediction'], 'predicted outputs are not supported.');
  if (body.web_search_options != null) {
    throw unsupportedParam(['web_search_options'], 'web search with citations is not supported.');
  }
  if (body.moderation != null)
    throw unsupportedParam(['moderation'], 'moderated completions are not supported.');
}

/**
 * Apply the client-tools policy. Coding clients (Codex CLI, opencode) always send their tools, but
 * the upstream agent runs its own toolset inside its sandbox, so client tools can never be called.
 * Returns how many tool definitions were ignored. A `tool_choice`/`function_call` that *forces* a
 * call is always a 400, because it cannot be honoured; `"auto"` and `"none"` are fine.
 */
export function checkClientTools(body: ChatBody, mode: ClientToolsMode): number {
  const tools = body.tools?.length ?? 0;
  const functions = body.functions?.length ?? 0;
  if (mode === 'reject' && tools > 0)
    throw unsupportedParam(['tools'], 'client-defined tools are not supported.');
  if (mode === 'reject' && functions > 0) {
    throw unsupportedParam(['functions'], 'client-defined functions are not supported.');
  }
  checkToolChoice(body.tool_choice);
  checkFunctionCall(body.function_call);
  return tools + functions;
}

const allowedToolsSchema = z.looseObject({
  allowed_tools: z.looseObject({ mode: z.enum(['auto', 'required']) }),
});

function checkToolChoice(choice: ChatBody['tool_choice']): void {
  if (choice == null || choice === 'auto' || choice === 'none') return;
  if (typeof choice === 'string' && choice !== 'required') {
    throw invalidParam(['tool_choice'], 'expected "none", "auto", "required" or a tool choice object.');
  }
  if (choice === 'required' || (typeof choice === 'object' && forces(choice))) {
    throw unsupportedParam(
      ['tool_choice'],
      'forcing a tool call is not supported; the upstream agent uses its own tools. Use "auto" or "none".',
    );
  }
}

/** Named function/custom choices force a call; `allowed_tools` forces one in mode `required`. */
function forces(choice: { type: string }): boolean {
  if (choice.type === 'function' || choice.type === 'custom') return true;
  if (choice.type === 'allowed_tools') {
    return parseAt(allowedToolsSchema, choice, ['tool_choice']).allowed_tools.mode === 'required';
  }
  throw invalidParam(['tool_choice', 'type'], 'expected "function", "custom" or "allowed_tools".');
}

function checkFunctionCall(call: ChatBody['function_call']): void {
  if (call == null || call === 'auto' || call === 'none') return;
  if (typeof call === 'object') {
    throw unsupportedParam(
      ['function_call'],
      'forcing a function call is not supported; the upstream agent uses its own tools.',
    );
  }
  throw invalidParam(['function_call'], 'expected "none", "auto" or {"name": …}.');
}
