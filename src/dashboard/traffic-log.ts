import { LatencyHistogram } from './latency-histogram.js';
import { RingBuffer } from './ring-buffer.js';

/** One finished API request, as the traffic recorder saw it. */
export interface RequestSample {
  at: number;
  requestId: string;
  method: string;
  route: string;
  status: number;
  /** Time until the response headers, in ms. */
  ttfbMs: number;
  /** The error's stable code (e.g. `model_not_found`) when the request failed, else null. */
  errorKind: string | null;
}

/** A failed request in the dashboard's table. */
export type FailedRequest = Omit<RequestSample, 'ttfbMs'>;

/** Per-minute figures over the window, oldest minute first (columns, for charts). */
export interface TrafficSeries {
  /** Start of each minute, ms since the epoch. */
  minutes: number[];
  requests: number[];
  errors: number[];
  /** Time to first byte, ms; null in a minute without requests. */
  ttfbP50: Array<number | null>;
  ttfbP95: Array<number | null>;
}

interface MinuteSlot {
  minute: number;
  requests: number;
  errors: number;
  ttfb: LatencyHistogram;
}

const MINUTE_MS = 60_000;

const tenths = (ms: number | null | undefined): number | null =>
  ms == null ? null : Math.round(ms * 10) / 10;

export interface TrafficLogOptions {
  /** Minutes of history (default 24 h). */
  windowMinutes?: number;
  /** Failed requests kept (default 100). */
  failureCapacity?: number;
}

/**
 * In-process traffic of the API routes: per-minute counts and time-to-first-byte histograms over
 * a sliding window (one slot per minute, reused as the window moves), and the most recent failed
 * requests in a bounded ring buffer. Memory is fixed by the options, whatever the traffic; the
 * figures are this process's only and start empty after a restart.
 */
export class TrafficLog {
  readonly #slots: Array<MinuteSlot | undefined>;
  readonly #failures: RingBuffer<FailedRequest>;

  constructor(options: TrafficLogOptions = {}) {
    this.#slots = new Array<MinuteSlot | undefined>(options.windowMinutes ?? 24 * 60);
    this.#failures = new RingBuffer(options.failureCapacity ?? 100);
  }

  /** Count one finished request; a status of 400 or more (or an error kind) is a failure. */
  record(sample: RequestSample): void {
    const minute = Math.floor(sample.at / MINUTE_MS);
    const index = minute % this.#slots.length;
    let slot = this.#slots[index];
    if (slot?.minute !== minute) {
      slot = { minute, requests: 0, errors: 0, ttfb: new LatencyHistogram() };
      this.#slots[index] = slot;
    }
    slot.requests += 1;
    slot.ttfb.observe(sample.ttfbMs);
    if (sample.status >= 400 || sample.errorKind !== null) {
      slot.errors += 1;
      const { ttfbMs: _ttfb, ...failure } = sample;
      this.#failures.push(failure);
    }
  }

  /** The window ending with the minute of `now`, one entry per minute. */
  series(now: number): TrafficSeries {
    const out: TrafficSeries = { minutes: [], requests: [], errors: [], ttfbP50: [], ttfbP95: [] };
    const last = Math.floor(now / MINUTE_MS);
    for (let minute = last - this.#slots.length + 1; minute <= last; minute++) {
      const slot = this.#slots[minute % this.#slots.length];
      const live = slot?.minute === minute ? slot : null;
      out.minutes.push(minute * MINUTE_MS);
      out.requests.push(live?.requests ?? 0);
      out.errors.push(live?.errors ?? 0);
      out.ttfbP50.push(tenths(live?.ttfb.quantile(0.5)));
      out.ttfbP95.push(tenths(live?.ttfb.quantile(0.95)));
    }
    return out;
  }

  /** The most recent failed requests, newest first. */
  failures(): FailedRequest[] {
    return this.#failures.newestFirst();
  }
}
