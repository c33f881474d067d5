import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { runCli } from '../../src/cli/program.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

// A model that only an account the CLI added a moment ago serves. The server has not looked at
// the database since (no watch tick in these tests): the request naming that model makes it look
// before answering 404, and a model nobody serves is still a 404 in each wire format's shape.

const MODEL = 'monkeycode-basic/qwen3.5-plus';

/** A server with no account and a watch that never ticks during the test. */
async function serverWithoutAccounts(t: TestContext): Promise<Harness> {
  const h = await startHarness({ accounts: 0, env: { RELAYPOOL_POOL_WATCH_INTERVAL_MS: '600000' } });
  t.after(() => h.close());
  return h;
}

/** `relaypool accounts add --cookie` against the server's database (another connection). */
async function addAccountWithCli(h: Harness): Promise<void> {
  const user = h.fake.addUser({ email: 'late@example.com', password: 'pw', plan: 'pro' });
  let out = '';
  const code = await runCli(
    ['accounts', 'add', '--cookie', h.fake.issueSession(user.id), '--label', 'late'],
    {
      stdout: (text) => void (out += text),
      stderr: (text) => void (out += text),
      env: {
        RELAYPOOL_DB: h.db,
        RELAYPOOL_SECRET_KEY: 'contract-test-key',
        RELAYPOOL_UPSTREAM_URL: h.fake.url,
      },
      cwd: process.cwd(),
      isTty: false,
    },
  );
  assert.equal(code, 0, out);
}

const openAiNotFound = (err: unknown): boolean =>
  err instanceof OpenAI.NotFoundError && err.code === 'model_not_found' && err.param === 'model';

test('/v1/responses serves a model of an account the CLI just added; a model nobody serves is still 404', async (t) => {
  const h = await serverWithoutAccounts(t);
  await addAccountWithCli(h);
  const reply = await h.client.responses.create({ model: MODEL, input: 'hello' });
  assert.equal(reply.status, 'completed');
  await assert.rejects(h.client.responses.create({ model: 'no-such-model', input: 'x' }), openAiNotFound);
});

test('/v1/messages (Anthropic SDK) serves it at once; an unknown model is a not_found_error', async (t) => {
  const h = await serverWithoutAccounts(t);
  const client = new Anthropic({ baseURL: h.server.url, apiKey: 'unused', maxRetries: 0, timeout: 20_000 });
  const user = (text: string): Anthropic.MessageParam[] => [{ role: 'user', content: text }];
  await addAccountWithCli(h);
  const reply = await client.messages.create({ model: MODEL, max_tokens: 64, messages: user('hello') });
  assert.equal(reply.stop_reason, 'end_turn');
  await assert.rejects(
    client.messages.create({ model: 'gpt-nope', max_tokens: 8, messages: user('x') }),
    (err: unknown) => err instanceof Anthropic.NotFoundError && err.type === 'not_found_error',
  );
});

test('GET /v1/models/{id} finds a model of an account the CLI just added; a hit does not look', async (t) => {
  const h = await serverWithoutAccounts(t);
  await addAccountWithCli(h);
  assert.equal((await h.client.models.retrieve(MODEL)).id, MODEL);
  await assert.rejects(h.client.models.retrieve('no-such-model'), openAiNotFound);
  // A hit does not look at the database (these two routes take no slot, so nothing else does).
  const store = h.server.services.store;
  const dataVersion = store.dataVersion.bind(store);
  let looks = 0;
  store.dataVersion = () => {
    looks += 1;
    return dataVersion();
  };
  assert.equal((await h.client.models.retrieve(MODEL)).id, MODEL);
  const anthropic = new Anthropic({ baseURL: h.server.url, apiKey: 'unused', maxRetries: 0 });
  const counted = await anthropic.messages.countTokens({
    model: MODEL,
    messages: [{ role: 'user', content: 'hi' }],
  });
  assert.ok(counted.input_tokens > 0);
  assert.equal(looks, 0);
  await assert.rejects(h.client.models.retrieve('no-such-model'), openAiNotFound);
  assert.equal(looks, 1, 'a miss looks once');
});

test('GET /v1/models lists a model of an account the CLI just added', async (t) => {
  const h = await serverWithoutAccounts(t);
  assert.deepEqual((await h.client.models.list()).data, []);
  await addAccountWithCli(h);
  assert.ok((await h.client.models.list()).data.some((m) => m.id === MODEL));
});

test('concurrent misses after one change read the accounts once', async (t) => {
  const h = await serverWithoutAccounts(t);
  const models = h.server.services.store.models;
  const listAll = models.listAll.bind(models);
  let reads = 0;
  models.listAll = () => {
    reads += 1;
    return listAll();
  };
  await addAccountWithCli(h);
  const found = await Promise.all(Array.from({ length: 8 }, () => h.client.models.retrieve(MODEL)));
  assert.deepEqual(new Set(found.map((m) => m.id)), new Set([MODEL]));
  const unknown = await Promise.allSettled(Array.from({ length: 8 }, () => h.client.models.retrieve('nope')));
  assert.ok(unknown.every((r) => r.status === 'rejected' && openAiNotFound(r.reason)));
  assert.equal(reads, 1, 'one read of the accounts for sixteen misses');
});

test('a look at the database that fails: the model is answered from the last read (404), not a 500', async (t) => {
  const h = await serverWithoutAccounts(t);
  const store = h.server.services.store;
  const dataVersion = store.dataVersion.bind(store);
  let failed = 0;
  store.dataVersion = () => {
    failed += 1;
    return Promise.reject(new Error('connection lost'));
  };
  await assert.rejects(
    h.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }),
    openAiNotFound,
  );
  assert.equal(failed, 1);
  assert.match(h.logs(), /could not look for account changes/);
  store.dataVersion = dataVersion;
  await addAccountWithCli(h);
  const reply = await h.client.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'x' }],
  });
  assert.equal(reply.choices[0]?.finish_reason, 'stop');
});
