// True cluster totals and live viewers in the admin dashboard (docs/viewers.md), in
// Debian's chromium (playwright-core), on a private pipeline (tests/e2e/pipeline.mjs: own
// topics and database) so MongoDB holds only this test's streams:
//  - likes spread over more streams than the dashboard lists (1,000): the "Total likes"
//    and "Streams" cards, and GET /totals, equal MongoDB's sums over `streams`;
//  - /live viewers (official socket.io-client) show in the "Watching" column, which sorts
//    the table, and in the stream's history: likes and viewers per minute on one chart
//    and likes per 100 viewers per minute.
//
// Run:  node --test tests/e2e/viewers.browser.test.mjs      (~40 s)
// Env:  PRESET, KAFKA_BROKERS, REDIS_URL, MONGO_URI, JWT_SECRET, CHROMIUM

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MongoClient } from 'mongodb';

import { launchChromium, OUTPUT_DIR } from './browser.mjs';
import { startPipeline } from './pipeline.mjs';
import { Api, connectClient, SERVERS_ENV, waitFor } from './support.mjs';

const STREAMS = 1_100; // more than the 1,000 the dashboard lists
const WATCHED_LIKES = 7;
const WATCHERS = 3;
let pipeline;
let adminToken;
let browser;
let mongo;
const sockets = [];
const parseCount = (text) => Number(text.replace(/[^0-9]/g, ''));

async function get(path) {
  const response = await fetch(`${pipeline.url}${path}`, { headers: { Authorization: `Bearer ${adminToken}` } });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** Sums over every `streams` document, as MongoDB holds them. */
async function mongoSums() {
  const documents = await mongo.db(pipeline.env.MONGO_DATABASE).collection('streams')
    .find({}, { projection: { likes: 1 } }).toArray();
  return {
    likes: documents.reduce((sum, document) => sum + Number(document.likes), 0),
    streams: documents.filter((document) => Number(document.likes) > 0).length,
  };
}

before(async () => {
  pipeline = await startPipeline('viewers');
  adminToken = pipeline.mintToken('viewers-admin', 'admin');
  mongo = await MongoClient.connect(SERVERS_ENV.MONGO_URI);
  const api = new Api(pipeline.url);
  const token = pipeline.mintToken('viewers-liker', 'viewer');
  const streamIds = Array.from({ length: STREAMS }, (_, i) => `${pipeline.topic}-s${i}`);
  for (let i = 0; i < streamIds.length; i += 50) {
    await Promise.all(streamIds.slice(i, i + 50).map((streamId) => api.like(token, streamId, 1)));
  }
  await api.like(token, `${pipeline.topic}-watched`, WATCHED_LIKES);
  await waitFor('every like counted in the partition summaries', async () => {
    const { status, body } = await get('/totals');
    return status === 200 && body.likes === STREAMS + WATCHED_LIKES && body.streams === STREAMS + 1;
  }, 60_000, 250);
  browser = await launchChromium();
});

after(async () => {
  sockets.forEach((socket) => socket.close());
  await browser?.close();
  await mongo?.close();
  await pipeline?.stop();
});

test('GET /totals and the dashboard\'s cards equal MongoDB\'s sums over more streams than the table lists', async () => {
  const sums = await mongoSums();
  assert.deepEqual(sums, { likes: STREAMS + WATCHED_LIKES, streams: STREAMS + 1 });
  const { body: totals } = await get('/totals');
  assert.equal(totals.likes, sums.likes);
  assert.equal(totals.streams, sums.streams);
  assert.equal(totals.partitions, 2);

  const page = await openDashboard();
  try {
    await page.waitForFunction(
      ([likes, streams]) => document.querySelector('#total-likes').textContent.replace(/\D/g, '') === String(likes)
        && document.querySelector('#stream-count').textContent.replace(/\D/g, '') === String(streams),
      [sums.likes, sums.streams], { timeout: 15_000 });
    assert.match(await page.textContent('#total-note'), /every stream in the store/);
    // The table lists the snapshot's 1,000 streams (once read), fewer than the cards count.
    await page.waitForFunction(() => document.querySelector('#table-summary').textContent === '1,000 streams',
      null, { timeout: 15_000 });
    assert.ok(parseCount(await page.textContent('#stream-count')) > 1000);
    await page.screenshot({ path: `${OUTPUT_DIR}dashboard-totals.png` });
    assert.deepEqual(page.errors, []);
  } finally {
    await page.close();
  }
});

test('viewers show in the Watching column, sort the table, and chart per minute with the likes', async () => {
  const watched = `${pipeline.topic}-watched`;
  const viewerToken = pipeline.mintToken('viewers-watcher', 'viewer');
  for (let i = 0; i < WATCHERS; i++) {
    const socket = await connectClient(`${pipeline.url}/live`, { auth: { token: viewerToken } });
    sockets.push(socket);
    await socket.timeout(10_000).emitWithAck('subscribe', watched);
  }
  const page = await openDashboard();
  try {
    await page.fill('#stream-filter', watched);
    const row = page.locator('#stream-rows tr', { hasText: watched });
    await row.locator('.col-viewers', { hasText: new RegExp(`^${WATCHERS}$`) }).waitFor({ timeout: 15_000 });
    await page.fill('#stream-filter', '');
    await page.click('#sort-viewers');
    assert.equal(await page.textContent('#table-title'), 'Streams by viewers');
    const shown = await page.$$eval('#stream-rows tr:not(.spacer) td.col-viewers',
      (cells) => cells.map((cell) => Number(cell.textContent.replace(/\D/g, ''))));
    assert.ok(shown.length > 0);
    for (let i = 1; i < shown.length; i++) assert.ok(shown[i - 1] >= shown[i], `sorted by viewers: ${shown}`);
    assert.ok(parseCount(await page.textContent('#viewers-total')) >= WATCHERS);

    await page.fill('#stream-filter', watched);
    await row.click();
    await page.waitForSelector('#stream-history[data-state="loaded"]', { timeout: 10_000 });
    assert.equal(await page.getAttribute('#stream-history', 'data-viewers'), String(WATCHERS));
    assert.ok(Number(await page.getAttribute('#stream-history', 'data-peak-viewers')) >= WATCHERS);
    assert.ok(Number(await page.getAttribute('#stream-history', 'data-viewer-minutes')) >= 1);
    assert.match(await page.textContent('#stream-history-summary'), /likes per 100 viewers per minute/);
    assert.equal(await page.locator('#stream-history canvas').count(), 3, 'likes+viewers, engagement, per hour');
    await page.screenshot({ path: `${OUTPUT_DIR}dashboard-viewers.png`, fullPage: true });
    assert.deepEqual(page.errors, []);
  } finally {
    await page.close();
  }
});

async function openDashboard() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.addInitScript(([token]) => {
    sessionStorage.setItem('live-analytics.admin.token', token);
    sessionStorage.setItem('live-analytics.admin.email', 'viewers-admin@example.com');
  }, [adminToken]);
  await page.goto(`${pipeline.url}/admin`);
  await page.waitForSelector('#connection-pill[data-state="live"]', { timeout: 15_000 });
  page.errors = errors;
  return page;
}
