import { z } from 'zod';
import { isUpstreamFailure } from '../errors.js';
import type { AccountDiscovery, CallOptions, UpstreamWallet } from '../types.js';
import type { UpstreamLogger } from '../logger.js';
import { fetchImages, PUBLIC_HOST_ID, selectImage } from './images.js';
import { allowedModels, fetchModels, pickDefaultModel } from './models.js';
import type { MonkeyCodeHttp } from './http-client.js';
import type { SessionJar } from './session-jar.js';

const subscriptionSchema = z.object({ plan: z.string().nullish() }).nullish();
const walletSchema = z.object({
  balance: z.number(),
  daily_token_balance: z.number().nullish(),
  daily_token_limit: z.number().nullish(),
});

/** `GET /api/v1/users/subscription` (docs/monkeycode-protocol.md §3.4) → the plan name, or null when none is given. */
export async function fetchPlan(
  http: MonkeyCodeHttp,
  jar: SessionJar,
  options?: CallOptions,
): Promise<string | null> {
  const data = await http.api(jar, {
    method: 'GET',
    path: '/api/v1/users/subscription',
    schema: subscriptionSchema,
    context: 'subscription',
    options,
  });
  return data?.plan?.trim().toLowerCase() || null;
}

/** `GET /api/v1/users/wallet` (docs/monkeycode-protocol.md §3.5, hosted only) → null where the endpoint does not exist (404). */
export async function fetchWallet(
  http: MonkeyCodeHttp,
  jar: SessionJar,
  options?: CallOptions,
): Promise<UpstreamWallet | null> {
  try {
    const path = '/api/v1/users/wallet';
    const data = await http.api(jar, {
      method: 'GET',
      path,
      schema: walletSchema,
      context: 'wallet',
      options,
    });
    return {
      balance: data.balance,
      dailyTokenBalance: data.daily_token_balance ?? null,
      dailyTokenLimit: data.daily_token_limit ?? null,
    };
  } catch (err) {
    if (isUpstreamFailure(err) && err.kind === 'not-found') return null;
    throw err;
  }
}

/**
 * Everything needed to run tasks with this account (docs/monkeycode-protocol.md §2.8 `/admin/discover`): models, image, host,
 * plan, wallet. A dead session fails the whole call; a missing plan or wallet does not.
 */
export async function discoverAccount(
  http: MonkeyCodeHttp,
  jar: SessionJar,
  logger: UpstreamLogger,
  options?: CallOptions,
): Promise<AccountDiscovery> {
  const [models, images, plan, wallet] = await Promise.all([
    fetchModels(http, jar, logger, options),
    fetchImages(http, jar, options),
    optional(fetchPlan(http, jar, options), logger, 'subscription'),
    optional(fetchWallet(http, jar, options), logger, 'wallet'),
  ]);
  return {
    plan,
    models,
    allowedModels: allowedModels(plan, models),
    defaultModel: pickDefaultModel(plan, models),
    environmentId: selectImage(images)?.id ?? null,
    hostId: PUBLIC_HOST_ID,
    wallet,
  };
}

async function optional<T>(work: Promise<T>, logger: UpstreamLogger, what: string): Promise<T | null> {
  try {
    return await work;
  } catch (err) {
    if (!isUpstreamFailure(err) || err.kind === 'session-expired') throw err;
    logger.warn({ what, kind: err.kind }, 'optional discovery call failed');
    return null;
  }
}
