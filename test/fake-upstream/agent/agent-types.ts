import type { QuestionReply } from '../wire/inbound.js';

/** What an agent knows when it plans a turn. */
export interface AgentContext {
  taskId: string;
  /** 1-based turn number (1 = the task's `content`). */
  turn: number;
  /** The user's text for this turn, already decoded. */
  prompt: string;
  userId: string;
  modelName: string;
  systemPrompt: string;
}

/**
 * One step of a turn script. The runtime executes steps in order; frames go to the task's log
 * (what `attach` replays) and to every live socket.
 */
export type AgentStep =
  /** Emit a frame. `data` is already wire form (base64 or null). `persist: false` = not logged (task-event). */
  | { kind: 'emit'; type: string; frameKind: string; data: string | null; seq?: number; persist?: boolean }
  /** Emit an `acp_ask_user_question` frame and block until a matching `reply-question`. */
  | {
      kind: 'ask';
      toolCallId: string;
      data: string;
      seq?: number;
      then?: (reply: QuestionReply) => AgentStep[];
    }
  | { kind: 'delay'; ms: number }
  /** Add billed usage to the task's `stats` (otherwise estimated from the turn's text). */
  | { kind: 'usage'; inputTokens: number; outputTokens: number; llmRequests: number }
  /** The agent stops making progress; pings continue. */
  | { kind: 'hang' }
  /** The agent stops and every socket watching the task goes silent, pings included. */
  | { kind: 'stall' };

/** An agent: plans the steps of one turn. May be async. */
export type Agent = (ctx: AgentContext) => AgentStep[] | Promise<AgentStep[]>;
