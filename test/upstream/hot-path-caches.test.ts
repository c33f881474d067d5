import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageCache } from '../../src/upstream/monkeycode/images.js';
import { SessionJar } from '../../src/upstream/monkeycode/session-jar.js';

const UUID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const origin = new URL('http://127.0.0.1:8080');
const api = (path: string): URL => new URL(path, origin);

test('the cookie header is reused across API paths and recomputed when cookies change', async () => {
  const jar = SessionJar.withSession(origin, UUID);
  assert.equal(await jar.cookieHeader(api('/api/v1/users/tasks/a')), `monkeycode_ai_session=${UUID}`);
  assert.equal(
    await jar.cookieHeader(new URL('ws://127.0.0.1:8080/api/v1/users/tasks/stream?id=b')),
    `monkeycode_ai_session=${UUID}`,
  );
  await jar.store(['waf=1; Path=/'], api('/api/v1/users/tasks'));
  assert.match(await jar.cookieHeader(api('/api/v1/users/tasks/c')), /waf=1/);
  await jar.store([], api('/api/v1/users/tasks'));
  assert.match(await jar.cookieHeader(api('/api/v1/users/tasks/d')), /waf=1/);
});

test('a cookie scoped to a sub-path only goes to that path (no reuse across paths)', async () => {
  const jar = SessionJar.withSession(origin, UUID);
  await jar.store(['scoped=1; Path=/api/v1/users/tasks'], api('/api/v1/users/tasks'));
  assert.match(await jar.cookieHeader(api('/api/v1/users/tasks/x')), /scoped=1/);
  assert.doesNotMatch(await jar.cookieHeader(api('/api/v1/users/models')), /scoped=1/);
  assert.match(await jar.cookieHeader(api('/api/v1/users/tasks/y')), /scoped=1/);
});

test('an expired cookie is not served from the reused header', async () => {
  let now = Date.now();
  const jar = SessionJar.withSession(origin, UUID, { now: () => now });
  await jar.store(['short=1; Path=/; Max-Age=1'], api('/'));
  assert.match(await jar.cookieHeader(api('/a')), /short=1/);
  now += 999;
  assert.match(await jar.cookieHeader(api('/b')), /short=1/);
  now += 1;
  assert.doesNotMatch(await jar.cookieHeader(api('/b')), /short=1/);
});

test('a Max-Age cookie expires that long after it was set, however often it is sent (RFC 6265 §5.2.2)', async () => {
  let now = Date.now();
  const jar = SessionJar.withSession(origin, UUID, { now: () => now });
  await jar.store(['sub=1; Path=/api; Max-Age=2'], api('/api'));
  for (let step = 0; step < 3; step += 1) {
    assert.match(await jar.cookieHeader(api('/api/x')), /sub=1/);
    now += 600;
  }
  now += 200;
  assert.doesNotMatch(await jar.cookieHeader(api('/api/y')), /sub=1/);
});

test('the image id is loaded once per session, shared by concurrent turns, and forgotten on demand', async () => {
  let now = 0;
  const cache = new ImageCache({ now: () => now }, 1000);
  let loads = 0;
  const load = async (): Promise<string> => {
    loads += 1;
    return `image-${loads}`;
  };
  const session = cache.forSession('s1');
  assert.deepEqual(await Promise.all([session.get(load), session.get(load)]), ['image-1', 'image-1']);
  assert.equal(await session.get(load), 'image-1');
  assert.equal(await cache.forSession('s2').get(load), 'image-2');
  session.forget();
  assert.equal(await session.get(load), 'image-3');
  now = 1001;
  assert.equal(await session.get(load), 'image-4');
  cache.remember('s3', 'known');
  assert.equal(await cache.forSession('s3').get(load), 'known');
  assert.equal(loads, 4);
});

test('a failed image load is not remembered', async () => {
  const cache = new ImageCache({ now: () => 0 });
  const session = cache.forSession('s1');
  await assert.rejects(
    session.get(() => Promise.reject(new Error('offline'))),
    /offline/,
  );
  assert.equal(await session.get(async () => 'image'), 'image');
});
