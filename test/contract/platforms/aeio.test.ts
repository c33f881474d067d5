import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAeioFake, type AeioFake } from '../../fake-platforms/aeio-fake.js';
import { describePlatform } from './platform-contract.js';

let fake: AeioFake;

describePlatform(
  {
    title: 'Aeio Dev Agent',
    upstream: 'aeio',
    name: 'aeio',
    model: 'aeio/dev-agent',
    // Aeio logs in by user name (docs/upstream/notes/003-aeio.md §2.1).
    login: { email: 'devuser', password: 'pw' },
    reportsUsage: false,
    recoversDrop: true,
    async start() {
      fake = await startAeioFake({ users: { devuser: 'pw' } });
      return {
        url: fake.url,
        faults: fake.faults,
        expire: () => fake.expireTokens(),
        lastConversation: () => {
          const posts = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
          const session = posts.at(-1)?.path.split('/')[3] ?? '';
          return fake.sessions.get(session) ?? [];
        },
        close: () => fake.close(),
      };
    },
    answer: (n, text) => new RegExp(`^aeio reply ${n}: ${text}$`),
  },
  (ctx) => {
    test('reasoning streams as reasoning_content; a failed tool step that ends the stream mid-turn is followed to the answer', async () => {
      fake.toolFailures.count = 1;
      const stream = await ctx().h.client.chat.completions.create({
        model: 'aeio/dev-agent',
        stream: true,
        messages: [{ role: 'user', content: 'build it' }],
      });
      let reasoning = '';
      let content = '';
      for await (const chunk of stream) {
        const delta: { content?: string | null; reasoning_content?: string } | undefined =
          chunk.choices[0]?.delta;
        reasoning += delta?.reasoning_content ?? '';
        content += delta?.content ?? '';
      }
      assert.equal(reasoning, 'Plan: write the file.');
      assert.match(content, /^aeio reply 1: build it$/);
    });

    test('store:false deletes the platform session after the answer', async () => {
      await ctx().h.client.chat.completions.create({
        model: 'aeio/dev-agent',
        store: false,
        messages: [{ role: 'user', content: 'one-off' }],
      });
      const post = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages')).at(-1);
      const session = post?.path.split('/')[3] ?? '';
      await fake.handled((r) => r.method === 'DELETE' && r.path === `/api/sessions/${session}`);
      assert.ok(fake.deleted.includes(session), 'the one-off session is deleted');
    });
  },
);
