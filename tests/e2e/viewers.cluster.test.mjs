// Live viewers across api nodes (docs/viewers.md) with the official socket.io-client
// against the running cluster: viewers join and leave on both api nodes and through
// nginx; a dashboard socket, every viewer's `viewerCount`, GET /streams/{id} on each node
// and GET /streams?top=N&by=viewers agree. Then an api node of this test holding viewers
// is killed with kill -9: the cluster's count drops by exactly its viewers within the
// stated bound (VIEWER_NODE_TTL_MS + one report, default 11 s), without any other action.
//
// Run:  node --test tests/e2e/viewers.cluster.test.mjs      (~25 s)
// Env:  BASE_URL (nginx, default http://127.0.0.1:8080), API_URLS (default
//       http://127.0.0.1:3001,http://127.0.0.1:3002), ADMIN_EMAIL, ADMIN_PASSWORD

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  API_BIN, Api, connectClient, EventLog, freePort, ROOT, SERVERS_ENV, startProcess, stopProcess, uniqueStreamId, waitFor,
} from './support.mjs';

const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const API_URLS = (process.env.API_URLS || 'http://127.0.0.1:3001,http://127.0.0.1:3002')
  .split(',')
  .map((url) => url.trim().replace(/\/$/, ''));
/** The stated bound after a kill -9 (docs/viewers.md), with the defaults. */
const KILL_BOUND_MS = 10_000 + 1_000 + 1_000;

const api = new Api(BASE_URL);
let adminToken;
let viewerToken;
const sockets = [];

before(async () => {
  adminToken = await api.adminToken();
  viewerToken = await api.viewerToken();
});

after(() => sockets.forEach((socket) => socket.close()));

