import type { WebSocket } from 'ws';
import type { AppDeps } from '../app-deps.js';
import type { StreamBreak } from '../faults.js';
import { pingFrame, serializeFrame, type WireFrame } from '../wire/frames.js';

/**
 * A server-side socket that writes wire frames: records them, runs the ping ticker (first ping one
 * period after the upgrade, like Go's ticker), and applies a scripted break after N business frames.
 */
export class FrameSocket {
  private pingTimer: NodeJS.Timeout | undefined;
  private silenced = false;
  private businessSent = 0;
  private serverCloseCode: number | undefined;
  private closedBy: 'server' | 'drop' | undefined;
  /** True once the socket is closing or closed. */
  closed = false;

  constructor(
    private readonly ws: WebSocket,
    readonly id: number,
    readonly taskId: string,
    private readonly deps: AppDeps,
    private readonly breakSpec: StreamBreak | undefined,
    onClosed: () => void,
  ) {
    ws.on('error', (err: Error & { code?: string }) => {
      // ws closes with 1009 itself when a message exceeds maxPayload (coder/websocket's 32 KiB limit).
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.markServerClose(1009);
    });
    ws.on('close', (code: number) => {
      this.closed = true;
      this.stopPings();
      const by = this.closedBy ?? 'client';
      const finalCode = this.serverCloseCode ?? code;
      const entry = deps.recorder.add({
        kind: 'ws-close',
        at: Date.now(),
        socketId: id,
        taskId,
        code: finalCode,
        by,
      });
      deps.events.emit('request', entry);
      deps.events.emit('socket-closed', { socketId: id, taskId, code: finalCode, by });
      onClosed();
    });
  }

  /** Starts the heartbeat every `pingIntervalMs`. */
  startPings(): void {
    this.stopPings();
    this.pingTimer = setInterval(() => this.send(pingFrame()), this.deps.options.pingIntervalMs);
  }

  /** Stops the heartbeat (after `task-ended`, or when stalled). */
  stopPings(): void {
    if (this.pingTimer !== undefined) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }

  /** Stops sending anything at all, pings included; the socket stays open. */
  silence(): void {
    this.silenced = true;
    this.stopPings();
  }

  /** Writes one frame unless closed or silenced; applies the scripted break. */
  send(frame: WireFrame): void {
    if (this.closed || this.silenced) return;
    const raw = serializeFrame(frame);
    this.ws.send(raw);
    this.deps.recorder.addSent({ at: Date.now(), socketId: this.id, taskId: this.taskId, frame, raw });
    this.deps.events.emit('frame-out', { socketId: this.id, taskId: this.taskId, frame });
    if (frame.type === 'ping') return;
    this.businessSent++;
    const b = this.breakSpec;
    if (b === undefined || this.businessSent < b.afterFrames) return;
    if (b.killVm === true) {
      const task = this.deps.store.tasks.get(this.taskId);
      if (task !== undefined) this.deps.tasks.failVm(task);
    }
    if (b.action === 'stall') this.silence();
    else if (b.action === 'drop') this.drop();
    else this.close(b.closeCode ?? 1011);
  }

  /** Closes with a close frame. */
  close(code: number, reason = ''): void {
    if (this.closed) return;
    this.markServerClose(code);
    this.ws.close(code, reason);
  }

  /** Destroys the TCP connection without a close frame (client sees 1006). */
  drop(): void {
    if (this.closed) return;
    this.closed = true;
    this.closedBy = 'drop';
    this.serverCloseCode = 1006;
    this.stopPings();
    this.ws.terminate();
  }

  private markServerClose(code: number): void {
    this.closed = true;
    this.closedBy ??= 'server';
    this.serverCloseCode ??= code;
    this.stopPings();
  }
}
