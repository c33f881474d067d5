import assert from 'node:assert/strict';
import { backendTest } from '../backends.js';
import { ZodError } from 'zod';
import type { CachedModelInput } from '../../../src/store/index.js';
import { manualClock } from '../temp-store.js';

const basic: CachedModelInput = {
  upstreamId: '0b5e2f7a-3c1d-4e8b-9a2f-6d4c1b7e9f00',
  name: 'monkeycode-basic/qwen3.5-plus',
  remark: 'MonkeyCode Basic',
  accessLevel: 'basic',
  isFree: true,
  interfaceType: 'openai_chat',
  contextLimit: 200000,
  outputLimit: 32000,
  thinkingEnabled: true,
  weight: 10,
  isDefault: false,
};
const pro: CachedModelInput = {
  upstreamId: 'p-1',
  name: 'monkeycode-pro/glm',
  interfaceType: 'anthropic',
  weight: 20,
};

backendTest('replaceForAccount stores the full list and replaces it wholesale', async (t, { open }) => {
  const clock = manualClock();
  const store = await open({ now: clock.now });
  const a = await store.accounts.add({ kind: 'cookie', cookie: 'a' });
  const b = await store.accounts.add({ kind: 'cookie', cookie: 'b' });
  const stored = await store.models.replaceForAccount(a.id, [basic, pro]);
  assert.deepEqual(stored, [
    {
      accountId: a.id,
      upstreamId: 'p-1',
      name: 'monkeycode-pro/glm',
      remark: '',
      accessLevel: null,
      isFree: false,
      interfaceType: 'anthropic',
      contextLimit: null,
      outputLimit: null,
      thinkingEnabled: false,
      weight: 20,
      isDefault: false,
      fetchedAt: clock.now(),
    },
    { ...basic, accountId: a.id, fetchedAt: clock.now() },
  ]);
  await store.models.replaceForAccount(b.id, [basic]);
  clock.advance(100);
  const replaced = await store.models.replaceForAccount(a.id, [{ ...basic, weight: 1 }]);
  assert.deepEqual(
    replaced.map((m) => [m.name, m.weight, m.fetchedAt]),
    [[basic.name, 1, clock.now()]],
  );
  assert.deepEqual(
    (await store.models.listAll()).map((m) => m.accountId),
    [a.id, b.id],
  );
  assert.deepEqual(await store.models.replaceForAccount(a.id, []), []);
  assert.deepEqual((await store.models.listForAccount(b.id)).length, 1);
});

backendTest('a failed replacement keeps the previous list (one transaction)', async (t, { open }) => {
  const store = await open();
  const a = await store.accounts.add({ kind: 'cookie', cookie: 'a' });
  await store.models.replaceForAccount(a.id, [basic]);
  const broken = { ...pro, upstreamId: 'p-2', weight: 1.5 };
  await assert.rejects(() => store.models.replaceForAccount(a.id, [pro, broken]), ZodError);
  assert.deepEqual(
    (await store.models.listForAccount(a.id)).map((m) => m.name),
    [basic.name],
  );
});
