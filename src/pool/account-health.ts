import type { AccountKind, AccountPatch, AccountState } from '../store/index.js';
import { policyFor, type UpstreamErrorKind } from '../upstream/errors.js';

/** What the health state machine needs to know about an account. */
export interface HealthView {
  kind: AccountKind;
  state: AccountState;
  cooldownUntil: number | null;
  /** Steps taken on the backoff ladder since the last success (kept in memory). */
  backoffLevel: number;
}

/** Durations of the cooldowns (config `pool.*`). */
export interface HealthTimings {
  backoffBaseMs: number;
  backoffMaxMs: number;
  concurrencyCooldownMs: number;
  creditsCooldownMs: number;
  modelCooldownMs: number;
}

/** Something that happened to an account. */
export type HealthEvent =
  /** A leased request finished normally. */
  | { type: 'success' }
  /**
   * A request or check failed; `model` is the upstream model the request asked for, if any.
   * `afterOutput`: the turn had already produced output (the account did its job; passing
   * trouble of the stream is not held against it).
   */
  | { type: 'failure'; kind: UpstreamErrorKind; message: string; model: string | null; afterOutput?: boolean }
  /** The periodic health check found the session valid. */
  | { type: 'session-valid' };

/** Work the pool does besides writing the account's row. */
export type HealthEffect =
  { type: 'relogin' } | { type: 'stop-strays' } | { type: 'cool-model'; model: string; until: number };

/** The result of one transition. */
export interface HealthChange {
  /** Columns to write, or null when the row stays as it is. */
  patch: AccountPatch | null;
  backoffLevel: number;
  effects: HealthEffect[];
}

/** Backoff window for ladder step `step` (0-based): base, doubled per step, capped. */
export function backoffWindow(step: number, timings: HealthTimings): number {
  return Math.min(timings.backoffMaxMs, timings.backoffBaseMs * 2 ** Math.min(step, 40));
}

const isOut = (state: AccountState): boolean => state === 'expired' || state === 'invalid';
const coolingOpen = (view: HealthView, now: number): boolean =>
  view.state === 'cooling' && view.cooldownUntil !== null && view.cooldownUntil > now;

/**
 * The account health state machine (docs/architecture.md §4). Pure: the same view, event and time always give
 * the same change. Stored states are `unverified`, `active`, `cooling`, `expired`, `invalid`;
 * `locked` (all slots busy) and `disabled` (operator) are derived elsewhere, never written here.
 */
export function nextHealth(
  view: HealthView,
  event: HealthEvent,
  timings: HealthTimings,
  now: number,
): HealthChange {
  const same: HealthChange = { patch: null, backoffLevel: view.backoffLevel, effects: [] };
  switch (event.type) {
    case 'success':
      // A success proves capacity, not credentials: expired/invalid come from definite signals.
      // Nor does it cut an open cooldown short: that came from a verdict the success may predate.
      if (isOut(view.state) || coolingOpen(view, now)) return { ...same, backoffLevel: 0 };
      if (view.state === 'active' && view.cooldownUntil === null) return { ...same, backoffLevel: 0 };
      return {
        patch: { state: 'active', cooldownUntil: null, lastError: null },
        backoffLevel: 0,
        effects: [],
      };
    case 'session-valid': {
      const revived = view.state === 'unverified' || view.state === 'expired';
      const patch: AccountPatch = revived
        ? { state: 'active', lastError: null, lastCheckedAt: now }
        : { lastCheckedAt: now };
      return { ...same, patch };
    }
    case 'failure':
      return onFailure(view, event, timings, now);
  }
}

function onFailure(
  view: HealthView,
  event: Extract<HealthEvent, { type: 'failure' }>,
  timings: HealthTimings,
  now: number,
): HealthChange {
  const same: HealthChange = { patch: null, backoffLevel: view.backoffLevel, effects: [] };
  const lastError = `${event.message} (${event.kind})`;
  const cool = (ms: number, effects: HealthEffect[] = []): HealthChange => {
    if (isOut(view.state)) return { ...same, effects };
    const until = Math.max(now + ms, coolingOpen(view, now) ? (view.cooldownUntil ?? 0) : 0);
    return {
      patch: { state: 'cooling', cooldownUntil: until, lastError },
      backoffLevel: view.backoffLevel,
      effects,
    };
  };
  const action = policyFor(event.kind).action;
  switch (action) {
    case 'none':
      return same;
    case 'backoff':
    case 'transient': {
      // Failures inside an already open window (concurrent requests hitting the same trouble)
      // do not climb the ladder; nor does trouble of a stream the account was already serving.
      if (isOut(view.state) || coolingOpen(view, now) || event.afterOutput === true) return same;
      const level = view.backoffLevel + 1;
      const step = action === 'backoff' ? view.backoffLevel : view.backoffLevel - 1;
      if (step < 0) return { ...same, backoffLevel: level };
      return {
        patch: { state: 'cooling', cooldownUntil: now + backoffWindow(step, timings), lastError },
        backoffLevel: level,
        effects: [],
      };
    }
    case 'concurrency':
      return cool(timings.concurrencyCooldownMs, [{ type: 'stop-strays' }]);
    case 'credits':
      return cool(timings.creditsCooldownMs);
    case 'model':
      return event.model === null
        ? same
        : {
            ...same,
            effects: [{ type: 'cool-model', model: event.model, until: now + timings.modelCooldownMs }],
          };
    case 'invalid':
      return view.state === 'invalid' ? same : { ...same, patch: { state: 'invalid', lastError } };
    case 'expired': {
      if (isOut(view.state)) return same;
      const effects: HealthEffect[] = view.kind === 'password' ? [{ type: 'relogin' }] : [];
      return { ...same, patch: { state: 'expired', lastError }, effects };
    }
  }
}
