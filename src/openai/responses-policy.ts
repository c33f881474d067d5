import { z } from 'zod';
import type { ClientToolsMode } from './request-policy.js';
import { invalidParam, parseAt, unsupportedParam } from './request-param.js';
import type { ResponsesBody } from './responses-body-schema.js';

/**
 * Refuse Responses parameters whose meaning relaypool cannot honour: the upstream agent answers
 * with one live stream of plain text, and relaypool keeps no stored prompts or conversation
 * objects. Dropping these silently would hand the client something other than what it asked for,
 * so each is a 400 naming the parameter. Codex CLI's usual fields (`store: false`, `include`,
 * `reasoning`, `text.verbosity`, `prompt_cache_key`, `client_metadata`…) all pass.
 */
export function checkUnsupportedResponsesParams(body: ResponsesBody): void {
  if (body.background === true) {
    throw unsupportedParam(
      ['background'],
      'background responses are not supported; stream the response instead.',
    );
  }
  if (body.conversation != null) {
    throw unsupportedParam(
      ['conversation'],
      'conversation objects are not supported; use previous_response_id or send the history in input.',
    );
  }
  if (body.prompt != null) {
    throw unsupportedParam(
      ['prompt'],
      'stored prompt templates are not supported; send instructions and input.',
    );
  }
  if (body.audio != null) throw unsupportedParam(['audio'], 'audio output is not supported.');
  const format = body.text?.format?.type;
  if (format != null && format !== 'text') {
    throw unsupportedParam(
      ['text', 'format'],
      'only the "text" format is supported; the upstream agent cannot guarantee JSON output.',
    );
  }
  if (body.include?.includes('message.output_text.logprobs')) {
    throw unsupportedParam(['include'], 'log probabilities are not available.');
  }
  if (body.top_logprobs != null && body.top_logprobs > 0) {
    throw unsupportedParam(['top_logprobs'], 'log probabilities are not available.');
  }
}

const allowedToolsSchema = z.looseObject({ mode: z.enum(['auto', 'required']) });

/**
 * Apply the client-tools policy (same rule as chat): client tools can never be called because the
 * upstream agent runs its own toolset, so they are ignored (default) or refused with 400 `tools`.
 * Returns how many tool definitions were ignored. A `tool_choice` that forces a call (`required`,
 * a named function/custom/hosted tool, `allowed_tools` in mode `required`) is always a 400.
 */
export function checkResponsesClientTools(body: ResponsesBody, mode: ClientToolsMode): number {
  const tools = body.tools?.length ?? 0;
  if (mode === 'reject' && tools > 0)
    throw unsupportedParam(['tools'], 'client-defined tools are not supported.');
  checkToolChoice(body.tool_choice);
  return tools;
}

/** The `tool_choice` a response echoes: `none` when the client said so, else `auto`. */
export function echoedToolChoice(body: ResponsesBody): 'auto' | 'none' {
  return body.tool_choice === 'none' ? 'none' : 'auto';
}

function checkToolChoice(choice: ResponsesBody['tool_choice']): void {
  if (choice == null || choice === 'auto' || choice === 'none') return;
  if (typeof choice === 'string' && choice !== 'required') {
    throw invalidParam(['tool_choice'], 'expected "none", "auto", "required" or a tool choice object.');
  }
  if (typeof choice === 'object' && choice.type === 'allowed_tools') {
    if (parseAt(allowedToolsSchema, choice, ['tool_choice']).mode === 'auto') return;
  }
  throw unsupportedParam(
    ['tool_choice'],
    'forcing a tool call is not supported; the upstream agent uses its own tools. Use "auto" or "none".',
  );
}
