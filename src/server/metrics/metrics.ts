import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PoolObserver } from '../../pool/account-pool-types.js';
import type { PoolReport } from '../../pool/pool-report.js';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
const STATES = ['active', 'locked', 'cooling', 'expired', 'invalid', 'disabled', 'unverified'] as const;

/** The instruments of one app: HTTP, pool and upstream metrics in one per-app registry. */
export interface Metrics {
  registry: Registry;
  /** Count a request and observe its time to response headers (called once per request). */
  requestStarted(method: string, route: string, status: number, ttfbSeconds: number): void;
  /** Observe a request's whole duration, until its response (stream included) closed. */
  requestFinished(method: string, route: string, seconds: number): void;
  /** The pool's hooks (tasks, upstream errors, queue waits). */
  observer: PoolObserver;
}

/**
 * Build the metrics of one app. Pool gauges are read from `poolReport` only when scraped, so
 * the request path pays for nothing but a counter increment and two histogram observations.
 */
export function createMetrics(poolReport: () => Promise<PoolReport>, now: () => number): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const requests = new Counter({
    name: 'relaypool_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const ttfb = new Histogram({
    name: 'relaypool_http_time_to_first_byte_seconds',
    help: 'Time until response headers',
    labelNames: ['method', 'route'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const duration = new Histogram({
    name: 'relaypool_http_request_duration_seconds',
    help: 'Time until the response (stream included) ended',
    labelNames: ['method', 'route'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const upstreamErrors = new Counter({
    name: 'relaypool_upstream_errors_total',
    help: 'Upstream failures of turns, by kind and upstream code',
    labelNames: ['kind', 'code'],
    registers,
  });
  const queueWait = new Histogram({
    name: 'relaypool_queue_wait_seconds',
    help: 'Time a request waited for an account',
    labelNames: ['outcome'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const started = new Counter({
    name: 'relaypool_tasks_started_total',
    help: 'Upstream tasks created',
    registers,
  });
  const stopped = new Counter({
    name: 'relaypool_tasks_stopped_total',
    help: 'Upstream tasks stopped by relaypool',
    labelNames: ['recovered'],
    registers,
  });
  const keptTurns = new Counter({
    name: 'relaypool_kept_task_turns_total',
    help: 'Turns run on a kept task (continued, warm) or replayed into a new task when it could not take them',
    labelNames: ['how'],
    registers,
  });
  const resumes = new Counter({
    name: 'relaypool_stream_resumes_total',
    help: 'Task streams lost mid-turn and reattached (the client saw one uninterrupted stream)',
    registers,
  });
  const recovered = new Counter({
    name: 'relaypool_tasks_recovered_total',
    help: 'Tasks leaked by an earlier process, found and stopped',
    registers,
  });
  new Gauge({
    name: 'relaypool_accounts',
    help: 'Accounts by state',
    labelNames: ['state'],
    registers,
    async collect() {
      const report = await poolReport();
      for (const state of STATES)
        this.set({ state }, report.accounts.filter((a) => a.status === state).length);
    },
  });
  new Gauge({
    name: 'relaypool_account_in_flight',
    help: 'Requests running on each account',
    labelNames: ['account_id'],
    registers,
    async collect() {
      const report = await poolReport();
      this.reset();
      for (const row of report.accounts) this.set({ account_id: String(row.id) }, row.inFlight);
    },
  });
  new Gauge({
    name: 'relaypool_account_idle_tasks',
    help: 'Tasks kept idle on each account for a conversation (or warm); each holds a slot until a request needs it',
    labelNames: ['account_id'],
    registers,
    async collect() {
      const report = await poolReport();
      this.reset();
      for (const row of report.accounts) this.set({ account_id: String(row.id) }, row.idleTasks);
    },
  });
  new Gauge({
    name: 'relaypool_account_cooldown_seconds',
    help: 'Seconds until each cooling account is used again (0: not cooling)',
    labelNames: ['account_id'],
    registers,
    async collect() {
      const report = await poolReport();
      this.reset();
      const at = now();
      for (const row of report.accounts)
        this.set(
          { account_id: String(row.id) },
          row.cooldownUntil === null ? 0 : Math.max(0, (row.cooldownUntil - at) / 1000),
        );
    },
  });
  new Gauge({
    name: 'relaypool_queue_depth',
    help: 'Requests waiting for an account',
    registers,
    async collect() {
      this.set((await poolReport()).queued ?? 0);
    },
  });
  return {
    registry,
    requestStarted: (method, route, status, seconds) => {
      requests.inc({ method, route, status: String(status) });
      ttfb.observe({ method, route }, seconds);
    },
    requestFinished: (method, route, seconds) => duration.observe({ method, route }, seconds),
    observer: {
      taskStarted: () => started.inc(),
      taskStopped: (wasRecovered) => stopped.inc({ recovered: String(wasRecovered) }),
      tasksRecovered: (count) => recovered.inc(count),
      streamResumed: () => resumes.inc(),
      upstreamError: (kind, code) =>
        upstreamErrors.inc({ kind, code: code === null ? 'none' : String(code) }),
      queueWait: (ms, granted) => queueWait.observe({ outcome: granted ? 'granted' : 'refused' }, ms / 1000),
      keptTaskTurn: (how) => keptTurns.inc({ how }),
    },
  };
}
