// A dashboard page written the seed's way works unchanged: plain HTML that loads the
// client bundle from /socket.io/socket.io.js (served by the api node, as the Node server
// does), connects with io({auth: {token}}) and renders statsUpdate. Debian's chromium,
// driven by playwright-core, opens it on the cluster's origin (the page itself is served
// by the test, the rest comes from the cluster). Leaves a screenshot in
// test-output/seed-dashboard.png.
//
// Run:  node --test tests/e2e/seed_dashboard.browser.test.mjs
// Env:  BASE_URL (default http://127.0.0.1:8080), ADMIN_EMAIL, ADMIN_PASSWORD,
//       CHROMIUM (default /usr/bin/chromium). playwright-core comes from web/node_modules.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchChromium, OUTPUT_DIR } from './browser.mjs';

import { Api, uniqueStreamId } from './support.mjs';

const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
/** Likes travel API -> Kafka -> consumer (1 s flush) -> Redis -> api node -> page. */
const PIPELINE_TIMEOUT_MS = 30_000;

// The page as a seed-era developer would write it: no build step, no framework.
const SEED_PAGE = `<!doctype html>
<html>
<head><meta charset="utf-8"><title>Live likes</title></head>
<body>
  <h1>Live likes</h1>
  <p id="state">connecting</p>
  <ul id="streams"></ul>
  <script src="/socket.io/socket.io.js"></script>
  <script>
    const token = new URLSearchParams(location.search).get('token');
    const socket = io({ auth: { token } });
    const totals = {};
    socket.on('connect', () => { document.getElementById('state').textContent = 'connected'; });
    socket.on('connect_error', (err) => { document.getElementById('state').textContent = 'error: ' + err.message; });
    socket.on('statsUpdate', (data) => {
      data.forEach(({ streamId, likes }) => { totals[streamId] = likes; });
      document.getElementById('streams').innerHTML = Object.entries(totals)
        .map(([id, likes]) => '<li data-stream="' + id + '">' + id + ': ' + likes + '</li>').join('');
    });
  </script>
</body>
</html>`;

const api = new Api(BASE_URL);
let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/**
 * Opens the seed page with `token` on the cluster's origin; returns the page and its
 * uncaught script errors. The page is loaded from the network (any page of the origin),
 * then its content replaced: a document that never came from the network would count as
 * outside the local network, and Chromium would block its WebSocket to 127.0.0.1.
 */
async function openSeedPage(token) {
  const page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${BASE_URL}/health?token=${encodeURIComponent(token)}`);
  await page.setContent(SEED_PAGE);
  return { page, pageErrors };
}

test('the seed-style page shows likes as they are counted', async () => {
  const viewer = await api.viewerToken();
  const streamId = uniqueStreamId('seed-page');
  const { page, pageErrors } = await openSeedPage(await api.adminToken());
  try {
    await page.waitForFunction(() => document.getElementById('state').textContent === 'connected', null, {
      timeout: 15_000,
    });
    await api.like(viewer, streamId, 3);
    await page.locator(`li[data-stream="${streamId}"]`, { hasText: `${streamId}: 3` }).waitFor({ timeout: PIPELINE_TIMEOUT_MS });
    await api.like(viewer, streamId, 2);
    await page.locator(`li[data-stream="${streamId}"]`, { hasText: `${streamId}: 5` }).waitFor({ timeout: PIPELINE_TIMEOUT_MS });
    // The page's client upgraded to WebSocket on its own.
    assert.equal(await page.evaluate(() => socket.io.engine.transport.name), 'websocket');
    assert.deepEqual(pageErrors, []);
    await page.screenshot({ path: `${OUTPUT_DIR}seed-dashboard.png` });
  } finally {
    await page.close();
  }
});

test('the seed-style page with a viewer token hears "Unauthorized"', async () => {
  const { page, pageErrors } = await openSeedPage(await api.viewerToken());
  try {
    await page.waitForFunction(() => document.getElementById('state').textContent.startsWith('error'), null, {
      timeout: 15_000,
    });
    assert.equal(await page.textContent('#state'), 'error: Unauthorized');
    assert.deepEqual(pageErrors, []);
  } finally {
    await page.close();
  }
});
