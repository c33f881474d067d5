import { z } from 'zod';
import { invalidParam, parseAt, unsupportedParam, type ParamPath } from './request-param.js';

const partSchema = z.looseObject({ type: z.string() });
const textPartSchema = z.looseObject({ text: z.string() });
const refusalPartSchema = z.looseObject({ refusal: z.string() });

/** Part types the Responses API defines that carry something other than text. */
const NON_TEXT_PARTS: ReadonlySet<string> = new Set(['input_image', 'input_file', 'input_audio']);

/** Message `content` or tool `output`: a string or an array of typed parts. */
export const responsesContentSchema = z.union([z.string(), z.array(z.unknown())], {
  error: 'expected a string or an array of content parts',
});

/**
 * The text of a Responses `content` (or a tool call's `output`) found at `path`: a string as is,
 * `input_text`/`output_text` parts joined with `\n` (either kind in any role: clients resend output
 * messages as input). Images, files and audio are a 400 naming the part, e.g.
 * `input[2].content[0]`: the upstream agent receives text only. `refusal` parts count as text in
 * assistant messages (`allowRefusal`).
 */
export function responsesContentText(
  content: string | readonly unknown[],
  path: ParamPath,
  allowRefusal = false,
): string {
  if (typeof content === 'string') return content;
  return content.map((part, index) => partText(part, [...path, index], allowRefusal)).join('\n');
}

function partText(raw: unknown, path: ParamPath, allowRefusal: boolean): string {
  const { type } = parseAt(partSchema, raw, path);
  if (type === 'input_text' || type === 'output_text') return parseAt(textPartSchema, raw, path).text;
  if (type === 'refusal' && allowRefusal) return parseAt(refusalPartSchema, raw, path).refusal;
  if (NON_TEXT_PARTS.has(type)) {
    throw unsupportedParam(
      path,
      `${type} content parts are not supported; the upstream agent accepts text only.`,
    );
  }
  const expected = allowRefusal
    ? '"input_text", "output_text" or "refusal"'
    : '"input_text" or "output_text"';
  throw invalidParam([...path, 'type'], `expected ${expected}.`);
}
