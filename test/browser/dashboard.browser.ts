// `npm run test:browser`: the dashboard in a real Chromium (Debian's, driven by playwright-core)
// against relaypool and the fake MonkeyCode. Screenshots go to $SCREENSHOTS_DIR (e.g. `docs`)
// when it is set, else to a temporary directory.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import OpenAI from 'openai';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startHarness, type Harness } from '../support/proxy-harness.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ADMIN_TOKEN = 'browser-test-admin-token';
const KEYS = ['sk-browser-team-a', 'sk-browser-team-b'];
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Watch {
  consoleErrors: string[];
  foreignRequests: string[];
}

/** Chromium with an empty profile; every console error and every request off relaypool is recorded. */
async function openBrowser(
  profile: string,
  origin: string,
): Promise<{ context: BrowserContext; watch: Watch }> {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
  const watch: Watch = { consoleErrors: [], foreignRequests: [] };
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:')) watch.foreignRequests.push(url);
  });
  context.on('page', (page) => watchPage(page, watch));
  for (const page of context.pages()) watchPage(page, watch);
  return { context, watch };
}

function watchPage(page: Page, watch: Watch): void {
  page.on('console', (message) => {
    if (message.type() === 'error') watch.consoleErrors.push(message.text());
  });
  page.on('pageerror', (err) => watch.consoleErrors.push(err.message));
}

