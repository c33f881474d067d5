import { z } from 'zod';
import type { CallOptions } from '../types.js';
import type { MonkeyCodeHttp } from './http-client.js';
import type { SessionJar } from './session-jar.js';
import type { Clock } from '../../util/timing.js';

/** A sandbox image (docs/monkeycode-protocol.md §3.2). */
export interface MonkeyCodeImage {
  id: string;
  name: string;
  remark: string;
  isDefault: boolean;
  ownerType: string | null;
}

const imageSchema = z.object({
  id: z.string().min(1),
  name: z.string().nullish(),
  remark: z.string().nullish(),
  is_default: z.boolean().nullish(),
  owner: z.object({ type: z.string().nullish() }).nullish(),
});
const imagesSchema = z.object({ images: z.array(z.unknown()).nullish() }).nullish();

/** `GET /api/v1/users/images?limit=100`; malformed rows are skipped. */
export async function fetchImages(
  http: MonkeyCodeHttp,
  jar: SessionJar,
  options?: CallOptions,
): Promise<MonkeyCodeImage[]> {
  const data = await http.api(jar, {
    method: 'GET',
    path: '/api/v1/users/images',
    query: { limit: 100 },
    schema: imagesSchema,
    context: 'list images',
    options,
  });
  const images: MonkeyCodeImage[] = [];
  for (const row of data?.images ?? []) {
    const parsed = imageSchema.safeParse(row);
    if (!parsed.success) continue;
    const image = parsed.data;
    images.push({
      id: image.id,
      name: image.name ?? '',
      remark: image.remark ?? '',
      isDefault: image.is_default ?? false,
      ownerType: image.owner?.type || null,
    });
  }
  return images;
}

/** docs/monkeycode-protocol.md §3.2 (web client's `selectImage`): the public image whose remark is `devbox`, else the first. */
export function selectImage(images: readonly MonkeyCodeImage[]): MonkeyCodeImage | null {
  const devbox = images.find((image) => image.ownerType === 'public' && image.remark.trim() === 'devbox');
  return devbox ?? images[0] ?? null;
}

/** docs/monkeycode-protocol.md §3.3: the literal host id; the server picks an online public host. */
export const PUBLIC_HOST_ID = 'public_host';

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
