// Engine.IO v4 / Socket.IO v5 conformance of the api node's engine, byte by byte, over
// raw HTTP and raw WebSocket. It checks what the official server suites check
// (socketio/engine.io-protocol and socketio/socket.io-protocol, test-suite/), against
// sio-echo-server, the engine behind the echo application those suites expect; beyond the
// suites it also checks CORS, error bodies, 413, back-pressure, malformed input, and the
// frames Beast writes on its own during a large write.
//
// Three echo servers run on free ports, differing only in their heartbeat:
//   official  the suites' settings (pingInterval 300 ms, pingTimeout 200 ms, maxPayload
//             1e6): the handshake, and the heartbeat's deadlines;
//   patient   pingInterval 300 ms, pingTimeout 60 s: pings come as often, but a client
//             slow to answer them (a busy machine) keeps its session;
//   quiet     pingInterval and pingTimeout 60 s: no ping comes during a test, so the
//             tests of everything else read exactly the packets they are about.
// No check depends on how fast this machine is: a time is only checked as a lower bound
// the server must respect (a ping never comes before pingInterval, a session never dies
// before its deadline), measured from a moment the client knows to precede the server's
// (the request that opened the session, the pong); upper bounds are generous.
//
// Run:  node --test tests/e2e/socketio.protocol.test.mjs
// Env:  PRESET (release: build/release/tests/sio-echo-server), SIO_ECHO_SERVER (a binary)

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';

import {
  BIN_DIR,
  closedWithin,
  eioRequest,
  pollingSession,
  RawSocket,
  sleep,
  startProcess,
  stopProcess,
  waitFor,
} from './support.mjs';

const PING_INTERVAL = 300;
const PING_TIMEOUT = 200;
const LONG = 60_000;  // the ping interval and timeout no test waits for
const SEPARATOR = '\x1e';
// A bound for what should take milliseconds (a close, an answer): only a broken server, or
// a machine stalled for seconds, misses it.
const GENEROUS_MS = 10_000;

/** An echo server of its own on a free port: {process, url, wsUrl}. */
async function startEchoServer(pingInterval, pingTimeout) {
  const binary = process.env.SIO_ECHO_SERVER || `${BIN_DIR}tests/sio-echo-server`;
  const args = ['--port', '0', '--ping-interval-ms', String(pingInterval), '--ping-timeout-ms', String(pingTimeout)];
  const child = await startProcess(binary, args, { ready: /listening on http:\/\/\S+:\d+/ });
  const url = child.output.match(/listening on (http:\/\/\S+:\d+)/)[1];
  return { process: child, url, wsUrl: url.replace('http', 'ws') };
}

let official;
let patient;
let quiet;

before(async () => {
  [official, patient, quiet] = await Promise.all([
    startEchoServer(PING_INTERVAL, PING_TIMEOUT),
    startEchoServer(PING_INTERVAL, LONG),
    startEchoServer(LONG, LONG),
  ]);
});

after(async () => {
  for (const server of [official, patient, quiet]) {
    const code = await stopProcess(server.process);
    assert.equal(code, 0, `sio-echo-server exited with ${code}:\n${server.process.output}`);
    assert.doesNotMatch(server.process.output, /Sanitizer/, 'sio-echo-server reported a sanitizer error');
  }
});

/** Milliseconds since `start` (a performance.now()). */
const since = (start) => performance.now() - start;

/**
 * A WebSocket session on `server` whose open packet was read. On the patient server the
 * pings are answered as they come (RawSocket's answerPings), unless `answerPings` is false.
 */
