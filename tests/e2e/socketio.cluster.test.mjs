// The live dashboard protocol (docs/socketio-api.md, Socket.IO part) with the official
// socket.io-client against the running cluster: through nginx, and directly against each
// api node. Every api node relays Redis `stream-updates`, so a dashboard on any node sees
// the likes posted through any other.
//
// Run:  node --test tests/e2e/socketio.cluster.test.mjs
// Env:  BASE_URL (nginx, default http://127.0.0.1:8080),
//       API_URLS (the api nodes, default http://127.0.0.1:3001,http://127.0.0.1:3002),
//       ADMIN_EMAIL, ADMIN_PASSWORD (as ./dev sets them)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Api, connectClient, connectError, EventLog, uniqueStreamId, waitFor } from './support.mjs';

const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const API_URLS = (process.env.API_URLS || 'http://127.0.0.1:3001,http://127.0.0.1:3002')
  .split(',')
  .map((url) => url.trim().replace(/\/$/, ''));
const TARGETS = [
  ['through nginx', BASE_URL],
  ...API_URLS.map((url) => [`directly at ${url}`, url]),
];
/** Likes travel API -> Kafka -> consumer (1 s flush) -> MongoDB -> Redis -> api node -> client. */
const PIPELINE_TIMEOUT_MS = 30_000;
const TRANSPORTS = [
  ['polling only', ['polling'], 'polling'],
  ['WebSocket only', ['websocket'], 'websocket'],
  ['the default (polling, then the upgrade)', ['polling', 'websocket'], 'websocket'],
];

const api = new Api(BASE_URL);
let adminToken;
let viewerToken;
const sockets = [];

/** A connected client that is closed after the tests; `beforeConnect` as in connectClient. */
async function client(url, options, beforeConnect) {
  const socket = await connectClient(url, options, beforeConnect);
  sockets.push(socket);
  return socket;
}

/** An admin dashboard socket and the log of its statsUpdate events (the first is the snapshot). */
async function dashboard(url, transports = ['polling', 'websocket']) {
  let updates;
  const socket = await client(url, { transports, auth: { token: adminToken } }, (s) => {
    updates = new EventLog(s, 'statsUpdate');
  });
  return { socket, updates };
}

before(async () => {
  adminToken = await api.adminToken();
  viewerToken = await api.viewerToken();
});

after(() => {
  sockets.forEach((socket) => socket.close());
});

