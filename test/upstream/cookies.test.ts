import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUpstreamFailure } from '../../src/upstream/errors.js';
import { captureSessionCookie } from '../../src/upstream/monkeycode/session-cookie.js';
import { SessionJar, SessionJars } from '../../src/upstream/monkeycode/session-jar.js';

const NOW = Date.UTC(2026, 0, 1);
const UUID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

test('captures the session cookie and its Max-Age expiry (docs/monkeycode-protocol.md §2.1)', () => {
  const captured = captureSessionCookie(
    ['language=en; Path=/', `monkeycode_ai_session=${UUID}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax`],
    NOW,
  );
  assert.deepEqual(captured, { value: UUID, expiresAt: new Date(NOW + 2_592_000_000) });
});

test('Expires is used without Max-Age; a session cookie has no expiry', () => {
  const expires = 'Wed, 01 Jul 2026 00:00:00 GMT';
  assert.deepEqual(
    captureSessionCookie([`monkeycode_ai_session=${UUID}; Path=/; Expires=${expires}`], NOW)?.expiresAt,
    new Date(expires),
  );
  assert.equal(captureSessionCookie([`monkeycode_ai_session=${UUID}; Path=/`], NOW)?.expiresAt, null);
});

test('a deletion (logout) or a missing cookie captures nothing', () => {
  assert.equal(captureSessionCookie(['monkeycode_ai_session=; Path=/; Max-Age=0; HttpOnly'], NOW), null);
  assert.equal(captureSessionCookie([`monkeycode_ai_session=${UUID}; Path=/; Max-Age=0`], NOW), null);
  assert.equal(captureSessionCookie(['other=1'], NOW), null);
  assert.equal(captureSessionCookie([], NOW), null);
});

test('a jar sends the session on http and ws URLs and follows Set-Cookie', async () => {
  const origin = new URL('http://127.0.0.1:8080');
  const jar = SessionJar.withSession(origin, `monkeycode_ai_session=${UUID}`);
  assert.equal(
    await jar.cookieHeader(new URL('http://127.0.0.1:8080/api/v1/users/status')),
    `monkeycode_ai_session=${UUID}`,
  );
  assert.equal(
    await jar.cookieHeader(new URL('ws://127.0.0.1:8080/api/v1/users/tasks/stream?id=1')),
    `monkeycode_ai_session=${UUID}`,
  );
  await jar.store(['waf=abc; Path=/'], new URL('http://127.0.0.1:8080/api/v1/users/models'));
  assert.match(await jar.cookieHeader(new URL('http://127.0.0.1:8080/x')), /waf=abc/);
  await jar.store(
    ['monkeycode_ai_session=; Path=/; Max-Age=0; HttpOnly'],
    new URL('http://127.0.0.1:8080/api/v1/users/logout'),
  );
  assert.equal(await jar.sessionValue(), null);
});

test('a malformed stored session is a session-expired failure that does not echo the value', () => {
  assert.throws(
    () => SessionJar.withSession(new URL('http://h'), 'bad value; with spaces'),
    (err: unknown) =>
      isUpstreamFailure(err) && err.kind === 'session-expired' && !err.message.includes('spaces'),
  );
});

test('the jar cache is bounded and keeps recently used jars', () => {
  const jars = new SessionJars(new URL('http://h'), 2);
  const a = jars.get('aaaaaaaa-1');
  jars.get('bbbbbbbb-2');
  assert.equal(jars.get('aaaaaaaa-1'), a);
  jars.get('cccccccc-3');
  assert.equal(jars.get('aaaaaaaa-1'), a);
  assert.notEqual(jars.get('bbbbbbbb-2'), undefined);
});