async function webSocketSession(server = quiet, { query = 'EIO=4&transport=websocket', answerPings } = {}) {
  const raw = new RawSocket(`${server.wsUrl}/socket.io/?${query}`, { answerPings: answerPings ?? server === patient });
  const open = await raw.next();
  assert.match(open, /^0\{/);
  return raw;
}

/** A WebSocket session that joined the main namespace (CONNECT reply and "auth" event read). */
async function socketIoSession(server = quiet, options = {}) {
  const raw = await webSocketSession(server, options);
  raw.send('40');
  assert.match(await raw.next(), /^40\{"sid":"[\w-]+"\}$/);
  assert.equal(await raw.next(), '42["auth",{}]');
  return raw;
}

/** GETs `sid` on the quiet server until the packets received, split on the separator, number `count`. */
async function pollPackets(sid, count) {
  const packets = [];
  while (packets.length < count) {
    const { status, text } = await eioRequest(quiet.url, `EIO=4&transport=polling&sid=${sid}`, { timeoutMs: GENEROUS_MS });
    assert.equal(status, 200, text);
    packets.push(...text.split(SEPARATOR));
  }
  return packets;
}

describe('Engine.IO handshake', () => {
  test('a polling handshake opens a session with the configured settings', async () => {
    const { status, text, headers } = await eioRequest(official.url, 'EIO=4&transport=polling');
    assert.equal(status, 200);
    assert.match(headers.get('content-type'), /^text\/plain/);
    assert.equal(headers.get('access-control-allow-origin'), '*');
    assert.equal(text[0], '0');
    const open = JSON.parse(text.substring(1));
    assert.deepEqual(Object.keys(open).sort(), ['maxPayload', 'pingInterval', 'pingTimeout', 'sid', 'upgrades']);
    assert.match(open.sid, /^[\w-]{20}$/);
    assert.deepEqual(open.upgrades, ['websocket']);
    assert.equal(open.pingInterval, PING_INTERVAL);
    assert.equal(open.pingTimeout, PING_TIMEOUT);
    assert.equal(open.maxPayload, 1000000);
  });

  test('a WebSocket handshake opens a session that offers no upgrade', async () => {
    const raw = new RawSocket(`${official.wsUrl}/socket.io/?EIO=4&transport=websocket`);
    const open = JSON.parse((await raw.next()).substring(1));
    assert.deepEqual(open.upgrades, []);
    assert.equal(open.pingInterval, PING_INTERVAL);
    assert.equal(open.pingTimeout, PING_TIMEOUT);
    raw.close();
  });

  test('a bad protocol version, transport or method is refused with the reference error bodies', async () => {
    const refusals = [
      ['transport=polling', 'GET', 5, 'Unsupported protocol version'],
      ['EIO=abc&transport=polling', 'GET', 5, 'Unsupported protocol version'],
      ['EIO=3&transport=polling', 'GET', 5, 'Unsupported protocol version'],
      ['EIO=4', 'GET', 0, 'Transport unknown'],
      ['EIO=4&transport=abc', 'GET', 0, 'Transport unknown'],
      ['EIO=4&transport=polling', 'POST', 2, 'Bad handshake method'],
      ['EIO=4&transport=polling', 'PUT', 2, 'Bad handshake method'],
      ['EIO=4&transport=websocket', 'GET', 3, 'Bad request'],  // WebSocket without the upgrade
    ];
    for (const [query, method, code, message] of refusals) {
      const { status, text } = await eioRequest(quiet.url, query, { method });
      assert.equal(status, 400, `${method} ${query}`);
      assert.deepEqual(JSON.parse(text), { code, message }, `${method} ${query}`);
    }
  });

  test('an unknown or malformed sid gets "Session ID unknown"', async () => {
    for (const sid of ['AAAAAAAAAAAAAAAAAAAA', 'abc', '../../etc/passwd', 'x'.repeat(5000)]) {
      for (const method of ['GET', 'POST']) {
        const { status, text } = await eioRequest(quiet.url, `EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`, {
          method,
          body: method === 'POST' ? '40' : undefined,
        });
        assert.equal(status, 400);
        assert.equal(text, '{"code":1,"message":"Session ID unknown"}');
      }
    }
  });

  test('a WebSocket with a bad query or an unknown sid is refused before the upgrade', async () => {
    for (const query of ['transport=websocket', 'EIO=abc&transport=websocket', 'EIO=4', 'EIO=4&transport=abc',
      'EIO=4&transport=websocket&sid=AAAAAAAAAAAAAAAAAAAA']) {
      const raw = new RawSocket(`${quiet.wsUrl}/socket.io/?${query}`);
      const [, response] = await new Promise((resolve) => raw.ws.once('unexpected-response', (...args) => resolve(args)));
      assert.equal(response.statusCode, 400, query);
      raw.ws.terminate();
    }
  });

  test('a CORS preflight is answered with the allowed methods and headers', async () => {
    const response = await fetch(`${quiet.url}/socket.io/?EIO=4&transport=polling`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://example.com', 'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type' },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.match(response.headers.get('access-control-allow-methods'), /POST/);
    assert.equal(response.headers.get('access-control-allow-headers'), 'content-type');
  });
});

describe('Engine.IO heartbeat', () => {
  // A ping is due pingInterval after the session opened or after the last pong, and no
  // other ping is sent while one waits for its pong: each ping after the first shows that
  // the pong before it was taken. The client measures from a moment it knows to precede
  // the server's (before the request that opened the session, before the pong), so "not
  // before pingInterval" holds however busy the machine is (1 ms for the clocks' rounding).
  test('polling: the server pings every pingInterval and takes the pongs', async () => {
    let start = performance.now();
    const sid = await pollingSession(patient.url);
    for (let i = 0; i < 3; i++) {
      const poll = await eioRequest(patient.url, `EIO=4&transport=polling&sid=${sid}`, { timeoutMs: GENEROUS_MS });
      assert.equal(poll.status, 200);
      assert.equal(poll.text, '2');
      assert.ok(since(start) >= PING_INTERVAL - 1, `ping ${i + 1} came ${since(start)} ms after the open / pong`);
      start = performance.now();
      const push = await eioRequest(patient.url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: '3' });
      assert.equal(push.status, 200);
      assert.equal(push.text, 'ok');
    }
  });

  test('polling: a session without pongs closes pingTimeout after its ping', async () => {
    const start = performance.now();
    const sid = await pollingSession(official.url);
    const poll = (timeoutMs) => eioRequest(official.url, `EIO=4&transport=polling&sid=${sid}`, { timeoutMs });
    assert.deepEqual(await poll(GENEROUS_MS).then((r) => [r.status, r.text]), [200, '2']);
    // No pong: the next GET is held until the session dies, then gets the close packet (or
    // finds no session, if this client took longer than the ping timeout to send it).
    const held = await poll(GENEROUS_MS);
    if (held.status === 200) {
      assert.equal(held.text, '1');
      assert.ok(since(start) >= PING_INTERVAL + PING_TIMEOUT - 1, `closed ${since(start)} ms after the open`);
    } else {
      assert.equal(held.status, 400);
    }
    assert.equal((await poll(GENEROUS_MS)).status, 400);
  });

  test('WebSocket: the server pings every pingInterval and takes the pongs', async () => {
    let start = performance.now();
    const raw = await webSocketSession(patient, { answerPings: false });
    for (let i = 0; i < 3; i++) {
      assert.equal(await raw.next({ timeoutMs: GENEROUS_MS }), '2');
      assert.ok(since(start) >= PING_INTERVAL - 1, `ping ${i + 1} came ${since(start)} ms after the open / pong`);
      start = performance.now();
      raw.send('3');
    }
    raw.close();
  });

  test('WebSocket: a session without pongs is closed pingTimeout after its ping', async () => {
    const start = performance.now();
    const raw = await webSocketSession(official);
    await closedWithin(raw, GENEROUS_MS, 'no pongs');
    assert.ok(since(start) >= PING_INTERVAL + PING_TIMEOUT - 1, `closed ${since(start)} ms after the open`);
    assert.deepEqual(raw.messages, ['2']);
  });
});

describe('Engine.IO close', () => {
  test('polling: a close packet ends the pending GET with a noop and the session', async () => {
    // The GET is sent first and held (the quiet server sends nothing meanwhile); should a
    // busy machine deliver the close before it, the GET finds no session (400), and the
    // case is tried again with a new session.
    for (let attempt = 1; ; attempt++) {
      const sid = await pollingSession(quiet.url);
      const poll = eioRequest(quiet.url, `EIO=4&transport=polling&sid=${sid}`, { timeoutMs: GENEROUS_MS });
      await sleep(50);
      const push = await eioRequest(quiet.url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: '1' });
      assert.equal(push.status, 200);
      const { status, text } = await poll;
      assert.equal((await eioRequest(quiet.url, `EIO=4&transport=polling&sid=${sid}`)).status, 400);
      if (status === 400 && attempt < 5) continue;
      assert.deepEqual([status, text], [200, '6']);
      break;
    }
  });

  test('WebSocket: a close packet closes the connection', async () => {
    const raw = await webSocketSession();
    raw.send('1');
    await closedWithin(raw, GENEROUS_MS, 'after "1"');
  });
});

