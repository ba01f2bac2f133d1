// Tests that need an api node of their own (never one of the cluster's): it is started
// here on a free port, against the cluster's Kafka, Redis and MongoDB, and restarted or
// attacked at will.
//   - a token that expires while connected disconnects its socket at `exp`;
//   - clients reconnect by themselves after the node restarts;
//   - malformed Engine.IO / Socket.IO input, oversized payloads, unknown sids and
//     half-open connections neither crash the node nor leave sessions behind.
// Use an AddressSanitizer build for the last point (PRESET=debug, or LA_API_BIN): the
// node must then also exit cleanly, with no sanitizer report, when it is stopped.
//
// Run:  node --test tests/e2e/socketio.node.test.mjs
// Env:  PRESET (release: build/release/api/la-api), LA_API_BIN, LA_ADMIN_BIN,
//       KAFKA_BROKERS, REDIS_URL, MONGO_URI, JWT_SECRET (dev mode without it)

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';

import {
  ADMIN_BIN,
  Api,
  API_BIN,
  closedWithin,
  connectClient,
  connectError,
  EventLog,
  eioRequest,
  freePort,
  nextEvent,
  pollingSession,
  RawSocket,
  ROOT,
  SERVERS_ENV,
  sleep,
  startProcess,
  stopProcess,
  waitFor,
} from './support.mjs';

const NODE_ENV = {
  ...SERVERS_ENV,
  ADMIN_EMAIL: process.env.ADMIN_EMAIL || 'admin@example.com',
  ADMIN_PASSWORD: process.env.ADMIN_PASSWORD || 'admin-password',
};

let port;
let url;
let node;

/** Starts the test's own api node on `port`. */
async function startNode() {
  node = await startProcess(API_BIN, ['--port', String(port), '--threads', '2', '--web-root', `${ROOT}web/dist`], {
    env: NODE_ENV,
    ready: /api node listening on/,
  });
}

/** Stops the node gracefully and checks that it exited cleanly (and, under ASan, without reports). */
async function stopNode() {
  const code = await stopProcess(node);
  assert.equal(code, 0, `la-api exited with ${code}:\n${node.output.slice(-5000)}`);
  assert.doesNotMatch(node.output, /Sanitizer|runtime error/, `la-api reported:\n${node.output.slice(-5000)}`);
}

/** A token signed like the node's own, with `ttlSeconds` left to live (negative: expired). */
function mintToken(role, ttlSeconds) {
  return execFileSync(ADMIN_BIN, ['mint-token', '--id', `socketio-node-test-${role}`, '--role', role,
    '--ttl-s', String(ttlSeconds)], { env: { ...process.env, ...NODE_ENV } }).toString().trim();
}

/** The node's socketio_sessions gauge. */
async function openSessions() {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  return Number(metrics.match(/^socketio_sessions (\d+)/m)[1]);
}

/** True if the node's process runs with AddressSanitizer. */
function underAddressSanitizer() {
  return readFileSync(`/proc/${node.child.pid}/maps`, 'utf8').includes('libasan');
}

before(async () => {
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
  await startNode();
});

after(async () => {
  await stopNode();
});

describe('tokens', () => {
  test('a socket is disconnected when its token expires', async (t) => {
    const ttl = 3;
    const token = mintToken('admin', ttl);
    const expiresAt = JSON.parse(Buffer.from(token.split('.')[1], 'base64url')).exp * 1000;
    let updates;
    const socket = await connectClient(url, { auth: { token } }, (s) => {
      updates = new EventLog(s, 'statsUpdate');
    });
    try {
      await updates.waitFor('the snapshot', () => true, 10_000);
      const [reason] = await nextEvent(socket, 'disconnect', (ttl + 5) * 1000);
      const late = Date.now() - expiresAt;
      t.diagnostic(`disconnected ${late} ms after exp`);
      assert.equal(reason, 'io server disconnect');
      assert.ok(late > -1000 && late < 2000, `disconnected ${late} ms after the token's exp`);
    } finally {
      socket.close();
    }
  });

  test('an expired token is refused with "Invalid token"', async () => {
    const token = mintToken('admin', -10);
    assert.equal(await connectError(url, { auth: { token } }), 'Invalid token');
    assert.equal(await connectError(`${url}/live`, { auth: { token } }), 'Invalid token');
  });
});

describe('restart', () => {
  test('clients of every transport reconnect by themselves after the node restarts', async () => {
    const token = await new Api(url).adminToken();
    const settings = [['polling'], ['websocket'], ['polling', 'websocket']];
    const logs = [];
    const sockets = await Promise.all(
      settings.map((transports) =>
        connectClient(url, { transports, auth: { token }, reconnection: true, reconnectionDelay: 200,
          reconnectionDelayMax: 1000 }, (s) => logs.push(new EventLog(s, 'statsUpdate'))),
      ),
    );
    try {
      await Promise.all(logs.map((log) => log.waitFor('the snapshot', () => true, 10_000)));
      const disconnects = sockets.map((socket) => nextEvent(socket, 'disconnect', 15_000));
      await stopNode();  // graceful: sessions are closed, so clients notice at once
      for (const [reason] of await Promise.all(disconnects)) assert.equal(reason, 'transport close');

      const reconnects = sockets.map((socket) => nextEvent(socket, 'connect', 30_000));
      await startNode();
      await Promise.all(reconnects);
      // After reconnecting, each dashboard gets a fresh snapshot.
      await Promise.all(logs.map((log) => waitFor('a second snapshot', () => log.events.length >= 2, 10_000)));
    } finally {
      sockets.forEach((socket) => socket.close());
    }
  });
});

