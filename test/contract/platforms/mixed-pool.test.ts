import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeUpstream, type FakeUpstream } from '../../fake-upstream/index.js';
import { startAeioFake, type AeioFake } from '../../fake-platforms/aeio-fake.js';
import { startCococatFake, type CococatFake } from '../../fake-platforms/cococat-fake.js';
import { startRuntimeApiFake, type RuntimeApiFake } from '../../fake-platforms/runtime-api-fake.js';
import { startTiangongFake, type TiangongFake } from '../../fake-platforms/tiangong-fake.js';
import { startPlatformHarness, type PlatformHarness } from '../../support/platform-harness.js';

let mc: FakeUpstream;
let rt: RuntimeApiFake;
let coco: CococatFake;
let aeio: AeioFake;
let tg: TiangongFake;
let h: PlatformHarness;

before(async () => {
  mc = await startFakeUpstream({
    bootDelayMs: 5,
    pingIntervalMs: 1000,
    stepDelayMs: 1,
    captcha: { enabled: false },
  });
  rt = await startRuntimeApiFake({ users: { 'a@example.com': 'pw' } });
  coco = await startCococatFake({ password: 'pw' });
  aeio = await startAeioFake({ users: { aeiouser: 'pw' } });
  tg = await startTiangongFake({ users: { 'b@example.com': 'pw' } });
  h = await startPlatformHarness(
    [
      { name: 'rt', platform: 'runtime-api', url: rt.url },
      { name: 'coco', platform: 'cococat', url: coco.url },
      { name: 'aeio', platform: 'aeio', url: aeio.url },
      { name: 'tg', platform: 'tiangong', url: tg.url },
    ],
    { monkeycodeUrl: mc.url },
  );
  const accounts = h.server.services.accounts;
  const user = mc.addUser({ email: 'mc@example.com', password: 'pw', plan: 'pro' });
  await accounts.addCookie(mc.issueSession(user.id), { label: 'mc' });
  await accounts.addPassword('a@example.com', 'pw', { upstream: 'rt' });
  await accounts.addPassword('admin@coco', 'pw', { upstream: 'coco' });
  await accounts.addPassword('aeiouser', 'pw', { upstream: 'aeio' });
  await accounts.addPassword('b@example.com', 'pw', { upstream: 'tg' });
});

after(async () => {
  await h.close();
  await Promise.all([mc.close(), rt.close(), coco.close(), aeio.close(), tg.close()]);
});

const turnCalls = () => ({
  rt: rt.requests.filter((r) => r.path === '/api/v1/agent-chats').length,
  coco: coco.requests.filter((r) => r.path.endsWith('/chat')).length,
  aeio: aeio.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages')).length,
  tg: tg.requests.filter((r) => r.path.endsWith('/stream')).length,
  mc: mc.state.tasks.size,
});

test('a mixed pool lists every upstream’s models under collision-free ids and routes each model to its upstream', async () => {
  const models = (await h.client.models.list()).data;
  const owners = new Map(models.map((m) => [m.id, m.owned_by]));
  assert.equal(owners.get('rt/agent'), 'rt');
  assert.equal(owners.get('coco/scene/default'), 'coco');
  assert.equal(owners.get('aeio/dev-agent'), 'aeio');
  assert.equal(owners.get('tg/bare'), 'tg');
  const mcModel = models.find((m) => m.owned_by === 'monkeycode')?.id;
  assert.ok(mcModel !== undefined, 'MonkeyCode models listed');
  const cases: [model: string, upstream: keyof ReturnType<typeof turnCalls>][] = [
    ['rt/agent', 'rt'],
    ['coco/scene/default', 'coco'],
    ['aeio/dev-agent', 'aeio'],
    ['tg/bare', 'tg'],
    [mcModel, 'mc'],
  ];
  for (const [model, upstream] of cases) {
    const before = turnCalls();
    const r = await h.client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: `to ${upstream}` }],
    });
    assert.ok((r.choices[0]?.message.content ?? '').length > 0, `${model} answered`);
    const after = turnCalls();
    for (const key of Object.keys(after) as (keyof typeof after)[]) {
      assert.equal(after[key] - before[key], key === upstream ? 1 : 0, `${model}: ${key} turn calls`);
    }
  }
  const status: unknown = await fetch(`${h.server.url}/admin/pool/status`).then((res) => res.json());
  const groups = (status as { upstreams: Record<string, { total: number; active: number }> }).upstreams;
  assert.deepEqual(Object.keys(groups).sort(), ['aeio', 'coco', 'monkeycode', 'rt', 'tg']);
  for (const group of Object.values(groups)) assert.equal(group.total, 1);
});
