import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UpstreamFailure } from '../../../src/upstream/errors.js';
import { TokenKeeper } from '../../../src/upstream/bearer/token-keeper.js';
import {
  decodeSession,
  encodeSession,
  sessionUpstream,
  type TokenState,
} from '../../../src/upstream/bearer/token-session.js';

function setup(expiresAt: number) {
  let now = 0;
  let refreshes = 0;
  let release: () => void = () => {};
  const keeper = new TokenKeeper({ now: () => now }, 60_000, async (refresh) => {
    refreshes += 1;
    await new Promise<void>((resolve) => {
      release = resolve;
    });
    return { access: `access-${refreshes}`, refresh: `${refresh}+`, expiresAt: now + 3_600_000 };
  });
  const session = encodeSession('rt', { access: 'access-0', refresh: 'r0', expiresAt });
  return {
    keeper,
    session,
    at: (ms: number) => void (now = ms),
    refreshes: () => refreshes,
    release: () => release(),
  };
}

test('session strings carry their upstream and round-trip the tokens', () => {
  const state: TokenState = { access: 'a', refresh: null, expiresAt: 5 };
  const session = encodeSession('tg', state);
  assert.equal(sessionUpstream(session), 'tg');
  assert.equal(sessionUpstream('bare-monkeycode-cookie'), null);
  assert.deepEqual(decodeSession(session), state);
  assert.throws(() => decodeSession('rp1.tg.!!!'), UpstreamFailure);
});

test('a token within the margin is refreshed before use, once for concurrent callers', async () => {
  const t = setup(100_000);
  t.at(50_000); // 50 s before its end: inside the 60 s margin
  const calls = [
    t.keeper.withToken(t.session, async (token) => token),
    t.keeper.withToken(t.session, async (token) => token),
  ];
  await new Promise((resolve) => setImmediate(resolve));
  t.release();
  assert.deepEqual(await Promise.all(calls), ['access-1', 'access-1']);
  assert.equal(t.refreshes(), 1);
  assert.equal(
    await t.keeper.withToken(t.session, async (token) => token),
    'access-1',
    'the new token is kept for the stored session',
  );
});

test('a 401 is refreshed and retried once; a second 401 is the caller’s', async () => {
  const t = setup(10_000_000);
  const seen: string[] = [];
  const call = t.keeper.withToken(t.session, async (token) => {
    seen.push(token);
    throw new UpstreamFailure('session-expired', 'HTTP 401');
  });
  await new Promise((resolve) => setImmediate(resolve));
  t.release();
  await assert.rejects(
    call,
    (err: unknown) => err instanceof UpstreamFailure && err.kind === 'session-expired',
  );
  assert.deepEqual(seen, ['access-0', 'access-1']);
});

test('without a refresh token an expired session is left to the pool (no refresh attempted)', async () => {
  const keeper = new TokenKeeper({ now: () => 10 }, 60_000, null);
  const session = encodeSession('aeio', { access: 'x', refresh: null, expiresAt: 5 });
  await assert.rejects(
    keeper.withToken(session, () => Promise.reject(new UpstreamFailure('session-expired', 'HTTP 401'))),
    UpstreamFailure,
  );
});
