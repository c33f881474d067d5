import { startTiangongFake } from '../../fake-platforms/tiangong-fake.js';
import { describePlatform } from './platform-contract.js';

for (const typeInData of [false, true]) {
  describePlatform({
    title: `Tiangong (${typeInData ? 'event name in data.type' : 'named SSE events'})`,
    upstream: 'tiangong',
    name: 'tg',
    model: 'tg/bare',
    login: { email: 'dev@example.com', password: 'pw' },
    reportsUsage: true,
    async start() {
      const fake = await startTiangongFake({ users: { 'dev@example.com': 'pw' }, typeInData });
      return {
        url: fake.url,
        faults: fake.faults,
        expire: () => fake.expireTokens(),
        lastConversation: () => {
          const chats = fake.requests.filter((r) => r.path.endsWith('/stream'));
          const session = (chats.at(-1)?.body as { session_id?: string } | undefined)?.session_id ?? '';
          return fake.sessions.get(session) ?? [];
        },
        close: () => fake.close(),
      };
    },
    answer: (n, text) => new RegExp(`^tiangong bare reply ${n}: ${text}$`),
  });
}
