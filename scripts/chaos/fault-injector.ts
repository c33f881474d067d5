import type { FakeUpstream } from '../../test/fake-upstream/index.js';
import type { Prng } from './prng.js';

/** Every fault kind the run injects (the README's table lists them). */
export const FAULT_KINDS = [
  'create-10811',
  'create-10204',
  'create-502-html',
  'socket-drop',
  'socket-drop-vm-death',
  'socket-stall',
  'task-error',
  'slow-boot',
  'session-expiry',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Injects one random fault at a time into the fake upstream and counts them by kind. Expired
 * cookie sessions are remembered so the run can paste fresh ones (POST /admin/session), as an
 * operator would; password accounts log in again by themselves.
 */
export class FaultInjector {
  readonly counts = new Map<FaultKind, number>(FAULT_KINDS.map((k) => [k, 0]));
  readonly expiredCookieUsers = new Set<string>();

  constructor(
    private readonly fake: FakeUpstream,
    private readonly random: Prng,
    private readonly cookieUsers: readonly string[],
    private readonly passwordUsers: readonly string[],
  ) {}

  /** Inject one fault chosen by the seed. */
  inject(): FaultKind {
    const kind = this.random.pick(FAULT_KINDS);
    const { faults } = this.fake;
    const frames = this.random.int(2, 9);
    switch (kind) {
      case 'create-10811':
        faults.failNextCreate({ code: 10811 });
        break;
      case 'create-10204':
        faults.failNextCreate({ code: 10204 });
        break;
      case 'create-502-html':
        faults.failNextCreate({ httpStatus: 502 });
        break;
      case 'socket-drop':
        faults.dropSocketAfterFrames(frames);
        break;
      case 'socket-drop-vm-death':
        faults.breakNextStream({ afterFrames: frames, action: 'drop', killVm: true });
        break;
      case 'socket-stall':
        faults.stallSocketAfterFrames(frames);
        break;
      case 'task-error':
        faults.taskErrorOnNextTurn();
        break;
      case 'slow-boot':
        faults.slowNextBoot(this.random.int(200, 1500));
        break;
      case 'session-expiry':
        this.#expireOne();
        break;
    }
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    return kind;
  }

  #expireOne(): void {
    const userId = this.random.pick([...this.cookieUsers, ...this.passwordUsers]);
    for (const session of this.fake.state.sessions.values())
      if (session.userId === userId) this.fake.expireSession(session.cookie);
    if (this.cookieUsers.includes(userId)) this.expiredCookieUsers.add(userId);
  }
}
