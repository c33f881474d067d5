import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const callFrameSchema = z.object({
  functionName: z.string(),
  url: z.string(),
  lineNumber: z.number(),
  columnNumber: z.number(),
});
const nodeSchema = z.object({
  id: z.number(),
  callFrame: callFrameSchema,
  children: z.array(z.number()).optional(),
});
const profileSchema = z.object({
  nodes: z.array(nodeSchema),
  startTime: z.number(),
  endTime: z.number(),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

/** Self time of one function (or one bucket of functions). */
export interface SelfTime {
  name: string;
  selfMs: number;
  /** Share of all non-idle samples. */
  percent: number;
}

/** What a `.cpuprofile` says, restricted to a time window. */
export interface ProfileSummary {
  file: string;
  busyMs: number;
  topFunctions: SelfTime[];
  /** Self time grouped by where the code lives (relaypool file, dependency, Node internals, GC). */
  byArea: SelfTime[];
  /** Inclusive (self + callees) time of relaypool's own functions (`src/`). */
  relaypoolInclusive: SelfTime[];
  /**
   * Every sample charged to the nearest relaypool file on its stack (else the nearest package):
   * "who caused this CPU", including the Node internals and native calls it made.
   */
  byOwner: SelfTime[];
}

const IDLE = new Set(['(idle)', '(program)']);

/** Where a frame's code lives: `src/...` file, a package, `node:internal`, or a V8 pseudo-frame. */
function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  const src = /\/(src\/.+|bench\/.+|test\/.+)$/.exec(url);
  if (src?.[1]) return src[1];
  return url.startsWith('node:') ? 'node:internal' : url;
}

function shortUrl(url: string): string {
  return url
    .replace(/^file:\/\/.*?\/(src|bench|test|node_modules)\//, '$1/')
    .replace(/^node:internal\//, 'node:');
}

function frameName(frame: z.infer<typeof callFrameSchema>): string {
  return `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function top(map: Map<string, number>, busyMs: number, n: number): SelfTime[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, ms]) => ({
      name,
      selfMs: Math.round(ms * 10) / 10,
      percent: Math.round((ms / busyMs) * 1000) / 10,
    }));
}

/**
 * Self time per function from a V8 `.cpuprofile` (sample i lasts until sample i+1), counting only
 * samples inside `[fromUs, toUs]` (profile clock, microseconds) when given. Idle and `(program)`
 * samples are left out of the percentages.
 */
export function summarizeProfile(
  file: string,
  window: { fromUs: number; toUs: number } | null = null,
  n = 25,
): ProfileSummary {
  const profile = profileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const inclusive = new Map<string, number>();
  const byOwner = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const selfByArea = new Map<string, number>();
  let at = profile.startTime;
  let busyUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const durationUs = profile.timeDeltas[i + 1] ?? 0;
    if (window !== null && (at < window.fromUs || at > window.toUs)) continue;
    const node = byId.get(profile.samples[i] ?? -1);
    if (node === undefined || IDLE.has(node.callFrame.functionName)) continue;
    const { functionName, url } = node.callFrame;
    const name = frameName(node.callFrame);
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + durationUs / 1000);
    const area = areaOf(url, functionName);
    selfByArea.set(area, (selfByArea.get(area) ?? 0) + durationUs / 1000);
    busyUs += durationUs;
    let owner: string | null = null;
    let firstPackage: string | null = null;
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parentOf.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (frame === undefined) continue;
      if (firstPackage === null && frame.url.includes('node_modules/'))
        firstPackage = areaOf(frame.url, frame.functionName);
      if (!frame.url.includes('/src/')) continue;
      owner ??= areaOf(frame.url, frame.functionName);
      const key = frameName(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + durationUs / 1000);
    }
    const charged = owner ?? firstPackage ?? areaOf(url, functionName);
    byOwner.set(charged, (byOwner.get(charged) ?? 0) + durationUs / 1000);
  }
  const busyMs = busyUs / 1000;
  return {
    file,
    busyMs: Math.round(busyMs),
    topFunctions: top(selfByFunction, busyMs, n),
    byArea: top(selfByArea, busyMs, n),
    relaypoolInclusive: top(inclusive, busyMs, n),
    byOwner: top(byOwner, busyMs, n),
  };
}

/** Summarise the main thread's profile that `--cpu-prof --cpu-prof-dir=dir` wrote, if there is one. */
export function summarizeProfileIn(
  dir: string,
  window: { fromUs: number; toUs: number } | null,
): ProfileSummary | null {
  const found = readdirSync(dir).find((name) => /\.0\.\d+\.cpuprofile$/.test(name));
  return found === undefined ? null : summarizeProfile(join(dir, found), window);
}
