import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { envelope } from './spec-client.js';
import { setup } from './test-setup.js';

const modelRow = z
  .object({
    id: z.string(),
    provider: z.string(),
    base_url: z.literal(''),
    model: z.string(),
    remark: z.string(),
    temperature: z.number(),
    is_default: z.boolean(),
    created_at: z.number(),
    updated_at: z.number(),
    weight: z.number(),
    owner: z.object({ id: z.string(), type: z.enum(['public', 'private', 'team']), name: z.string() }),
    interface_type: z.enum(['openai_chat', 'openai_responses', 'anthropic']),
    is_free: z.boolean(),
    access_level: z.enum(['', 'basic', 'pro', 'ultra']),
    last_check_at: z.number(),
    last_check_success: z.boolean(),
    last_check_error: z.string(),
    thinking_enabled: z.boolean(),
    support_image: z.boolean(),
    is_hidden: z.boolean(),
    context_limit: z.number(),
    output_limit: z.number(),
  })
  .strict();
const modelsPage = z.object({
  models: z.array(modelRow),
  page: z.object({ cursor: z.string().optional(), has_next_page: z.boolean() }),
});

describe('discovery (docs/monkeycode-protocol.md §3)', () => {
  test('models: cursor pagination walks the whole catalog, with hidden entries and tier placeholders', async (t) => {
    const { client } = await setup(t, { modelsPageSize: 3 });
    const seen: z.infer<typeof modelRow>[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const q = cursor === undefined ? '?limit=200' : `?limit=200&cursor=${encodeURIComponent(cursor)}`;
      const page = modelsPage.parse(envelope(await client.call('GET', `/api/v1/users/models${q}`)).data);
      pages++;
      assert.ok(page.models.length <= 3);
      seen.push(...page.models);
      if (!page.page.has_next_page) break;
      cursor = page.page.cursor;
      assert.ok(cursor !== undefined && cursor !== '');
    }
    assert.ok(pages >= 3);
    const names = seen.map((m) => m.model);
    assert.equal(new Set(seen.map((m) => m.id)).size, seen.length, 'no duplicates across pages');
    for (const n of [
      'monkeycode-basic',
      'monkeycode-pro',
      'monkeycode-ultra',
      'monkeycode-basic/qwen3.5-plus',
    ])
      assert.ok(names.includes(n), n);
    assert.ok(
      names.some((n) => n.startsWith('monkeycode-pro/')) &&
        names.some((n) => n.startsWith('monkeycode-ultra/')),
    );
    assert.ok(seen.some((m) => m.is_hidden));
    assert.deepEqual(new Set(seen.map((m) => m.access_level)), new Set(['', 'basic', 'pro', 'ultra']));
    assert.equal((await client.call('GET', '/api/v1/users/models?limit=abc')).status, 400);
  });

  test('images include a public devbox (not first); hosts empty; subscription and wallet per user', async (t) => {
    const { fake, client } = await setup(t, {}, 'ultra');
    const images = z
      .object({
        images: z.array(
          z.object({ id: z.string(), remark: z.string(), owner: z.object({ type: z.string() }) }).loose(),
        ),
        page: z.object({ has_next_page: z.boolean() }),
      })
      .parse(envelope(await client.call('GET', '/api/v1/users/images?limit=100')).data);
    const devboxIndex = images.images.findIndex((i) => i.remark === 'devbox' && i.owner.type === 'public');
    assert.ok(devboxIndex > 0);
    assert.deepEqual(envelope(await client.call('GET', '/api/v1/users/hosts')).data, { hosts: [] });
    const sub = z
      .object({ plan: z.string(), auto_renew: z.boolean() })
      .loose()
      .parse(envelope(await client.call('GET', '/api/v1/users/subscription')).data);
    assert.equal(sub.plan, 'ultra');
    const wallet = z
      .object({
        id: z.string(),
        balance: z.number(),
        daily_token_balance: z.number(),
        daily_token_limit: z.number(),
      })
      .parse(envelope(await client.call('GET', '/api/v1/users/wallet')).data);
    assert.ok(wallet.balance > 0);
    const basic = fake.addUser({ email: 'b@example.com', password: 'x' });
    client.cookie = fake.issueSession(basic.id);
    assert.equal(
      z
        .object({ plan: z.string() })
        .loose()
        .parse(envelope(await client.call('GET', '/api/v1/users/subscription')).data).plan,
      'basic',
    );
  });
});
