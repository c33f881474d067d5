import { z } from 'zod';

/** Wire roles of `messages[i].role` (`function` is the legacy spelling of `tool`). */
export const WIRE_ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;

/** `messages[i]` as far as the role goes; the rest is checked by the role's own schema. */
export const messageRoleSchema = z.looseObject({
  role: z.enum(WIRE_ROLES, {
    error: 'expected one of "system", "developer", "user", "assistant", "tool", "function"',
  }),
});

/** `content`: a string or an array of typed parts (the parts are checked one by one later). */
const content = z.union([z.string(), z.array(z.unknown())], {
  error: 'expected a string or an array of content parts',
});

const name = z.string().nullish();

/** `system`, `developer` and `user` messages. */
export const plainMessageSchema = z.looseObject({ content, name });

const toolCallSchema = z.looseObject({
  id: z.string(),
  type: z.string().optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }).optional(),
  custom: z.looseObject({ name: z.string(), input: z.string() }).optional(),
});

/** `assistant` messages: content may be null when the turn only made tool calls. */
export const assistantMessageSchema = z.looseObject({
  content: content.nullish(),
  name,
  refusal: z.string().nullish(),
  tool_calls: z.array(toolCallSchema).nullish(),
  function_call: z.looseObject({ name: z.string(), arguments: z.string() }).nullish(),
  audio: z.looseObject({}).nullish(),
});

/** A tool call inside an assistant message, as on the wire. */
export type WireToolCall = z.infer<typeof toolCallSchema>;

/** `tool` messages answer one tool call. */
export const toolMessageSchema = z.looseObject({ content, tool_call_id: z.string() });

/** Legacy `function` messages answer a `function_call` by name. */
export const functionMessageSchema = z.looseObject({ content: z.string().nullish(), name: z.string() });

/** The `content` of any message, once shape-checked. */
export type WireContent = z.infer<typeof content>;
