// Engine.IO v4 / Socket.IO v5 conformance of the api node's engine, byte by byte, over
// raw HTTP and raw WebSocket. It checks what the official server suites check
// (socketio/engine.io-protocol and socketio/socket.io-protocol, test-suite/), against
// sio-echo-server, the engine behind the echo application those suites expect
// (pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1e6). The test starts it on a
// free port; beyond the suites it also checks CORS, error bodies, 413 and malformed input.
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
const SEPARATOR = '\x1e';

let server;
let url;
let wsUrl;

before(async () => {
  server = await startProcess(process.env.SIO_ECHO_SERVER || `${BIN_DIR}tests/sio-echo-server`, ['--port', '0'], {
    ready: /listening on http:\/\/\S+:\d+/,
  });
  url = server.output.match(/listening on (http:\/\/\S+:\d+)/)[1];
  wsUrl = url.replace('http', 'ws');
});

after(async () => {
  const code = await stopProcess(server);
  assert.equal(code, 0, `sio-echo-server exited with ${code}:\n${server.output}`);
  assert.doesNotMatch(server.output, /Sanitizer/, 'sio-echo-server reported a sanitizer error');
});

/** A WebSocket session whose open packet was read. */
async function webSocketSession(query = 'EIO=4&transport=websocket') {
  const raw = new RawSocket(`${wsUrl}/socket.io/?${query}`);
  const open = await raw.next();
  assert.match(open, /^0\{/);
  return raw;
}

/** A WebSocket session that joined the main namespace (CONNECT reply and "auth" event read). */
async function socketIoSession() {
  const raw = await webSocketSession();
  raw.send('40');
  assert.match(await raw.next(), /^40\{"sid":"[\w-]+"\}$/);
  assert.equal(await raw.next(), '42["auth",{}]');
  return raw;
}

/** GETs `sid` until the packets received, split on the separator, number `count` (pings skipped). */
async function pollPackets(sid, count) {
  const packets = [];
  while (packets.length < count) {
    const { status, text } = await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`);
    assert.equal(status, 200, text);
    packets.push(...text.split(SEPARATOR).filter((packet) => packet !== '2'));
  }
  return packets;
}

describe('Engine.IO handshake', () => {
  test('a polling handshake opens a session with the configured settings', async () => {
    const { status, text, headers } = await eioRequest(url, 'EIO=4&transport=polling');
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
    const raw = new RawSocket(`${wsUrl}/socket.io/?EIO=4&transport=websocket`);
    const open = JSON.parse((await raw.next()).substring(1));
    assert.deepEqual(open.upgrades, []);
    assert.equal(open.pingInterval, PING_INTERVAL);
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
      const { status, text } = await eioRequest(url, query, { method });
      assert.equal(status, 400, `${method} ${query}`);
      assert.deepEqual(JSON.parse(text), { code, message }, `${method} ${query}`);
    }
  });

  test('an unknown or malformed sid gets "Session ID unknown"', async () => {
    for (const sid of ['AAAAAAAAAAAAAAAAAAAA', 'abc', '../../etc/passwd', 'x'.repeat(5000)]) {
      for (const method of ['GET', 'POST']) {
        const { status, text } = await eioRequest(url, `EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`, {
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
      const raw = new RawSocket(`${wsUrl}/socket.io/?${query}`);
      const [, response] = await new Promise((resolve) => raw.ws.once('unexpected-response', (...args) => resolve(args)));
      assert.equal(response.statusCode, 400, query);
      raw.ws.terminate();
    }
  });

  test('a CORS preflight is answered with the allowed methods and headers', async () => {
    const response = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, {
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
  test('polling: the server pings every pingInterval and takes the pongs', async () => {
    const sid = await pollingSession(url);
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const poll = await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`);
      assert.equal(poll.status, 200);
      assert.equal(poll.text, '2');
      assert.ok(Date.now() - started >= PING_INTERVAL - 50, 'the GET was held until the ping');
      const push = await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: '3' });
      assert.equal(push.status, 200);
      assert.equal(push.text, 'ok');
    }
  });

  test('polling: a session without pongs closes after pingInterval + pingTimeout', async () => {
    const sid = await pollingSession(url);
    await sleep(PING_INTERVAL + PING_TIMEOUT + 50);
    const { status } = await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`);
    assert.equal(status, 400);
  });

  test('WebSocket: the server pings and takes the pongs', async () => {
    const raw = await webSocketSession();
    for (let i = 0; i < 3; i++) {
      assert.equal(await raw.next(), '2');
      raw.send('3');
    }
    raw.close();
  });

  test('WebSocket: a session without pongs is closed', async () => {
    const raw = await webSocketSession();
    await closedWithin(raw, PING_INTERVAL + PING_TIMEOUT + 500, 'no pongs');
  });
});

describe('Engine.IO close', () => {
  test('polling: a close packet ends the pending GET with a noop and the session', async () => {
    const sid = await pollingSession(url);
    const poll = eioRequest(url, `EIO=4&transport=polling&sid=${sid}`);
    await sleep(50);  // the GET is pending before the close arrives
    const push = await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: '1' });
    assert.equal(push.status, 200);
    const { status, text } = await poll;
    assert.equal(status, 200);
    assert.equal(text, '6');
    assert.equal((await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`)).status, 400);
  });

  test('WebSocket: a close packet closes the connection', async () => {
    const raw = await webSocketSession();
    raw.send('1');
    await closedWithin(raw, 2000, 'after "1"');
  });
});

