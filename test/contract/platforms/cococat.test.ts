import { startCococatFake } from '../../fake-platforms/cococat-fake.js';
import { describePlatform } from './platform-contract.js';

describePlatform({
  title: 'cococat',
  upstream: 'cococat',
  name: 'coco',
  model: 'coco/scene/default',
  login: { email: 'admin@coco.local', password: 'panel-pw' },
  reportsUsage: false,
  async start() {
    const fake = await startCococatFake({ password: 'panel-pw', scenes: ['default', 'ops'] });
    return {
      url: fake.url,
      faults: fake.faults,
      expire: () => fake.expireTokens(),
      lastConversation: () => {
        const chats = fake.requests.filter((r) => r.path.endsWith('/chat'));
        const user = (chats.at(-1)?.body as { user_id?: string } | undefined)?.user_id ?? '';
        return fake.history.get(`default/${user}`) ?? [];
      },
      close: () => fake.close(),
    };
  },
  answer: (n, text) => new RegExp(`^cococat default reply ${n}: ${text}$`),
});
