import { z } from 'zod';

const optionalNumber = z.number().nullish();
const optionalInt = z.number().int().nullish();
const optionalString = z.string().nullish();
const optionalBoolean = z.boolean().nullish();

/**
 * The top level of a `POST /v1/chat/completions` body, snake_case as on the wire. Every known field
 * is type-checked (so `stream: "yes"` is a 400 naming `stream`); unknown vendor extras pass
 * through untouched. Messages are checked one by one later, for precise error paths. Which fields
 * are honoured, ignored or refused is decided in `request-policy.ts`.
 */
export const chatBodySchema = z.looseObject({
  // Optional: without it the configured default model is used (the route decides; 400 if none).
  model: z.string().min(1, { error: 'expected a non-empty model name' }).nullish(),
  messages: z.array(z.unknown()).min(1, { error: 'expected a non-empty array of messages' }),
  // Honoured.
  stream: optionalBoolean,
  stream_options: z
    .looseObject({ include_usage: optionalBoolean, include_obfuscation: optionalBoolean })
    .nullish(),
  // Refused unless harmless (see request-policy.ts).
  n: z.number().int().min(1).nullish(),
  response_format: z.looseObject({ type: z.string() }).nullish(),
  modalities: z.array(z.string()).nullish(),
  audio: z.looseObject({}).nullish(),
  logprobs: optionalBoolean,
  top_logprobs: z.number().int().min(0).nullish(),
  prediction: z.looseObject({}).nullish(),
  web_search_options: z.looseObject({}).nullish(),
  moderation: z.looseObject({}).nullish(),
  // Client tools: accepted and ignored, or refused (option `clientTools`).
  tools: z.array(z.looseObject({ type: z.string() })).nullish(),
  functions: z.array(z.looseObject({ name: z.string() })).nullish(),
  tool_choice: z
    .union([z.string(), z.looseObject({ type: z.string() })], {
      error: 'expected "none", "auto", "required" or a tool choice object',
    })
    .nullish(),
  function_call: z
    .union([z.string(), z.looseObject({ name: z.string() })], {
      error: 'expected "none", "auto" or {"name": …}',
    })
    .nullish(),
  parallel_tool_calls: optionalBoolean,
  // Accepted and ignored: the agent runs with its own model settings.
  temperature: optionalNumber,
  top_p: optionalNumber,
  max_tokens: optionalInt,
  max_completion_tokens: optionalInt,
  frequency_penalty: optionalNumber,
  presence_penalty: optionalNumber,
  stop: z
    .union([z.string(), z.array(z.string())], { error: 'expected a string or an array of strings' })
    .nullish(),
  seed: optionalInt,
  user: optionalString,
  metadata: z.record(z.string(), z.string()).nullish(),
  store: optionalBoolean,
  logit_bias: z.record(z.string(), z.number()).nullish(),
  reasoning_effort: optionalString,
  service_tier: optionalString,
  prompt_cache_key: optionalString,
  prompt_cache_retention: optionalString,
  safety_identifier: optionalString,
  verbosity: optionalString,
});

/** A type-checked chat request body. */
export type ChatBody = z.infer<typeof chatBodySchema>;
