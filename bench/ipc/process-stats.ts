import { readFileSync } from 'node:fs';
import type { ProcessStats } from './messages.js';

/** Private memory (`RssAnon` in /proc/self/status: RSS without the shared file pages of the binary and libraries); 0 off Linux. */
function rssAnonBytes(): number {
  try {
    const kb = /^RssAnon:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? 0 : Number(kb) * 1024;
  } catch {
    return 0;
  }
}

/** This process's cumulative CPU time and current memory. */
export function processStats(): ProcessStats {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    pid: process.pid,
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    rssBytes: memory.rss,
    rssAnonBytes: rssAnonBytes(),
    heapUsedBytes: memory.heapUsed,
    externalBytes: memory.external,
  };
}

/** CPU milliseconds (user + system) spent between two snapshots. */
export function cpuMsBetween(before: ProcessStats, after: ProcessStats): number {
  return (after.cpuUserUs - before.cpuUserUs + after.cpuSystemUs - before.cpuSystemUs) / 1000;
}
