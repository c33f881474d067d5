/** How the pool picks among accounts with a free slot (config `pool.strategy`). */
export type Strategy = 'least-busy' | 'round-robin' | 'fill-first';

/** An account with at least one free slot. */
export interface SlotCandidate {
  accountId: number;
  inFlight: number;
  max: number;
  /** Sequence number of its last lease (0 = never); lower means longer ago. */
  lastLeased: number;
}

/**
 * Pick one candidate (non-empty list):
 * - `least-busy`: the lowest share of slots in use; ties go to the account leased longest ago,
 *   then the lowest id — so idle accounts take turns;
 * - `round-robin`: the first account after the previously picked one, by id, wrapping around;
 * - `fill-first`: the lowest id, so one account fills up before the next is used.
 */
export function pickCandidate(
  strategy: Strategy,
  candidates: readonly SlotCandidate[],
  previous: number | null,
): SlotCandidate {
  const byId = [...candidates].sort((a, b) => a.accountId - b.accountId);
  const first = byId[0];
  if (first === undefined) throw new Error('pickCandidate needs at least one candidate');
  switch (strategy) {
    case 'fill-first':
      return first;
    case 'round-robin':
      return byId.find((c) => previous === null || c.accountId > previous) ?? first;
    case 'least-busy':
      return byId.reduce((best, c) => (compareLoad(c, best) < 0 ? c : best));
  }
}

function compareLoad(a: SlotCandidate, b: SlotCandidate): number {
  return (
    a.inFlight / a.max - b.inFlight / b.max ||
    a.inFlight - b.inFlight ||
    a.lastLeased - b.lastLeased ||
    a.accountId - b.accountId
  );
}