describe('Engine.IO upgrade', () => {
  test('a polling session upgrades to WebSocket after the probe', async () => {
    const sid = await pollingSession(url);
    const pending = eioRequest(url, `EIO=4&transport=polling&sid=${sid}`);
    const raw = new RawSocket(`${wsUrl}/socket.io/?EIO=4&transport=websocket&sid=${sid}`);
    await raw.opened;
    raw.send('2probe');
    assert.equal(await raw.next(), '3probe');
    // The pending GET ends with a noop, so the client can pause polling.
    assert.deepEqual(await pending.then((r) => [r.status, r.text]), [200, '6']);
    raw.send('5');
    // The session now speaks over the WebSocket.
    raw.send('40');
    assert.match(await raw.next({ skipPings: true }), /^40\{"sid":/);
    assert.equal(await raw.next({ skipPings: true }), '42["auth",{}]');
    raw.close();
  });

  test('after the upgrade, polling requests and a second WebSocket for the sid are refused', async () => {
    const sid = await pollingSession(url);
    const raw = new RawSocket(`${wsUrl}/socket.io/?EIO=4&transport=websocket&sid=${sid}`);
    await raw.opened;
    raw.send('2probe');
    raw.send('5');
    assert.equal(await raw.next(), '3probe');
    await sleep(50);
    assert.equal((await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`)).status, 400);
    assert.equal((await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: '3' })).status, 400);
    const second = new RawSocket(`${wsUrl}/socket.io/?EIO=4&transport=websocket&sid=${sid}`);
    await closedWithin(second, 2000, 'a second WebSocket for an upgraded sid');
    // The upgraded connection is unaffected.
    raw.send('40');
    assert.match(await raw.next({ skipPings: true }), /^40\{"sid":/);
    raw.close();
  });

  test('a failed probe leaves the session polling', async () => {
    const sid = await pollingSession(url);
    const raw = new RawSocket(`${wsUrl}/socket.io/?EIO=4&transport=websocket&sid=${sid}`);
    await raw.opened;
    raw.send('4not-a-probe');
    await closedWithin(raw, 2000, 'a WebSocket that did not probe');
    await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: '40' });
    assert.deepEqual((await pollPackets(sid, 2))[1], '42["auth",{}]');
  });
});

describe('Engine.IO polling payloads', () => {
  test('packets are batched with the record separator both ways', async () => {
    const sid = await pollingSession(url);
    const body = ['40', '42["message","a"]', '42["message","b"]'].join(SEPARATOR);
    const push = await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body });
    assert.equal(push.text, 'ok');
    const packets = await pollPackets(sid, 4);
    assert.match(packets[0], /^40\{"sid":/);
    assert.deepEqual(packets.slice(1), ['42["auth",{}]', '42["message-back","a"]', '42["message-back","b"]']);
  });

  test('a malformed body is a 400 and ends the session', async () => {
    for (const body of ['abc', '', `40${SEPARATOR}${SEPARATOR}2`, 'b!!!!']) {
      const sid = await pollingSession(url);
      const push = await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body });
      assert.equal(push.status, 400, JSON.stringify(body));
      assert.equal((await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`)).status, 400, JSON.stringify(body));
    }
  });

  test('a second GET while one is pending is refused and ends the session', async () => {
    const sid = await pollingSession(url);
    const first = eioRequest(url, `EIO=4&transport=polling&sid=${sid}`);
    await sleep(50);
    const second = await eioRequest(url, `EIO=4&transport=polling&sid=${sid}&t=burst`);
    assert.equal(second.status, 400);
    assert.deepEqual(await first.then((r) => [r.status, r.text]), [200, '1']);
    assert.equal((await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`)).status, 400);
  });

  test('a body larger than maxPayload is a 413 and the session survives', async () => {
    const sid = await pollingSession(url);
    const big = `42["message","${'x'.repeat(1000000)}"]`;
    const push = await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: big });
    assert.equal(push.status, 413);
    await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: '40' });
    assert.match((await pollPackets(sid, 1))[0], /^40\{"sid":/);
  });

  test('a client that does not read is disconnected once 1 MiB waits for it', async () => {
    // A polling client that posts but never polls: every echo stays in the server's queue.
    const sid = await pollingSession(url);
    const post = (body) => eioRequest(url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body });
    await post('40');
    const message = `42["message","${'x'.repeat(600_000)}"]`;
    assert.equal((await post(message)).status, 200);  // about 600 kB queued: still fine
    await post(message);  // about 1.2 MB: over the limit
    await sleep(50);
    assert.equal((await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`)).status, 400);
    assert.match(server.output, /does not read fast enough: \d+ bytes queued, limit 1048576/);
  });

  test('a WebSocket message larger than maxPayload closes the connection (1009)', async () => {
    const raw = await socketIoSession();
    raw.send(`42["message","${'x'.repeat(1000000)}"]`);
    assert.equal(await closedWithin(raw, 5000, 'an oversized message'), 1009);
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
    await closedWithin(raw, 2000, 'after "4abc"');
  });

  test('a connection that never sends CONNECT is closed', async () => {
    const raw = new RawSocket(`${wsUrl}/socket.io/?EIO=4&transport=websocket`);
    await closedWithin(raw, 2000, 'no CONNECT');
  });
});

