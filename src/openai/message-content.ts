import { z } from 'zod';
import type { WireContent } from './chat-message-schema.js';
import { invalidParam, parseAt, unsupportedParam, type ParamPath } from './request-param.js';

const partSchema = z.looseObject({ type: z.string() });
const textPartSchema = z.looseObject({ type: z.literal('text'), text: z.string() });
const refusalPartSchema = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

/** Part types OpenAI defines that carry something other than text. */
const NON_TEXT_PARTS: ReadonlySet<string> = new Set(['image_url', 'input_audio', 'file']);

/**
 * The text of a message's `content` (found at `path`): a string as is, text parts joined with
 * `\n`. Images, audio and files are a 400 naming the part: the upstream agent receives text only.
 * `refusal` parts are accepted in assistant messages (`allowRefusal`) and read as text.
 */
export function contentText(
  content: WireContent | null | undefined,
  path: ParamPath,
  allowRefusal = false,
): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((part, index) => partText(part, [...path, index], allowRefusal)).join('\n');
}

function partText(raw: unknown, path: ParamPath, allowRefusal: boolean): string {
  const part = parseAt(partSchema, raw, path);
  if (part.type === 'text') return parseAt(textPartSchema, part, path).text;
  if (part.type === 'refusal' && allowRefusal) return parseAt(refusalPartSchema, part, path).refusal;
  if (NON_TEXT_PARTS.has(part.type)) {
    throw unsupportedParam(
      path,
      `${part.type} content parts are not supported; the upstream agent accepts text only.`,
    );
  }
  throw invalidParam([...path, 'type'], allowRefusal ? 'expected "text" or "refusal".' : 'expected "text".');
}
