// Helpers shared by the Socket.IO end-to-end tests: starting the project's servers,
// talking to the HTTP API, raw Engine.IO over fetch and `ws`, and waiting for things.
// Not a test file itself.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import WebSocket from 'ws';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The build whose binaries the tests start: build/$PRESET (release by default). */
export const BIN_DIR = `${ROOT}build/${process.env.PRESET || 'release'}/`;
/** The api node and admin tool a test starts itself: LA_API_BIN / LA_ADMIN_BIN (./dev test
 * passes the sanitizer build), else BIN_DIR's. */
export const API_BIN = process.env.LA_API_BIN || `${BIN_DIR}api/la-api`;
export const ADMIN_BIN = process.env.LA_ADMIN_BIN || `${BIN_DIR}tools/la-admin`;
/** Where the local servers of `./dev up` are (overridable from the environment); dev mode
 * (the dev JWT secret) unless JWT_SECRET is given. */
export const SERVERS_ENV = {
  KAFKA_BROKERS: process.env.KAFKA_BROKERS || '127.0.0.1:9092',
  REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
  MONGO_URI: process.env.MONGO_URI || 'mongodb://127.0.0.1:27017',
  ...(process.env.JWT_SECRET ? {} : { LA_DEV: '1' }),
};

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` (sync or async) until it returns a truthy value; fails after `timeoutMs` saying `what`. */
export async function waitFor(what, check, timeoutMs = 10_000, intervalMs = 50) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Resolves with the arguments of the next `event` on `emitter`; rejects after `timeoutMs`. */
export function nextEvent(emitter, event, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no "${event}" event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args) => {
      clearTimeout(timer);
      resolve(args);
    };
    emitter.once(event, listener);
  });
}

/** A TCP port that was free a moment ago. */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * A server process of this project, started with `args`; resolves once its output
 * matches `ready`. `output` keeps everything it printed (for ASan reports and failures).
 */
export async function startProcess(binary, args, { env = {}, ready, timeoutMs = 30_000 } = {}) {
  assert.ok(existsSync(binary), `${binary} is missing: build it first (./dev build)`);
  const child = spawn(binary, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const server = { child, output: '', exited: once(child, 'exit') };
  const collect = (chunk) => {
    server.output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  await waitFor(`${binary} to print ${ready}`, () => {
    if (child.exitCode !== null) assert.fail(`${binary} exited with ${child.exitCode}:\n${server.output}`);
    return ready.test(server.output);
  }, timeoutMs);
  return server;
}

/** Sends `signal` and waits for the process to exit; resolves with its exit code. */
export async function stopProcess(server, signal = 'SIGTERM') {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal);
  const [code] = await server.exited;
  return code;
}

/** The HTTP API at `baseUrl`: JSON requests, accounts and likes. */
export class Api {
  constructor(baseUrl) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
  }

  /** POSTs JSON and returns {status, body}. */
  async post(path, body, token) {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(`${this.baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: response.status, body: await response.json().catch(() => null) };
  }

  /** The token of an account; fails the test if the login is refused. */
  async login(email, password) {
    const { status, body } = await this.post('/auth/login', { email, password });
    assert.equal(status, 200, `login as ${email}: ${JSON.stringify(body)}`);
    return body.token;
  }

  /** The admin token (ADMIN_EMAIL / ADMIN_PASSWORD, as ./dev sets them). */
  adminToken() {
    return this.login(process.env.ADMIN_EMAIL || 'admin@example.com', process.env.ADMIN_PASSWORD || 'admin-password');
  }

  /** A new viewer account's token. */
  async viewerToken() {
    const email = `socketio-viewer-${randomUUID()}@example.com`;
    const password = 'viewer-password-1';
    const registered = await this.post('/auth/register', { email, password });
    assert.equal(registered.status, 201, `register ${email}: ${JSON.stringify(registered.body)}`);
    return this.login(email, password);
  }

  /** Posts `count` likes for `streamId`; each must be accepted (202). */
  async like(token, streamId, count) {
    for (let i = 0; i < count; i++) {
      const { status, body } = await this.post('/engagement/like', { streamId }, token);
      assert.equal(status, 202, `like ${i + 1}/${count} for ${streamId}: ${JSON.stringify(body)}`);
    }
  }
}

/** A stream id no other test uses. */
export const uniqueStreamId = (label) => `e2e-${label}-${randomUUID()}`;

