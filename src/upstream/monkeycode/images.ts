import { z } from 'zod';
import type { CallOptions } from '../types.js';
import type { MonkeyCodeHttp } from './http-client.js';
import type { SessionJar } from './session-jar.js';

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
