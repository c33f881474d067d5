import { NotFoundError } from '../util/errors.js';

/** What resolving needs from the pool's model catalog (a `ModelCatalog` fits). */
export interface ModelLookup {
  /** The upstream model for a model name or alias, or null when nothing serves it now. */
  tryResolve(name: string): string | null;
  /** Every servable name. */
  list(): ReadonlyArray<{ id: string }>;
}

/** `anthropic.*` model settings. */
export interface AnthropicModelOptions {
  /**
   * Names Anthropic clients send → a model or alias of the pool, or null for `defaultModel`. A
   * key ending in `*` matches every name with that prefix (the longest such key wins).
   */
  aliases: Readonly<Record<string, string | null>>;
  /** The pool's default model (`openai.defaultModel`). */
  defaultModel: string | null;
  /** Have the pool look for account changes made elsewhere (another process, the CLI). */
  recheck?: () => Promise<unknown>;
}

/**
 * Model names for the Anthropic routes. Claude Code and the SDKs ask for `claude-*` models, which
 * no upstream offers: an exact alias wins, then any name the pool serves itself, then the longest
 * matching prefix pattern (by default `claude-*` → the default model).
 */
export class AnthropicModels {
  readonly #patterns: ReadonlyArray<[string, string | null]>;

  constructor(
    private readonly catalog: ModelLookup,
    private readonly options: AnthropicModelOptions,
  ) {
    this.#patterns = Object.entries(options.aliases)
      .filter(([key]) => key.endsWith('*'))
      .map(([key, target]): [string, string | null] => [key.slice(0, -1), target])
      .sort((a, b) => b[0].length - a[0].length);
  }

  /** The upstream model for a requested name; 404 `model_not_found` when nothing serves it. */
  resolve(requested: string): string {
    const resolved = this.#resolve(requested);
    if (resolved.upstream !== null) return resolved.upstream;
    throw new NotFoundError(resolved.why, { code: 'model_not_found', param: 'model' });
  }

  /** The upstream model for a requested name, or null when nothing serves it now (synchronous). */
  lookup(requested: string): string | null {
    return this.#resolve(requested).upstream;
  }

  /**
   * For a name `lookup` found nothing for: have the pool look for accounts added elsewhere
   * (`recheck`), then `resolve` once more. Call it only on a miss.
   */
  async resolveAfterLook(requested: string): Promise<string> {
    await this.options.recheck?.();
    return this.resolve(requested);
  }

  /** The names to list: the pool's own, then exact aliases that resolve now. */
  list(): string[] {
    const names = this.catalog.list().map((entry) => entry.id);
    const seen = new Set(names);
    for (const name of Object.keys(this.options.aliases)) {
      if (!name.endsWith('*') && !seen.has(name) && this.#resolve(name).upstream !== null) names.push(name);
    }
    return names;
  }

  #resolve(requested: string): { upstream: string | null; why: string } {
    const exact = this.options.aliases[requested];
    if (exact !== undefined && !requested.endsWith('*')) return this.#target(requested, exact);
    const own = this.catalog.tryResolve(requested);
    if (own !== null) return { upstream: own, why: '' };
    const pattern = this.#patterns.find(([prefix]) => requested.startsWith(prefix));
    if (pattern !== undefined) return this.#target(requested, pattern[1]);
    return { upstream: null, why: `model: ${requested} does not exist or no upstream account can use it` };
  }

  #target(requested: string, target: string | null): { upstream: string | null; why: string } {
    const name = target ?? this.options.defaultModel;
    if (name === null) {
      return {
        upstream: null,
        why: `model: ${requested} maps to the default model, but none is set (openai.defaultModel)`,
      };
    }
    const upstream = this.catalog.tryResolve(name);
    return { upstream, why: `model: ${requested} maps to ${name}, which no upstream account can use` };
  }
}
