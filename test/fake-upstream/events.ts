import type { WireFrame } from './wire/frames.js';
import type { TaskStatus, VmStatus } from './types.js';
import type { RecordedEntry } from './recorder.js';

/** Everything the fake announces; tests await these instead of sleeping. */
export interface FakeEventMap {
  request: RecordedEntry;
  'task-status': { taskId: string; status: TaskStatus };
  'vm-status': { taskId: string; status: VmStatus | null };
  'turn-started': { taskId: string; turn: number };
  'turn-ended': { taskId: string; turn: number; state: 'ended' | 'aborted' };
  /** A frame the agent/runtime emitted for a turn (`logged`: persisted for replay). */
  'turn-frame': { taskId: string; turn: number; frame: WireFrame; logged: boolean };
  'question-asked': { taskId: string; toolCallId: string };
  'socket-opened': { socketId: number; taskId: string; path: string };
  'socket-closed': { socketId: number; taskId: string; code: number; by: 'server' | 'client' | 'drop' };
  'frame-out': { socketId: number; taskId: string; frame: WireFrame };
}

type Listener<T> = (payload: T) => void;
type ListenerSets = { [K in keyof FakeEventMap]: Set<Listener<FakeEventMap[K]>> };

/** A tiny typed event bus with a promise-returning `waitFor`. */
export class FakeEvents {
  private readonly sets: ListenerSets = {
    request: new Set(),
    'task-status': new Set(),
    'vm-status': new Set(),
    'turn-started': new Set(),
    'turn-ended': new Set(),
    'turn-frame': new Set(),
    'question-asked': new Set(),
    'socket-opened': new Set(),
    'socket-closed': new Set(),
    'frame-out': new Set(),
  };

  /** Subscribes; returns the unsubscribe function. */
  on<K extends keyof FakeEventMap>(name: K, fn: Listener<FakeEventMap[K]>): () => void {
    const set: Set<Listener<FakeEventMap[K]>> = this.sets[name];
    set.add(fn);
    return () => {
      set.delete(fn);
    };
  }

  /** Delivers synchronously to every listener. */
  emit<K extends keyof FakeEventMap>(name: K, payload: FakeEventMap[K]): void {
    const set: Set<Listener<FakeEventMap[K]>> = this.sets[name];
    for (const fn of [...set]) fn(payload);
  }

  /** Resolves with the first event matching `predicate`; rejects after `timeoutMs`. */
  waitFor<K extends keyof FakeEventMap>(
    name: K,
    predicate: (payload: FakeEventMap[K]) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<FakeEventMap[K]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`fake-upstream: timed out after ${timeoutMs} ms waiting for '${name}'`));
      }, timeoutMs);
      const off = this.on(name, (payload) => {
        if (!predicate(payload)) return;
        clearTimeout(timer);
        off();
        resolve(payload);
      });
    });
  }
}