describe('hostile and broken clients', () => {
  test('malformed Engine.IO and Socket.IO input is refused without harm', async (t) => {
    t.diagnostic(`la-api ${underAddressSanitizer() ? 'runs with' : 'runs WITHOUT'} AddressSanitizer`);
    const wsUrl = url.replace('http', 'ws');
    // Polling bodies.
    for (const body of ['', 'abc', '\x1e\x1e', 'b!!!', '9', `4${'\x1e'.repeat(1000)}`, '0{}', '5', '4\u0000\uffff']) {
      const sid = await pollingSession(url);
      const { status } = await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body });
      assert.ok([200, 400].includes(status), `POST ${JSON.stringify(body)} -> ${status}`);
    }
    // Socket.IO packets over polling and WebSocket.
    const packets = ['4abc', '40/', '40/live,{', '42[', '42[]', '42[1]', '43', '41{}', '44{}', '45-[]', '4"',
      `40{"token":${'['.repeat(100)}${']'.repeat(100)}}`, `42["subscribe",${'{"a":'.repeat(10000)}1${'}'.repeat(10000)}]`,
      '42["subscribe"]', '42["subscribe",null]', '42["subscribe","a b"]', `42["subscribe","${'x'.repeat(200)}"]`,
      '4299999999999999999999["subscribe","x"]', '40/live,"token"', '40/live,[]'];
    for (const packet of packets) {
      const sid = await pollingSession(url);
      await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: packet });
      const raw = new RawSocket(`${wsUrl}/socket.io/?EIO=4&transport=websocket`);
      await raw.next();
      raw.send(packet);
      raw.send(Buffer.from([0xff, 0x00, 0x42]));
      await closedWithin(raw, 5000, `after ${packet.slice(0, 30)}`);
    }
    // Unknown, malformed and hostile sids.
    for (const sid of ['AAAAAAAAAAAAAAAAAAAA', '%00', '..%2F..', 'x'.repeat(6000)]) {
      assert.equal((await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`)).status, 400);
      assert.equal((await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: '3' })).status, 400);
    }
    // Oversized payloads.
    const sid = await pollingSession(url);
    const big = 'x'.repeat(1_000_001);
    assert.equal((await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: big })).status, 413);
    const raw = new RawSocket(`${wsUrl}/socket.io/?EIO=4&transport=websocket`);
    await raw.next();
    raw.send(`4${big}`);
    assert.equal(await closedWithin(raw, 5000, 'an oversized WebSocket message'), 1009);

    const response = await fetch(`${url}/health`);
    assert.equal(response.status, 200);
  });

  test('half-open and abandoned connections leave nothing behind', async () => {
    const baseline = await openSessions();
    const wsUrl = url.replace('http', 'ws');
    const doomed = [];
    // WebSocket sessions cut without a close frame, some in the middle of an upgrade.
    for (let i = 0; i < 20; i++) {
      const raw = new RawSocket(`${wsUrl}/socket.io/?EIO=4&transport=websocket`);
      await raw.next();
      doomed.push(raw);
    }
    for (let i = 0; i < 10; i++) {
      const sid = await pollingSession(url);
      const probe = new RawSocket(`${wsUrl}/socket.io/?EIO=4&transport=websocket&sid=${sid}`);
      await probe.opened;
      if (i % 2) probe.send('2probe');
      doomed.push(probe);
    }
    await waitFor('the sessions to open', async () => (await openSessions()) >= baseline + 30);
    for (const raw of doomed) raw.ws.terminate();
    // Raw TCP: a request header that never ends, a body cut short, half a WebSocket frame.
    const partials = [
      'GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n',
      'POST /socket.io/?EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n42["',
    ];
    const sockets = partials.map((text) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write(text);
      return socket;
    });
    const half = new RawSocket(`${wsUrl}/socket.io/?EIO=4&transport=websocket`);
    await half.next();
    half.ws._socket.write(Buffer.from([0x81, 0xfe, 0x10]));  // a masked text frame header, cut off
    await sleep(200);
    sockets.forEach((socket) => socket.destroy());
    half.ws.terminate();

    // The WebSocket sessions end at once; polling sessions whose client vanished end with
    // the heartbeat (pingInterval + pingTimeout), which this test does not wait for.
    await waitFor('the cut WebSocket sessions to close', async () => (await openSessions()) <= baseline + 10, 5000);
    const client = await connectClient(url, { auth: { token: await new Api(url).adminToken() }, transports: ['websocket'] });
    client.close();
    assert.equal((await fetch(`${url}/health`)).status, 200);
  });
});
