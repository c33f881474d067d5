import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fnv1a, prng } from './captcha/prng.js';
import { subChallenge, verifySolutions } from './captcha/go-cap.js';
import { capPrng, solveChallenge } from './spec-captcha.js';
import { EMAIL, PASSWORD, setup } from './test-setup.js';
import { envelope } from './spec-client.js';
import { z } from 'zod';

const TOKEN = '3f9c2a7e1b5d4c60a8e2f71b9';
const PARAMS = { c: 50, s: 32, d: 3 };
const VECTOR = [
  13570, 892, 144, 2789, 29, 4546, 2020, 11314, 6702, 345, 1825, 951, 2545, 2036, 3352, 10405, 5876, 2975,
  161, 179, 7324, 10019, 6091, 1139, 195, 1471, 868, 3042, 7865, 2388, 4890, 555, 1270, 3418, 8308, 6539, 688,
  4284, 909, 6906, 7981, 1350, 656, 1740, 163, 11047, 2558, 2448, 1782, 7228,
];

const redeemOk = z.object({ success: z.literal(true), token: z.string(), expires: z.number() });
const redeemErr = z.object({ success: z.literal(false), message: z.string() });
const challengeOk = z.object({
  challenge: z.object({ c: z.number(), s: z.number(), d: z.number() }),
  token: z.string(),
  expires: z.number(),
});

describe('captcha worked example (docs/captcha-pow.md §5)', () => {
  test('PRNG states, salts and targets', () => {
    assert.equal(fnv1a(`${TOKEN}1`), 0xac410608);
    assert.equal(fnv1a(`${TOKEN}1d`), 0x965d1c04);
    assert.deepEqual(subChallenge(TOKEN, 1, PARAMS), {
      salt: '1c884948a189309874d419f50ab28200',
      target: '8e6',
    });
    assert.deepEqual(subChallenge(TOKEN, 2, PARAMS), {
      salt: '4d34d46d209ae991c8b61fe5621df240',
      target: 'fad',
    });
    assert.equal(prng(`${TOKEN}1`, 32), capPrng(`${TOKEN}1`, 32));
  });

  test('verifier accepts the vector and rejects any single change', () => {
    assert.equal(verifySolutions(TOKEN, VECTOR, PARAMS), true);
    for (const i of [0, 17, 49]) {
      const bad = [...VECTOR];
      bad[i] = (bad[i] ?? 0) + 1;
      assert.equal(verifySolutions(TOKEN, bad, PARAMS), false);
    }
    assert.equal(verifySolutions(TOKEN, VECTOR.slice(0, 49), PARAMS), false);
    assert.equal(verifySolutions(TOKEN, [...VECTOR, 5], PARAMS), true, 'extra entries are ignored');
  });

  test('spec solver finds the smallest nonces', () => {
    assert.deepEqual(solveChallenge(TOKEN, { c: 3, s: 32, d: 3 }), VECTOR.slice(0, 3));
  });
});

describe('captcha endpoints and login', () => {
  test('challenge → solve → redeem → login; the captcha token is single use', async (t) => {
    const { fake, client } = await setup(t, { captcha: { enabled: true, c: 8, s: 16, d: 2 } });
    client.cookie = undefined;
    const ch = await client.call('POST', '/api/v1/public/captcha/challenge');
    assert.equal(ch.status, 201);
    const body = challengeOk.parse(ch.json);
    assert.deepEqual(body.challenge, { c: 8, s: 16, d: 2 });
    assert.match(body.token, /^[0-9a-f]{25}$/);
    assert.ok(
      body.expires > Date.now() / 1000 && body.expires < Date.now() / 1000 + 200,
      'expires in Unix seconds',
    );
    assert.equal('code' in z.record(z.string(), z.unknown()).parse(ch.json), false, 'no envelope');

    const redeem = await client.call('POST', '/api/v1/public/captcha/redeem', {
      token: body.token,
      solutions: solveChallenge(body.token, body.challenge),
    });
    assert.equal(redeem.status, 201);
    const token = redeemOk.parse(redeem.json).token;
    assert.match(token, /^[0-9a-f]{8}:[0-9a-f]{15}$/);
    assert.equal(fake.state.captchaChallenges.has(body.token), false, 'challenge consumed');

    const login = await client.login(EMAIL, PASSWORD, token);
    assert.equal(envelope(login).code, 0);
    client.cookie = undefined;
    const again = await client.login(EMAIL, PASSWORD, token);
    assert.equal(again.status, 403);
    assert.equal(envelope(again).code, 403);
  });

  test('a failed password attempt burns the captcha token too', async (t) => {
    const { client } = await setup(t, { captcha: { enabled: true, c: 2, s: 8, d: 1 } });
    const token = await client.captchaToken();
    assert.equal(envelope(await client.login(EMAIL, 'wrong', token)).code, 10606);
    assert.equal((await client.login(EMAIL, PASSWORD, token)).status, 403);
  });

  test('redeem failures: 500 without envelope; one attempt per challenge', async (t) => {
    const { client } = await setup(t, { captcha: { enabled: true, c: 4, s: 8, d: 2 } });
    const bodyOf = async (b: unknown) => {
      const r = await client.call('POST', '/api/v1/public/captcha/redeem', b);
      assert.equal(r.status, 500);
      return redeemErr.parse(r.json).message;
    };
    assert.equal(await bodyOf({ token: 'short', solutions: [1, 2, 3, 4] }), 'invalid challenge body');
    const ch = challengeOk.parse((await client.call('POST', '/api/v1/public/captcha/challenge')).json);
    assert.equal(await bodyOf({ token: ch.token, solutions: [1] }), 'invalid solutions');
    const good = solveChallenge(ch.token, ch.challenge);
    const salt = capPrng(`${ch.token}1`, ch.challenge.s);
    const target = capPrng(`${ch.token}1d`, ch.challenge.d);
    let bad = 0;
    while (createHash('sha256').update(`${salt}${bad}`).digest('hex').startsWith(target)) bad++;
    // The pre-lookup checks did not consume the challenge; a wrong list does.
    assert.equal(await bodyOf({ token: ch.token, solutions: [bad, ...good.slice(1)] }), 'invalid solutions');
    assert.equal(await bodyOf({ token: ch.token, solutions: good }), 'challenge expired');
    assert.equal(await bodyOf({ token: 'a'.repeat(25), solutions: [1, 2, 3, 4] }), 'challenge expired');
  });

  test('login without or with a forged captcha token → 403 JSON', async (t) => {
    const { client } = await setup(t, { captcha: { enabled: true } });
    for (const token of [undefined, 'deadbeef:123456789abcdef', 'garbage']) {
      const r = await client.login(EMAIL, PASSWORD, token);
      assert.equal(r.status, 403);
      assert.match(r.contentType, /application\/json/);
      const env = envelope(r);
      assert.equal(env.code, 403);
      assert.match(env.message, / \[trace_id: [^\]]+\]$/);
    }
  });
});
