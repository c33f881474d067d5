import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { IMAGE_IDS } from './catalog/images.js';
import { MODEL_IDS } from './catalog/models.js';
import { decodeData } from './spec-base64.js';
import { envelope, SpecClient } from './spec-client.js';
import { basicTask, setup } from './test-setup.js';

const taskInfo = z
  .object({
    id: z.string(),
    status: z.string(),
    content: z.string(),
    completed_at: z.number(),
    virtualmachine: z.object({ status: z.string(), cores: z.number() }).loose().nullable(),
    stats: z
      .object({
        input_tokens: z.number(),
        output_tokens: z.number(),
        total_tokens: z.number(),
        llm_requests: z.number(),
      })
      .optional(),
  })
  .loose();

describe('task create validation (docs/monkeycode-protocol.md §4.1, §7)', () => {
  test('400 for malformed bodies and missing required fields', async (t) => {
    const { client } = await setup(t);
    const bad: Record<string, unknown>[] = [
      basicTask(''),
      basicTask('x', { host_id: '' }),
      basicTask('x', { image_id: 'not-a-uuid' }),
      basicTask('x', { image_id: '00000000-0000-0000-0000-000000000000' }),
      basicTask('x', { model_id: '' }),
      basicTask('x', { resource: null }),
      basicTask('x', { content: 42 }),
    ];
    const noResource = basicTask('x');
    delete noResource['resource'];
    bad.push(noResource);
    for (const body of bad) {
      const r = await client.call('POST', '/api/v1/users/tasks', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(envelope(r).code, 400);
    }
    assert.equal((await client.call('POST', '/api/v1/users/tasks', 'not json')).status, 400);
  });

  test('business codes: 10230, 10812, 500', async (t) => {
    const { client } = await setup(t, {}, 'basic');
    const code = async (body: Record<string, unknown>) => {
      const r = await client.call('POST', '/api/v1/users/tasks', body);
      assert.equal(r.status, 200);
      return envelope(r).code;
    };
    assert.equal(await code(basicTask('x', { resource: { core: 2, memory: 1, life: 10_801 } })), 10230);
    assert.equal(await code(basicTask('x', { model_id: 'monkeycode-basic/qwen3.5-plus' })), 10812);
    assert.equal(
      await code(SpecClient.taskBody('x', IMAGE_IDS.devbox, MODEL_IDS.proKimi)),
      10812,
      'basic plan may not use pro',
    );
    assert.equal(await code(SpecClient.taskBody('x', IMAGE_IDS.devbox, MODEL_IDS.ultraSonnet)), 10812);
    assert.equal(
      await code(SpecClient.taskBody('x', IMAGE_IDS.devbox, MODEL_IDS.basicPlaceholder)),
      10812,
      'tier placeholder',
    );
    assert.equal(
      await code(basicTask('x', { model_id: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' })),
      500,
      'unknown model',
    );
    assert.equal(
      await code(basicTask('x', { image_id: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' })),
      500,
      'unknown image',
    );
    assert.equal(await code(basicTask('x', { cli_name: 'gemini' })), 500);
    const noCli = basicTask('x');
    delete noCli['cli_name'];
    assert.equal(await code(noCli), 500);
    assert.equal(await code(basicTask('x', { cli_name: 'claude' })), 0);
  });

  test('10811 counts pending|processing per user; stop frees the slot; limit is per user', async (t) => {
    const { fake, client } = await setup(t, { bootDelayMs: 1000 });
    const first = await client.createTaskId(basicTask('one'));
    assert.equal((await client.createTask(basicTask('two'))).code, 10811, 'pending counts');
    const other = fake.addUser({ email: 'o@example.com', password: 'x', concurrencyLimit: 2 });
    const oc = new SpecClient(fake.url);
    oc.cookie = fake.issueSession(other.id);
    await oc.createTaskId(basicTask('a'));
    await oc.createTaskId(basicTask('b'));
    assert.equal((await oc.createTask(basicTask('c'))).code, 10811);
    assert.deepEqual(await client.stop(first), { code: 0, message: 'success' });
    assert.equal(await client.createTaskId(basicTask('three')).then(() => 'ok'), 'ok');
    assert.equal((await client.stop('aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee')).code, 500);
  });

  test('failNextCreate is one-shot', async (t) => {
    const { fake, client } = await setup(t);
    fake.faults.failNextCreate({ code: 10204 });
    assert.equal((await client.createTask(basicTask('x'))).code, 10204);
    fake.faults.failNextCreate({ httpStatus: 503 });
    assert.equal((await client.call('POST', '/api/v1/users/tasks', basicTask('x'))).status, 503);
    assert.equal((await client.createTask(basicTask('x'))).code, 0);
  });
});

describe('task lifecycle (docs/monkeycode-protocol.md §4.2–§4.7)', () => {
  test('pending → processing after the boot delay; stats after the first turn; finished after stop', async (t) => {
    // A boot long enough that the stats check below runs while the task is still pending.
    const { fake, client } = await setup(t, { bootDelayMs: 1_000 });
    const created = await client.createTask(basicTask('hello'));
    const p = taskInfo.parse(created.data);
    assert.equal(p.status, 'pending');
    assert.equal(p.virtualmachine, null);
    assert.equal(p.completed_at, -62135596800);
    assert.equal(taskInfo.parse((await client.task(p.id)).data).stats, undefined, 'no stats before usage');
    await fake.waitForTaskStatus(p.id, 'processing');
    await fake.waitForTurnEnd(p.id, 1);
    const info = taskInfo.parse((await client.task(p.id)).data);
    assert.equal(info.status, 'processing');
    assert.equal(info.virtualmachine?.status, 'online');
    assert.ok(info.stats !== undefined && info.stats.output_tokens > 0 && info.stats.llm_requests >= 1);
    assert.equal(info.stats.total_tokens, info.stats.input_tokens + info.stats.output_tokens);
    await client.stop(p.id);
    const stopped = taskInfo.parse((await client.task(p.id)).data);
    assert.equal(stopped.status, 'finished');
    assert.ok(stopped.completed_at > 0);
    assert.equal(stopped.virtualmachine?.status, 'offline');
  });

  test('foreign and unknown ids look the same (code 500); list filters by status; delete', async (t) => {
    const { fake, client } = await setup(t, { concurrencyLimit: 5, bootDelayMs: 60_000 });
    const a = await client.createTaskId(basicTask('a'));
    const b = await client.createTaskId(basicTask('b'));
    await client.stop(a);
    const other = fake.addUser({ email: 'o@example.com', password: 'x' });
    const oc = new SpecClient(fake.url);
    oc.cookie = fake.issueSession(other.id);
    assert.equal((await oc.task(a)).code, 500);
    assert.equal((await client.call('GET', '/api/v1/users/tasks/not-a-uuid')).status, 400);
    const list = (q: string) =>
      client.call('GET', `/api/v1/users/tasks${q}`).then((r) =>
        z
          .object({
            tasks: z.array(z.object({ id: z.string() }).loose()),
            page_info: z.object({ total_count: z.number(), has_next_page: z.boolean() }),
          })
          .parse(envelope(r).data),
      );
    assert.deepEqual(
      (await list('?page=1&size=20')).tasks.map((x) => x.id),
      [b, a],
    );
    assert.deepEqual(
      (await list('?status=pending,processing')).tasks.map((x) => x.id),
      [b],
    );
    assert.equal((await list('?page=1&size=1')).page_info.has_next_page, true);
    assert.equal(envelope(await oc.call('DELETE', `/api/v1/users/tasks/${a}`)).code, 10002);
    assert.equal(envelope(await client.call('DELETE', `/api/v1/users/tasks/${a}`)).code, 0);
    assert.equal(envelope(await client.call('DELETE', `/api/v1/users/tasks/${a}`)).code, 10002);
    assert.equal((await client.task(a)).code, 500);
  });

  test('boot faults: slow boot and failed boot', async (t) => {
    const { fake, client } = await setup(t, { concurrencyLimit: 5 });
    fake.faults.failNextBoot();
    const failed = await client.createTaskId(basicTask('x'));
    await fake.waitForTaskStatus(failed, 'error');
    fake.faults.slowNextBoot(60_000);
    const slow = await client.createTaskId(basicTask('y'));
    const fast = await client.createTaskId(basicTask('z'));
    await fake.waitForTaskStatus(fast, 'processing');
    assert.equal(taskInfo.parse((await client.task(slow)).data).status, 'pending');
  });

  test('rounds: base64 chunks with nanosecond timestamps, cursor paging', async (t) => {
    const { fake, client } = await setup(t);
    const id = await client.createTaskId(basicTask('first'));
    await fake.waitForTurnEnd(id, 1);
    const s = await client.stream(id, 'new');
    s.sendUserInput('second');
    await s.until('task-ended');
    await s.close();
    const r = await client.call('GET', `/api/v1/users/tasks/rounds?id=${id}&limit=1`);
    const ns = /"timestamp":(\d+)/.exec(r.text)?.[1] ?? '';
    assert.ok(ns.length >= 19, `nanoseconds written as an exact integer: ${ns}`);
    const page = z
      .object({
        chunks: z.array(
          z
            .object({
              event: z.string(),
              kind: z.string(),
              data: z.string().nullable(),
              timestamp: z.number(),
              seq: z.number(),
              turn_seq: z.number(),
            })
            .loose(),
        ),
        next_cursor: z.string(),
        has_more: z.boolean(),
      })
      .parse(envelope(r).data);
    assert.equal(page.chunks[0]?.event, 'user-input');
    assert.deepEqual(
      page.chunks.map((c) => c.turn_seq),
      page.chunks.map(() => 2),
    );
    assert.equal(page.chunks.at(-1)?.event, 'task-ended');
    assert.equal(page.has_more, true);
    const older = z
      .object({
        chunks: z.array(
          z.object({ turn_seq: z.number(), data: z.string().nullable(), event: z.string() }).loose(),
        ),
        has_more: z.boolean(),
      })
      .parse(
        envelope(
          await client.call('GET', `/api/v1/users/tasks/rounds?id=${id}&limit=10&cursor=${page.next_cursor}`),
        ).data,
      );
    assert.equal(older.has_more, false);
    assert.equal(older.chunks[0]?.turn_seq, 1);
    const firstInput = decodeData(older.chunks[0]?.data ?? null);
    assert.deepEqual(firstInput, { content: Buffer.from('first').toString('base64'), attachments: [] });
    assert.equal(
      envelope(await client.call('GET', `/api/v1/users/tasks/rounds?id=${id}&limit=1&direction=sideways`))
        .code,
      10813,
    );
    assert.equal((await client.call('GET', `/api/v1/users/tasks/rounds?id=${id}&limit=11`)).status, 400);
  });
});
