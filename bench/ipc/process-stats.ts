import type { ProcessStats } from './messages.js';

/** This process's cumulative CPU time and current memory. */
export function processStats(): ProcessStats {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    pid: process.pid,
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    externalBytes: memory.external,
  };
}

/** CPU milliseconds (user + system) spent between two snapshots. */
export function cpuMsBetween(before: ProcessStats, after: ProcessStats): number {
  return (after.cpuUserUs - before.cpuUserUs + after.cpuSystemUs - before.cpuSystemUs) / 1000;
}
