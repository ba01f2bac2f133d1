// Fan-out load client for bench/fanout: opens M Socket.IO connections (Engine.IO
// v4 over WebSocket, the admin namespace "/") to one api node, publishes
// `stream-updates` to Redis at a fixed rate, and measures publish -> client
// delivery latency. Each published update carries its publish time (ms) as the
// `likes` value of the stream "fanout-bench", so no clock sync is involved.
// Only ever connects to 127.0.0.1. Prints one JSON summary line.
//
// node bench/fanout-clients.mjs --port 3021 --clients 10000 --token T
//      [--procs 2] [--rate 10] [--duration-s 30] [--redis-port 6379]
import { fork } from 'node:child_process';
import net from 'node:net';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/e2e/package.json', import.meta.url));
const WebSocket = require('ws');

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const port = Number(args.port ?? 3021);
const clients = Number(args.clients ?? 1000);
const procs = Number(args.procs ?? 2);
const rate = Number(args.rate ?? 10);
const durationS = Number(args['duration-s'] ?? 30);
const redisPort = Number(args['redis-port'] ?? 6379);
const token = args.token;
const STREAM = 'fanout-bench';

// ---- worker: holds a share of the connections and records latencies ------------
async function worker(count) {
  const histogram = new Uint32Array(10001);  // 1 ms buckets, last = 10 s or more
  let connected = 0, failed = 0, closed = 0, delivered = 0;
  let recording = false;
  const open = (i) => new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
    let joined = false;
    ws.on('message', (data) => {
      const text = data.toString();
      if (text === '2') { ws.send('3'); return; }
      if (text.startsWith('0{')) { ws.send(`40${JSON.stringify({ token })}`); return; }
      if (text.startsWith('40')) { joined = true; connected++; resolve(); return; }
      if (text.startsWith('44')) { failed++; resolve(); ws.close(); return; }
      if (!recording || !text.startsWith('42["statsUpdate"')) return;
      const at = text.indexOf(`"${STREAM}"`);
      if (at < 0) return;
      const likes = text.indexOf('"likes":', text.lastIndexOf('{', at));
      const sent = parseInt(text.slice(likes + 8), 10);
      const ms = Math.max(0, Date.now() - sent);
      histogram[Math.min(ms, 10000)]++;
      delivered++;
    });
    ws.on('error', () => { if (!joined) { failed++; resolve(); } });
    ws.on('close', () => { if (joined) closed++; });
  });
  // Open connections a few hundred at a time.
  for (let i = 0; i < count; i += 200) {
    await Promise.all(Array.from({ length: Math.min(200, count - i) }, (_, k) => open(i + k)));
  }
  process.send({ type: 'connected', connected, failed });
  process.on('message', (m) => {
    if (m.type === 'record') recording = true;
    if (m.type === 'report') {
      recording = false;
      process.send({ type: 'report', histogram: Array.from(histogram), delivered, connected, closed });
    }
  });
}

// ---- coordinator ------------------------------------------------------------------
function publisher() {
  const socket = net.connect(redisPort, '127.0.0.1');
  socket.on('data', () => {});
  return (payload) => {
    const parts = ['PUBLISH', 'stream-updates', payload];
    socket.write(`*${parts.length}\r\n` + parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join(''));
  };
}

function percentile(histogram, total, p) {
  let seen = 0;
  for (let ms = 0; ms < histogram.length; ms++) {
    seen += histogram[ms];
    if (seen >= total * p) return ms;
  }
  return histogram.length - 1;
}

async function coordinator() {
  const workers = Array.from({ length: procs }, (_, i) =>
    fork(new URL(import.meta.url).pathname, ['--worker', String(Math.floor(clients / procs) + (i < clients % procs ? 1 : 0)),
      ...process.argv.slice(2)]));
  const replies = (type) => Promise.all(workers.map((w) => new Promise((resolve) => {
    const on = (m) => { if (m.type === type) { w.off('message', on); resolve(m); } };
    w.on('message', on);
  })));
  const started = Date.now();
  const connections = await replies('connected');
  const connected = connections.reduce((n, m) => n + m.connected, 0);
  const failed = connections.reduce((n, m) => n + m.failed, 0);
  process.stderr.write(`[fanout] ${connected} connected, ${failed} failed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  // Tell the bench script that connections are up (it samples RSS and CPU now).
  process.stderr.write('[fanout] CONNECTED\n');
  await new Promise((r) => setTimeout(r, 2000));
  for (const w of workers) w.send({ type: 'record' });
  const publish = publisher();
  let published = 0;
  const timer = setInterval(() => {
    publish(JSON.stringify([{ streamId: STREAM, likes: Date.now() }]));
    published++;
  }, 1000 / rate);
  await new Promise((r) => setTimeout(r, durationS * 1000));
  clearInterval(timer);
  await new Promise((r) => setTimeout(r, 1500));  // let the last updates arrive
  const reports = (() => { const p = replies('report'); for (const w of workers) w.send({ type: 'report' }); return p; })();
  const all = await reports;
  const histogram = new Array(10001).fill(0);
  for (const r of all) r.histogram.forEach((n, i) => { histogram[i] += n; });
  const delivered = all.reduce((n, r) => n + r.delivered, 0);
  const closed = all.reduce((n, r) => n + r.closed, 0);
  const summary = {
    clients, connected, failed, closed_during_run: closed, published, delivered,
    expected: published * connected,
    p50_ms: percentile(histogram, delivered, 0.5), p99_ms: percentile(histogram, delivered, 0.99),
    p999_ms: percentile(histogram, delivered, 0.999), max_ms: percentile(histogram, delivered, 1),
  };
  console.log(JSON.stringify(summary));
  for (const w of workers) w.kill();
  process.exit(0);
}

const workerIndex = process.argv.indexOf('--worker');
if (workerIndex >= 0) worker(Number(process.argv[workerIndex + 1]));
else coordinator();
