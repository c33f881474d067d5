import { randomBytes } from 'node:crypto';

/** One operator's dashboard session: its CSRF token, when it ends, and a one-shot result message. */
export interface DashboardSession {
  readonly id: string;
  /** Sent with every state-changing request (hidden field or `x-csrf-token`), never in a URL. */
  readonly csrfToken: string;
  readonly expiresAt: number;
  /** The result of the last action, shown once on the next page (post/redirect/get). */
  flash: Flash | null;
}

/** An action's result as the operator reads it. */
export interface Flash {
  ok: boolean;
  message: string;
}

export interface SessionStoreOptions {
  now: () => number;
  /** How long a session lasts from its creation (absolute, not sliding). */
  ttlMs: number;
  /** At most this many sessions are kept; past that the oldest one ends. */
  maxSessions: number;
  /** Random bytes (injectable for tests). */
  random?: (size: number) => Buffer;
}

/** Sessions last 8 hours: a working day, then the admin token is asked for again. */
export const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60 * 1000;

/**
 * Dashboard sessions, in memory: a restart logs everyone out. Ids and CSRF tokens are 32 random
 * bytes (base64url), so they cannot be guessed; an expired session is gone for good. Memory is
 * bounded by `maxSessions`.
 */
export class SessionStore {
  readonly #sessions = new Map<string, DashboardSession>();
  readonly #random: (size: number) => Buffer;

  constructor(private readonly options: SessionStoreOptions) {
    this.#random = options.random ?? randomBytes;
  }

  /** Start a session. */
  create(): DashboardSession {
    this.#prune(1);
    const token = (): string => this.#random(32).toString('base64url');
    const session: DashboardSession = {
      id: token(),
      csrfToken: token(),
      expiresAt: this.options.now() + this.options.ttlMs,
      flash: null,
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, or null (unknown, expired or ended). */
  get(id: string | undefined): DashboardSession | null {
    if (id === undefined) return null;
    const session = this.#sessions.get(id);
    if (session === undefined) return null;
    if (session.expiresAt <= this.options.now()) {
      this.#sessions.delete(id);
      return null;
    }
    return session;
  }

  /** End a session (logout). */
  end(id: string): void {
    this.#sessions.delete(id);
  }

  /** Sessions alive now. */
  get size(): number {
    this.#prune(0);
    return this.#sessions.size;
  }

  /** Drop expired sessions, then the oldest until `room` more fit. */
  #prune(room: number): void {
    const now = this.options.now();
    for (const [id, session] of this.#sessions) if (session.expiresAt <= now) this.#sessions.delete(id);
    // Map iteration is in insertion order: the first entries are the oldest.
    for (const id of this.#sessions.keys()) {
      if (this.#sessions.size + room <= this.options.maxSessions) break;
      this.#sessions.delete(id);
    }
  }
}