/**
 * An official socket.io-client socket, connected (resolves) or refused (rejects with the
 * connect_error). `beforeConnect(socket)` may add listeners for events the server sends
 * right after the CONNECT reply. The caller closes the socket. Without reconnection, a
 * connection that ends before the CONNECT reply rejects too (the client itself reports
 * nothing then), with the reason; and any connect rejects after `timeoutMs`.
 */
export async function connectClient(url, options = {}, beforeConnect = () => {}, timeoutMs = 30_000) {
  const socket = io(url, { forceNew: true, reconnection: false, ...options, autoConnect: false });
  beforeConnect(socket);
  socket.connect();
  let timer;
  try {
    await new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${url}: not connected within ${timeoutMs} ms`)), timeoutMs);
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
      if (!socket.io.reconnection()) {
        // "forced close" is the client's own doing (after a connect_error, which says why).
        socket.io.on('close', (reason) => {
          if (reason !== 'forced close') reject(new Error(`${url}: the connection ended before the CONNECT reply: ${reason}`));
        });
      }
    });
  } catch (error) {
    socket.close();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return socket;
}

/** The message of the connect_error a client gets for `url` with `options`. */
export async function connectError(url, options = {}) {
  try {
    const socket = await connectClient(url, options);
    socket.close();
  } catch (error) {
    return error.message;
  }
  assert.fail(`${url} accepted a connection that should have been refused`);
}

/** Collects every `event` a socket receives, so tests can wait for a matching one. */
export class EventLog {
  constructor(socket, event) {
    this.events = [];
    socket.on(event, (...args) => this.events.push(args.length === 1 ? args[0] : args));
  }

  /** Waits for an event for which `match` is true and returns it. */
  waitFor(what, match, timeoutMs = 30_000) {
    return waitFor(what, () => this.events.find(match), timeoutMs);
  }
}

// ---- raw Engine.IO ----

/**
 * GET/POST on the Engine.IO path of `baseUrl` with `query`; returns {status, text, headers}.
 * With `timeoutMs`, a request still unanswered then fails.
 */
export async function eioRequest(baseUrl, query, { method = 'GET', body, timeoutMs } = {}) {
  const signal = timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined;
  const response = await fetch(`${baseUrl}/socket.io/?${query}`, { method, body, signal });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** Opens a polling session and returns its sid. */
export async function pollingSession(baseUrl) {
  const { status, text } = await eioRequest(baseUrl, 'EIO=4&transport=polling');
  assert.equal(status, 200, text);
  return JSON.parse(text.substring(1)).sid;
}

/**
 * A raw WebSocket whose messages queue up, so a test reads them one by one with
 * next(). `closed` resolves with the close code when the connection ends. With
 * `answerPings`, Engine.IO pings ("2") are answered ("3") as they arrive instead of being
 * queued, and counted in `pings`: a test of something else than the heartbeat then reads
 * only the messages it is about, however slowly it runs.
 */
export class RawSocket {
  constructor(url, { answerPings = false, ...options } = {}) {
    this.ws = new WebSocket(url, options);
    this.messages = [];
    this.waiters = [];
    this.pings = 0;
    this.ws.on('message', (data, isBinary) => {
      const message = isBinary ? data : data.toString();
      if (answerPings && message === '2') {
        this.pings++;
        this.ws.send('3');
        return;
      }
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.messages.push(message);
    });
    this.ws.on('error', () => {});
    this.opened = once(this.ws, 'open');
    this.opened.catch(() => {});  // a refused upgrade is checked by the tests that expect it
    this.closed = new Promise((resolve) => this.ws.on('close', (code) => resolve(code)));
  }

  /** The next message, skipping pings ("2") if `skipPings`; rejects after `timeoutMs`. */
  async next({ timeoutMs = 5_000, skipPings = false } = {}) {
    for (;;) {
      const message = await this.#take(timeoutMs);
      if (skipPings && message === '2') continue;
      return message;
    }
  }

  #take(timeoutMs) {
    if (this.messages.length > 0) return Promise.resolve(this.messages.shift());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no WebSocket message within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (message) => {
        clearTimeout(timer);
        resolve(message);
      };
      this.waiters.push(waiter);
    });
  }

  send(data) {
    this.ws.send(data);
  }

  close() {
    this.ws.close();
  }
}

/** Resolves with the close code once `raw` closes; fails after `timeoutMs`. */
export async function closedWithin(raw, timeoutMs, what) {
  const timer = sleep(timeoutMs).then(() => 'still open');
  const result = await Promise.race([raw.closed, timer]);
  assert.notEqual(result, 'still open', `${what}: the connection was still open after ${timeoutMs} ms`);
  return result;
}
