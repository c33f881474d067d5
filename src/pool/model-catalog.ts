import type { Store } from '../store/index.js';
import { InvalidRequestError, NotFoundError } from '../util/errors.js';

export interface CatalogOptions {
  /** Used when a request names no model. */
  defaultModel: string | null;
  /** Client-facing name → upstream model name. */
  aliases: Readonly<Record<string, string>>;
}

export interface CatalogEntry {
  /** The name clients use. */
  id: string;
  /** The upstream model it runs on. */
  upstreamName: string;
  /** Who offers it: `monkeycode`, or `relaypool` for an alias. */
  ownedBy: string;
}

/**
 * The models the pool can serve: every model some account's plan allows (cached in the store),
 * plus configured aliases that point at one of them.
 */
export class ModelCatalog {
  constructor(
    private readonly store: Store,
    private readonly options: CatalogOptions,
  ) {}

  /** Every servable model, upstream names first, then aliases. */
  list(): CatalogEntry[] {
    const upstream = [...new Set(this.store.models.listAll().map((model) => model.name))].sort();
    const known = new Set(upstream);
    const entries: CatalogEntry[] = upstream.map((name) => ({ id: name, upstreamName: name, ownedBy: 'monkeycode' }));
    for (const [alias, target] of Object.entries(this.options.aliases)) {
      if (known.has(target) && !known.has(alias)) entries.push({ id: alias, upstreamName: target, ownedBy: 'relaypool' });
    }
    return entries;
  }

  /** The upstream model name for a requested model; 404 `model_not_found` when nothing serves it. */
  resolve(requested: string | undefined): string {
    const name = requested ?? this.options.defaultModel;
    if (name === null || name === undefined || name === '') {
      throw new InvalidRequestError('you must provide a model parameter', { param: 'model', code: 'missing_model' });
    }
    const entry = this.list().find((candidate) => candidate.id === name);
    if (entry === undefined) {
      throw new NotFoundError(`the model \`${name}\` does not exist or no upstream account can use it`, {
        code: 'model_not_found',
        param: 'model',
      });
    }
    return entry.upstreamName;
  }

  /** The upstream id (task `model_id`) of a model on one account, or null if it lacks the model. */
  upstreamIdFor(accountId: number, upstreamName: string): string | null {
    return this.store.models.listForAccount(accountId).find((model) => model.name === upstreamName)?.upstreamId ?? null;
  }
}
