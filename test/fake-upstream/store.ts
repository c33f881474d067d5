import { newUuid } from './ids.js';
import type { PlanName, SessionRecord, TaskRecord, UserRecord, UserRole } from './types.js';

/** Session lifetime: 30 days, fixed at login (docs/monkeycode-protocol.md §2.1). */
export const SESSION_MAX_AGE_S = 2_592_000;

/** Input of `addUser`. */
export interface NewUser {
  email: string;
  password: string;
  name?: string;
  role?: UserRole;
  blocked?: boolean;
  plan?: PlanName;
  concurrencyLimit?: number;
  wallet?: Partial<UserRecord['wallet']>;
  /** Fixed id, e.g. to make fixtures reproducible. */
  id?: string;
}

/** Users, sessions and tasks of the fake. */
export class FakeStore {
  readonly users = new Map<string, UserRecord>();
  readonly sessions = new Map<string, SessionRecord>();
  readonly tasks = new Map<string, TaskRecord>();

  /** Adds a user; throws when the email is taken. */
  addUser(input: NewUser): UserRecord {
    if (this.userByEmail(input.email) !== undefined)
      throw new Error(`fake-upstream: email taken: ${input.email}`);
    const user: UserRecord = {
      id: input.id ?? newUuid(),
      email: input.email,
      password: input.password,
      name: input.name ?? input.email.split('@')[0] ?? input.email,
      role: input.role ?? 'individual',
      blocked: input.blocked ?? false,
      plan: input.plan ?? 'basic',
      concurrencyLimit: input.concurrencyLimit,
      wallet: {
        balance: input.wallet?.balance ?? 12_345_678,
        dailyTokenBalance: input.wallet?.dailyTokenBalance ?? 1_234_567,
        dailyTokenLimit: input.wallet?.dailyTokenLimit ?? 2_000_000,
      },
    };
    this.users.set(user.id, user);
    return user;
  }

  /** Exact-match email lookup. */
  userByEmail(email: string): UserRecord | undefined {
    for (const user of this.users.values()) if (user.email === email) return user;
    return undefined;
  }

  /** Creates a session for `userId` and returns its cookie value (a UUID). */
  issueSession(userId: string, maxAgeS = SESSION_MAX_AGE_S): string {
    const user = this.users.get(userId);
    if (user === undefined) throw new Error(`fake-upstream: unknown user ${userId}`);
    const cookie = newUuid();
    this.sessions.set(cookie, {
      cookie,
      userId,
      expiresAt: Date.now() + maxAgeS * 1000,
      snapshot: { blocked: user.blocked },
    });
    return cookie;
  }

  /** The live session for a cookie value, or undefined when unknown or expired. */
  sessionFor(cookie: string | undefined): { session: SessionRecord; user: UserRecord } | undefined {
    if (cookie === undefined) return undefined;
    const session = this.sessions.get(cookie);
    if (session === undefined || session.expiresAt <= Date.now()) return undefined;
    const user = this.users.get(session.userId);
    return user === undefined ? undefined : { session, user };
  }

  /** Pending|processing tasks of a user (what the 10811 check counts, docs/monkeycode-protocol.md §7). */
  activeTaskCount(userId: string): number {
    let n = 0;
    for (const t of this.tasks.values()) {
      if (t.userId === userId && !t.deleted && (t.status === 'pending' || t.status === 'processing')) n++;
    }
    return n;
  }
}
