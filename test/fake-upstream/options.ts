import type { Agent } from './agent/agent-types.js';
import { createDefaultAgent } from './agent/default-agent.js';

/** How `/users/status` answers without a valid session (docs/monkeycode-protocol.md §1.3). */
export type StatusVariant = 'json401' | 'empty200';

/** What the server does after a turn's `task-ended` (docs/monkeycode-protocol.md §5.5). */
export type CloseAfterTurn = 'close1000' | 'wait-for-client';

/** go-cap captcha parameters (docs/captcha-pow.md). */
export interface CaptchaOptions {
  /** When false, login needs no `captcha_token` and redeem accepts anything. Default true. */
  enabled?: boolean;
  /** Sub-challenges. Default 50. */
  c?: number;
  /** Salt length (hex chars). Default 32. */
  s?: number;
  /** Target length (hex chars). Default 3. */
  d?: number;
  /** Challenge lifetime in seconds. Default 120. */
  challengeTtlS?: number;
  /** Redeemed token lifetime in seconds. Default 300. */
  tokenTtlS?: number;
}

/** Options of `startFakeUpstream`. Every field is optional. */
export interface FakeUpstreamOptions {
  /** Listen address. Default `127.0.0.1`. */
  host?: string;
  /** Listen port. Default 0 (ephemeral). */
  port?: number;
  captcha?: CaptchaOptions;
  /** Delay before a new task goes `pending` → `processing` and its first turn starts. Default 50. */
  bootDelayMs?: number;
  /** Delay before a hibernated VM is `online` again after a control socket connects. Default 50. */
  resumeDelayMs?: number;
  /** Delay of the create answer, after the task exists (a slow network back to the client). Default 0. */
  createReplyDelayMs?: number;
  /** Stream/control ping period. Default 10000 (SRC). */
  pingIntervalMs?: number;
  /** Default `json401` (SRC). */
  statusVariant?: StatusVariant;
  /** Default `wait-for-client` (SRC); hosted has been seen to close with 1000. */
  closeAfterTurn?: CloseAfterTurn;
  /** Max pending|processing tasks per user before 10811. Default 1. */
  concurrencyLimit?: number;
  /** Largest page `/users/models` returns, whatever `limit` asks. Default 100. */
  modelsPageSize?: number;
  /** Default `createDefaultAgent({ stepDelayMs })`. */
  agent?: Agent;
  /** Delay between the default agent's steps. Default 5. */
  stepDelayMs?: number;
  /** Max inbound WS message size in bytes; larger closes with 1009. Default 32768. */
  maxInboundBytes?: number;
  /** Baizhi-Cloud base URL for the OAuth login routes (docs/monkeycode-protocol.md §2.7). Default `https://baizhi.cloud`. */
  baizhiUrl?: string;
  /** Attach replays merge adjacent message chunks, as the log store may (docs/monkeycode-protocol.md §5.5 attach step 3). Default false. */
  mergeReplayChunks?: boolean;
}

/** Options with defaults filled in; mutable so tests can flip switches on a running fake. */
export interface ResolvedOptions {
  host: string;
  port: number;
  captcha: Required<CaptchaOptions>;
  bootDelayMs: number;
  resumeDelayMs: number;
  createReplyDelayMs: number;
  pingIntervalMs: number;
  statusVariant: StatusVariant;
  closeAfterTurn: CloseAfterTurn;
  concurrencyLimit: number;
  modelsPageSize: number;
  agent: Agent;
  maxInboundBytes: number;
  baizhiUrl: string;
  mergeReplayChunks: boolean;
}

/** Fills in defaults. */
export function resolveOptions(options: FakeUpstreamOptions = {}): ResolvedOptions {
  const captcha = options.captcha ?? {};
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    captcha: {
      enabled: captcha.enabled ?? true,
      c: captcha.c ?? 50,
      s: captcha.s ?? 32,
      d: captcha.d ?? 3,
      challengeTtlS: captcha.challengeTtlS ?? 120,
      tokenTtlS: captcha.tokenTtlS ?? 300,
    },
    bootDelayMs: options.bootDelayMs ?? 50,
    resumeDelayMs: options.resumeDelayMs ?? 50,
    createReplyDelayMs: options.createReplyDelayMs ?? 0,
    pingIntervalMs: options.pingIntervalMs ?? 10_000,
    statusVariant: options.statusVariant ?? 'json401',
    closeAfterTurn: options.closeAfterTurn ?? 'wait-for-client',
    concurrencyLimit: options.concurrencyLimit ?? 1,
    modelsPageSize: options.modelsPageSize ?? 100,
    agent: options.agent ?? createDefaultAgent({ stepDelayMs: options.stepDelayMs ?? 5 }),
    maxInboundBytes: options.maxInboundBytes ?? 32_768,
    baizhiUrl: options.baizhiUrl ?? 'https://baizhi.cloud',
    mergeReplayChunks: options.mergeReplayChunks ?? false,
  };
}
