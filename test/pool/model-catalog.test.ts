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

test('lookup: a hit is a plain value, a miss is null; neither looks for changes', () => {
  const { catalog, rechecks } = catalogWith(['up/a'], (names) => names.add('up/new'));
  assert.equal(catalog.lookup('up/a'), 'up/a');
  assert.equal(catalog.lookup('up/new'), null);
  assert.equal(catalog.lookup('fast'), null, 'an alias of a model nobody serves yet');
  assert.throws(() => catalog.lookup(undefined), InvalidRequestError);
  assert.equal(rechecks(), 0);
});

test('resolveAfterLook: looks for changes once, then serves a model added elsewhere (also by alias)', async () => {
  const { catalog, rechecks } = catalogWith(['up/a'], (names) => names.add('up/new'));
  assert.equal(await catalog.resolveAfterLook('up/new'), 'up/new');
  assert.equal(rechecks(), 1);
  assert.equal(catalog.lookup('fast'), 'up/new', 'the alias resolves now too, without a look');
  assert.equal(rechecks(), 1);
});

test('resolveAfterLook: still nothing after the look is 404 model_not_found', async () => {
  const { catalog, rechecks } = catalogWith(['up/a']);
  await assert.rejects(
    catalog.resolveAfterLook('up/none'),
    (err: unknown) => err instanceof NotFoundError && err.code === 'model_not_found',
  );
  assert.equal(rechecks(), 1);
});

test('AnthropicModels: lookup never looks; resolveAfterLook looks once and serves a pattern alias', async () => {
  const { catalog, rechecks } = catalogWith(['up/a'], (names) => names.add('up/b'));
  const models = new AnthropicModels(catalog, {
    aliases: { 'claude-opus-*': 'up/b' },
    defaultModel: 'up/a',
    recheck: () => catalog.refresh(),
  });
  assert.equal(models.lookup('up/a'), 'up/a');
  assert.equal(models.lookup('claude-opus-4-1'), null);
  assert.equal(rechecks(), 0);
  assert.equal(await models.resolveAfterLook('claude-opus-4-1'), 'up/b');
  assert.equal(rechecks(), 1);
  await assert.rejects(
    models.resolveAfterLook('gpt-4o'),
    (err: unknown) => err instanceof NotFoundError && err.code === 'model_not_found',
  );
  assert.equal(rechecks(), 2);
});
