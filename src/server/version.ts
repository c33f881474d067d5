import { readFileSync } from 'node:fs';

/** relaypool's version, read once from package.json (works from src/ under tsx and from dist/). */
export function readVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const parsed: unknown = JSON.parse(text);
  if (
    parsed !== null &&
    typeof parsed === 'object' &&
    'version' in parsed &&
    typeof parsed.version === 'string'
  ) {
    return parsed.version;
  }
  return '0.0.0';
}
