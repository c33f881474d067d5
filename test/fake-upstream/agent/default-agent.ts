import type { Agent, AgentStep } from './agent-types.js';
import {
  ended,
  messageChunk,
  paced,
  splitText,
  started,
  thoughtChunk,
  toolCall,
  toolCallUpdate,
  update,
  usageUpdate,
} from './agent-steps.js';

/** The default agent's reply for a prompt: `echo: <prompt>`. */
export function defaultReply(prompt: string): string {
  return `echo: ${prompt}`;
}

/**
 * Deterministic agent: one thought, one `Read` tool call and its completion, `available_commands_update`
 * on the first turn, the reply `echo: <prompt>` in up to 3 message chunks, one `usage_update`.
 */
export function createDefaultAgent(options: { stepDelayMs?: number } = {}): Agent {
  return (ctx) => {
    const callId = `call_${ctx.turn}_1`;
    const steps: AgentStep[] = [
      started(),
      thoughtChunk(`The user asked: ${ctx.prompt.slice(0, 60)}`),
      toolCall(callId, 'Read', 'read', { path: 'README.md' }),
      toolCallUpdate(callId, 'completed', { output: '# project' }),
    ];
    if (ctx.turn === 1) {
      steps.push(
        update({
          sessionUpdate: 'available_commands_update',
          availableCommands: [{ name: 'compact', description: 'Compact the context', input: null }],
        }),
      );
    }
    for (const part of splitText(defaultReply(ctx.prompt), 3)) steps.push(messageChunk(part));
    steps.push(usageUpdate(1000 * ctx.turn + ctx.prompt.length));
    steps.push(ended());
    return paced(steps, options.stepDelayMs ?? 0);
  };
}
