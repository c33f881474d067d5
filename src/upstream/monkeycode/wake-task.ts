import type { MonkeyCodeHttp } from './http-client.js';
import type { MonkeyCodeDeps } from './options.js';
import type { SessionJar } from './session-jar.js';
import { TaskSocket } from './task-socket.js';
import type { MonkeyCodeTask } from './tasks.js';
import { getTask } from './tasks.js';
import { isProcessing, waitForTask } from './wait-for-task.js';

/**
 * docs/monkeycode-protocol.md §5.6/§5.9: a hibernated VM resumes when the task's control socket is connected; hold it open
 * while polling until the VM is `online`, then close it.
 */
export async function wakeTask(
  deps: MonkeyCodeDeps,
  http: MonkeyCodeHttp,
  jar: SessionJar,
  taskId: string,
  options: { signal?: AbortSignal; timeoutMs: number },
): Promise<MonkeyCodeTask> {
  deps.logger.info({ taskId }, 'waking a hibernated task');
  const control = await TaskSocket.connect(deps, jar, {
    path: '/api/v1/users/tasks/control',
    query: { id: taskId },
    signal: options.signal,
    turnTimeoutMs: null,
  });
  try {
    return await waitForTask(
      (signal) => getTask(http, jar, taskId, { signal }),
      (task) => isProcessing(task) && task.vmStatus === 'online',
      'wake task',
      {
        timers: deps.timers,
        timeoutMs: options.timeoutMs,
        clock: deps.clock,
        plan: deps.bootSchedule.backoff(deps.clock.now()),
        signal: options.signal,
      },
    );
  } finally {
    control.close();
  }
}
