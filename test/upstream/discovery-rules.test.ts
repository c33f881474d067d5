import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { UpstreamModel } from '../../src/upstream/types.js';
import {
  allowedModels,
  isCallableModel,
  pickDefaultModel,
  planAllowsModel,
  toUpstreamModel,
} from '../../src/upstream/monkeycode/models.js';
import { type MonkeyCodeImage, selectImage } from '../../src/upstream/monkeycode/images.js';

function model(name: string, extra: Partial<UpstreamModel> = {}): UpstreamModel {
  return toUpstreamModel({ id: `id-${name}`, model: name, ...extraToRaw(extra) });
}
function extraToRaw(extra: Partial<UpstreamModel>): { weight?: number; owner?: { type: string } } {
  return { weight: extra.weight, owner: extra.ownerType ? { type: extra.ownerType } : undefined };
}

test('hidden rows and bare tier placeholders are not callable', () => {
  assert.equal(isCallableModel({ model: 'monkeycode-basic/qwen3.5-plus', is_hidden: false }), true);
  assert.equal(isCallableModel({ model: 'monkeycode-pro/x', is_hidden: true }), false);
  for (const placeholder of ['monkeycode-basic', 'monkeycode-pro', 'monkeycode-ultra', 'MonkeyCode-Pro ']) {
    assert.equal(isCallableModel({ model: placeholder }), false, placeholder);
  }
  assert.equal(isCallableModel({ model: 'deepseek-chat' }), true);
});

test('wire rows map to the neutral model (remark is the display name)', () => {
  const mapped = toUpstreamModel({
    id: 'm1',
    model: 'monkeycode-basic/qwen3.5-plus',
    provider: 'BaiZhiCloud',
    remark: 'MonkeyCode Basic',
    interface_type: 'openai_chat',
    access_level: 'basic',
    is_free: true,
    weight: 10,
    thinking_enabled: true,
    context_limit: 200000,
    output_limit: 32000,
    owner: { type: 'public' },
  });
  assert.equal(mapped.displayName, 'MonkeyCode Basic');
  assert.equal(mapped.ownerType, 'public');
  assert.equal(mapped.contextLimit, 200000);
  assert.equal(toUpstreamModel({ id: 'm2', model: 'x', remark: '  ' }).displayName, 'x');
});

test('plan gating (docs/monkeycode-protocol.md §3.1)', () => {
  const cases: Array<[string | null, string, boolean]> = [
    ['basic', 'monkeycode-basic/qwen', true],
    ['basic', 'monkeycode-pro/glm', false],
    ['basic', 'monkeycode-ultra/claude', false],
    ['pro', 'monkeycode-pro/glm', true],
    ['pro', 'monkeycode-ultra/claude', false],
    ['flagship', 'monkeycode-pro/glm', true],
    ['flagship', 'monkeycode-ultra/claude', true],
    ['ultra', 'monkeycode-ultra/claude', true],
    ['basic', 'deepseek-chat', true],
    [null, 'monkeycode-ultra/claude', true],
  ];
  for (const [plan, name, allowed] of cases)
    assert.equal(planAllowsModel(plan, name), allowed, `${plan} ${name}`);
});

test('default model: the plan tier with the highest weight, else the first allowed public model', () => {
  const models = [
    model('private-llm', { ownerType: 'private' }),
    model('monkeycode-basic/a', { weight: 1, ownerType: 'public' }),
    model('monkeycode-basic/b', { weight: 9, ownerType: 'public' }),
    model('monkeycode-pro/c', { weight: 5, ownerType: 'public' }),
    model('monkeycode-ultra/d', { weight: 5, ownerType: 'public' }),
  ];
  assert.equal(pickDefaultModel('basic', models)?.name, 'monkeycode-basic/b');
  assert.equal(pickDefaultModel('pro', models)?.name, 'monkeycode-pro/c');
  assert.equal(pickDefaultModel('flagship', models)?.name, 'monkeycode-ultra/d');
  assert.equal(pickDefaultModel('enterprise', models)?.name, 'monkeycode-basic/a');
  assert.deepEqual(
    allowedModels('basic', models).map((m) => m.name),
    ['private-llm', 'monkeycode-basic/a', 'monkeycode-basic/b'],
  );
  assert.equal(pickDefaultModel('basic', []), null);
});

test('image selection: public devbox, else the first image', () => {
  const image = (id: string, remark: string, ownerType: string | null): MonkeyCodeImage => ({
    id,
    name: `${id}:latest`,
    remark,
    isDefault: false,
    ownerType,
  });
  assert.equal(
    selectImage([
      image('a', 'node', 'public'),
      image('b', 'devbox', 'private'),
      image('c', 'devbox', 'public'),
    ])?.id,
    'c',
  );
  assert.equal(selectImage([image('a', 'node', 'public'), image('b', 'devbox', 'private')])?.id, 'a');
  assert.equal(selectImage([]), null);
});
