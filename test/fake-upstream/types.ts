import type { WireFrame } from './wire/frames.js';

/** Subscription plans (docs/monkeycode-protocol.md §3.4). */
export type PlanName = 'basic' | 'pro' | 'ultra' | 'flagship';

/** User roles (docs/monkeycode-protocol.md §2.2). */
export type UserRole = 'individual' | 'enterprise' | 'subaccount' | 'admin' | 'gittask';

/** A user account held by the fake. */
export interface UserRecord {
  id: string;
  email: string;
  password: string;
  name: string;
  role: UserRole;
  blocked: boolean;
  plan: PlanName;
  /** Overrides the server-wide concurrency limit for this user. */
  concurrencyLimit: number | undefined;
  wallet: { balance: number; dailyTokenBalance: number; dailyTokenLimit: number };
}

/** A login session (`monkeycode_ai_session` cookie). */
export interface SessionRecord {
  cookie: string;
  userId: string;
  /** Epoch ms; fixed at login, never extended (docs/monkeycode-protocol.md §2.1). */
  expiresAt: number;
  /** The user as it was at login; SRC keeps a stale snapshot in the session. */
  snapshot: { blocked: boolean };
}

/** Task status (docs/monkeycode-protocol.md §4.2). */
export type TaskStatus = 'pending' | 'processing' | 'finished' | 'error';

/** Virtual machine status (docs/monkeycode-protocol.md §4.2). */
export type VmStatus = 'unknown' | 'pending' | 'online' | 'offline' | 'hibernated';

/** Cumulative token accounting for a task. */
export interface TaskStats {
  inputTokens: number;
  outputTokens: number;
  llmRequests: number;
}

/** A frame in the task's log store, i.e. what `attach` replays and `/tasks/rounds` returns. */
export interface LoggedFrame {
  frame: WireFrame;
  /** Nanosecond timestamp used by `/tasks/rounds`, as a bigint (exceeds 2^53). */
  timestampNs: bigint;
}

/** One turn ("round"): from a user input to `task-ended`. */
export interface TurnRecord {
  /** 1-based turn number; also the rounds cursor value. */
  number: number;
  prompt: string;
  frames: LoggedFrame[];
  state: 'running' | 'ended' | 'aborted';
}

/** A task and its VM. */
export interface TaskRecord {
  id: string;
  userId: string;
  /** Users who may watch the stream but whose frames are ignored (SRC `writable=false`). */
  viewers: Set<string>;
  content: string;
  title: string;
  type: string;
  subType: string;
  cliName: string;
  modelId: string;
  imageId: string;
  hostId: string;
  systemPrompt: string;
  resource: { core: number; memory: number; life: number };
  status: TaskStatus;
  vmStatus: VmStatus | null;
  vmId: string;
  autoApprove: boolean;
  createdAt: number;
  lastActiveAt: number;
  /** Unix seconds; `null` until stopped. */
  completedAt: number | null;
  stats: TaskStats;
  turns: TurnRecord[];
  deleted: boolean;
}