describe('Socket.IO disconnect', () => {
  test('DISCONNECT from the main namespace keeps the Engine.IO connection', async () => {
    const raw = await socketIoSession();
    raw.send('41');
    assert.equal(await raw.next(), '2');
    raw.close();
  });

  test('leaving a custom namespace keeps the main one working', async () => {
    const raw = await socketIoSession();
    raw.send('40/custom');
    assert.match(await raw.next({ skipPings: true }), /^40\/custom,/);
    assert.equal(await raw.next({ skipPings: true }), '42/custom,["auth",{}]');
    raw.send('41/custom');
    raw.send('42["message","message to main namespace"]');
    assert.equal(await raw.next({ skipPings: true }), '42["message-back","message to main namespace"]');
    raw.close();
  });
});

/** The next message that is not a ping; pings are answered, so a slow step keeps the session. */
async function nextAnsweringPings(raw) {
  for (;;) {
    const message = await raw.next();
    if (message !== '2') return message;
    raw.send('3');
  }
}

/** A client frame (masked, FIN) with opcode `opcode` and `payload` (a Buffer). */
function clientFrame(opcode, payload) {
  const mask = randomBytes(4);
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x80 | opcode, 0x80 | length])
    : length < 65536 ? Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 255])
      : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), (() => {
        const size = Buffer.alloc(8);
        size.writeBigUInt64BE(BigInt(length));
        return size;
      })()]);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i] ^= mask[i & 3];
  return Buffer.concat([header, mask, masked]);
}

/** The server's frames in `bytes` (unmasked): [{opcode, payload, whole}]; the last one may be cut short. */
function serverFrames(bytes) {
  const frames = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
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
    frames.push({ opcode, payload: bytes.subarray(start, end), whole: start + length <= bytes.length });
    at = start + length;
  }
  return frames;
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
      assert.equal(await nextAnsweringPings(raw), `42["message-back",${i},"${'x'.repeat(size)}"]`);
    }
    raw.close();
  });

  test("a client's WebSocket ping gets its pong, and every packet after it arrives whole", async () => {
    const raw = await socketIoSession();
    raw.ws.ping('are you there');
    const [payload] = await once(raw.ws, 'pong');
    assert.equal(payload.toString(), 'are you there');
    for (let i = 0; i < 20; i++) raw.send(`42["message",${i},"${'y'.repeat(i * 7000)}"]`);
    raw.send('451-["message",{"_placeholder":true,"num":0}]');
    raw.send(Uint8Array.from([7, 8, 9]));
    for (let i = 0; i < 20; i++) {
      assert.equal(await nextAnsweringPings(raw), `42["message-back",${i},"${'y'.repeat(i * 7000)}"]`);
    }
    assert.equal(await nextAnsweringPings(raw), '451-["message-back",{"_placeholder":true,"num":0}]');
    assert.deepEqual([...await nextAnsweringPings(raw)], [7, 8, 9]);
    raw.close();
  });
});

