/**
 * When to read a booting task's status. MonkeyCode pushes nothing when a task turns `processing`
 * (docs/monkeycode-protocol.md §5.6: clients poll `GET /tasks/{id}`; docs/monkeycode-protocol.md §5.5: an attach before the VM exists gets an `error` frame
 * and a close, docs/monkeycode-protocol.md §12 item 4), so the first token waits for a status read. Reading every 2 s like the
 * official clients (docs/monkeycode-protocol.md §5.6) adds ~1 s per new task on average; reading every few ms floods the
 * platform. The schedule learns from the pool's own recent boots: it sleeps until the fast end of
 * them, reads densely until just after the typical boot, then backs off to `maxIntervalMs`.
 */

/** How a schedule is tuned (config `upstream.readiness.*` and `upstream.pollIntervalMs`). */
export interface BootScheduleOptions {
  /** Gap between reads around the expected boot moment (and the first back-off step). */
  denseIntervalMs: number;
  /** The longest gap between two reads (the back-off ceiling). */
  maxIntervalMs: number;
  /** Recent boot times remembered; 0: learn nothing, back off from the first read. */
  history: number;
  /** The dense phase lasts at most this long, however wide recent boots spread. */
  denseSpanMs?: number;
}

/** One wait for one task: when to read next, told what each read saw. Times are clock ms. */
export interface PollPlan {
  /** Milliseconds from `now` until the next status read (0: read at once). */
  delayMs(now: number): number;
  /** A read that started at `startedAt` saw the task not ready. */
  notReady(startedAt: number): void;
  /** A read that started at `startedAt` saw the task ready. */
  ready(startedAt: number): void;
}

/** Recent boots: the fast end (10th percentile) and the typical (median) boot, ms after create. */
export interface BootEstimate {
  fastMs: number;
  typicalMs: number;
}

/** A pool-wide learner of boot times that hands out one `PollPlan` per booting task. */
export class BootSchedule {
  readonly #boots: number[] = [];
  #next = 0;
  /** Tasks in a row that were ready at their first read. */
  #earlyStreak = 0;
  readonly #dense: number;
  readonly #max: number;
  readonly #denseSpan: number;

  constructor(private readonly options: BootScheduleOptions) {
    this.#max = Math.max(1, options.maxIntervalMs);
    this.#dense = Math.max(1, Math.min(options.denseIntervalMs, this.#max));
    this.#denseSpan = options.denseSpanMs ?? 5 * this.#dense;
  }

  /** What recent boots say, or null before the first one (or with `history` 0). */
  estimate(): BootEstimate | null {
    if (this.#boots.length === 0) return null;
    const sorted = [...this.#boots].sort((a, b) => a - b);
    const at = (q: number): number => sorted[Math.floor(q * (sorted.length - 1))] ?? 0;
    return { fastMs: at(0.1), typicalMs: at(0.5) };
  }

  /** Remember one boot (ms from create to ready); the oldest falls out past `history`. */
  record(bootMs: number): void {
    if (this.options.history <= 0) return;
    if (this.#boots.length < this.options.history) this.#boots.push(bootMs);
    else this.#boots[this.#next] = bootMs;
    this.#next = (this.#next + 1) % this.options.history;
  }

  /**
   * The boot ended between the last read that saw it pending and the one that saw it ready: the
   * middle when the reads were dense, one dense step before the ready read when they were far apart
   * (back-off). Ready at the first read says only "earlier than planned": one dense step earlier,
   * doubling with every task in a row that says so — one odd early boot moves the fast end a little,
   * boots that really got faster pull it down within a few tasks.
   */
  #observe(readyAt: number, lastNotReady: number | null): void {
    if (lastNotReady === null) {
      this.record(Math.max(0, readyAt - this.#dense * 2 ** this.#earlyStreak));
      this.#earlyStreak = Math.min(this.#earlyStreak + 1, 20);
      return;
    }
    this.#earlyStreak = 0;
    const close = readyAt - lastNotReady <= 2 * this.#dense;
    this.record(close ? (lastNotReady + readyAt) / 2 : Math.max(lastNotReady, readyAt - this.#dense));
  }

  /** The plan for a task whose create call answered at `createdAt`; its boot is learned when ready. */
  begin(createdAt: number): PollPlan {
    const estimate = this.estimate();
    const start = estimate === null ? 0 : Math.max(0, estimate.fastMs - this.#dense);
    const denseUntil =
      estimate === null
        ? 0
        : Math.min(Math.max(start, estimate.typicalMs) + this.#dense, start + this.#denseSpan);
    const learn = (readyAt: number, lastNotReady: number | null): void =>
      this.#observe(readyAt, lastNotReady);
    return new Plan(createdAt, start, denseUntil, this.#dense, this.#max, learn);
  }

  /** A plan that learns nothing: first read at once, then back off (a wake-up, a follow-up on a pending task). */
  backoff(startedAt: number): PollPlan {
    return new Plan(startedAt, 0, 0, this.#dense, this.#max, () => undefined);
  }
}

/** Reads at `start`, every `dense` ms up to `denseUntil`, then at doubling gaps up to `max`. */
class Plan implements PollPlan {
  /** Next read, ms after `origin`; null before the first read. */
  #nextAt: number | null = null;
  #gap: number;
  /** Start of the last read that saw the task not ready, ms after `origin` (the boot's lower bound). */
  #lastNotReady: number | null = null;

  constructor(
    private readonly origin: number,
    private readonly start: number,
    private readonly denseUntil: number,
    private readonly dense: number,
    private readonly max: number,
    /** Told the start of the read that saw the task ready and of the last one that did not. */
    private readonly learn: (readyAt: number, lastNotReady: number | null) => void,
  ) {
    this.#gap = dense;
  }

  delayMs(now: number): number {
    const at = this.#nextAt ?? this.start;
    return Math.max(0, this.origin + at - now);
  }

  notReady(startedAt: number): void {
    const elapsed = Math.max(0, startedAt - this.origin);
    this.#lastNotReady = elapsed;
    if (elapsed + this.dense <= this.denseUntil) {
      this.#nextAt = elapsed + this.dense;
      return;
    }
    this.#nextAt = elapsed + this.#gap;
    this.#gap = Math.min(this.max, this.#gap * 2);
  }

  ready(startedAt: number): void {
    const elapsed = Math.max(0, startedAt - this.origin);
    this.learn(elapsed, this.#lastNotReady);
  }
}
