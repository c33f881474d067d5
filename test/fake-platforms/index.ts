/** Fakes of the bearer-token platforms (specs in docs/upstream/), for tests and `npm run demo -- --platform`. */
import { startAeioFake } from './aeio-fake.js';
import { startCococatFake } from './cococat-fake.js';
import { startRuntimeApiFake } from './runtime-api-fake.js';
import { startTiangongFake } from './tiangong-fake.js';

export { startAeioFake, startCococatFake, startRuntimeApiFake, startTiangongFake };

/** A running fake with one demo login. */
export interface DemoPlatform {
  url: string;
  login: { email: string; password: string };
  close(): Promise<void>;
}

/** Start the fake of `platform` with a demo user. */
export async function startDemoPlatform(
  platform: 'runtime-api' | 'cococat' | 'aeio' | 'tiangong',
): Promise<DemoPlatform> {
  const password = 'demo-password';
  switch (platform) {
    case 'runtime-api':
      return {
        ...(await startRuntimeApiFake({ users: { 'platform-demo@example.com': password } })),
        login: { email: 'platform-demo@example.com', password },
      };
    case 'cococat':
      return { ...(await startCococatFake({ password })), login: { email: 'admin@cococat', password } };
    case 'aeio':
      return { ...(await startAeioFake({ users: { demo: password } })), login: { email: 'demo', password } };
    case 'tiangong':
      return {
        ...(await startTiangongFake({ users: { 'platform-demo@example.com': password } })),
        login: { email: 'platform-demo@example.com', password },
      };
  }
}
