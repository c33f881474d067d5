import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore } from '../../src/store/index.js';
import { openTempStore } from './temp-store.js';

test('dataVersion changes when another connection writes, not on reads', (t) => {
  const { store: server, file } = openTempStore(t);
  const cli = openStore({ file });
  t.after(() => cli.close());
  const before = server.dataVersion();
  server.accounts.list();
  cli.accounts.list();
  assert.equal(server.dataVersion(), before);
  const added = cli.accounts.add({ kind: 'cookie', cookie: 'from-cli' });
  const afterAdd = server.dataVersion();
  assert.notEqual(afterAdd, before);
  assert.equal(server.accounts.get(added.id)?.label, added.label);
  cli.accounts.update(added.id, { enabled: false });
  assert.notEqual(server.dataVersion(), afterAdd);
  assert.equal(server.accounts.get(added.id)?.status, 'disabled');
});

test('close is idempotent', (t) => {
  const { store } = openTempStore(t);
  store.close();
  store.close();
  assert.throws(() => store.accounts.list());
});
