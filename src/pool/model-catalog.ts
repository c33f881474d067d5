import { InvalidRequestError, NotFoundError } from '../util/errors.js';

export interface CatalogOptions {
  /** Used when a request names no model. */
  defaultModel: string | null;
  /** Client-facing name → upstream model name. */
  aliases: Readonly<Record<string, string>>;
  /** Who offers an upstream model (its upstream's name); default `monkeycode`. */
  ownerOf?: (name: string) => string;
  /** Have the pool look for account changes made elsewhere (another process, the CLI). */
  recheck?: () => Promise<unknown>;
}

export interface CatalogEntry {
  /** The name clients use. */
  id: string;
  /** The upstream model it runs on. */
  upstreamName: string;
  /** Who offers it: `monkeycode`, or `relaypool` for an alias. */
  ownedBy: string;
}

interface CatalogView {
  names: ReadonlySet<string>;
  entries: CatalogEntry[];
  byId: ReadonlyMap<string, CatalogEntry>;
}

/**
 * The models the pool can serve: every model some account's plan allows, plus configured aliases
 * that point at one of them. `names` comes from the pool's cached snapshot, so resolving a model
 * costs no query; the entry list is rebuilt only when that set changes.
 */
export class ModelCatalog {
  #view: CatalogView | null = null;

  constructor(
    private readonly names: () => ReadonlySet<string>,
    private readonly options: CatalogOptions,
  ) {}

  /** Every servable model, upstream names first, then aliases. */
  list(): CatalogEntry[] {
    return this.#current().entries;
  }

  /** The upstream model name for a requested model; 404 `model_not_found` when nothing serves it. */
  resolve(requested: string | null | undefined): string {
    const upstream = this.lookup(requested);
    if (upstream !== null) return upstream;
    const name = requested ?? this.options.defaultModel ?? '';
    throw new NotFoundError(`the model \`${name}\` does not exist or no upstream account can use it`, {
      code: 'model_not_found',
      param: 'model',
    });
  }

  /**
   * The upstream model name for a requested model (the default model when none is named), or null
   * when nothing serves it now; 400 `missing_model` when none is named and there is no default.
   * Synchronous: the request path's hit costs no look at the database.
   */
  lookup(requested: string | null | undefined): string | null {
    const name = requested ?? this.options.defaultModel;
    if (name === null || name === undefined || name === '') {
      throw new InvalidRequestError('you must provide a model parameter', {
        param: 'model',
        code: 'missing_model',
      });
    }
    return this.tryResolve(name);
  }

  /**
   * For a model `lookup` found nothing for: have the pool look for accounts added elsewhere since
   * its last look (another process, the CLI), then `resolve` once more. Call it only on a miss:
   * `catalog.lookup(m) ?? (await catalog.resolveAfterLook(m))`.
   */
  async resolveAfterLook(requested: string | null | undefined): Promise<string> {
    await this.refresh();
    return this.resolve(requested);
  }

  /** Look for account changes made elsewhere now (before listing what the pool serves). */
  async refresh(): Promise<void> {
    await this.options.recheck?.();
  }

  /** The upstream model name for `name` (a model or an alias), or null when nothing serves it now. */
  tryResolve(name: string): string | null {
    return this.#current().byId.get(name)?.upstreamName ?? null;
  }

  #current(): CatalogView {
    const names = this.names();
    if (this.#view?.names === names) return this.#view;
    const upstream = [...names].sort();
    const entries: CatalogEntry[] = upstream.map((name) => ({
      id: name,
      upstreamName: name,
      ownedBy: this.options.ownerOf?.(name) ?? 'monkeycode',
    }));
    for (const [alias, target] of Object.entries(this.options.aliases)) {
      if (names.has(target) && !names.has(alias))
        entries.push({ id: alias, upstreamName: target, ownedBy: 'relaypool' });
    }
    this.#view = { names, entries, byId: new Map(entries.map((entry) => [entry.id, entry])) };
    return this.#view;
  }
}