describe('Engine.IO upgrade', () => {
  test('a polling session upgrades to WebSocket after the probe', async () => {
    const sid = await pollingSession(quiet.url);
    const pending = eioRequest(quiet.url, `EIO=4&transport=polling&sid=${sid}`, { timeoutMs: GENEROUS_MS });
    const raw = new RawSocket(`${quiet.wsUrl}/socket.io/?EIO=4&transport=websocket&sid=${sid}`);
    await raw.opened;
    raw.send('2probe');
    assert.equal(await raw.next(), '3probe');
    // The pending GET ends with a noop, so the client can pause polling.
    assert.deepEqual(await pending.then((r) => [r.status, r.text]), [200, '6']);
    raw.send('5');
    // The session now speaks over the WebSocket.
    raw.send('40');
    assert.match(await raw.next(), /^40\{"sid":/);
    assert.equal(await raw.next(), '42["auth",{}]');
    raw.close();
  });

  test('after the upgrade, polling requests and a second WebSocket for the sid are refused', async () => {
    const sid = await pollingSession(quiet.url);
    const raw = new RawSocket(`${quiet.wsUrl}/socket.io/?EIO=4&transport=websocket&sid=${sid}`);
    await raw.opened;
    raw.send('2probe');
    raw.send('5');
    raw.send('40');
    assert.equal(await raw.next(), '3probe');
    // The CONNECT reply comes over the WebSocket: the upgrade is done.
    assert.match(await raw.next(), /^40\{"sid":/);
    assert.equal(await raw.next(), '42["auth",{}]');
    assert.equal((await eioRequest(quiet.url, `EIO=4&transport=polling&sid=${sid}`)).status, 400);
    assert.equal((await eioRequest(quiet.url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: '3' })).status, 400);
    const second = new RawSocket(`${quiet.wsUrl}/socket.io/?EIO=4&transport=websocket&sid=${sid}`);
    await closedWithin(second, GENEROUS_MS, 'a second WebSocket for an upgraded sid');
    // The upgraded connection is unaffected.
    raw.send('42["message","still here"]');
    assert.equal(await raw.next(), '42["message-back","still here"]');
    raw.close();
  });

  test('a failed probe leaves the session polling', async () => {
    const sid = await pollingSession(quiet.url);
    const raw = new RawSocket(`${quiet.wsUrl}/socket.io/?EIO=4&transport=websocket&sid=${sid}`);
    await raw.opened;
    raw.send('4not-a-probe');
    await closedWithin(raw, GENEROUS_MS, 'a WebSocket that did not probe');
    await eioRequest(quiet.url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: '40' });
    assert.deepEqual((await pollPackets(sid, 2))[1], '42["auth",{}]');
  });
});

