import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRuntimeApiFake, type RuntimeApiFake } from '../../fake-platforms/runtime-api-fake.js';
import { describePlatform } from './platform-contract.js';

let fake: RuntimeApiFake;

describePlatform(
  {
    title: 'Runtime API',
    upstream: 'runtime-api',
    name: 'rt',
    model: 'rt/agent',
    login: { email: 'dev@example.com', password: 'pw' },
    reportsUsage: false,
    async start() {
      fake = await startRuntimeApiFake({ users: { 'dev@example.com': 'pw' } });
      let last = '';
      return {
        url: fake.url,
        faults: fake.faults,
        expire: () => fake.expireAccessTokens(),
        lastConversation: () => {
          const chats = fake.requests.filter((r) => r.path === '/api/v1/agent-chats' && r.method === 'POST');
          const body = chats.at(-1)?.body as { session_id?: string } | undefined;
          last = body?.session_id ?? [...fake.sessions.keys()].at(-1) ?? last;
          return fake.sessions.get(last) ?? [];
        },
        close: () => fake.close(),
      };
    },
    answer: (n, text) => new RegExp(`^runtime answer ${n}: ${text}$`),
  },
  () => {
    test('an expired access token is renewed with the rotating refresh token, not a new login', () => {
      const logins = fake.requests.filter(
        (r) => r.path === '/api/v1/auth/sessions' && r.method === 'POST',
      ).length;
      assert.equal(logins, 1, 'one password login in the whole suite');
      assert.ok(fake.refreshes >= 1);
    });
  },
);
