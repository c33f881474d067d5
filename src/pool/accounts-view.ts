/**
 * The accounts as the pool sees them: a snapshot read from the (asynchronous) store, read again
 * whenever the data version moves or something asks for it, the newest read winning.
 */
import type { AsyncStore } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import type { Clock } from '../util/timing.js';
import { readSnapshot, type PoolSnapshot } from './selection.js';

/** The snapshot before the first read: no accounts. */
const EMPTY: PoolSnapshot = {
  accounts: [],
  modelIds: new Map(),
  modelNames: new Set(),
  modelCooldowns: new Map(),
  sessions: new Map(),
};

/** What keeping the view needs. */
export interface AccountsViewDeps {
  store: AsyncStore;
  clock: Clock;
  logger: Logger;
  /** Called when a read is in and is the newest (the pool sweeps idle tasks and serves waiters). */
  loaded: (snapshot: PoolSnapshot) => void;
}

/** The pool's snapshot of the accounts, kept current. */
export class AccountsView {
  readonly #deps: AccountsViewDeps;
  #snapshot: PoolSnapshot = EMPTY;
  /** The read under way (null: the snapshot held is current). */
  #loading: Promise<void> | null = null;
  /** Bumped by every `reload`: only the newest read becomes the snapshot. */
  #generation = 0;
  #dataVersion: number | null = null;

  constructor(deps: AccountsViewDeps) {
    this.#deps = deps;
  }

  /** The snapshot held now. */
  get current(): PoolSnapshot {
    return this.#snapshot;
  }

  /** False while a read is under way. */
  get ready(): boolean {
    return this.#loading === null;
  }

  /** Read the accounts again; resolves once the newest read is in. */
  async reload(): Promise<void> {
    const loading = this.#load(++this.#generation);
    this.#loading = loading;
    await loading;
    await this.settled();
  }

  /**
   * Start a read when another connection committed since the last look (one query). True when it
   * did; `settled` then waits for the read.
   */
  async changed(): Promise<boolean> {
    const version = await this.#deps.store.dataVersion();
    if (version === this.#dataVersion) return false;
    this.#dataVersion = version;
    void this.reload();
    return true;
  }

  /**
   * Read again after every change committed elsewhere that the store announces (PostgreSQL: its
   * data version moves before the writer commits, so `changed` alone could miss one). Resolves to
   * a function that stops following.
   */
  follow(): Promise<() => Promise<void>> {
    return this.#deps.store.onDataChanged(() => void this.reload());
  }

  /** Resolves once no read is under way. */
  async settled(): Promise<void> {
    while (this.#loading !== null) await this.#loading;
  }

  async #load(generation: number): Promise<void> {
    const { store, clock, logger } = this.#deps;
    let snapshot: PoolSnapshot | null = null;
    try {
      snapshot = await readSnapshot(store, clock.now(), (accountId, err) =>
        logger.error({ accountId, err }, 'cannot read the session of an account'),
      );
    } catch (err) {
      logger.warn({ err }, 'could not read the accounts; serving from the last read');
    }
    if (generation !== this.#generation) return; // a newer read was asked for
    this.#loading = null;
    if (snapshot !== null) this.#snapshot = snapshot;
    this.#deps.loaded(this.#snapshot);
  }
}
