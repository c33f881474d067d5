import type { TestContext } from 'node:test';
import { startFakeUpstream, type FakeUpstream } from './start-fake-upstream.js';
import type { FakeUpstreamOptions } from './options.js';
import type { PlanName, UserRecord } from './types.js';
import { SpecClient } from './spec-client.js';
import { IMAGE_IDS } from './catalog/images.js';
import { MODEL_IDS } from './catalog/models.js';

/** Test email/password (the password has a space on purpose: never trimmed). */
export const EMAIL = 'dev@example.com';
export const PASSWORD = 'p@ss word ';

/** A started fake, one user with a ready session, and a spec client holding that cookie. */
export interface Setup {
  fake: FakeUpstream;
  user: Readonly<UserRecord>;
  client: SpecClient;
}

/**
 * Starts a fake on port 0 with test-friendly defaults (captcha off, fast boot, no pacing, slow
 * pings) and closes it when the test ends.
 */
export async function setup(
  t: TestContext,
  options: FakeUpstreamOptions = {},
  plan: PlanName = 'pro',
): Promise<Setup> {
  const fake = await startFakeUpstream({
    captcha: { enabled: false },
    bootDelayMs: 5,
    pingIntervalMs: 60_000,
    stepDelayMs: 0,
    ...options,
  });
  t.after(() => fake.close());
  const user = fake.addUser({ email: EMAIL, password: PASSWORD, plan });
  const client = new SpecClient(fake.url);
  client.cookie = fake.issueSession(user.id);
  return { fake, user, client };
}

/** A create body for the basic model on devbox. */
export function basicTask(content: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return SpecClient.taskBody(content, IMAGE_IDS.devbox, MODEL_IDS.basicQwen, overrides);
}
