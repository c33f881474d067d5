import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`; 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  /** utime + stime, and cutime + cstime (children that exited and were waited for), in ticks. */
  own: number;
  children: number;
}

/** Fields of /proc/<pid>/stat after the parenthesised command name (which may contain spaces). */
function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // exited meanwhile
  }
  const fields = text
    .slice(text.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  // After the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14), see proc(5).
  const at = (i: number): number => fields[i] ?? 0;
  return { ppid: at(1), own: at(11) + at(12), children: at(13) + at(14) };
}

/**
 * CPU time (ms, 10 ms resolution) of process `root` and its direct children: for PostgreSQL, the
 * postmaster with every backend and background worker it forked, including those that exited.
 * Linux only (0 elsewhere).
 */
export function processTreeCpuMs(root: number): number {
  const parent = readStat(root);
  if (parent === null) return 0;
  let ticks = parent.own + parent.children;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return 0;
  }
  for (const name of pids) {
    const stat = readStat(Number(name));
    if (stat?.ppid === root) ticks += stat.own;
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}
