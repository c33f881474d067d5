/**
 * Base64 as Go's `encoding/json` does it for `[]byte`: standard alphabet with padding. Decoding is
 * strict about the alphabet and padding (Go ignores only CR/LF), so a client that sends raw text in
 * `data` gets its frame dropped (docs/monkeycode-protocol.md §5.2).
 */

const STD_B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard base64 of the UTF-8 bytes of `text`. */
export function b64encode(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Standard base64 of `JSON.stringify(value)`. */
export function b64json(value: unknown): string {
  return b64encode(JSON.stringify(value));
}

/** True when `s` is valid standard (padded) base64, ignoring CR/LF like Go. */
export function isStdBase64(s: string): boolean {
  return STD_B64.test(s.replace(/[\r\n]/g, ''));
}

/** Decodes strict standard base64 to bytes, or `null` when `s` is not valid base64. */
export function b64decodeBytes(s: string): Buffer | null {
  if (!isStdBase64(s)) return null;
  return Buffer.from(s.replace(/[\r\n]/g, ''), 'base64');
}

/** Decodes strict standard base64 to UTF-8 text, or `null`. */
export function b64decodeText(s: string): string | null {
  const bytes = b64decodeBytes(s);
  return bytes === null ? null : bytes.toString('utf8');
}

/** Parses JSON without throwing; `undefined` when it is not JSON. */
export function tryParseJson(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return value;
  } catch {
    return undefined;
  }
}
