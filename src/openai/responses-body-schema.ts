import { z } from 'zod';

const optionalNumber = z.number().nullish();
const optionalInt = z.number().int().nullish();
const optionalString = z.string().nullish();
const optionalBoolean = z.boolean().nullish();
const looseObject = z.looseObject({}).nullish();

/**
 * The top level of a `POST /v1/responses` body, snake_case as on the wire. Every known field is
 * type-checked (so `store: "no"` is a 400 naming `store`); unknown vendor extras pass through
 * untouched. Input items are checked one by one later, for precise error paths. Which fields are
 * honoured, ignored or refused is decided in `responses-policy.ts`.
 */
export const responsesBodySchema = z.looseObject({
  // Optional: without it the configured default model is used (the route decides; 400 if none).
  model: z.string().min(1, { error: 'expected a non-empty model name' }).nullish(),
  input: z.union([z.string(), z.array(z.unknown())], {
    error: 'expected a string or an array of input items',
  }),
  // Honoured.
  instructions: optionalString,
  stream: optionalBoolean,
  store: optionalBoolean,
  previous_response_id: z.string().min(1, { error: 'expected a non-empty response id' }).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  user: optionalString,
  // Refused when they ask for something relaypool cannot give (see responses-policy.ts).
  background: optionalBoolean,
  conversation: z
    .union([z.string(), z.looseObject({ id: z.string() })], {
      error: 'expected a conversation id or {"id": …}',
    })
    .nullish(),
  prompt: looseObject,
  audio: looseObject,
  text: z
    .looseObject({ format: z.looseObject({ type: z.string() }).nullish(), verbosity: optionalString })
    .nullish(),
  include: z.array(z.string()).nullish(),
  top_logprobs: z.number().int().min(0).nullish(),
  // Client tools: accepted and ignored, or refused (option `clientTools`). Codex CLI sends
  // `function`, `custom`, `local_shell`, `web_search`, `namespace`… so any typed object passes.
  tools: z.array(z.looseObject({ type: z.string() })).nullish(),
  tool_choice: z
    .union([z.string(), z.looseObject({ type: z.string() })], {
      error: 'expected "none", "auto", "required" or a tool choice object',
    })
    .nullish(),
  parallel_tool_calls: optionalBoolean,
  max_tool_calls: optionalInt,
  // Accepted and ignored: the agent runs with its own model settings.
  temperature: optionalNumber,
  top_p: optionalNumber,
  max_output_tokens: optionalInt,
  reasoning: looseObject,
  truncation: optionalString,
  service_tier: optionalString,
  stream_options: looseObject,
  prompt_cache_key: optionalString,
  prompt_cache_retention: optionalString,
  safety_identifier: optionalString,
  client_metadata: z.record(z.string(), z.unknown()).nullish(),
});

/** A type-checked Responses request body. */
export type ResponsesBody = z.infer<typeof responsesBodySchema>;
