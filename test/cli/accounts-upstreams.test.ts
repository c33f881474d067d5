import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startTiangongFake, type TiangongFake } from '../fake-platforms/tiangong-fake.js';
import { fakeJwt } from '../fake-platforms/fake-server.js';
import { cliSandbox } from '../support/cli-run.js';

describe('relaypool accounts on a configured upstream', () => {
  let fake: TiangongFake;
  before(async () => {
    fake = await startTiangongFake({ users: { 'dev@example.com': 'tg-secret-pw' } });
  });
  after(() => fake.close());
  const sandbox = () =>
    cliSandbox({
      RELAYPOOL_UPSTREAM_URL: 'http://127.0.0.1:9',
      RELAYPOOL_UPSTREAMS: `tg=tiangong@${fake.url}`,
    });

  test('add --upstream with a password logs in there; list shows the upstream; the secrets are not stored in plaintext', async () => {
    using box = sandbox();
    const added = await box.run(
      'accounts',
      'add',
      '--upstream',
      'tg',
      '--email',
      'dev@example.com',
      '--password',
      'tg-secret-pw',
    );
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /added account 1 \(dev@example.com\): active, .*usable models, upstream tg/);
    assert.match(added.stderr, /warning: --password leaves the password in shell history/);
    const list = await box.run('accounts', 'list');
    assert.match(list.stdout, /UPSTREAM/);
    assert.match(list.stdout, /\n1\s+dev@example.com\s+tg\s+password\s+active/);
    const models = await box.run('models', '--json');
    assert.match(models.stdout, /tg\/bare/);
    const db = readFileSync(box.db).toString('latin1');
    assert.ok(!db.includes('tg-secret-pw'), 'password encrypted');
    assert.ok(!db.includes('eyJ'), 'token encrypted');
  });

  test('--token is validated upstream; a token the platform rejects is not stored; bad flags are usage errors', async () => {
    using box = sandbox();
    const bogus = fakeJwt('nobody', Math.floor(Date.now() / 1000) + 3600, 'x');
    const refused = await box.run('accounts', 'add', '--upstream', 'tg', '--token', bogus);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /rejected this token/);
    assert.equal((await box.run('accounts', 'list', '--json')).stdout.trim(), '[]');
    assert.equal((await box.run('accounts', 'add', '--token', bogus)).code, 2, '--token needs --upstream');
    const unknown = await box.run(
      'accounts',
      'add',
      '--upstream',
      'nope',
      '--email',
      'a@b.c',
      '--password',
      'x',
    );
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no upstream called nope/);
  });
});
