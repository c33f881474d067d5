import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startHarness, type Harness } from '../support/proxy-harness.js';
import { fuzzRuns } from './fuzz-runs.js';

// Client input never causes a crash or a 5xx: bodies and headers of /v1/chat/completions,
// /v1/responses and /admin/* get a 2xx, or a 4xx in OpenAI's error shape that changes nothing.

let h: Harness;
before(async () => {
  // No admin token: loopback may administer (docs/architecture.md §1), so cases are not spent on the brute-force guard.
  h = await startHarness();
});
after(() => h.close());

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', 'a'.repeat(5000)),
);
const anyValue = fc.oneof(fc.anything(), text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const part = fc.record(
  {
    type: fc.oneof(fc.constantFrom('text', 'input_text', 'image_url', 'input_image', 'output_text'), text),
    text: anyValue,
    image_url: anyValue,
  },
  { requiredKeys: [] },
);
const message = fc.record(
  {
    role: fc.oneof(fc.constantFrom('user', 'system', 'assistant', 'tool', 'developer', 'function'), text),
    content: fc.oneof(text, fc.array(part, { maxLength: 3 }), anyValue),
    name: anyValue,
    tool_calls: anyValue,
    tool_call_id: anyValue,
  },
  { requiredKeys: [] },
);

function requestBody(model: () => string) {
  return fc.oneof(
    fc
      .record(
        {
          model: fc.oneof(
            fc.constant(null).map(() => model()),
            text,
            anyValue,
          ),
          messages: fc.oneof(fc.array(message, { maxLength: 4 }), anyValue),
          input: fc.oneof(text, fc.array(message, { maxLength: 3 }), anyValue),
          stream: fc.oneof(fc.boolean(), anyValue),
          stream_options: anyValue,
          temperature: anyValue,
          max_tokens: anyValue,
          max_output_tokens: anyValue,
          tools: anyValue,
          tool_choice: anyValue,
          previous_response_id: fc.oneof(text, anyValue),
          store: anyValue,
          n: anyValue,
          response_format: anyValue,
          reasoning: anyValue,
        },
        { requiredKeys: [] },
      )
      .map((body) => JSON.stringify(body)),
    fc.json().map((json) => json.slice(0, Math.max(1, json.length - 2))),
    text,
    fc.anything().map((value) => JSON.stringify(value) ?? 'undefined'),
  );
}

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  '',
  'application/json; charset=utf-16',
  'multipart/form-data; boundary=x',
);
const authorization = fc.oneof(
  fc.constant(undefined),
  text.map((t) => `Bearer ${t}`),
  fc.constant('Basic Zm9vOmJhcg=='),
);

async function send(
  path: string,
  method: string,
  body: string,
  type: string,
  auth: string | undefined,
): Promise<void> {
  const headers: Record<string, string> = {};
  if (type !== '') headers['content-type'] = type;
  if (auth !== undefined && /^[\t\x20-\x7e]*$/.test(auth)) headers.authorization = auth;
  const res = await fetch(`${h.server.url}${path}`, { method, headers, body });
  const raw = await res.text();
  assert.ok(
    res.status < 500,
    `${method} ${path} → ${res.status}: ${raw.slice(0, 300)} for ${body.slice(0, 300)}`,
  );
  if (res.status >= 400) {
    const parsed = JSON.parse(raw) as { error?: { message?: unknown; type?: unknown; code?: unknown } };
    assert.equal(typeof parsed.error?.message, 'string', `OpenAI error shape: ${raw.slice(0, 200)}`);
    assert.equal(typeof parsed.error?.type, 'string');
    assert.ok(
      'param' in (parsed.error ?? {}) && 'code' in (parsed.error ?? {}),
      `param and code present: ${raw.slice(0, 200)}`,
    );
  }
}

test('/v1/chat/completions and /v1/responses: no input makes a 5xx; errors are 4xx in OpenAI shape', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('/v1/chat/completions', '/v1/responses'),
      requestBody(() => h.model),
      contentType,
      (path, body, type) => send(path, 'POST', body, type, undefined),
    ),
    fuzzRuns(150),
  );
  await h.allTasksStopped();
});

test('/admin/*: no body or header makes a 5xx; errors are 4xx in OpenAI shape; the account survives', async () => {
  const adminPaths = fc.constantFrom(
    ['POST', '/admin/session'],
    ['POST', '/admin/accounts'],
    ['PATCH', '/admin/accounts/1'],
    ['PATCH', '/admin/accounts/abc'],
    ['POST', '/admin/login/send-code'],
    ['POST', '/admin/login/verify'],
    ['POST', '/admin/login/callback'],
    ['POST', '/admin/pool/refresh'],
  );
  const adminBody = fc.oneof(
    fc
      .record(
        {
          cookie: anyValue,
          label: anyValue,
          maxConcurrency: anyValue,
          email: anyValue,
          password: anyValue,
          enabled: anyValue,
          phone: anyValue,
          code: anyValue,
          url: anyValue,
        },
        { requiredKeys: [] },
      )
      .map((v) => JSON.stringify(v)),
    requestBody(() => h.model),
  );
  await fc.assert(
    fc.asyncProperty(adminPaths, adminBody, contentType, authorization, ([method, path], body, type, auth) =>
      send(path ?? '/', method ?? 'POST', body, type, auth),
    ),
    fuzzRuns(150),
  );
  assert.ok((await h.server.services.store.accounts.list()).length >= 1, 'the account is still there');
  assert.equal((await fetch(`${h.server.url}/health`)).status, 200);
});
