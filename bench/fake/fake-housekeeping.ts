import type { FakeUpstream } from '../../test/fake-upstream/index.js';

const ACTIVE = new Set(['pending', 'processing']);

/** Tasks holding an upstream slot right now, per user id. */
export function activeTasksByUser(fake: FakeUpstream): Map<string, number> {
  const active = new Map<string, number>();
  for (const task of fake.state.tasks.values()) {
    if (!task.deleted && ACTIVE.has(task.status)) active.set(task.userId, (active.get(task.userId) ?? 0) + 1);
  }
  return active;
}

/**
 * Forget finished tasks and recorded traffic. The fake keeps everything for test assertions; over
 * tens of thousands of bench requests that would grow it by hundreds of MB and make its
 * per-create concurrency count (a scan of all tasks) slower as the run goes on, skewing later
 * phases. Only the bench's fake process does this, between phases.
 */
export function pruneFake(fake: FakeUpstream): number {
  let pruned = 0;
  for (const [id, task] of fake.state.tasks) {
    if (ACTIVE.has(task.status)) continue;
    Map.prototype.delete.call(fake.state.tasks, id);
    pruned += 1;
  }
  Reflect.set(fake.requests, 'length', 0);
  Reflect.set(fake.sentFrames, 'length', 0);
  return pruned;
}

/** Samples upstream slot use of a set of users: busy slots / total slots, averaged over time. */
export class SlotSampler {
  #timer: NodeJS.Timeout | undefined;
  #sum = 0;
  #samples = 0;

  constructor(
    private readonly fake: FakeUpstream,
    private readonly limits: ReadonlyMap<string, number>,
  ) {}

  /** Sample every `intervalMs` until `stop()`. */
  start(intervalMs: number): void {
    const total = [...this.limits.values()].reduce((a, b) => a + b, 0);
    this.#timer = setInterval(() => {
      const active = activeTasksByUser(this.fake);
      let busy = 0;
      for (const [user, limit] of this.limits) busy += Math.min(limit, active.get(user) ?? 0);
      this.#sum += total === 0 ? 0 : busy / total;
      this.#samples += 1;
    }, intervalMs);
  }

  /** Stop and return the mean utilisation (0..1) and the number of samples. */
  stop(): { utilisation: number; samples: number } {
    clearInterval(this.#timer);
    return { utilisation: this.#samples === 0 ? 0 : this.#sum / this.#samples, samples: this.#samples };
  }
}
