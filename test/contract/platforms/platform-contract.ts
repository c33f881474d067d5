import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { TurnFaults } from '../../fake-platforms/fake-server.js';
import {
  startPlatformHarness,
  type FakeUpstreamEntry,
  type PlatformHarness,
} from '../../support/platform-harness.js';

/** A fake platform as the shared contract suite drives it. */
export interface DrivenFake {
  url: string;
  faults: TurnFaults;
  /** Make every token the platform issued stop working. */
  expire(): void;
  /** The messages the most recently used platform conversation received. */
  lastConversation(): string[];
  close(): Promise<void>;
}

export interface PlatformSpec {
  title: string;
  upstream: FakeUpstreamEntry['platform'];
  /** The model id relaypool lists (`<upstream name>/<model>`); the upstream name is `name`. */
  name: string;
  model: string;
  start(): Promise<DrivenFake>;
  login: { email: string; password: string };
  /** The answer the fake gives to the `n`-th message of a conversation whose last text is `text`. */
  answer(n: number, text: string): RegExp;
  /** True when the platform reports its own usage (else relaypool estimates). */
  reportsUsage: boolean;
  /** True when the adapter reconnects a dropped stream and still answers (Aeio). */
  recoversDrop?: boolean;
}

/**
 * The contract every bearer platform meets through the real `openai` client: models, chat and
 * Responses (stream and non-stream), continuity on the platform's own conversation, a dead token,
 * and the faults (429, agent error, dropped answer).
 */
export function describePlatform(
  spec: PlatformSpec,
  extra?: (ctx: () => { h: PlatformHarness; fake: DrivenFake }) => void,
): void {
  describe(`${spec.title} upstream through the openai client`, () => {
    let fake: DrivenFake;
    let h: PlatformHarness;
    before(async () => {
      fake = await spec.start();
      h = await startPlatformHarness([{ name: spec.name, platform: spec.upstream, url: fake.url }]);
      await h.server.services.accounts.addPassword(spec.login.email, spec.login.password, {
        upstream: spec.name,
      });
    });
    after(async () => {
      await h.close();
      await fake.close();
    });
    const chat = (messages: OpenAI.ChatCompletionMessageParam[]) =>
      h.client.chat.completions.create({ model: spec.model, messages });

    test('its model is listed under the upstream name', async () => {
      const entry = (await h.client.models.list()).data.find((m) => m.id === spec.model);
      assert.ok(entry, `${spec.model} listed`);
      assert.equal(entry.owned_by, spec.name);
    });

    test('chat: non-stream and stream', async () => {
      const r = await chat([{ role: 'user', content: 'hello there' }]);
      assert.match(r.choices[0]?.message.content ?? '', spec.answer(1, 'hello there'));
      assert.equal(r.choices[0]?.finish_reason, 'stop');
      assert.ok((r.usage?.total_tokens ?? 0) > 0);
      if (spec.reportsUsage) assert.equal(r.usage?.total_tokens, 18);
      const done = await h.client.chat.completions
        .stream({ model: spec.model, messages: [{ role: 'user', content: 'streamed' }] })
        .finalChatCompletion();
      assert.match(done.choices[0]?.message.content ?? '', spec.answer(1, 'streamed'));
    });

    test('Responses: non-stream, then a stream that continues by previous_response_id', async () => {
      const first = await h.client.responses.create({ model: spec.model, input: 'first question' });
      assert.match(first.output_text, spec.answer(1, 'first question'));
      const stream = h.client.responses.stream({
        model: spec.model,
        input: 'second question',
        previous_response_id: first.id,
      });
      const types = new Set<string>();
      for await (const event of stream) types.add(event.type);
      const second = await stream.finalResponse();
      assert.match(second.output_text, spec.answer(2, 'second question'));
      assert.ok(types.has('response.completed'));
      assert.deepEqual(
        fake.lastConversation().slice(1),
        ['second question'],
        'the follow-up carries only the new input',
      );
    });

    test('chat: the resent history continues the platform conversation with only the new message', async () => {
      const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'one' }];
      const a = await chat(messages);
      messages.push(
        { role: 'assistant', content: a.choices[0]?.message.content ?? '' },
        { role: 'user', content: 'two' },
      );
      const b = await chat(messages);
      assert.match(b.choices[0]?.message.content ?? '', spec.answer(2, 'two'));
      assert.deepEqual(fake.lastConversation(), ['one', 'two']);
    });

    test('a token the platform no longer accepts is renewed and the request still succeeds', async () => {
      fake.expire();
      const r = await chat([{ role: 'user', content: 'after expiry' }]);
      assert.match(r.choices[0]?.message.content ?? '', spec.answer(1, 'after expiry'));
    });

    test('faults: 429 → 429; an agent error and a dropped answer → an upstream error, never a silent answer', async () => {
      fake.faults.status.push(429);
      await assert.rejects(
        chat([{ role: 'user', content: 'limited' }]),
        (err: unknown) => err instanceof OpenAI.RateLimitError,
      );
      // The account cooled after the 429; let it recover so the next faults reach the platform.
      await h.server.services.accounts.refresh(1);
      fake.faults.agentError = 1;
      await assert.rejects(
        chat([{ role: 'user', content: 'agent fails' }]),
        (err: unknown) => err instanceof OpenAI.APIError && (err.status ?? 0) >= 500,
      );
      await h.server.services.accounts.refresh(1);
      fake.faults.drop = 1;
      if (spec.recoversDrop === true) {
        const r = await chat([{ role: 'user', content: 'dropped' }]);
        assert.match(r.choices[0]?.message.content ?? '', spec.answer(1, 'dropped'));
        return;
      }
      const stream = await h.client.chat.completions
        .create({ model: spec.model, stream: true, messages: [{ role: 'user', content: 'dropped' }] })
        .catch((err: unknown) => err);
      if (stream instanceof Error) {
        assert.ok(stream instanceof OpenAI.APIError && (stream.status ?? 0) >= 500);
      } else {
        await assert.rejects(async () => {
          for await (const chunk of stream as AsyncIterable<unknown>) void chunk;
        }, OpenAI.APIError);
      }
    });

    extra?.(() => ({ h, fake }));
  });
}
