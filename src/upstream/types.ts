/**
 * The seam between upstream platforms and the OpenAI layer. Nothing here knows OpenAI's vocabulary
 * or any platform's wire format. A platform adapter lives in its own folder under `src/upstream/`
 * and implements `UpstreamAdapter`.
 */
import type { AnyUpstreamFailure, UpstreamErrorKind } from './errors.js';

/** The agent's own tool use inside its sandbox (already executed there; never a client tool call). */
export interface ToolActivity {
  /** Stable id across the start and updates of one tool use. */
  id: string;
  title: string | null;
  /** e.g. `read`, `edit`, `execute`, `search` (platform-specific values pass through). */
  kind: string | null;
  /** e.g. `pending`, `in_progress`, `completed`, `failed`; null when an update does not say. */
  status: string | null;
  /** A short, single-line description of the input (a path, a command), or null. */
  inputSummary: string | null;
}

/** Token counts of one turn. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** True when the numbers are estimates (the platform reported none for this turn). */
  estimated: boolean;
}

/**
 * What a running turn produces.
 *
 * Contract of an `AsyncIterable<UpstreamEvent>` returned by `UpstreamAdapter.runTurn`:
 * - it ends with exactly one terminal event, `finish` or `error`, and nothing after it — unless
 *   the consumer stops early (`break`/`return`), or the caller's `AbortSignal` fires, in which case
 *   iteration throws the signal's reason;
 * - upstream failures never throw out of the iterator; they arrive as the `error` event;
 * - its `finally` closes the socket it opened; it never stops or deletes the task (that is the
 *   caller's decision: see `stopTask`/`deleteTask`);
 * - after the agent's output, `answer-complete` (on success only), then `usage` when present, then
 *   `finish`: what comes after `answer-complete` is bookkeeping (the billed tokens may take one more
 *   call), so a consumer that needs neither may end its client's response there — and keep reading
 *   to the end, so the turn is accounted and settled.
 */
export type UpstreamEvent =
  /** A new task exists upstream (first event of a new-task turn; safe moment to send headers). */
  | { type: 'task-created'; taskId: string }
  /** An existing task takes one more turn (first event of a follow-up turn; safe moment to send headers). */
  | { type: 'task-resumed'; taskId: string }
  /** The task's sandbox is up and the agent is launched (new-task turns). */
  | { type: 'task-ready'; taskId: string }
  /** The platform acknowledged the turn (echo, start marker, or first output). */
  | { type: 'turn-started'; taskId: string }
  /** Assistant text delta. */
  | { type: 'text'; text: string }
  /** Reasoning ("thought") delta. */
  | { type: 'reasoning'; text: string }
  /** The agent's own tool use (start or update). */
  | ({ type: 'tool-activity' } & ToolActivity)
  /**
   * The turn's stream was lost and reattached (attempt 1, 2, …); what follows continues the turn
   * without gap or repetition. For metrics and logs only.
   */
  | { type: 'stream-reattached'; taskId: string; attempt: number }
  /** The agent's output for this turn is complete and the turn succeeded; `usage` and `finish` follow. */
  | { type: 'answer-complete' }
  /** Token usage of this turn. */
  | ({ type: 'usage' } & TokenUsage)
  /** The turn ended normally. Terminal. */
  | { type: 'finish'; taskId: string }
  /** The turn failed. Terminal. `taskId` is null when no task was created. */
  | {
      type: 'error';
      error: AnyUpstreamFailure;
      kind: UpstreamErrorKind;
      retryable: boolean;
      taskId: string | null;
    };

/** Abort and per-call deadline for any adapter call. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the adapter's default request timeout. */
  timeoutMs?: number;
}

/** A user account on the platform. */
export interface UpstreamUser {
  id: string;
  name: string;
  email: string;
  role: string | null;
  status: string | null;
  blocked: boolean;
}

/** Result of a password login. `session` is a secret: store it encrypted, never log it. */
export interface UpstreamLogin {
  session: string;
  /** When the platform said the session ends; null when it did not say. */
  expiresAt: Date | null;
  user: UpstreamUser;
}

/** A model the platform offers. */
export interface UpstreamModel {
  /** The platform's id for the model (what task creation needs). */
  id: string;
  /** The platform's model name, e.g. `monkeycode-basic/qwen3.5-plus`. */
  name: string;
  /** Human label; falls back to `name`. */
  displayName: string;
  provider: string;
  /** e.g. `openai_chat`, `anthropic`; null when unknown. */
  interfaceType: string | null;
  /** Plan tier required by the platform, when it says (`basic|pro|ultra`). */
  accessLevel: string | null;
  isFree: boolean | null;
  isDefault: boolean;
  weight: number;
  thinking: boolean;
  supportsImages: boolean;
  contextLimit: number | null;
  outputLimit: number | null;
  /** `public`, `private`, `team`; null when absent (treated as public). */
  ownerType: string | null;
}

