// Sticky sessions through nginx with two api nodes: a long-polling session lives
// on the node that created it, so every request of that client must reach that
// node. Clients here come from 16 loopback addresses (127.0.0.2 ...), which
// nginx spreads over both nodes by client address; each client then polls and
// posts with its sid many times, and every request must find its session.
//
// Run:  node --test tests/e2e/sticky_sessions.cluster.test.mjs
// Env:  BASE_URL (nginx, default http://127.0.0.1:8080), API_URLS (the api nodes),
//       ADMIN_EMAIL, ADMIN_PASSWORD (as ./dev sets them)

import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';

import { Api } from './support.mjs';

const BASE_URL = new URL(process.env.BASE_URL || 'http://127.0.0.1:8080');
const API_URLS = (process.env.API_URLS || 'http://127.0.0.1:3001,http://127.0.0.1:3002').split(',');
const CLIENTS = 16;
const ROUNDS = 5;

/** One HTTP request to nginx from `localAddress`; resolves with {status, text}. */
function request(localAddress, method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: BASE_URL.hostname, port: BASE_URL.port, method, path, localAddress, agent: false,
        headers: body ? { 'Content-Type': 'text/plain;charset=UTF-8' } : {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => { text += chunk; });
        res.on('end', () => resolve({ status: res.statusCode, text }));
      });
    req.on('error', reject);
    req.end(body);
  });
}

/** The `socketio_sessions` gauge of an api node. */
async function sessionsOn(apiUrl) {
  const metrics = await (await fetch(`${apiUrl.replace(/\/$/, '')}/metrics`)).text();
  const line = metrics.split('\n').find((l) => l.startsWith('socketio_sessions'));
  return line ? Number(line.split(' ').pop()) : 0;
}

test('polling sessions from many client addresses stay on their node, and both nodes hold some', async () => {
  const token = await new Api(BASE_URL.origin).adminToken();
  const before = await Promise.all(API_URLS.map(sessionsOn));
  const clients = await Promise.all(Array.from({ length: CLIENTS }, async (_, i) => {
    const address = `127.0.0.${i + 2}`;
    const open = await request(address, 'GET', '/socket.io/?EIO=4&transport=polling');
    assert.equal(open.status, 200, `handshake from ${address}: ${open.text}`);
    const sid = JSON.parse(open.text.substring(1)).sid;
    const path = `/socket.io/?EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`;
    const connect = await request(address, 'POST', path, `40${JSON.stringify({ token })}`);
    assert.equal(connect.status, 200, `CONNECT from ${address}: ${connect.text}`);
    const connected = await request(address, 'GET', path);
    assert.equal(connected.status, 200, `poll from ${address}: ${connected.text}`);
    assert.match(connected.text, /^40\{"sid":/, `the namespace connect answer reached ${address}`);
    return { address, path };
  }));
  const during = await Promise.all(API_URLS.map(sessionsOn));
  const added = during.map((n, i) => n - before[i]);
  assert.equal(added.reduce((a, b) => a + b, 0) >= CLIENTS, true, `sessions per node before ${before}, during ${during}`);
  assert.ok(added.every((n) => n > 0), `both nodes hold sessions (added per node: ${added})`);

  // Every later request of every client finds its session: nginx keeps each client on its node.
  for (let round = 0; round < ROUNDS; round++) {
    await Promise.all(clients.map(async ({ address, path }) => {
      const ping = await request(address, 'POST', path, '3');  // an unsolicited pong is harmless
      assert.equal(ping.status, 200, `round ${round}, POST from ${address}: ${ping.text}`);
    }));
  }
  await Promise.all(clients.map(({ address, path }) => request(address, 'POST', path, '1')));  // close
});
