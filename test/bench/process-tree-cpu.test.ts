import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { processTreeCpuMs } from '../../bench/postgres/process-tree-cpu.js';

// Spends 300 ms of CPU, says so on stdout, then waits for stdin to close.
const BURN = `const s = process.cpuUsage(); while (process.cpuUsage(s).user < 300000) {}
process.stdout.write('done\\n'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0));`;

/** CPU of this process and its children, minus this process's own (µs-precise) CPU. */
function childrenCpuMs(): () => number {
  const tree = processTreeCpuMs(process.pid);
  const own = process.cpuUsage();
  return () => {
    const mine = process.cpuUsage(own);
    return processTreeCpuMs(process.pid) - tree - (mine.user + mine.system) / 1000;
  };
}

test(
  'a process tree counts the CPU of its live children and of those that exited',
  { skip: process.platform !== 'linux' },
  async () => {
    const since = childrenCpuMs();
    const child = spawn(process.execPath, ['-e', BURN], { stdio: ['pipe', 'pipe', 'inherit'] });
    await once(child.stdout, 'data');
    // /proc counts in 10 ms ticks; the child also spent CPU starting up.
    assert.ok(since() >= 250, `live child: ${since()} ms`);
    child.stdin.end();
    await once(child, 'exit');
    assert.ok(since() >= 250, `exited child: ${since()} ms`);
  },
);
