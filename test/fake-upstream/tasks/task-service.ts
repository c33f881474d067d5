import type { Agent } from '../agent/agent-types.js';
import { CATALOG_MODELS } from '../catalog/models.js';
import type { FakeEvents } from '../events.js';
import { newUuid } from '../ids.js';
import type { ResolvedOptions } from '../options.js';
import type { FakeStore } from '../store.js';
import type { TaskRecord, TaskStatus, VmStatus } from '../types.js';
import { TaskRuntime, userInputFrame } from './task-runtime.js';

/** Fields of a validated create request. */
export interface CreateTaskInput {
  userId: string;
  content: string;
  modelId: string;
  imageId: string;
  hostId: string;
  cliName: string;
  type: string;
  subType: string;
  systemPrompt: string;
  resource: { core: number; memory: number; life: number };
}

/** Task lifecycle: create → (boot delay) processing + first turn → stop/delete; hibernate/resume. */
export class TaskService {
  private readonly runtimes = new Map<string, TaskRuntime>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** One-shot agent overrides, consumed by the next turn that starts (fault hooks). */
  readonly nextTurnAgents: Agent[] = [];
  /** One-shot boot overrides for the next created tasks. */
  readonly nextBoots: ({ kind: 'delay'; ms: number } | { kind: 'fail' })[] = [];

  constructor(
    private readonly store: FakeStore,
    private readonly options: ResolvedOptions,
    private readonly events: FakeEvents,
  ) {}

  /** Creates a `pending` task and schedules its boot. */
  create(input: CreateTaskInput): TaskRecord {
    const now = Math.floor(Date.now() / 1000);
    const task: TaskRecord = {
      id: newUuid(),
      userId: input.userId,
      viewers: new Set(),
      content: input.content,
      title: '',
      type: input.type,
      subType: input.subType,
      cliName: input.cliName,
      modelId: input.modelId,
      imageId: input.imageId,
      hostId: input.hostId,
      systemPrompt: input.systemPrompt,
      resource: input.resource,
      status: 'pending',
      vmStatus: null,
      vmId: `agent_${newUuid().replace(/-/g, '').slice(0, 12)}`,
      autoApprove: false,
      createdAt: now,
      lastActiveAt: now,
      completedAt: null,
      stats: { inputTokens: 0, outputTokens: 0, llmRequests: 0 },
      turns: [],
      deleted: false,
    };
    this.store.tasks.set(task.id, task);
    this.events.emit('task-status', { taskId: task.id, status: 'pending' });
    const boot = this.nextBoots.shift();
    if (boot?.kind === 'fail') this.later(this.options.bootDelayMs, () => this.failBoot(task));
    else this.later(boot?.ms ?? this.options.bootDelayMs, () => this.boot(task));
    return task;
  }

  /** The runtime of a processing task (created on first use). */
  runtime(task: TaskRecord): TaskRuntime {
    let rt = this.runtimes.get(task.id);
    if (rt === undefined) {
      const modelName = CATALOG_MODELS.find((m) => m.id === task.modelId)?.model ?? '';
      rt = new TaskRuntime(task, {
        events: this.events,
        modelName,
        pickAgent: () => this.nextTurnAgents.shift() ?? this.options.agent,
      });
      this.runtimes.set(task.id, rt);
    }
    return rt;
  }

  /** `PUT /tasks/stop` / `user-stop`: finished, VM recycled, slot freed. Idempotent. */
  stop(task: TaskRecord): void {
    this.runtimes.get(task.id)?.abortAll();
    if (task.status === 'finished' || task.status === 'error') return;
    task.completedAt = Math.floor(Date.now() / 1000);
    this.setVm(task, task.vmStatus === null ? null : 'offline');
    this.setStatus(task, 'finished');
  }

  /** The VM fails under a running task: the turn is lost, the task ends in `error` (docs/monkeycode-protocol.md §4.2, §5.6). */
  failVm(task: TaskRecord): void {
    this.runtimes.get(task.id)?.abortAll();
    if (task.status === 'finished' || task.status === 'error') return;
    task.completedAt = Math.floor(Date.now() / 1000);
    this.setVm(task, 'offline');
    this.setStatus(task, 'error');
  }

  /** Soft delete (stops first). */
  delete(task: TaskRecord): void {
    this.stop(task);
    task.deleted = true;
  }

  /** Hibernates the VM (idle sleep); the running turn, if any, is lost. */
  hibernate(task: TaskRecord): void {
    if (task.status !== 'processing') return;
    this.runtimes.get(task.id)?.abortAll();
    this.setVm(task, 'hibernated');
  }

  /** Control-socket connect: resumes a hibernated VM after `resumeDelayMs`. */
  resume(task: TaskRecord): void {
    if (task.vmStatus !== 'hibernated') return;
    this.later(this.options.resumeDelayMs, () => {
      if (task.vmStatus === 'hibernated' && task.status === 'processing') this.setVm(task, 'online');
    });
  }

  /** Cancels timers and aborts every running turn. */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const rt of this.runtimes.values()) rt.abortAll();
  }

  private boot(task: TaskRecord): void {
    if (task.status !== 'pending') return;
    this.setVm(task, 'online');
    this.setStatus(task, 'processing');
    // First turn starts from `content`, with a synthetic user-input (docs/monkeycode-protocol.md §5.5, §5.6).
    this.runtime(task).continueWith(task.content, userInputFrame(task.content, task.createdAt * 1000));
  }

  private failBoot(task: TaskRecord): void {
    if (task.status !== 'pending') return;
    task.completedAt = Math.floor(Date.now() / 1000);
    this.setStatus(task, 'error');
  }

  private setStatus(task: TaskRecord, status: TaskStatus): void {
    task.status = status;
    this.events.emit('task-status', { taskId: task.id, status });
  }

  private setVm(task: TaskRecord, status: VmStatus | null): void {
    task.vmStatus = status;
    this.events.emit('vm-status', { taskId: task.id, status });
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }
}