describe('Engine.IO polling payloads', () => {
  const path = (sid) => `EIO=4&transport=polling&sid=${sid}`;

  test('packets are batched with the record separator both ways', async () => {
    const sid = await pollingSession(quiet.url);
    const body = ['40', '42["message","a"]', '42["message","b"]'].join(SEPARATOR);
    const push = await eioRequest(quiet.url, path(sid), { method: 'POST', body });
    assert.equal(push.text, 'ok');
    const packets = await pollPackets(sid, 4);
    assert.match(packets[0], /^40\{"sid":/);
    assert.deepEqual(packets.slice(1), ['42["auth",{}]', '42["message-back","a"]', '42["message-back","b"]']);
  });

  test('a malformed body is a 400 and ends the session', async () => {
    for (const body of ['abc', '', `40${SEPARATOR}${SEPARATOR}2`, 'b!!!!']) {
      const sid = await pollingSession(quiet.url);
      const push = await eioRequest(quiet.url, path(sid), { method: 'POST', body });
      assert.equal(push.status, 400, JSON.stringify(body));
      assert.equal((await eioRequest(quiet.url, path(sid))).status, 400, JSON.stringify(body));
    }
  });

  test('a second GET while one is pending is refused and ends the session', async () => {
    // Whichever of the two the server takes first is held (the quiet server sends nothing):
    // the other is refused, and the held one gets the close packet.
    const sid = await pollingSession(quiet.url);
    const first = eioRequest(quiet.url, path(sid), { timeoutMs: GENEROUS_MS });
    await sleep(50);
    const second = eioRequest(quiet.url, `${path(sid)}&t=burst`, { timeoutMs: GENEROUS_MS });
    const answers = (await Promise.all([first, second])).map((r) => (r.status === 400 ? 400 : [r.status, r.text]));
    assert.deepEqual(answers.sort(), [400, [200, '1']].sort(), JSON.stringify(answers));
    assert.equal((await eioRequest(quiet.url, path(sid))).status, 400);
  });

  test('a body larger than maxPayload is a 413 and the session survives', async () => {
    const sid = await pollingSession(quiet.url);
    const big = `42["message","${'x'.repeat(1000000)}"]`;
    const push = await eioRequest(quiet.url, path(sid), { method: 'POST', body: big });
    assert.equal(push.status, 413);
    await eioRequest(quiet.url, path(sid), { method: 'POST', body: '40' });
    assert.match((await pollPackets(sid, 1))[0], /^40\{"sid":/);
  });

  test('a client that does not read is disconnected once 1 MiB waits for it', async () => {
    // A polling client that posts but never polls: every echo stays in the server's queue
    // (on the quiet server the session would wait two minutes for a GET).
    const sid = await pollingSession(quiet.url);
    const post = (body) => eioRequest(quiet.url, path(sid), { method: 'POST', body });
    await post('40');
    const message = `42["message","${'x'.repeat(600_000)}"]`;
    assert.equal((await post(message)).status, 200);  // about 600 kB queued: still fine
    assert.equal((await post(message)).status, 200);  // about 1.2 MB: over the limit
    // The server logs why, then closes the session (in the same turn of its lane).
    await waitFor('the log line of the overflow', () =>
      quiet.process.output.includes(`engine.io session ${sid}: the client does not read fast enough`), GENEROUS_MS);
    assert.match(quiet.process.output, new RegExp(`session ${sid}: the client does not read fast enough: \\d+ bytes queued, limit 1048576`));
    assert.equal((await eioRequest(quiet.url, path(sid))).status, 400);
  });

  test('a WebSocket message larger than maxPayload closes the connection (1009)', async () => {
    const raw = await socketIoSession();
    raw.send(`42["message","${'x'.repeat(1000000)}"]`);
    assert.equal(await closedWithin(raw, GENEROUS_MS, 'an oversized message'), 1009);
  });
});

describe('Socket.IO connect', () => {
  test('CONNECT to the main namespace: the reply carries a sid, then the "auth" event', async () => {
    const raw = await webSocketSession();
    raw.send('40');
    const reply = await raw.next();
    assert.match(reply, /^40/);
    const handshake = JSON.parse(reply.substring(2));
    assert.deepEqual(Object.keys(handshake), ['sid']);
    assert.equal(typeof handshake.sid, 'string');
    assert.equal(await raw.next(), '42["auth",{}]');
    raw.close();
  });

  test('CONNECT with an auth payload', async () => {
    const raw = await webSocketSession();
    raw.send('40{"token":"123"}');
    assert.match(await raw.next(), /^40\{"sid":/);
    assert.equal(await raw.next(), '42["auth",{"token":"123"}]');
    raw.close();
  });

  test('CONNECT to a custom namespace, with and without a payload', async () => {
    for (const [packet, auth] of [['40/custom,', '{}'], ['40/custom,{"token":"abc"}', '{"token":"abc"}']]) {
      const raw = await webSocketSession();
      raw.send(packet);
      const reply = await raw.next();
      assert.match(reply, /^40\/custom,/);
      assert.deepEqual(Object.keys(JSON.parse(reply.substring(10))), ['sid']);
      assert.equal(await raw.next(), `42/custom,["auth",${auth}]`);
      raw.close();
    }
  });

  test('CONNECT to an unknown namespace gets "Invalid namespace"', async () => {
    const raw = await webSocketSession();
    raw.send('40/random');
    assert.equal(await raw.next(), '44/random,{"message":"Invalid namespace"}');
    raw.close();
  });

  test('an invalid first packet closes the connection', async () => {
    const raw = await webSocketSession();
    raw.send('4abc');
    await closedWithin(raw, GENEROUS_MS, 'after "4abc"');
  });

  test('a connection that never sends CONNECT (nor a pong) is closed', async () => {
    const raw = new RawSocket(`${official.wsUrl}/socket.io/?EIO=4&transport=websocket`);
    await closedWithin(raw, GENEROUS_MS, 'no CONNECT');
  });
});

describe('Socket.IO disconnect', () => {
  test('DISCONNECT from the main namespace keeps the Engine.IO connection', async () => {
    // On the patient server: pings come every 300 ms, and this socket answers them until
    // the DISCONNECT; the next message is a ping, on a connection still open.
    const raw = await webSocketSession(patient, { answerPings: false });
    raw.send('40');
    assert.match(await nextAnsweringPings(raw), /^40\{"sid":/);
    assert.equal(await nextAnsweringPings(raw), '42["auth",{}]');
    raw.send('41');
    assert.equal(await raw.next({ timeoutMs: GENEROUS_MS }), '2');
    assert.equal(raw.ws.readyState, raw.ws.OPEN);
    raw.close();
  });

  test('leaving a custom namespace keeps the main one working', async () => {
    const raw = await socketIoSession();
    raw.send('40/custom');
    assert.match(await raw.next(), /^40\/custom,/);
    assert.equal(await raw.next(), '42/custom,["auth",{}]');
    raw.send('41/custom');
    raw.send('42["message","message to main namespace"]');
    assert.equal(await raw.next(), '42["message-back","message to main namespace"]');
    raw.close();
  });
});

/** The next message that is not a ping; pings are answered. */
async function nextAnsweringPings(raw) {
  for (;;) {
    const message = await raw.next({ timeoutMs: GENEROUS_MS });
    if (message !== '2') return message;
    raw.send('3');
  }
}

/** A client frame (masked, FIN) with opcode `opcode` and `payload` (a string or bytes). */
function clientFrame(opcode, payload) {
  const bytes = Buffer.from(payload);
  const mask = randomBytes(4);
  const length = bytes.length;
  const header = length < 126 ? Buffer.from([0x80 | opcode, 0x80 | length])
    : length < 65536 ? Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 255])
      : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), (() => {
        const size = Buffer.alloc(8);
        size.writeBigUInt64BE(BigInt(length));
        return size;
      })()]);
  for (let i = 0; i < bytes.length; i++) bytes[i] ^= mask[i & 3];
  return Buffer.concat([header, mask, bytes]);
}

