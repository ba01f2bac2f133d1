// Likes over time (docs/http-api.md: GET /streams/{streamId}, GET /streams?top=N) through
// the HTTP API and in the admin dashboard, in Debian's chromium (playwright-core).
// Runs a private pipeline (tests/e2e/pipeline.mjs: own topics and database, one api
// node, one consumer) so the streams it sees are only its own.
//
// Run:  node --test tests/e2e/history.browser.test.mjs
// Env:  PRESET, KAFKA_BROKERS, REDIS_URL, MONGO_URI, JWT_SECRET, CHROMIUM

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchChromium, OUTPUT_DIR } from './browser.mjs';
import { startPipeline } from './pipeline.mjs';
import { Api, waitFor } from './support.mjs';

const LIKES = 5;
let pipeline;
let api;
let adminToken;
let streamId;
let browser;

/** GET with a bearer token: {status, body}. */
async function get(path, token) {
  const response = await fetch(`${pipeline.url}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: await response.json().catch(() => null) };
}

before(async () => {
  pipeline = await startPipeline('history');
  api = new Api(pipeline.url);
  adminToken = pipeline.mintToken('history-admin', 'admin');
  streamId = `${pipeline.topic}-stream`;
  await api.like(pipeline.mintToken('history-viewer', 'viewer'), streamId, LIKES);
  await waitFor(`${LIKES} likes of ${streamId} counted`, async () => {
    const { status, body } = await get(`/streams/${streamId}`, adminToken);
    return status === 200 && body.likes === LIKES;
  }, 30_000, 200);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await pipeline?.stop();
});

test('GET /streams/{streamId} has the total and this minute\'s likes in both series', async () => {
  const { status, body } = await get(`/streams/${streamId}`, adminToken);
  assert.equal(status, 200, JSON.stringify(body));
  assert.deepEqual(Object.keys(body).sort(),
    ['likes', 'peakViewers', 'perHour', 'perMinute', 'streamId', 'updatedAt', 'viewers', 'viewersPerMinute']);
  assert.equal(body.viewers, 0, 'nobody watches it');
  assert.equal(body.viewersPerMinute.length, 60);
  assert.equal(body.streamId, streamId);
  assert.equal(body.likes, LIKES);
  assert.equal(typeof body.updatedAt, 'string');
  assert.equal(body.perMinute.length, 60);
  assert.equal(body.perHour.length, 24);
  const sum = (series) => series.reduce((total, point) => total + point.likes, 0);
  assert.equal(sum(body.perMinute), LIKES);
  assert.equal(sum(body.perHour), LIKES);
  for (const series of [body.perMinute, body.perHour]) {
    for (let i = 1; i < series.length; i++) assert.ok(series[i].t > series[i - 1].t, 'oldest first');
  }
  assert.ok(body.perMinute.at(-1).t <= Date.now() && Date.now() - body.perMinute.at(-1).t < 2 * 60_000);
});

test('the stream routes need an admin token and answer 404 and 400 as the contract says', async () => {
  const viewer = pipeline.mintToken('history-viewer-2', 'viewer');
  assert.equal((await get(`/streams/${streamId}`)).status, 401);
  assert.equal((await get(`/streams/${streamId}`, viewer)).status, 403);
  assert.equal((await get('/streams?top=5', viewer)).status, 403);
  const missing = await get(`/streams/${streamId}-none`, adminToken);
  assert.equal(missing.status, 404);
  assert.match(missing.body.message, /no likes recorded/);
  for (const top of ['0', '1001', 'x', '']) {
    const bad = await get(`/streams?top=${top}`, adminToken);
    assert.equal(bad.status, 400, `top=${top}`);
    assert.match(bad.body.message, /top must be/);
  }
  const top = await get('/streams?top=1000', adminToken);
  assert.equal(top.status, 200);
  assert.deepEqual(top.body, [{ streamId, likes: LIKES }]);
});

test('the dashboard\'s chart has data right after a reload, and a row click shows the stream\'s history', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // Logged in as the admin: the session the login form would have stored.
  await page.addInitScript(([token]) => {
    sessionStorage.setItem('live-analytics.admin.token', token);
    sessionStorage.setItem('live-analytics.admin.email', 'history-admin@example.com');
  }, [adminToken]);
  try {
    await page.goto(`${pipeline.url}/admin`);
    await page.waitForSelector('#connection-pill[data-state="live"]', { timeout: 15_000 });
    await page.reload();
    // No like arrives after the reload, so points with a rate can only come from history.
    await page.waitForSelector('#rate-chart[data-history-points]', { timeout: 10_000 });
    const historyPoints = Number(await page.getAttribute('#rate-chart', 'data-history-points'));
    assert.ok(historyPoints > 0, `the chart got ${historyPoints} history points after the reload`);
    // The peak KPI is redrawn on the next frame and reflects the history too.
    await page.waitForFunction(() => document.querySelector('#rate-peak').textContent.trim() !== '0', null,
      { timeout: 5_000 });

    await page.locator('#stream-rows tr', { hasText: streamId }).click();
    await page.waitForSelector('#stream-history[data-state="loaded"]', { timeout: 10_000 });
    assert.equal(await page.textContent('#stream-history-title'), streamId);
    assert.equal(await page.getAttribute('#stream-history', 'data-last-hour'), String(LIKES));
    assert.match(await page.textContent('#stream-history-summary'), new RegExp(`${LIKES} in the last hour`));
    assert.equal(await page.locator('#stream-history canvas').count(), 3, 'likes and viewers, likes per 100 viewers, per hour');
    await page.screenshot({ path: `${OUTPUT_DIR}dashboard-history.png`, fullPage: true });
    assert.deepEqual(pageErrors, []);
  } catch (error) {
    await page.screenshot({ path: `${OUTPUT_DIR}dashboard-history-failure.png`, fullPage: true }).catch(() => {});
    throw error;
  } finally {
    await page.close();
  }
});
