// Browser test of the admin dashboard (/admin) against a running cluster:
// Debian's chromium driven by playwright-core logs in as the admin, a fresh
// viewer posts likes through the HTTP API, and the page must show them in the
// streams table and the total. Leaves a screenshot in test-output/dashboard.png.
//
// Run:  node --test tests/e2e/dashboard.browser.test.mjs
// Env:  BASE_URL (default http://127.0.0.1:8080), ADMIN_EMAIL, ADMIN_PASSWORD,
//       CHROMIUM (default /usr/bin/chromium). playwright-core comes from web/node_modules.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';

import { launchChromium, OUTPUT_DIR } from './browser.mjs';

const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const ADMIN_EMAIL = process.env.ADMIN_EMAIL || 'admin@example.com';
const ADMIN_PASSWORD = process.env.ADMIN_PASSWORD || 'admin-password';
/** Likes travel API -> Kafka -> consumer (1 s flush) -> Redis -> api node -> page. */
const PIPELINE_TIMEOUT_MS = 30_000;

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** POSTs JSON to the api and returns {status, body}. */
async function postJson(path, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`${BASE_URL}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** Registers a new viewer account and returns {email, password, token}. */
async function createViewer() {
  const email = `dashboard-viewer-${randomUUID()}@example.com`;
  const password = 'viewer-password-1';
  const registered = await postJson('/auth/register', { email, password });
  assert.equal(registered.status, 201, `register ${email}: ${JSON.stringify(registered.body)}`);
  const login = await postJson('/auth/login', { email, password });
  assert.equal(login.status, 200, `login ${email}: ${JSON.stringify(login.body)}`);
  return { email, password, token: login.body.token };
}

/** Posts `count` likes for `streamId` as `token`; each must be accepted (202). */
async function postLikes(token, streamId, count) {
  for (let i = 0; i < count; i++) {
    const { status, body } = await postJson('/engagement/like', { streamId }, token);
    assert.equal(status, 202, `like ${i + 1}/${count} for ${streamId}: ${JSON.stringify(body)}`);
  }
}

/**
 * Opens /admin in a fresh page (fresh sessionStorage) and submits the login
 * form. Returns the page and the list its uncaught script errors go to.
 */
async function openAndLogIn(email, password) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${BASE_URL}/admin`);
  await page.fill('#login-email', email);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  return { page, pageErrors };
}

/** "1,234" -> 1234 */
const parseCount = (text) => Number(text.replace(/[^0-9]/g, ''));

/** Waits until the "Total likes" card shows at least `expected`; returns what it shows. */
async function totalAtLeast(page, expected) {
  await page.waitForFunction((least) => Number(document.querySelector('#total-likes').textContent.replace(/[^0-9]/g, '')) >= least,
    expected, { timeout: PIPELINE_TIMEOUT_MS });
  return parseCount(await page.textContent('#total-likes'));
}

/** Runs `body(page)`; on failure keeps a screenshot named after `name` before rethrowing. */
async function withScreenshotOnFailure(page, name, body) {
  try {
    await body();
  } catch (error) {
    await page.screenshot({ path: `${OUTPUT_DIR}${name}-failure.png`, fullPage: true }).catch(() => {});
    throw error;
  } finally {
    await page.close();
  }
}

test('a wrong password shows the server message on the login form', async () => {
  const { page } = await openAndLogIn(ADMIN_EMAIL, 'not-the-password');
  await withScreenshotOnFailure(page, 'dashboard-wrong-password', async () => {
    await page.waitForSelector('#login-message:not([hidden])');
    assert.match(await page.textContent('#login-message'), /invalid credentials/);
    assert.equal(await page.isVisible('#dashboard-view'), false);
  });
});

test('a viewer account is told it is not an admin', async () => {
  const viewer = await createViewer();
  const { page } = await openAndLogIn(viewer.email, viewer.password);
  await withScreenshotOnFailure(page, 'dashboard-viewer', async () => {
    await page.waitForSelector('#login-view:not([hidden]) #login-message:not([hidden])', { timeout: 15_000 });
    assert.match(await page.textContent('#login-message'), /not an admin/);
  });
});

test('likes posted through the API appear in the table and the total', async () => {
  const viewer = await createViewer();
  const streamId = `e2e-dashboard-${Date.now()}`;
  const { page, pageErrors } = await openAndLogIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  await withScreenshotOnFailure(page, 'dashboard', async () => {
    await page.waitForSelector('#dashboard-view:not([hidden]), #login-message:not([hidden])');
    if (await page.isVisible('#login-view')) {
      assert.fail(`admin login as ${ADMIN_EMAIL} failed: ${await page.textContent('#login-message')}`);
    }
    // Live, and the snapshot has arrived (the freshness line leaves "waiting").
    await page.waitForSelector('#connection-pill[data-state="live"]', { timeout: 15_000 });
    await page.waitForSelector('#freshness:not([data-level="waiting"])', { timeout: 15_000 });
    const totalBefore = parseCount(await page.textContent('#total-likes'));

    // The new stream may rank below the rows shown; the filter finds it anyway.
    await page.fill('#stream-filter', streamId);
    await postLikes(viewer.token, streamId, 5);
    const row = page.locator('#stream-rows tr', { hasText: streamId });
    await row.locator('.col-likes', { hasText: /^5$/ }).waitFor({ timeout: PIPELINE_TIMEOUT_MS });

    // Other suites may post likes at the same time, so the total grows by at least ours.
    // The card follows clusterTotals, an event of its own: it may come after the row's.
    const totalAfterFive = await totalAtLeast(page, totalBefore + 5);

    // A later update changes the same row in place.
    const rowElement = await row.elementHandle();
    await postLikes(viewer.token, streamId, 3);
    await row.locator('.col-likes', { hasText: /^8$/ }).waitFor({ timeout: PIPELINE_TIMEOUT_MS });
    assert.ok(await rowElement.evaluate((tr) => tr.isConnected), 'the row was replaced instead of updated');
    assert.match(await row.locator('.col-changed').textContent(), /^(now|\d+ s ago)$/);
    await totalAtLeast(page, totalAfterFive + 3);

    assert.equal(await page.getAttribute('#connection-pill', 'data-state'), 'live');
    assert.match(await page.textContent('#connection-transport'), /WebSocket|long-polling/);
    assert.deepEqual(pageErrors, []);

    // The picture for people: unfiltered, with the chart having seen the likes.
    await page.fill('#stream-filter', '');
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${OUTPUT_DIR}dashboard.png` });
  });
});
