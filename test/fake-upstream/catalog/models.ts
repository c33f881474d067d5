import type { PlanName } from '../types.js';

/** A model row as the fake stores it; rendered by `modelJson`. */
export interface CatalogModel {
  id: string;
  provider: string;
  model: string;
  remark: string;
  interfaceType: 'openai_chat' | 'openai_responses' | 'anthropic';
  accessLevel: '' | 'basic' | 'pro' | 'ultra';
  isFree: boolean;
  isHidden: boolean;
  isDefault: boolean;
  weight: number;
  ownerType: 'public' | 'private' | 'team';
  thinkingEnabled: boolean;
  supportImage: boolean;
  contextLimit: number;
  outputLimit: number;
  /** Bare tier placeholders (`monkeycode-pro`) are listed but cannot run tasks. */
  placeholder: boolean;
}

function model(partial: Partial<CatalogModel> & Pick<CatalogModel, 'id' | 'model' | 'remark'>): CatalogModel {
  return {
    provider: 'BaiZhiCloud',
    interfaceType: 'openai_chat',
    accessLevel: '',
    isFree: false,
    isHidden: false,
    isDefault: false,
    weight: 1,
    ownerType: 'public',
    thinkingEnabled: true,
    supportImage: false,
    contextLimit: 200_000,
    outputLimit: 32_000,
    placeholder: false,
    ...partial,
  };
}

/** Well-known model ids, so tests can refer to them. */
export const MODEL_IDS = {
  basicQwen: '0b5e2f7a-3c1d-4e8b-9a2f-6d4c1b7e9f00',
  basicGlm: '1c6f3a8b-4d2e-4f9c-8b3a-7e5d2c8f0a11',
  basicHidden: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c44',
  basicPlaceholder: '4f9c6dbe-7a5b-4c2f-9e6d-0b8a5fbc3d55',
  proKimi: '2d7a4b9c-5e3f-4a0d-9c4b-8f6e3d9a1b22',
  proCodex: '8b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d66',
  proPlaceholder: '5a0d7ecf-8b6c-4d3a-8f7e-1c9b6acd4e77',
  ultraSonnet: '3e8b5cad-6f4a-4b1e-8d5c-9a7f4eab2c33',
  ultraPlaceholder: '6b1e8fda-9c7d-4e4b-9a8f-2dac7bde5f88',
  deepseek: '9c3d4e5f-6a7b-4c8d-8e9f-1a2b3c4d5e99',
} as const;

/** The shared public catalog, public models first (docs/monkeycode-protocol.md §3.1). */
export const CATALOG_MODELS: readonly CatalogModel[] = [
  model({
    id: MODEL_IDS.basicPlaceholder,
    model: 'monkeycode-basic',
    remark: 'MonkeyCode Basic',
    accessLevel: 'basic',
    isFree: true,
    placeholder: true,
  }),
  model({
    id: MODEL_IDS.basicQwen,
    model: 'monkeycode-basic/qwen3.5-plus',
    remark: 'MonkeyCode Basic',
    accessLevel: 'basic',
    isFree: true,
    weight: 10,
  }),
  model({
    id: MODEL_IDS.basicGlm,
    model: 'monkeycode-basic/glm-4.7',
    remark: 'GLM 4.7',
    accessLevel: 'basic',
    isFree: true,
    weight: 5,
  }),
  model({
    id: MODEL_IDS.basicHidden,
    model: 'monkeycode-basic/qwen3-coder-legacy',
    remark: 'Legacy',
    accessLevel: 'basic',
    isFree: true,
    isHidden: true,
  }),
  model({
    id: MODEL_IDS.proPlaceholder,
    model: 'monkeycode-pro',
    remark: 'MonkeyCode Pro',
    accessLevel: 'pro',
    placeholder: true,
  }),
  model({
    id: MODEL_IDS.proKimi,
    model: 'monkeycode-pro/kimi-k2.5',
    remark: 'Kimi K2.5',
    accessLevel: 'pro',
    weight: 10,
  }),
  model({
    id: MODEL_IDS.proCodex,
    model: 'monkeycode-pro/gpt-5.1-codex',
    remark: 'GPT-5.1 Codex',
    accessLevel: 'pro',
    interfaceType: 'openai_responses',
    weight: 5,
  }),
  model({
    id: MODEL_IDS.ultraPlaceholder,
    model: 'monkeycode-ultra',
    remark: 'MonkeyCode Ultra',
    accessLevel: 'ultra',
    placeholder: true,
  }),
  model({
    id: MODEL_IDS.ultraSonnet,
    model: 'monkeycode-ultra/claude-sonnet-4.5',
    remark: 'Claude Sonnet 4.5',
    accessLevel: 'ultra',
    interfaceType: 'anthropic',
    weight: 10,
    supportImage: true,
  }),
  model({
    id: MODEL_IDS.deepseek,
    model: 'deepseek-v3.2',
    remark: 'DeepSeek V3.2',
    provider: 'DeepSeek',
    thinkingEnabled: false,
    contextLimit: 128_000,
    outputLimit: 8_000,
  }),
];

/** Plan gating used by official clients and (presumably) hosted (docs/monkeycode-protocol.md §3.1). */
export function planAllowsModel(plan: PlanName, modelName: string): boolean {
  if (modelName.startsWith('monkeycode-ultra')) return plan === 'ultra' || plan === 'flagship';
  if (modelName.startsWith('monkeycode-pro'))
    return plan === 'pro' || plan === 'ultra' || plan === 'flagship';
  return true;
}

const CREATED_AT = 1_751_000_000;

/** `/users/models` row (docs/monkeycode-protocol.md §3.1 field set). */
export function modelJson(m: CatalogModel): Record<string, unknown> {
  return {
    id: m.id,
    provider: m.provider,
    base_url: '',
    model: m.model,
    remark: m.remark,
    temperature: 0,
    is_default: m.isDefault,
    created_at: CREATED_AT,
    updated_at: CREATED_AT,
    weight: m.weight,
    owner: { id: 'b2f0c7a4-0000-4000-8000-000000000001', type: m.ownerType, name: 'MonkeyCode-AI' },
    interface_type: m.interfaceType,
    is_free: m.isFree,
    access_level: m.accessLevel,
    last_check_at: 0,
    last_check_success: false,
    last_check_error: '',
    thinking_enabled: m.thinkingEnabled,
    support_image: m.supportImage,
    is_hidden: m.isHidden,
    context_limit: m.contextLimit,
    output_limit: m.outputLimit,
  };
}

/** The short model object embedded in tasks. */
export function taskModelJson(m: CatalogModel): Record<string, unknown> {
  return {
    id: m.id,
    model: m.model,
    remark: m.remark,
    interface_type: m.interfaceType,
    owner: { type: m.ownerType },
  };
}
