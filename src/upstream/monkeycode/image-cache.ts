import type { Clock } from '../../util/timing.js';

interface Entry {
  imageId: Promise<string>;
  expiresAt: number;
}

/** The sandbox image of one session, as a turn sees it. */
export interface SessionImage {
  /** The cached image id, or `load()`'s (remembered on success). */
  get(load: () => Promise<string>): Promise<string>;
  /** Drop the cached id (a create failed: the image may be gone). */
  forget(): void;
}

/**
 * Sandbox image ids per session, remembered for `ttlMs` (docs/monkeycode-protocol.md §3.2: the image list changes rarely;
 * without this every new task costs one more `GET /users/images` before `POST /tasks`). Bounded:
 * the least recently used session is dropped beyond `capacity`. Concurrent loads share one call.
 */
export class ImageCache {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 10 * 60_000,
    private readonly capacity = 512,
  ) {}

  /** Remember an id learnt elsewhere (discovery). */
  remember(session: string, imageId: string): void {
    this.#set(session, Promise.resolve(imageId));
  }

  /** The view of one session. */
  forSession(session: string): SessionImage {
    return {
      get: (load) => this.#get(session, load),
      forget: () => void this.#entries.delete(session),
    };
  }

  #get(session: string, load: () => Promise<string>): Promise<string> {
    const entry = this.#entries.get(session);
    if (entry !== undefined && entry.expiresAt > this.clock.now()) {
      this.#entries.delete(session);
      this.#entries.set(session, entry);
      return entry.imageId;
    }
    const imageId = load();
    this.#set(session, imageId);
    imageId.catch(() => {
      if (this.#entries.get(session)?.imageId === imageId) this.#entries.delete(session);
    });
    return imageId;
  }

  #set(session: string, imageId: Promise<string>): void {
    this.#entries.delete(session);
    this.#entries.set(session, { imageId, expiresAt: this.clock.now() + this.ttlMs });
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }
}
