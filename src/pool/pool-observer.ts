/**
 * What the pool reports as it works, for metrics. Every method is optional and called off the
 * per-chunk path: once per task, per failure, per lease wait — never per streamed event.
 */
export interface PoolObserver {
  /** An upstream task was created for a request. */
  taskStarted?(): void;
  /** relaypool stopped one of its tasks upstream (`recovered`: left by an earlier, crashed process). */
  taskStopped?(recovered: boolean): void;
  /** Tasks left running by an earlier process were found and are being stopped. */
  tasksRecovered?(count: number): void;
  /** A turn ended in (or withheld for failover) an upstream failure of this kind and code. */
  upstreamError?(kind: string, code: number | null): void;
  /** A turn's task stream was lost and reattached (docs/monkeycode-protocol.md §5.7); the client saw no gap. */
  streamResumed?(): void;
  /** How long a request waited for a lease (ms), and whether it got one. */
  queueWait?(ms: number, granted: boolean): void;
  /**
   * A turn meant for a kept task ran on it (`continued`: a conversation's task; `warm`: a warm task)
   * or, when that task could not take it, was replayed into a new task (`replayed`).
   */
  keptTaskTurn?(how: 'continued' | 'warm' | 'replayed'): void;
}
