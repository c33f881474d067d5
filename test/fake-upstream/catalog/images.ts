/** An image row. */
export interface CatalogImage {
  id: string;
  name: string;
  remark: string;
  ownerType: 'public' | 'private' | 'team';
}

/** Well-known image ids. `devbox` is the one clients pick (docs/monkeycode-protocol.md §3.2). */
export const IMAGE_IDS = {
  ubuntu: '1e2d3c4b-5a69-4788-9a6b-5c4d3e2f1a00',
  devbox: '5f0c1a2b-3d4e-4f5a-8b6c-7d8e9f0a1b2c',
  privateNode: '2f3e4d5c-6b7a-4899-8b7c-6d5e4f3a2b11',
} as const;

/** Listed in this order; `devbox` is deliberately not first. */
export const CATALOG_IMAGES: readonly CatalogImage[] = [
  {
    id: IMAGE_IDS.ubuntu,
    name: 'registry.monkeycode-ai.com/public/ubuntu:22.04',
    remark: 'ubuntu',
    ownerType: 'public',
  },
  {
    id: IMAGE_IDS.devbox,
    name: 'registry.monkeycode-ai.com/public/devbox:latest',
    remark: 'devbox',
    ownerType: 'public',
  },
  {
    id: IMAGE_IDS.privateNode,
    name: 'registry.example.com/me/node:20',
    remark: 'my node',
    ownerType: 'private',
  },
];

/** `/users/images` row. */
export function imageJson(img: CatalogImage): Record<string, unknown> {
  return {
    id: img.id,
    name: img.name,
    remark: img.remark,
    is_default: false,
    created_at: 1_751_000_000,
    owner: {
      id: 'b2f0c7a4-0000-4000-8000-000000000001',
      type: img.ownerType,
      name: img.ownerType === 'public' ? 'MonkeyCode-AI' : 'me',
    },
  };
}
