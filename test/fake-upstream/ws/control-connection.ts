import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import type { TaskRecord } from '../types.js';
import { b64json, tryParseJson } from '../wire/base64.js';
import { errorFrame, makeFrame } from '../wire/frames.js';
import type { InboundFrame } from '../wire/inbound.js';
import type { FrameSocket } from './frame-socket.js';
import { hasVm } from './stream-connection.js';

const callPayload = z.object({ request_id: z.string() }).loose();

/**
 * `/users/tasks/control` (docs/monkeycode-protocol.md §5.9): pings; connecting resumes a hibernated VM. RPC `call`
 * frames get a `call-response` with `success:false` (the fake has no repository to serve).
 */
export class ControlConnection {
  constructor(
    private readonly sock: FrameSocket,
    private readonly task: TaskRecord,
    private readonly writable: boolean,
    private readonly deps: AppDeps,
  ) {}

  /** Runs right after the upgrade. */
  start(): void {
    this.sock.startPings();
    if (!hasVm(this.task)) {
      this.sock.send(errorFrame('no virtual machine or host for task'));
      this.sock.close(1000);
      return;
    }
    this.deps.tasks.resume(this.task);
  }

  /** Nothing to release. */
  dispose(): void {}

  /** An inbound frame that unmarshalled. */
  handle(frame: InboundFrame): void {
    if (!this.writable || frame.type !== 'call') return;
    const parsed = callPayload.safeParse(tryParseJson(frame.data?.toString('utf8') ?? ''));
    const requestId = parsed.success ? parsed.data.request_id : '';
    const data = b64json({
      request_id: requestId,
      success: false,
      error: `fake-upstream does not implement ${frame.kind}`,
    });
    this.sock.send(makeFrame({ type: 'call-response', kind: frame.kind, data }));
  }
}
