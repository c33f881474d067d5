/**
 * Escaping for the rendered conversation (see `render-conversation.ts`). Only what could forge or
 * blur a block boundary is touched, so code in messages (`a < b && c`, `Vec<T>`) stays verbatim:
 *
 * - a `<` that starts one of the format's tag names (`conversation`, `message`, `tool_call`, with
 *   or without `/`, any case, optional spaces) becomes `&lt;`;
 * - an `&` that starts `&lt;` or `&amp;` (any case) becomes `&amp;`, so the escaping is reversible:
 *   reading left to right, `&lt;` means `<` and `&amp;` means `&`.
 */
const BODY_SPECIAL = /&(?=(?:lt|amp);)|<(?=\s*\/?\s*(?:conversation|message|tool_call))/gi;

/** Escape text placed inside a `<message>` or `<tool_call>` block. */
export function escapeBody(text: string): string {
  return text.replace(BODY_SPECIAL, (match) => (match === '&' ? '&amp;' : '&lt;'));
}

/** Reverse `escapeBody` (for tests and for reading a transcript back). */
export function unescapeBody(text: string): string {
  return text.replace(/&(lt|amp);/gi, (match, name: string) => (name.toLowerCase() === 'lt' ? '<' : '&'));
}

const ATTRIBUTE_SPECIAL: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '"': '&quot;',
  '<': '&lt;',
  '>': '&gt;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Escape an attribute value (ids and names from the client) the XML way. */
export function escapeAttribute(value: string): string {
  return value.replace(/[&"<>\n\r]/g, (char) => ATTRIBUTE_SPECIAL[char] ?? char);
}