/** The server's frames in `bytes` (unmasked): [{fin, opcode, payload, whole, end}]; the last one may be cut short. */
function serverFrames(bytes) {
  const frames = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const fin = (bytes[at] & 0x80) !== 0;
    const opcode = bytes[at] & 0x0f;
    let length = bytes[at + 1] & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2);
      start = at + 4;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(at + 2));
      start = at + 10;
    }
    const end = Math.min(start + length, bytes.length);
    frames.push({ fin, opcode, payload: bytes.subarray(start, end), whole: start + length <= bytes.length, end });
    at = start + length;
  }
  return frames;
}

/**
 * The messages of the whole frames at the start of `frames`, fragments joined (RFC 6455
 * section 5.4): [{opcode, payload}], a control frame (close 8, ping 9, pong 10) where it
 * came. Fails on a frame that cannot be where it is: the byte stream is corrupt.
 */
function serverMessages(frames) {
  const messages = [];
  let fragments = null;  // {opcode, payloads} of a message whose last frame is still to come
  for (const [i, frame] of frames.entries()) {
    if (!frame.whole) break;
    if (frame.opcode >= 8) {
      assert.ok(frame.opcode <= 10 && frame.fin && frame.payload.length <= 125, `frame ${i} is not a valid control frame`);
      messages.push({ opcode: frame.opcode, payload: frame.payload });
      continue;
    }
    if (frame.opcode === 0) {
      assert.ok(fragments, `frame ${i} continues no message`);
    } else {
      assert.ok([1, 2].includes(frame.opcode) && !fragments,
        `frame ${i} has opcode ${frame.opcode}${fragments ? ' inside a fragmented message' : ''}: the stream is corrupt`);
      fragments = { opcode: frame.opcode, payloads: [] };
    }
    fragments.payloads.push(frame.payload);
    if (frame.fin) {
      messages.push({ opcode: fragments.opcode, payload: Buffer.concat(fragments.payloads) });
      fragments = null;
    }
  }
  return messages;
}

