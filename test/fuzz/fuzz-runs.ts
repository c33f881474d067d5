/**
 * How many cases each property runs: a few hundred in all under `npm test`, thousands when
 * `npm run chaos` sets `RELAYPOOL_FUZZ_RUNS`. The seed is fixed per run and printed on failure by
 * fast-check (rerun with `RELAYPOOL_FUZZ_SEED`).
 */
export function fuzzRuns(defaultRuns: number): { numRuns: number; seed?: number } {
  const runs = Number(process.env.RELAYPOOL_FUZZ_RUNS ?? '');
  const seed = Number(process.env.RELAYPOOL_FUZZ_SEED ?? '');
  return {
    numRuns: Number.isInteger(runs) && runs > 0 ? runs : defaultRuns,
    ...(Number.isInteger(seed) && process.env.RELAYPOOL_FUZZ_SEED ? { seed } : {}),
  };
}
