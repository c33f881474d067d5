/**
 * Base64 helpers of the spec client, written from docs/monkeycode-protocol.md §5.2–§5.3 independently of the fake:
 * every WS `data` is standard base64 of JSON; `user-input` text is base64 inside that JSON.
 */

/** Standard base64 of UTF-8 text. */
export function toB64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** UTF-8 text of standard base64. */
export function fromB64(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}

/** `data` of a client `user-input`: base64 of `{"content":"<base64 text>","attachments":[]}`. */
export function userInputData(text: string): string {
  return toB64(JSON.stringify({ content: toB64(text), attachments: [] }));
}

/** Decodes a server frame's `data`: null → null, else JSON of the base64 text. */
export function decodeData(data: string | null): unknown {
  if (data === null) return null;
  const value: unknown = JSON.parse(fromB64(data));
  return value;
}

/** True when `s` is canonical standard base64 (round-trips exactly). */
export function isCanonicalB64(s: string): boolean {
  return Buffer.from(s, 'base64').toString('base64') === s;
}