async function get(baseUrl, path) {
  const response = await fetch(`${baseUrl}${path}`, { headers: { Authorization: `Bearer ${adminToken}` } });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** A /live socket at `url` subscribed to `streamIds`, with the log of its viewerCount events. */
async function viewer(url, ...streamIds) {
  let counts;
  const socket = await connectClient(`${url}/live`, { auth: { token: viewerToken } }, (s) => {
    counts = new EventLog(s, 'viewerCount');
  });
  sockets.push(socket);
  for (const streamId of streamIds) {
    const ack = await socket.timeout(10_000).emitWithAck('subscribe', streamId);
    assert.equal(ack.streamId, streamId, JSON.stringify(ack));
    assert.equal(ack.error, undefined, JSON.stringify(ack));
  }
  return { socket, counts };
}

/** A dashboard socket through nginx and the viewer counts it has been told, merged. */
async function dashboard() {
  const known = new Map();
  let snapshots = 0;
  const socket = await connectClient(BASE_URL, { auth: { token: adminToken } }, (s) => {
    s.on('viewerCounts', (event) => {
      if (event.snapshot) {
        known.clear();
        snapshots += 1;
      }
      for (const { streamId, viewers } of event.streams) known.set(streamId, viewers);
    });
  });
  sockets.push(socket);
  await waitFor('the viewer snapshot', () => snapshots > 0);
  return { socket, viewersOf: (streamId) => known.get(streamId) ?? 0 };
}

/** Viewers of `streamId` as every way of asking says, once they all say `expected`. */
async function expectEverywhere(streamId, expected, board, viewers) {
  await waitFor(`the dashboard to show ${expected} viewers of ${streamId}`, () => board.viewersOf(streamId) === expected);
  for (const url of [BASE_URL, ...API_URLS]) {
    await waitFor(`GET /streams/${streamId} at ${url} to say ${expected}`, async () => {
      const { status, body } = await get(url, `/streams/${streamId}`);
      return expected === 0 ? status === 404 || body?.viewers === 0 : status === 200 && body.viewers === expected;
    });
  }
  const top = await get(BASE_URL, '/streams?top=1000&by=viewers');
  assert.equal(top.status, 200);
  const listed = top.body.find((entry) => entry.streamId === streamId);
  assert.equal(listed?.viewers ?? 0, expected, JSON.stringify(listed));
  for (const { counts } of viewers) {
    await counts.waitFor(`viewerCount ${expected}`, (event) => event.streamId === streamId && event.viewers === expected, 10_000);
  }
}

test('viewers on both api nodes and through nginx are counted once each, everywhere alike', async () => {
  const streamId = uniqueStreamId('viewers');
  const other = uniqueStreamId('viewers-other');
  const board = await dashboard();
  const [first, second] = API_URLS;
  const onFirst = await Promise.all([viewer(first, streamId), viewer(first, streamId), viewer(first, streamId, other)]);
  const onSecond = await Promise.all([viewer(second, streamId), viewer(second, streamId)]);
  const viaNginx = await viewer(BASE_URL, streamId);
  // A repeated subscribe is not a second viewer; a dashboard socket's subscribe is none.
  await onSecond[0].socket.timeout(10_000).emitWithAck('subscribe', streamId);
  await board.socket.timeout(10_000).emitWithAck('subscribe', streamId);
  const all = [...onFirst, ...onSecond, viaNginx];
  await expectEverywhere(streamId, 6, board, all);
  assert.equal(board.viewersOf(other), 1, 'a socket on two streams counts in each');

  const { body: stream } = await get(BASE_URL, `/streams/${streamId}`);
  assert.ok(stream.peakViewers >= 6, JSON.stringify(stream));
  assert.equal(stream.likes, 0, 'watched, never liked');
  assert.equal(stream.viewersPerMinute.length, 60);
  assert.equal(stream.viewersPerMinute.at(-1).viewers, 6, 'this minute so far');
  const totals = await get(BASE_URL, '/totals');
  assert.equal(totals.status, 200);
  assert.ok(totals.body.viewers >= 7, JSON.stringify(totals.body));

  // Leaves: a disconnect on one node, an unsubscribe on the other.
  onFirst[0].socket.close();
  onFirst[2].socket.close();
  await onSecond[1].socket.timeout(10_000).emitWithAck('unsubscribe', streamId);
  await expectEverywhere(streamId, 3, board, [onFirst[1], onSecond[0], viaNginx]);
  assert.equal((await get(BASE_URL, `/streams/${streamId}`)).body.peakViewers >= 6, true, 'the peak stays');
  await waitFor(`${other} to have no viewer`, () => board.viewersOf(other) === 0);
});

test('kill -9 of an api node holding viewers: the counts drop by exactly its viewers within the bound', async () => {
  const streamId = uniqueStreamId('viewers-kill');
  const port = await freePort();
  const doomed = await startProcess(API_BIN, ['--port', String(port), '--threads', '1', '--web-root', `${ROOT}web/dist`], {
    env: { ...SERVERS_ENV, LIKE_RATE_PER_S: '0' },
    ready: /api node listening on/,
  });
  try {
    const board = await dashboard();
    const survivors = await Promise.all([viewer(API_URLS[0], streamId), viewer(API_URLS[1], streamId)]);
    await Promise.all([1, 2, 3, 4].map(() => viewer(`http://127.0.0.1:${port}`, streamId)));
    await expectEverywhere(streamId, 6, board, survivors);

    doomed.child.kill('SIGKILL');
    const killedAt = Date.now();
    await stopProcess(doomed);
    await waitFor('the count to drop to the survivors\' 2', () => board.viewersOf(streamId) === 2, KILL_BOUND_MS + 5_000);
    const dropMs = Date.now() - killedAt;
    console.log(`viewers: the count dropped by the killed node's 4 viewers ${dropMs} ms after kill -9`);
    assert.ok(dropMs <= KILL_BOUND_MS, `dropped after ${dropMs} ms, bound ${KILL_BOUND_MS} ms`);
    await expectEverywhere(streamId, 2, board, survivors);
  } finally {
    await stopProcess(doomed, 'SIGKILL');
  }
});
