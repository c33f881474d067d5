/** How the dashboard writes durations and times (server-rendered, so the same in every browser). */

const UNITS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** A duration as its two largest units: `2m 13s`, `1h 5m`, `3d 2h`; under a second `0s`. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.floor(ms));
  for (const [unit, size] of UNITS) {
    if (parts.length === 2) break;
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
  }
  if (parts.length === 0) return '0s';
  return parts[1] === '0s' || parts[1] === '0m' || parts[1] === '0h' ? parts[0]! : parts.join(' ');
}

/** A duration as an age, in whole minutes at least (so a live view does not change every second). */
export function formatAge(ms: number): string {
  return ms < 60_000 ? 'under 1m' : formatDuration(Math.floor(ms / 60_000) * 60_000);
}

/** A time of day in UTC, `HH:MM:SS`. */
export function formatClock(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}
