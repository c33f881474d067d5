import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnthropicModels } from '../../src/anthropic/index.js';
import { ModelCatalog } from '../../src/pool/model-catalog.js';
import { InvalidRequestError, NotFoundError } from '../../src/util/errors.js';

/** A catalog over a name set that `recheck` may change (another process added an account). */
function catalogWith(initial: string[], onRecheck: (names: Set<string>) => void = () => undefined) {
  let names: ReadonlySet<string> = new Set(initial);
  let rechecks = 0;
  const catalog = new ModelCatalog(() => names, {
    defaultModel: null,
    aliases: { fast: 'up/new' },
    recheck: () => {
      rechecks += 1;
      const next = new Set(names);
      onRecheck(next);
      names = next;
      return Promise.resolve();
    },
  });
  return { catalog, rechecks: () => rechecks };
}

test('resolveFresh: a hit is answered at once without looking for changes', () => {
  const { catalog, rechecks } = catalogWith(['up/a']);
  assert.equal(catalog.resolveFresh('up/a'), 'up/a', 'a plain value, not a promise');
  assert.equal(rechecks(), 0);
});

test('resolveFresh: a miss looks for changes once, then serves a model added elsewhere (also by alias)', async () => {
  const { catalog, rechecks } = catalogWith(['up/a'], (names) => names.add('up/new'));
  assert.equal(await catalog.resolveFresh('up/new'), 'up/new');
  assert.equal(rechecks(), 1);
  assert.equal(catalog.resolveFresh('fast'), 'up/new', 'the alias resolves now too');
  assert.equal(rechecks(), 1);
});

test('resolveFresh: still nothing after looking again is 404 model_not_found; no model at all is 400 without a look', async () => {
  const { catalog, rechecks } = catalogWith(['up/a']);
  await assert.rejects(
    Promise.resolve().then(() => catalog.resolveFresh('up/none')),
    (err: unknown) => err instanceof NotFoundError && err.code === 'model_not_found',
  );
  assert.equal(rechecks(), 1);
  assert.throws(() => catalog.resolveFresh(undefined), InvalidRequestError);
  assert.equal(rechecks(), 1);
});

test('AnthropicModels.resolveFresh looks for changes on a miss, not on a hit', async () => {
  const { catalog, rechecks } = catalogWith(['up/a'], (names) => names.add('up/b'));
  const models = new AnthropicModels(catalog, {
    aliases: { 'claude-opus-*': 'up/b' },
    defaultModel: 'up/a',
    recheck: () => catalog.refresh(),
  });
  assert.equal(models.resolveFresh('up/a'), 'up/a');
  assert.equal(rechecks(), 0);
  assert.equal(await models.resolveFresh('claude-opus-4-1'), 'up/b');
  assert.equal(rechecks(), 1);
  await assert.rejects(
    Promise.resolve().then(() => models.resolveFresh('gpt-4o')),
    (err: unknown) => err instanceof NotFoundError && err.code === 'model_not_found',
  );
  assert.equal(rechecks(), 2);
});
