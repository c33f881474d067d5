import type { ToolActivity } from '../upstream/types.js';

const MAX_NOTE = 160;

/**
 * One short line describing the agent's own tool use, e.g. `> [tool] Read src/main.go`, shown in
 * content when tool activity is rendered as text. These tools already ran inside the upstream
 * sandbox, so they are never exposed as OpenAI `tool_calls` (clients would try to execute them).
 */
export function renderToolNote(activity: ToolActivity): string {
  const title = oneLine(activity.title ?? activity.kind ?? 'tool');
  const summary = oneLine(activity.inputSummary ?? '');
  const text = summary === '' || title.includes(summary) ? title : `${title} ${summary}`;
  return `> [tool] ${truncate(text)}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function truncate(text: string): string {
  return text.length <= MAX_NOTE ? text : `${text.slice(0, MAX_NOTE - 1)}…`;
}
