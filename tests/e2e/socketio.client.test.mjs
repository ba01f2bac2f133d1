// The official socket.io-client (Node) against the engine, through sio-echo-server:
// every transport setting, acknowledgements, refusals, many clients at once, and
// reconnection after the server restarts.
//
// The server pings every 300 ms, as for the conformance suite, but waits 60 s for a pong:
// the client's own deadline is pingInterval + pingTimeout after each ping, and fifty
// clients in one Node process on a busy machine can take more than the suite's 500 ms to
// get through their handshakes (they would close with "ping timeout" before any echo).
// The heartbeat's deadlines are checked in socketio.protocol.test.mjs.
//
// Run:  node --test tests/e2e/socketio.client.test.mjs
// Env:  PRESET (release: build/release/tests/sio-echo-server), SIO_ECHO_SERVER (a binary)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  BIN_DIR,
  connectClient,
  connectError,
  freePort,
  nextEvent,
  sleep,
  startProcess,
  stopProcess,
  waitFor,
} from './support.mjs';

const ECHO_SERVER = process.env.SIO_ECHO_SERVER || `${BIN_DIR}tests/sio-echo-server`;
const READY = /listening on http:\/\/\S+:\d+/;

/** Starts sio-echo-server on `port`; returns the process and its URL. */
async function startEchoServer(port) {
  const args = ['--port', String(port), '--ping-interval-ms', '300', '--ping-timeout-ms', '60000'];
  const server = await startProcess(ECHO_SERVER, args, { ready: READY });
  return { server, url: server.output.match(/listening on (http:\/\/\S+:\d+)/)[1] };
}

async function stopEchoServer(server) {
  const code = await stopProcess(server);
  assert.equal(code, 0, `sio-echo-server exited with ${code}:\n${server.output}`);
  assert.doesNotMatch(server.output, /Sanitizer/, 'sio-echo-server reported a sanitizer error');
}

/** Emits "message" and returns what comes back as "message-back". */
async function echo(socket, ...args) {
  const back = nextEvent(socket, 'message-back');
  socket.emit('message', ...args);
  return back;
}

let echoServer;
let url;

before(async () => {
  ({ server: echoServer, url } = await startEchoServer(0));
});

after(async () => {
  await stopEchoServer(echoServer);
});

describe('transports', () => {
  const settings = [
    ['polling only', ['polling'], 'polling'],
    ['WebSocket only', ['websocket'], 'websocket'],
    ['the default: polling, then the upgrade', ['polling', 'websocket'], 'websocket'],
  ];
  for (const [name, transports, finalTransport] of settings) {
    test(`${name}: events, acks and the handshake auth work across heartbeats`, async () => {
      let authEvent;
      const socket = await connectClient(url, { transports, auth: { token: 'abc' } }, (s) => {
        authEvent = nextEvent(s, 'auth');
      });
      try {
        // The echo server emits the handshake's auth payload on connect.
        const [auth] = await authEvent;
        assert.deepEqual(auth, { token: 'abc' });
        assert.deepEqual(await echo(socket, 1, '2', { 3: [true] }), [1, '2', { 3: [true] }]);
        assert.deepEqual(await socket.timeout(2000).emitWithAck('message-with-ack', { nested: [1, 2] }), { nested: [1, 2] });
        // Several ping intervals (300 ms) later the session is still up, on the expected transport.
        await waitFor(`the ${finalTransport} transport`, () => socket.io.engine.transport.name === finalTransport);
        await sleep(1200);
        assert.equal(socket.connected, true);
        assert.equal(socket.io.engine.transport.name, finalTransport);
        assert.deepEqual(await echo(socket, 'after heartbeats'), ['after heartbeats']);
      } finally {
        socket.close();
      }
    });
  }

  test('the client reports the upgrade to WebSocket', async () => {
    const socket = await connectClient(url, { transports: ['polling', 'websocket'] });
    try {
      const upgraded = socket.io.engine.transport.name === 'websocket' || (await nextEvent(socket.io.engine, 'upgrade'));
      assert.ok(upgraded);
      assert.equal(socket.io.engine.transport.name, 'websocket');
    } finally {
      socket.close();
    }
  });

  test('a custom namespace over one connection with the main one', async () => {
    const main = await connectClient(url, { transports: ['websocket'] });
    const custom = main.io.socket('/custom', { auth: { token: 'c' } });
    const authEvent = nextEvent(custom, 'auth');
    custom.connect();
    try {
      const [auth] = await authEvent;
      assert.deepEqual(auth, { token: 'c' });
      custom.disconnect();
      assert.deepEqual(await echo(main, 'main still works'), ['main still works']);
    } finally {
      main.close();
    }
  });

  test('an unknown namespace is refused with "Invalid namespace"', async () => {
    assert.equal(await connectError(`${url}/random`), 'Invalid namespace');
  });
});

test('fifty clients at once, on mixed transports, each get their own echoes', async () => {
  const sockets = await Promise.all(
    Array.from({ length: 50 }, (_, i) => connectClient(url, { transports: i % 2 ? ['websocket'] : ['polling', 'websocket'] })),
  );
  try {
    const echoes = await Promise.all(sockets.map((socket, i) => echo(socket, `client ${i}`)));
    echoes.forEach(([text], i) => assert.equal(text, `client ${i}`));
  } finally {
    sockets.forEach((socket) => socket.close());
  }
});

test('a client reconnects by itself after the server restarts', async () => {
  const port = await freePort();
  let { server } = await startEchoServer(port);
  const socket = await connectClient(`http://127.0.0.1:${port}`, {
    reconnection: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
  });
  try {
    assert.deepEqual(await echo(socket, 'before'), ['before']);
    const disconnected = nextEvent(socket, 'disconnect');
    await stopEchoServer(server);  // a graceful shutdown closes the session
    const [reason] = await disconnected;
    assert.equal(reason, 'transport close');

    // Listen before the restart: the client may be back before startEchoServer resolves.
    const reconnected = nextEvent(socket, 'connect', 15_000);
    ({ server } = await startEchoServer(port));
    await reconnected;
    assert.deepEqual(await echo(socket, 'after'), ['after']);
  } finally {
    socket.close();
    await stopEchoServer(server);
  }
});
