import Database from 'better-sqlite3';
import type { FakeUpstream } from '../../test/fake-upstream/index.js';
import { recordedAnswer } from '../../test/support/turn-record.js';
import { streamShape, type RequestRecord } from './clients.js';

/** One invariant's result: how many cases it looked at, and what broke it. */
export interface CheckResult {
  name: string;
  checked: number;
  violations: string[];
}

/** The turns the fake ran for a request (its nonce is in the turn's prompt), with their answers. */
function turnsOf(fake: FakeUpstream, nonce: string): Array<{ taskId: string; answer: string }> {
  const out: Array<{ taskId: string; answer: string }> = [];
  for (const task of fake.state.tasks.values()) {
    for (const turn of task.turns) {
      if (turn.state === 'ended' && turn.prompt.includes(nonce))
        out.push({ taskId: task.id, answer: recordedAnswer(fake, task.id, turn.number) });
    }
  }
  return out;
}

/** Run every invariant of the chaos suite over what the clients saw, the fake's record and the store. */
export function runChecks(
  fake: FakeUpstream,
  records: readonly RequestRecord[],
  dbFile: string,
  expectedUsers: readonly string[],
): CheckResult[] {
  const leaked: CheckResult = {
    name: 'upstream tasks left running',
    checked: fake.state.tasks.size,
    violations: [],
  };
  for (const task of fake.state.tasks.values()) {
    if (task.status === 'pending' || task.status === 'processing')
      leaked.violations.push(`task ${task.id} is ${task.status}`);
  }

  const streams: CheckResult = {
    name: 'streams end with finish+[DONE] or one error frame',
    checked: 0,
    violations: [],
  };
  const answers: CheckResult = {
    name: 'answers equal the fake turn (no truncation, no duplicate)',
    checked: 0,
    violations: [],
  };
  const continued: CheckResult = {
    name: 'continued conversations match their turn',
    checked: 0,
    violations: [],
  };
  const db = new Database(dbFile, { readonly: true });
  const rows = db
    .prepare(
      "SELECT upstream_task_id AS task, COUNT(*) AS n FROM usage WHERE outcome = 'ok' GROUP BY upstream_task_id",
    )
    .all() as Array<{ task: string | null; n: number }>;
  const rowCount = new Map(rows.map((row) => [row.task ?? '', row.n]));
  const answeredBy = new Map<string, number>();
  // A retried request may find the same answer on two tasks (the same prompt replayed): count it
  // where a usage row is still unclaimed.
  const unclaimed = (task: string): boolean => (rowCount.get(task) ?? 0) > (answeredBy.get(task) ?? 0);
  for (const r of records) {
    const observed = !r.crossedKill && r.result !== 'aborted' && r.result !== 'connection';
    if (r.sse !== null && observed) {
      streams.checked += 1;
      const s = streamShape(r.sse);
      const chatOk = s.finishes === 1 && s.done === 1 && s.errors === 0;
      const responsesOk = s.completed === 1 && s.errors === 0 && s.done === 0;
      const oneError = s.errors === 1 && s.finishes === 0 && s.done === 0 && s.completed === 0;
      const fits = r.kind === 'chat-stream' ? chatOk || oneError : responsesOk || oneError;
      if (!fits) streams.violations.push(`request ${r.id} (${r.kind}, ${r.result}): ${JSON.stringify(s)}`);
      if (r.result === 'ok' && oneError)
        streams.violations.push(`request ${r.id}: the client saw success but the wire has an error frame`);
    }
    if (r.result !== 'ok' || r.crossedKill) continue;
    const target = r.kind === 'follow-up' ? continued : answers;
    target.checked += 1;
    const turns = turnsOf(fake, r.nonce);
    const matches = turns.filter((t) => t.answer === r.text);
    const match = matches.find((t) => unclaimed(t.taskId)) ?? matches[0];
    if (match === undefined) {
      const near = turns.map((t) => t.answer.length).join('/');
      target.violations.push(
        `request ${r.id} (${r.kind}): ${r.text.length} chars match no turn (turn answers: ${near || 'none'})`,
      );
    } else {
      answeredBy.set(match.taskId, (answeredBy.get(match.taskId) ?? 0) + 1);
    }
  }

  const usage: CheckResult = { name: 'one usage row per completed turn', checked: 0, violations: [] };
  const uncertain = new Set<string>();
  for (const r of records) {
    if (r.result === 'ok' && !r.crossedKill) continue;
    for (const t of turnsOf(fake, r.nonce)) uncertain.add(t.taskId);
  }
  for (const [task, seen] of answeredBy) {
    usage.checked += 1;
    const n = rowCount.get(task) ?? 0;
    if (n < seen || (n > seen && !uncertain.has(task)))
      usage.violations.push(`task ${task}: ${seen} answered turn(s), ${n} ok usage row(s)`);
  }

  const accounts: CheckResult = {
    name: 'accounts neither lost nor duplicated',
    checked: expectedUsers.length,
    violations: [],
  };
  const stored = db
    .prepare('SELECT id, upstream_user_id AS user, state, enabled FROM accounts')
    .all() as Array<{ id: number; user: string | null; state: string; enabled: number }>;
  db.close();
  for (const user of expectedUsers) {
    const mine = stored.filter((a) => a.user === user);
    if (mine.length !== 1) accounts.violations.push(`upstream user ${user}: ${mine.length} accounts`);
    else if (mine[0]?.state === 'invalid' || mine[0]?.enabled === 0)
      accounts.violations.push(`account ${mine[0].id} is ${mine[0].state}`);
  }
  if (stored.length !== expectedUsers.length)
    accounts.violations.push(`${stored.length} accounts stored, ${expectedUsers.length} expected`);

  return [leaked, streams, answers, continued, usage, accounts];
}