for (const [where, url] of TARGETS) {
  describe(`Socket.IO ${where}`, () => {
    for (const [name, transports, finalTransport] of TRANSPORTS) {
      test(`an admin dashboard, ${name}, gets its snapshot first`, async () => {
        const { socket, updates } = await dashboard(url, transports);
        const snapshot = await updates.waitFor('the snapshot', () => true, 10_000);
        assert.ok(Array.isArray(snapshot), `the snapshot is ${JSON.stringify(snapshot)}`);
        assert.ok(snapshot.length <= 1000, `the snapshot has ${snapshot.length} streams`);
        for (const entry of snapshot) {
          assert.deepEqual(Object.keys(entry).sort(), ['likes', 'streamId']);
          assert.equal(typeof entry.streamId, 'string');
          assert.ok(Number.isInteger(entry.likes) && entry.likes >= 0);
        }
        for (let i = 1; i < snapshot.length; i++) assert.ok(snapshot[i - 1].likes >= snapshot[i].likes, 'most liked first');
        await waitFor(`the ${finalTransport} transport`, () => socket.io.engine.transport.name === finalTransport);
        socket.close();
      });
    }

    test('a viewer token on "/" is refused with "Unauthorized"', async () => {
      assert.equal(await connectError(url, { auth: { token: viewerToken } }), 'Unauthorized');
    });

    test('a garbage, missing or foreign token is refused with "Invalid token"', async () => {
      const foreign = `${adminToken.split('.').slice(0, 2).join('.')}.${'A'.repeat(43)}`;
      for (const auth of [{ token: 'garbage' }, {}, { token: foreign }, { token: 42 }]) {
        assert.equal(await connectError(url, { auth }), 'Invalid token', JSON.stringify(auth));
        assert.equal(await connectError(`${url}/live`, { auth }), 'Invalid token', JSON.stringify(auth));
      }
    });

    test('an unknown namespace is refused with "Invalid namespace"', async () => {
      assert.equal(await connectError(`${url}/nope`, { auth: { token: adminToken } }), 'Invalid namespace');
    });

    test('/live: subscribe acks the current total, then likeCount follows every change', async () => {
      const streamId = uniqueStreamId('live');
      let counts;
      const socket = await client(`${url}/live`, { auth: { token: viewerToken } }, (s) => {
        counts = new EventLog(s, 'likeCount');
      });
      assert.deepEqual(await socket.timeout(10_000).emitWithAck('subscribe', streamId), { streamId, likes: 0 });
      await new Api(url).like(viewerToken, streamId, 3);
      await counts.waitFor('likeCount 3', (c) => c.streamId === streamId && c.likes === 3, PIPELINE_TIMEOUT_MS);
      await new Api(url).like(viewerToken, streamId, 2);
      await counts.waitFor('likeCount 5', (c) => c.streamId === streamId && c.likes === 5, PIPELINE_TIMEOUT_MS);

      // A second subscriber gets the current total in its ack.
      let lateCounts;
      const late = await client(`${url}/live`, { auth: { token: viewerToken }, transports: ['polling'] }, (s) => {
        lateCounts = new EventLog(s, 'likeCount');
      });
      assert.deepEqual(await late.timeout(10_000).emitWithAck('subscribe', streamId), { streamId, likes: 5 });

      // After unsubscribe no more likeCount arrives for the stream.
      assert.deepEqual(await socket.timeout(10_000).emitWithAck('unsubscribe', streamId), { streamId });
      const seen = counts.events.length;
      await new Api(url).like(viewerToken, streamId, 1);
      await lateCounts.waitFor('likeCount 6', (c) => c.streamId === streamId && c.likes === 6, PIPELINE_TIMEOUT_MS);
      assert.equal(counts.events.length, seen, 'likeCount arrived after unsubscribe');
    });

    test('/live: a malformed streamId is refused in the ack', async () => {
      const socket = await client(`${url}/live`, { auth: { token: viewerToken } });
      const refused = await socket.timeout(10_000).emitWithAck('subscribe', 'not a stream id');
      assert.equal(refused.streamId, 'not a stream id');
      assert.match(refused.error, /streamId must be/);
      const missing = await socket.timeout(10_000).emitWithAck('subscribe', { streamId: 'x' });
      assert.match(missing.error, /streamId string/);
    });

    test('an admin socket on "/" may subscribe to a stream too', async () => {
      const streamId = uniqueStreamId('admin-subscribe');
      let counts;
      const socket = await client(url, { auth: { token: adminToken } }, (s) => {
        counts = new EventLog(s, 'likeCount');
      });
      assert.deepEqual(await socket.timeout(10_000).emitWithAck('subscribe', streamId), { streamId, likes: 0 });
      await new Api(url).like(viewerToken, streamId, 2);
      await counts.waitFor('likeCount 2', (c) => c.streamId === streamId && c.likes === 2, PIPELINE_TIMEOUT_MS);
    });
  });
}

describe('statsUpdate across the cluster', () => {
  test('dashboards on every node and behind nginx get the exact total after N likes', async () => {
    const streamId = uniqueStreamId('stats');
    const dashboards = await Promise.all(TARGETS.map(([, url]) => dashboard(url)));
    await Promise.all(dashboards.map(({ updates }) => updates.waitFor('the snapshot', () => true, 10_000)));

    const likes = 7;
    await api.like(viewerToken, streamId, likes);
    await Promise.all(
      dashboards.map(({ updates }, i) =>
        updates.waitFor(
          `statsUpdate with ${streamId} at ${likes} on ${TARGETS[i][0]}`,
          (update) => Array.isArray(update) && update.some((e) => e.streamId === streamId && e.likes === likes),
          PIPELINE_TIMEOUT_MS,
        ),
      ),
    );
    // Updates carry absolute totals and never go down.
    for (const { updates } of dashboards) {
      const seen = updates.events.flat().filter((e) => e.streamId === streamId).map((e) => e.likes);
      assert.deepEqual(seen, [...seen].sort((a, b) => a - b), `totals for ${streamId}: ${seen}`);
      assert.ok(seen.every((n) => n <= likes));
    }
  });

  test('a dashboard that connects later has the stream in its snapshot, unless 1000 streams have more likes', async () => {
    const streamId = uniqueStreamId('snapshot');
    const { updates: earlier } = await dashboard(API_URLS[0]);
    await earlier.waitFor('the snapshot', () => true, 10_000);
    const likes = 4;
    await api.like(viewerToken, streamId, likes);
    await earlier.waitFor(`${streamId} at ${likes}`, (u) => u.some((e) => e.streamId === streamId && e.likes === likes),
      PIPELINE_TIMEOUT_MS);

    const { updates } = await dashboard(BASE_URL, ['websocket']);
    const snapshot = await updates.waitFor('the snapshot', () => true, 10_000);
    const entry = snapshot.find((e) => e.streamId === streamId);
    if (entry) {
      assert.deepEqual(entry, { streamId, likes });
    } else {
      assert.equal(snapshot.length, 1000, `${streamId} is missing from a snapshot of ${snapshot.length} streams`);
      assert.ok(snapshot.at(-1).likes >= likes, 'a less liked stream is in the snapshot instead');
    }
  });
});