describe('Beast\'s own frames during a large write', () => {
  // Invalid UTF-8 in a text frame makes Beast fail the connection with a close frame (1007)
  // of its own, written while a large write of ours may still be pending (the client does
  // not read meanwhile): it must come after our frames, never inside one. What the client
  // reads is checked byte by byte: whole echoes, a last one cut short at worst, no foreign
  // byte inside a payload.
  test('a close frame for invalid UTF-8 never lands inside a pending frame', async () => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    let received = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
    });
    const ended = once(socket, 'close');
    socket.write(`GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
      `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
      'Sec-WebSocket-Version: 13\r\n\r\n');
    const headerEnd = () => received.indexOf('\r\n\r\n');
    await waitFor('the upgrade response', () => headerEnd() >= 0);
    assert.match(received.subarray(0, headerEnd()).toString(), /^HTTP\/1\.1 101 /);
    received = received.subarray(headerEnd() + 4);
    socket.write(clientFrame(1, Buffer.from('40')));
    await waitFor('the CONNECT reply and the "auth" event',
      () => serverFrames(received).filter((frame) => frame.whole).length >= 3);
    received = Buffer.alloc(0);

    // Two echoes of ~1 MB (more than the kernel's buffers take while the client reads
    // nothing), then a text frame that is not UTF-8.
    socket.pause();
    const big = 'x'.repeat(999_000);
    for (let i = 0; i < 2; i++) socket.write(clientFrame(1, Buffer.from(`42["message","${big}"]`)));
    socket.write(clientFrame(1, Buffer.from([0x34, 0x32, 0xc3, 0x28])));
    await sleep(200);  // the server reads them (fewer than a ping interval, 300 ms)
    socket.resume();
    await ended;

    const frames = serverFrames(received);
    const echo = `42["message-back","${big}"]`;
    let closeCode;
    for (const [i, frame] of frames.entries()) {
      if (frame.opcode === 8) {
        assert.ok(frame.whole && i === frames.length - 1, 'the close frame is not the last frame, whole');
        closeCode = frame.payload.readUInt16BE(0);
        continue;
      }
      const text = frame.payload.toString('latin1');
      assert.equal(frame.opcode, 1, `frame ${i} has opcode ${frame.opcode}: the stream is corrupt`);
      if (text === '2') continue;  // a ping
      assert.ok(frame.whole ? text === echo : echo.startsWith(text),
        `frame ${i} (${frame.payload.length} bytes, whole: ${frame.whole}) is not the echo: ` +
        `${JSON.stringify(text.slice(0, 40))}...${JSON.stringify(text.slice(-40))}`);
    }
    // The close frame comes after the pending write; a session whose pong came too late
    // (the client read nothing for a while) may have been cut before it instead.
    if (closeCode !== undefined) assert.equal(closeCode, 1007, 'the close frame does not say invalid UTF-8');
  });
});

describe('Socket.IO messages', () => {
  test('an EVENT is echoed', async () => {
    const raw = await socketIoSession();
    raw.send('42["message",1,"2",{"3":[true]}]');
    assert.equal(await raw.next({ skipPings: true }), '42["message-back",1,"2",{"3":[true]}]');
    raw.close();
  });

  test('an EVENT with an ack id is acknowledged with its arguments', async () => {
    const raw = await socketIoSession();
    raw.send('42456["message-with-ack",1,"2",{"3":[false]}]');
    assert.equal(await raw.next({ skipPings: true }), '43456[1,"2",{"3":[false]}]');
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
      await closedWithin(raw, 2000, `after ${packet.slice(0, 40)}`);
    }
  });

  test('an EVENT with binary attachments is echoed with them', async () => {
    const raw = await socketIoSession();
    raw.send('452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
    raw.send(Uint8Array.from([1, 2, 3]));
    raw.send(Uint8Array.from([4, 5, 6]));
    assert.equal(await raw.next({ skipPings: true }),
      '452-["message-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
    assert.deepEqual([...await raw.next({ skipPings: true })], [1, 2, 3]);
    assert.deepEqual([...await raw.next({ skipPings: true })], [4, 5, 6]);
    raw.close();
  });

  test('an ack with binary attachments, over polling (base64)', async () => {
    const sid = await pollingSession(url);
    const body = ['40', '451-789["message-with-ack",{"_placeholder":true,"num":0}]', 'bAQID'].join(SEPARATOR);
    await eioRequest(url, `EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body });
    const packets = await pollPackets(sid, 4);
    assert.deepEqual(packets.slice(1), ['42["auth",{}]', '461-789[{"_placeholder":true,"num":0}]', 'bAQID']);
  });

  test('binary and malformed Engine.IO frames close the connection', async () => {
    for (const frame of [Buffer.from([1, 2, 3]), '', '9', 'b@@@@', '0{}']) {
      const raw = await socketIoSession();
      raw.send(frame);
      await closedWithin(raw, 2000, `after frame ${JSON.stringify(frame)}`);
    }
  });

  test('a deeply nested packet near maxPayload does not hurt the server', async () => {
    const raw = await socketIoSession();
    raw.send(`42["message",${'['.repeat(400000)}${']'.repeat(400000)}]`);
    await closedWithin(raw, 5000, 'a 400000-level packet');
    const check = await socketIoSession();
    check.send('42["message","still here"]');
    assert.equal(await check.next({ skipPings: true }), '42["message-back","still here"]');
    check.close();
  });
});
