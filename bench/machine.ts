import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';

/** The machine a run happened on (for the README and the JSON). */
export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  node: string;
  memoryGb: number;
  /** 1-minute load average at the start (other work on a shared machine). */
  loadAvgAtStart: number;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Describe this machine. */
export function machineInfo(): MachineInfo {
  return {
    nproc: availableParallelism(),
    cpuModel: cpuModel(),
    node: process.version,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    loadAvgAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}
