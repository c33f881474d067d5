import { z } from 'zod';

/** Parent → child: run command `cmd` with `args`; the child answers with the same `id`. */
export const commandSchema = z.object({ id: z.number().int(), cmd: z.string(), args: z.unknown() });
export type Command = z.infer<typeof commandSchema>;

/** Child → parent: the answer to one command. */
export const replySchema = z.union([
  z.object({ id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number().int(), ok: z.literal(false), error: z.string() }),
]);
export type Reply = z.infer<typeof replySchema>;

/** Child → parent, once, when the child is ready for commands. */
export const readySchema = z.object({ ready: z.literal(true), url: z.string() });

/** CPU and memory of one process, as it measures itself (`process.cpuUsage()`, `memoryUsage()`). */
export const processStatsSchema = z.object({
  pid: z.number().int(),
  cpuUserUs: z.number(),
  cpuSystemUs: z.number(),
  rssBytes: z.number(),
  /** Private memory (0 when unknown: off Linux, or an older checkout in an A/B run). */
  rssAnonBytes: z.number().default(0),
  heapUsedBytes: z.number(),
  externalBytes: z.number(),
});
export type ProcessStats = z.infer<typeof processStatsSchema>;

/** Proxy-side stats: process figures plus event-loop delay since the last reset (ms). */
export const proxyStatsSchema = processStatsSchema.extend({
  eldP50Ms: z.number(),
  eldP99Ms: z.number(),
  eldMaxMs: z.number(),
  /** From process start to the first `/health` answer (ms; 0 from an older checkout). */
  startupMs: z.number().default(0),
  /** The process's monotonic clock in µs (the clock of V8 CPU profiles), to window a profile. */
  monoUs: z.number(),
});
export type ProxyStats = z.infer<typeof proxyStatsSchema>;

/** A fake user the bench created: its id and a live session cookie value. */
export const benchUserSchema = z.object({ userId: z.string(), cookie: z.string() });
export type BenchUser = z.infer<typeof benchUserSchema>;

/** Which agent the fake plays (see `bench/fake/bench-agents.ts`). */
export const agentKindSchema = z.enum(['fixed', 'paced', 'slow']);
export type AgentKind = z.infer<typeof agentKindSchema>;
