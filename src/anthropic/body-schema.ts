import { z } from 'zod';

const optionalNumber = z.number().nullish();

/**
 * The top level of a `POST /v1/messages/count_tokens` body (and the common part of a messages
 * body), snake_case as on the wire. Known fields are type-checked, unknown ones pass through
 * untouched (new beta fields must not break Claude Code). Messages and content blocks are checked
 * one by one later, for precise error paths.
 */
export const countTokensBodySchema = z.looseObject({
  model: z.string().min(1, { error: 'expected a non-empty model name' }),
  messages: z.array(z.unknown()).min(1, { error: 'expected a non-empty array of messages' }),
  // A string or text blocks (checked with the blocks).
  system: z
    .union([z.string(), z.array(z.unknown())], { error: 'expected a string or an array of text blocks' })
    .nullish(),
  // Accepted; reasoning is shown unless disabled here or hidden by configuration.
  thinking: z.looseObject({ type: z.string() }).nullish(),
  // Client tools: ignored or refused (`openai.clientTools`); a forced choice is refused.
  tools: z.array(z.looseObject({})).nullish(),
  tool_choice: z.looseObject({ type: z.string() }).nullish(),
});

/** The top level of a `POST /v1/messages` body. */
export const messagesBodySchema = countTokensBodySchema.extend({
  // Required by the API; accepted (the agent decides how long its answer is).
  max_tokens: z.number().int().min(1, { error: 'expected an integer >= 1' }),
  stream: z.boolean().nullish(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).nullish(),
  // Accepted and ignored: the agent runs with its own model settings.
  stop_sequences: z.array(z.string()).nullish(),
  temperature: optionalNumber,
  top_p: optionalNumber,
  top_k: z.number().int().nullish(),
  service_tier: z.string().nullish(),
});

/** A type-checked count_tokens body. */
export type CountTokensBody = z.infer<typeof countTokensBodySchema>;
/** A type-checked messages body. */
export type MessagesBody = z.infer<typeof messagesBodySchema>;