/** Some traffic: answers for two client keys, and failed requests (unknown model, bad key). */
async function makeTraffic(h: Harness): Promise<void> {
  for (const [i, apiKey] of KEYS.entries()) {
    const client = new OpenAI({ baseURL: `${h.server.url}/v1`, apiKey, maxRetries: 0 });
    for (let n = 0; n <= i; n++) {
      await client.chat.completions.create({
        model: h.model,
        store: false,
        messages: [{ role: 'user', content: `hello ${n}` }],
      });
    }
    await assert.rejects(
      client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
      OpenAI.NotFoundError,
    );
  }
  const stranger = new OpenAI({ baseURL: `${h.server.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
  await assert.rejects(stranger.models.list(), OpenAI.AuthenticationError);
}

async function adminStatus(h: Harness): Promise<{ accounts: Array<{ id: number; status: string }> }> {
  const res = await fetch(`${h.server.url}/admin/pool/status`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  assert.equal(res.status, 200);
  return (await res.json()) as { accounts: Array<{ id: number; status: string }> };
}

/** Click something that loads a new page (a form post and its redirect, a link) and wait for that page. */
async function clickAndLoad(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.click(selector)]);
}

/** In the page: the requests chart is no wider than a phone (it follows its container). */
function chartFitsPhone(): boolean {
  type Doc = { querySelector(s: string): { getBoundingClientRect(): { width: number } } | null };
  const doc = (globalThis as unknown as { document: Doc }).document;
  return (doc.querySelector('#chart-requests canvas')?.getBoundingClientRect().width ?? Infinity) <= 390;
}

const rowState = (page: Page, id: number) => page.locator(`#account-${id}`).getAttribute('data-status');

/** Canvas pixels that are not fully transparent (a drawn chart has some); run in the page. */
async function inkedPixels(page: Page, figure: string): Promise<number> {
  const inked = await page.evaluate(`(() => {
    const canvas = document.querySelector('#${figure} canvas');
    const context = canvas && canvas.getContext('2d');
    if (!context) return 0;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) inked += 1;
    return inked;
  })()`);
  return typeof inked === 'number' ? inked : 0;
}

test('the dashboard in Chromium: login, pool, disable, live update, add, remove, charts, screenshots', async () => {
  assert.ok(
    existsSync(CHROMIUM),
    `no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`,
  );
  const h = await startHarness({
    accounts: 3,
    env: { RELAYPOOL_ADMIN_TOKEN: ADMIN_TOKEN, RELAYPOOL_API_KEYS: KEYS.join(',') },
    yaml: 'openai:\n  modelAliases:\n    gpt-4o: monkeycode-basic/qwen3.5-plus\n',
  });
  const profile = mkdtempSync(join(tmpdir(), 'relaypool-chromium-'));
  const shots = process.env.SCREENSHOTS_DIR ?? profile;
  const { context, watch } = await openBrowser(profile, h.server.url);
  try {
    const store = h.server.services.store;
    await store.accounts.update(3, {
      state: 'cooling',
      cooldownUntil: Date.now() + 10 * 60_000,
      lastError: 'rate limited by the upstream (10811)',
    });
    await h.server.services.pool.invalidate();
    await makeTraffic(h);
    const page = context.pages()[0] ?? (await context.newPage());

    // Login: a wrong token is refused, the right one opens the dashboard.
    await page.goto(`${h.server.url}/dashboard`);
    assert.equal(new URL(page.url()).pathname, '/dashboard/login');
    await page.fill('#token', 'not-the-token');
    const [refusal] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/dashboard/login')),
      page.click('button[type=submit]'),
    ]);
    assert.equal(refusal.status(), 401, await refusal.text());
    await page.waitForLoadState();
    assert.match(await page.locator('[role=alert]').innerText(), /not the admin token/);
    // The refused attempt answered 401; Chromium logs that as a failed resource load.
    watch.consoleErrors.splice(0);
    await page.fill('#token', ADMIN_TOKEN);
    await clickAndLoad(page, 'button[type=submit]');
    assert.equal(new URL(page.url()).pathname, '/dashboard');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'relaypool_dashboard');
    assert.ok(session, 'session cookie set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.ok(session.expires > Date.now() / 1000, 'the session cookie expires');

    // Every account with its state.
    assert.deepEqual(
      [await rowState(page, 1), await rowState(page, 2), await rowState(page, 3)],
      ['active', 'active', 'cooling'],
    );
    assert.match(await page.locator('#account-3').innerText(), /rate limited by the upstream/);
    const html = await page.content();
    assert.ok(!html.includes(ADMIN_TOKEN), 'the admin token never reaches the page');
    for (const account of await store.accounts.list()) {
      const cookie = (await store.accounts.getSecrets(account.id))?.cookie ?? 'none';
      assert.ok(!html.includes(cookie), 'no account cookie in the page');
    }

    // Disable from the UI: the page and /admin/pool/status agree.
    await clickAndLoad(page, '#toggle-2');
    assert.match(await page.locator('#flash').innerText(), /Disabled account acc1 \(#2\)/);
    assert.equal(await rowState(page, 2), 'disabled');
    assert.equal((await adminStatus(h)).accounts.find((a) => a.id === 2)?.status, 'disabled');

    // A change made elsewhere shows up without a reload.
    await page.evaluate(`document.body.setAttribute('data-same-page', 'yes')`);
    const patched = await fetch(`${h.server.url}/admin/accounts/2`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true }),
    });
    assert.equal(patched.status, 200);
    await page.waitForSelector('#account-2[data-status=active]');
    assert.equal(await page.getAttribute('body', 'data-same-page'), 'yes', 'updated in place');

    // Add an account from a pasted cookie line.
    const user = h.fake.addUser({ email: 'browser@example.com', password: 'pw', plan: 'pro' });
    const pasted = h.fake.issueSession(user.id);
    await page.fill('#cookie', `monkeycode_ai_session=${pasted}`);
    await page.fill('#label', 'added-in-browser');
    await clickAndLoad(page, '#actions button:has-text("Add account")');
    assert.match(await page.locator('#flash').innerText(), /Added account added-in-browser \(#4\)/);
    assert.equal(await rowState(page, 4), 'active');
    assert.ok(!(await page.content()).includes(pasted), 'the pasted cookie is not shown back');

    // Charts render with data.
    for (const figure of [
      'chart-requests',
      'chart-error-rate',
      'chart-ttfb',
      'chart-tokens-model',
      'chart-tokens-key',
    ]) {
      await page.waitForSelector(`#${figure}[data-state=drawn]`);
      assert.ok(Number(await page.getAttribute(`#${figure}`, 'data-points')) > 0, `${figure} has data`);
      assert.ok((await inkedPixels(page, figure)) > 0, `${figure} is drawn`);
    }
    assert.match(await page.locator('#chart-tokens-key').innerText(), /key [0-9a-f]{8}/);
    assert.match(await page.locator('#failures-live').innerText(), /model_not_found/);
    assert.match(await page.locator('#failures-live').innerText(), /invalid_api_key|401/);
    assert.match(
      await page.locator('[data-model="gpt-4o"]').innerText(),
      /alias[\s\S]*monkeycode-basic\/qwen3\.5-plus/,
    );
    assert.match(
      await page.locator('#models').innerText(),
      new RegExp(h.model.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')),
    );

    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(shots, 'dashboard.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'dark' });
    // The charts follow the narrower width (ResizeObserver) before the phone screenshot.
    await page.waitForFunction(chartFitsPhone);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(shots, 'dashboard-phone.png') });
    if (process.env.REVIEW_SHOTS) {
      for (const section of ['traffic', 'models', 'actions']) {
        await page.evaluate(`document.getElementById('${section}').scrollIntoView()`);
        await page.screenshot({ path: join(shots, `review-phone-${section}.png`) });
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    // Remove, after a confirmation page.
    await clickAndLoad(page, '#remove-4');
    await clickAndLoad(page, 'button:has-text("Remove added-in-browser")');
    assert.match(await page.locator('#flash').innerText(), /Removed account added-in-browser/);
    assert.equal(await page.locator('#account-4').count(), 0);
    assert.equal(await store.accounts.get(4), null);

    // Log out: the dashboard asks for the token again.
    await clickAndLoad(page, 'button:has-text("Log out")');
    await page.goto(`${h.server.url}/dashboard`);
    assert.equal(new URL(page.url()).pathname, '/dashboard/login');

    assert.deepEqual(watch.consoleErrors, []);
    assert.deepEqual(watch.foreignRequests, []);
  } finally {
    await context.close();
    await h.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
