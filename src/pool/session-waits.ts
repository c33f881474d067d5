/** What a stop waiting for a session is told: try again (a new session is stored), or give up (shutdown). */
export type SessionWake = 'retry' | 'abandon';

interface Waiter {
  /** The session the stop was refused with; a different stored session wakes the waiter. */
  refused: string | null;
  wake: (outcome: SessionWake) => void;
}

/**
 * Stops refused because the account's session expired, parked until the account has a session
 * again (a CLI or admin refresh, `POST /admin/session`, a re-login). Whoever stores a session need
 * not know about stops: `check` compares each account's stored session with the one refused.
 */
export class SessionWaits {
  readonly #waiters = new Map<number, Waiter[]>();

  /** Park until `check` sees a session other than `refused` on the account, or `abandonAll`. */
  wait(accountId: number, refused: string | null): Promise<SessionWake> {
    return new Promise((wake) => {
      const list = this.#waiters.get(accountId) ?? [];
      list.push({ refused, wake });
      this.#waiters.set(accountId, list);
    });
  }

  /** Accounts with parked stops. */
  accounts(): number[] {
    return [...this.#waiters.keys()];
  }

  /** Wake the stops of accounts whose stored session (`sessionOf`) is new. */
  async check(sessionOf: (accountId: number) => Promise<string | null>): Promise<void> {
    for (const [accountId, list] of [...this.#waiters]) {
      const current = await sessionOf(accountId);
      if (current === null) continue;
      const ready = list.filter((w) => w.refused !== current);
      if (ready.length === 0) continue;
      const rest = list.filter((w) => w.refused === current);
      if (rest.length === 0) this.#waiters.delete(accountId);
      else this.#waiters.set(accountId, rest);
      for (const w of ready) w.wake('retry');
    }
  }

  /** Shutdown: every parked stop gives up (its row stays unfinished; the next start stops it). */
  abandonAll(): void {
    const all = [...this.#waiters.values()].flat();
    this.#waiters.clear();
    for (const w of all) w.wake('abandon');
  }
}
