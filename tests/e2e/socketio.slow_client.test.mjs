// Conflation for dashboards that cannot keep up (docs/socketio-api.md), on an api node of its
// own (free port) against the cluster's Redis: one dashboard stops reading (its socket is
// paused) beside one that reads, while ~7.5 MB of statsUpdates (300 updates of 500
// streams, far more than the 1 MiB a session may queue plus the kernel's buffers) are
// published in a burst; then it reads again. The slow dashboard must not be disconnected
// (it was busy, not gone), must end on the final total of every stream, and no total
// either dashboard sees may go down. Nothing here depends on how TCP chunks the reads.
//
// Run:  node --test tests/e2e/socketio.slow_client.test.mjs
// Env:  PRESET (release), LA_API_BIN, LA_ADMIN_BIN, REDIS_URL's host and port (127.0.0.1:6379)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import { after, before, test } from 'node:test';

import { ADMIN_BIN, API_BIN, SERVERS_ENV, freePort, sleep, startProcess, stopProcess, uniqueStreamId, waitFor } from './support.mjs';

const require = createRequire(import.meta.url);
const WebSocket = require('ws');

const STREAMS = 500;
const UPDATES = 300;

let node;
let port;

before(async () => {
  port = await freePort();
  // The write-stall cut-off (WRITE_TIMEOUT_MS, 10 s) is for a client that never reads again;
  // the paused dashboard here is paused for as long as the burst takes, which on the slower
  // sanitizer build can exceed 10 s. Lifting it keeps the test about the queue bound, which
  // conflation must keep (without it the session is cut at its 1 MiB queue limit at once).
  node = await startProcess(API_BIN, ['--port', String(port), '--threads', '2', '--write-timeout-ms', '600000'],
    { env: SERVERS_ENV, ready: /api node listening on/ });
});

after(async () => {
  if (node) await stopProcess(node);
});

/** A raw Engine.IO/Socket.IO dashboard that records the totals of `prefix` streams it sees. */
function dashboard(token, prefix) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
  const seen = { ws, frames: 0, latest: new Map(), wentDown: [], closed: false };
  seen.joined = new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data) => {
      const text = data.toString();
      if (text === '2') return ws.send('3');
      if (text.startsWith('0{')) return ws.send(`40${JSON.stringify({ token })}`);
      if (text.startsWith('40')) return resolve();
      if (!text.startsWith('42["statsUpdate"')) return;
      let mine = false;
      for (const { streamId, likes } of JSON.parse(text.slice(2))[1]) {
        if (!streamId.startsWith(prefix)) continue;
        mine = true;
        if ((seen.latest.get(streamId) ?? -1) > likes) seen.wentDown.push(`${streamId}: ${seen.latest.get(streamId)} -> ${likes}`);
        seen.latest.set(streamId, likes);
      }
      if (mine) seen.frames++;
    });
  });
  ws.on('close', () => { seen.closed = true; });
  return seen;
}

/** PUBLISH on the node's Redis, over a raw RESP connection. */
function redisPublisher() {
  const { hostname, port: redisPort } = new URL(SERVERS_ENV.REDIS_URL);
  const socket = net.connect(Number(redisPort || 6379), hostname);
  socket.on('data', () => {});  // the integer replies
  const publish = (message) => new Promise((resolve) => {
    const parts = ['PUBLISH', 'stream-updates', message];
    socket.write(`*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`, resolve);
  });
  return { publish, close: () => socket.end() };
}

test('a dashboard that stops reading gets the latest totals, merged, and is not disconnected', async () => {
  const token = execFileSync(ADMIN_BIN, ['mint-token', '--id', 'slow-client-test', '--role', 'admin', '--ttl-s', '600'],
    { env: { ...process.env, ...SERVERS_ENV } }).toString().trim();
  const prefix = `${uniqueStreamId('slow')}-`;
  const fast = dashboard(token, prefix);
  const slow = dashboard(token, prefix);
  await Promise.all([fast.joined, slow.joined]);
  await sleep(500);  // both have their snapshot

  slow.ws._socket.pause();
  const redis = redisPublisher();
  const ids = Array.from({ length: STREAMS }, (_, i) => `${prefix}${String(i).padStart(4, '0')}-a-longer-stream-name`);
  for (let update = 1; update <= UPDATES; update++) {
    await redis.publish(JSON.stringify(ids.map((streamId) => ({ streamId, likes: update }))));
    if (update % 20 === 0) await sleep(50);
  }
  redis.close();
  await waitFor('the reading dashboard to get the final totals',
    () => fast.latest.size === STREAMS && [...fast.latest.values()].every((likes) => likes === UPDATES), 30_000);
  await sleep(2000);  // the slow one stays paused a while longer: busy, not gone
  slow.ws._socket.resume();
  await waitFor('the slow dashboard to catch up to the final totals',
    () => slow.latest.size === STREAMS && [...slow.latest.values()].every((likes) => likes === UPDATES), 30_000);

  assert.equal(slow.closed, false, 'the slow dashboard was disconnected');
  assert.equal(fast.closed, false, 'the reading dashboard was disconnected');
  assert.deepEqual(slow.wentDown, [], 'a total the slow dashboard saw went down');
  assert.deepEqual(fast.wentDown, [], 'a total the reading dashboard saw went down');
  assert.ok(slow.frames <= UPDATES, `the slow dashboard got ${slow.frames} frames for ${UPDATES} updates`);
  fast.ws.close();
  slow.ws.close();
});