/** Credit balance, when the platform has one. */
export interface UpstreamWallet {
  balance: number;
  dailyTokenBalance: number | null;
  dailyTokenLimit: number | null;
}

/** Everything an account needs to run tasks, discovered from the platform. */
export interface AccountDiscovery {
  /** Subscription plan name (`basic`, `pro`, `ultra`, `flagship`, …) or null when unknown. */
  plan: string | null;
  /** Every visible, callable model. */
  models: UpstreamModel[];
  /** The subset the plan allows. */
  allowedModels: UpstreamModel[];
  /** The model the platform's own clients would pick for this plan, if any. */
  defaultModel: UpstreamModel | null;
  /** Sandbox image/environment id to create tasks with; null when none is available. */
  environmentId: string | null;
  /** Host id to create tasks on. */
  hostId: string;
  wallet: UpstreamWallet | null;
}

/** A turn to run: the first turn of a new task, or one more turn on an existing task. */
export type TurnRequest =
  | {
      kind: 'new-task';
      /** `UpstreamModel.id`. */
      modelId: string;
      /** The rendered conversation; becomes the task's first prompt (no size limit of frames). */
      content: string;
      systemPrompt?: string;
      /** `AccountDiscovery.environmentId`; discovered when absent. */
      environmentId?: string;
    }
  | {
      kind: 'follow-up';
      taskId: string;
      /** Only the new user text. */
      text: string;
    };

/** Options of one turn. */
export interface TurnOptions {
  signal?: AbortSignal;
  /** End the turn with a `timeout` error when the agent sends nothing useful for this long. */
  turnTimeoutMs?: number;
  /** How long a new task may take to become ready. */
  vmReadyTimeoutMs?: number;
  /** Reattaches allowed when the turn's stream is lost while the task lives (0: never). */
  maxReattaches?: number;
}

/** Coarse state of a task, for callers that keep tasks between turns. */
export interface UpstreamTaskState {
  id: string;
  phase: 'starting' | 'running' | 'ended' | 'failed';
  /** True when the sandbox is asleep and must be woken before the next turn. */
  asleep: boolean;
  /** Cumulative token counts of the task, when known. */
  usage: Omit<TokenUsage, 'estimated'> | null;
}

/** What a platform adapter offers. Every call takes a session token (the platform's secret). */
export interface UpstreamAdapter {
  /** Short platform name, e.g. `monkeycode`. */
  readonly platform: string;
  /**
   * The session value in what an operator pastes (a bare value, a `Cookie:` line, …); throws a
   * plain `Error` with a one-line reason when there is none.
   */
  parseSessionInput(input: string): string;
  /** Log in with a password; solves whatever proof-of-work the platform demands. */
  login(credentials: { email: string; password: string }, options?: CallOptions): Promise<UpstreamLogin>;
  /** The session's user, or an `UpstreamFailure` of kind `session-expired`. */
  validateSession(session: string, options?: CallOptions): Promise<UpstreamUser>;
  /** End the session upstream. */
  logout(session: string, options?: CallOptions): Promise<void>;
  /** Visible, callable models. */
  listModels(session: string, options?: CallOptions): Promise<UpstreamModel[]>;
  /** Plan, models, environment and host to use, wallet. */
  discover(session: string, options?: CallOptions): Promise<AccountDiscovery>;
  /**
   * Whether `text` can be sent as a follow-up turn (platforms limit the size of one input message);
   * when not, the conversation must start a new task with the text in its `content`.
   */
  fitsFollowUp(text: string): boolean;
  /** Run one turn; see `UpstreamEvent` for the iteration contract. */
  runTurn(session: string, request: TurnRequest, options?: TurnOptions): AsyncIterable<UpstreamEvent>;
  /** Coarse state of a task. */
  getTaskState(session: string, taskId: string, options?: CallOptions): Promise<UpstreamTaskState>;
  /**
   * The account's tasks that may still run (pending or processing), with their creation time (ms)
   * when known. Optional: used to find a task whose id was lost when a process died mid-create.
   */
  listActiveTasks?(
    session: string,
    options?: CallOptions,
  ): Promise<Array<{ id: string; createdAt: number | null }>>;
  /** Stop a task (frees the platform's concurrency slot). Idempotent. */
  stopTask(session: string, taskId: string, options?: CallOptions): Promise<void>;
  /** Delete a stopped task. */
  deleteTask(session: string, taskId: string, options?: CallOptions): Promise<void>;
}