/** A message for a failure text: its opcode, length and ends. */
function describeMessage({ opcode, payload }) {
  const text = payload.toString('latin1');
  return `opcode ${opcode}, ${payload.length} bytes: ${JSON.stringify(text.slice(0, 30))}...${JSON.stringify(text.slice(-30))}`;
}

/**
 * A WebSocket on a plain TCP socket to `server`, joined to the main namespace, for tests
 * that look at the server's bytes and decide when the client reads: `received` holds what
 * came after the "auth" event; send(opcode, payload) writes one client frame.
 */
async function byteLevelSession(server) {
  const { hostname, port } = new URL(server.url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  const session = {
    socket,
    received: Buffer.alloc(0),
    ended: once(socket, 'close'),
    send: (opcode, payload) => socket.write(clientFrame(opcode, payload)),
  };
  socket.on('data', (chunk) => {
    session.received = Buffer.concat([session.received, chunk]);
  });
  socket.on('error', (error) => {
    session.error = error;  // a reset: the checks of what was received say what went wrong
  });
  socket.write(`GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
    `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
    'Sec-WebSocket-Version: 13\r\n\r\n');
  const headerEnd = () => session.received.indexOf('\r\n\r\n');
  await waitFor('the upgrade response', () => headerEnd() >= 0, GENEROUS_MS);
  assert.match(session.received.subarray(0, headerEnd()).toString(), /^HTTP\/1\.1 101 /);
  session.received = session.received.subarray(headerEnd() + 4);
  session.send(1, '40');
  const first = await waitFor('the open packet, the CONNECT reply and the "auth" event', () => {
    const frames = serverFrames(session.received);
    return frames.length >= 3 && frames[2].whole && frames.slice(0, 3);
  }, GENEROUS_MS);
  assert.deepEqual(serverMessages(first).map(({ payload }) => payload.toString().slice(0, 3)), ['0{"', '40{', '42[']);
  session.received = session.received.subarray(first[2].end);
  return session;
}

describe('WebSocket frames', () => {
  // The server frames its messages itself and sends the frames queued together in one
  // write; Beast answers a client's pings, after which Beast writes every frame.
  test('echoes sent back to back arrive one per frame, in order, at every length encoding', async () => {
    const raw = await socketIoSession();
    // 7-bit, 16-bit and 64-bit payload lengths (RFC 6455 section 5.2); sent without waiting,
    // so that the echoes queue up behind each other and go out in shared writes.
    const sizes = [0, 100, 126, 1000, 65535, 70000, 5, 300000, 1, 0, 2];
    sizes.forEach((size, i) => raw.send(`42["message",${i},"${'x'.repeat(size)}"]`));
    for (const [i, size] of sizes.entries()) {
      assert.equal(await raw.next(), `42["message-back",${i},"${'x'.repeat(size)}"]`);
    }
    raw.close();
  });
});

describe('Beast\'s own frames during a large write', () => {
  // Beast writes frames of its own: the pong that answers a client's WebSocket ping, and
  // the close frame that fails the connection on a protocol error (invalid UTF-8: 1007).
  // Here they are due behind two echoes of ~1 MB that the client does not read for a
  // while: they must come after the frame being written, never inside it, and every
  // message Beast writes after them must arrive whole. What the client reads is checked
  // byte by byte. Whether a write of the server is still pending when they are due depends
  // on how much the kernel's buffers take (a few MB on Linux by default): the checks hold
  // either way, and tests/integration/one_writer_socket_test.cc makes sure of the pending
  // case with small buffers.
  const big = 'x'.repeat(999_000);
  const echo = (i) => `42["message-back",${i},"${big}"]`;

  test('a pong waits for the pending write, and every message after it arrives whole', async () => {
    const session = await byteLevelSession(quiet);
    session.socket.pause();
    for (const i of [1, 2]) session.send(1, `42["message",${i},"${big}"]`);
    session.send(9, 'are you there');
    // After the pong, Beast writes every message: a binary event and its attachment too.
    session.send(1, '451-["message",{"_placeholder":true,"num":0}]');
    session.send(2, Uint8Array.from([7, 8, 9]));
    session.send(1, '42["message","last"]');
    await sleep(200);  // the server reads them while its write waits
    session.socket.resume();
    const messages = await waitFor('five echoes and the pong', () => {
      const got = serverMessages(serverFrames(session.received));
      return got.length >= 6 && got;
    }, GENEROUS_MS);
    session.socket.destroy();

    assert.deepEqual(messages.filter(({ opcode }) => opcode >= 8).map(({ opcode, payload }) => [opcode, payload.toString()]),
      [[10, 'are you there']], 'one pong, with the ping\'s payload');
    const data = messages.filter(({ opcode }) => opcode < 8);
    const expected = [echo(1), echo(2), '451-["message-back",{"_placeholder":true,"num":0}]', Buffer.from([7, 8, 9]),
      '42["message-back","last"]'];
    assert.equal(data.length, expected.length, data.map(describeMessage).join('\n'));
    for (const [i, want] of expected.entries()) {
      const opcode = typeof want === 'string' ? 1 : 2;
      assert.ok(data[i].opcode === opcode && data[i].payload.equals(Buffer.from(want)),
        `message ${i} is ${describeMessage(data[i])}`);
    }
  });

  test('a close frame for invalid UTF-8 waits for the pending write and comes last', async () => {
    const session = await byteLevelSession(quiet);
    session.socket.pause();
    for (const i of [1, 2]) session.send(1, `42["message",${i},"${big}"]`);
    session.send(1, Buffer.from([0x34, 0x32, 0xc3, 0x28]));  // "42" and bytes that are not UTF-8
    await sleep(200);  // the server reads them while its write waits
    session.socket.resume();
    await session.ended;

    const frames = serverFrames(session.received);
    assert.ok(frames.every(({ whole }) => whole), 'a frame was cut short');
    const messages = serverMessages(frames);
    const close = messages.at(-1);
    assert.equal(close?.opcode, 8, `the last message is not a close frame: ${close && describeMessage(close)}`);
    assert.equal(close.payload.readUInt16BE(0), 1007, 'the close frame does not say invalid UTF-8');
    const echoes = messages.slice(0, -1);
    assert.ok(echoes.length >= 1, 'the first echo, whose write was pending, did not come before the close frame');
    for (const [i, message] of echoes.entries()) {
      assert.ok(message.opcode === 1 && message.payload.toString() === echo(i + 1), `message ${i} is ${describeMessage(message)}`);
    }
  });
});

describe('Socket.IO messages', () => {
  test('an EVENT is echoed', async () => {
    const raw = await socketIoSession();
    raw.send('42["message",1,"2",{"3":[true]}]');
    assert.equal(await raw.next(), '42["message-back",1,"2",{"3":[true]}]');
    raw.close();
  });

  test('an EVENT with an ack id is acknowledged with its arguments', async () => {
    const raw = await socketIoSession();
    raw.send('42456["message-with-ack",1,"2",{"3":[false]}]');
    assert.equal(await raw.next(), '43456[1,"2",{"3":[false]}]');
    raw.close();
  });

  test('malformed packets close the connection', async () => {
    const malformed = [
      '4abc', // unknown packet type
      '42{}', // payload not an array
      '42abc["message-with-ack",1]', // invalid ack id
      '42["connect"]', // a reserved event name
      '44{"message":"x"}', // CONNECT_ERROR from a client
      `42["message",${'['.repeat(40)}${']'.repeat(40)}]`, // nested too deeply
      '45["message"]', // a binary event without its attachment count
      '417-["message"]', // more attachments than allowed
    ];
    for (const packet of malformed) {
      const raw = await socketIoSession();
      raw.send(packet);
      await closedWithin(raw, GENEROUS_MS, `after ${packet.slice(0, 40)}`);
    }
  });

  test('an EVENT with binary attachments is echoed with them', async () => {
    const raw = await socketIoSession();
    raw.send('452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
    raw.send(Uint8Array.from([1, 2, 3]));
    raw.send(Uint8Array.from([4, 5, 6]));
    assert.equal(await raw.next(),
      '452-["message-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
    assert.deepEqual([...await raw.next()], [1, 2, 3]);
    assert.deepEqual([...await raw.next()], [4, 5, 6]);
    raw.close();
  });

  test('an ack with binary attachments, over polling (base64)', async () => {
    const sid = await pollingSession(quiet.url);
    const body = ['40', '451-789["message-with-ack",{"_placeholder":true,"num":0}]', 'bAQID'].join(SEPARATOR);
    await eioRequest(quiet.url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body });
    const packets = await pollPackets(sid, 4);
    assert.deepEqual(packets.slice(1), ['42["auth",{}]', '461-789[{"_placeholder":true,"num":0}]', 'bAQID']);
  });

  test('binary and malformed Engine.IO frames close the connection', async () => {
    for (const frame of [Buffer.from([1, 2, 3]), '', '9', 'b@@@@', '0{}']) {
      const raw = await socketIoSession();
      raw.send(frame);
      await closedWithin(raw, GENEROUS_MS, `after frame ${JSON.stringify(frame)}`);
    }
  });

  test('a deeply nested packet near maxPayload does not hurt the server', async () => {
    const raw = await socketIoSession();
    raw.send(`42["message",${'['.repeat(400000)}${']'.repeat(400000)}]`);
    await closedWithin(raw, GENEROUS_MS, 'a 400000-level packet');
    const check = await socketIoSession();
    check.send('42["message","still here"]');
    assert.equal(await check.next(), '42["message-back","still here"]');
    check.close();
  });
});
