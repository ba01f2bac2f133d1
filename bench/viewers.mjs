// The load and fault driver of bench/viewers (see that script for what it measures).
// Holds --sockets /live sockets (official socket.io-client, WebSocket) spread over the api
// nodes, each subscribed to one of --streams streams; churns (unsubscribe + subscribe to
// another stream) at --churn-per-s for --churn-s; then measures how long until every
// node's GET /streams?top=N&by=viewers equals what this client holds, the CPU per join/leave
// of the api nodes' presence threads, the whole api processes and redis-server, and, with
// --chaos, the recovery after a Redis restart and the drop after kill -9 of the last node.
// Prints one JSON report on stdout. 127.0.0.1 only; stops by itself.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/e2e/package.json', import.meta.url));
const { io } = require('socket.io-client');

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
const nodes = args.nodes.split(',').map((spec) => {
  const [port, pid] = spec.split(':').map(Number);
  return { port, pid, url: `http://127.0.0.1:${port}` };
});
const SOCKETS = Number(args.sockets ?? 10000);
const STREAMS = Number(args.streams ?? 100);
const CHURN_PER_S = Number(args['churn-per-s'] ?? 500);
const CHURN_S = Number(args['churn-s'] ?? 20);
const { token, admin } = args;
const redisPid = Number(args['redis-pid']);
const TICK = 100; // clock ticks per second (getconf CLK_TCK)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (...m) => console.error('[viewers]', ...m);
const streamId = (i) => `bench-viewers-${i}`;

/** CPU seconds (user + system) of a process, or of its threads named `thread`. */
function cpuSeconds(pid, thread) {
  const fields = (path) => readFileSync(path, 'utf8').split(') ')[1].split(' ');
  const seconds = (f) => (Number(f[11]) + Number(f[12])) / TICK;
  if (!thread) return seconds(fields(`/proc/${pid}/stat`));
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    if (readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() === thread) {
      total += seconds(fields(`/proc/${pid}/task/${tid}/stat`));
    }
  }
  return total;
}
const cpuSample = () => ({
  presence: nodes.map((n) => (n.alive === false ? 0 : cpuSeconds(n.pid, 'la-presence'))),
  api: nodes.map((n) => (n.alive === false ? 0 : cpuSeconds(n.pid))),
  redis: cpuSeconds(redisPid),
  client: process.cpuUsage(),
});

async function topByViewers(node) {
  const response = await fetch(`${node.url}/streams?top=1000&by=viewers`, { headers: { Authorization: `Bearer ${admin}` } });
  if (!response.ok) throw new Error(`GET ${node.url}/streams?by=viewers: ${response.status}`);
  return new Map((await response.json()).map(({ streamId: id, viewers }) => [id, viewers]));
}

/** What this client holds: stream -> subscribed sockets (only sockets of live nodes). */
function expected(sockets) {
  const counts = new Map();
  for (const s of sockets) {
    if (s.node.alive === false || s.stream === null) continue;
    counts.set(streamId(s.stream), (counts.get(streamId(s.stream)) ?? 0) + 1);
  }
  return counts;
}
const sameCounts = (a, b) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/** Waits until every live node reports exactly `want`; returns the ms it took, or null. */
async function converge(want, timeoutMs) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    const seen = await Promise.all(nodes.filter((n) => n.alive !== false).map((n) => topByViewers(n).catch(() => null)));
    if (seen.every((s) => s && sameCounts(s, want))) return Date.now() - start;
    await sleep(50);
  }
  return null;
}

async function openSockets() {
  const sockets = [];
  for (let i = 0; i < SOCKETS; i += 250) {
    const batch = [];
    for (let j = i; j < Math.min(SOCKETS, i + 250); j++) {
      const node = nodes[j % nodes.length];
      const socket = io(`${node.url}/live`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } });
      const entry = { socket, node, stream: j % STREAMS };
      sockets.push(entry);
      batch.push(new Promise((resolve, reject) => {
        socket.once('connect', async () => {
          const ack = await socket.timeout(30_000).emitWithAck('subscribe', streamId(entry.stream)).catch((e) => ({ error: e.message }));
          if (ack.error) reject(new Error(`subscribe: ${ack.error}`));
          else resolve();
        });
        socket.once('connect_error', reject);
      }));
    }
    await Promise.all(batch);
  }
  return sockets;
}

/** Waits until `count` api nodes are listed in Redis' viewers:nodes (they report again). */
async function waitForRedisNodes(count, timeoutMs) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    try {
      const listed = Number(execFileSync('redis-cli', ['-p', args['redis-port'], 'ZCARD', 'viewers:nodes']).toString());
      if (listed >= count) return;
    } catch {
      // Redis is still starting.
    }
    await sleep(50);
  }
  throw new Error(`only some api nodes report to Redis after ${timeoutMs} ms`);
}

/** Moves `count` sockets to another stream, one after the other (a leave and a join each). */
async function moveSome(sockets, count) {
  for (let k = 0; k < count; k++) {
    const entry = sockets[Math.floor(Math.random() * sockets.length)];
    const from = entry.stream;
    const to = (from + 1 + Math.floor(Math.random() * (STREAMS - 1))) % STREAMS;
    await entry.socket.timeout(30_000).emitWithAck('unsubscribe', streamId(from));
    const ack = await entry.socket.timeout(30_000).emitWithAck('subscribe', streamId(to));
    if (ack.error) throw new Error(`subscribe: ${ack.error}`);
    entry.stream = to;
  }
}

async function churn(sockets) {
  let joins = 0;
  let leaves = 0;
  const start = Date.now();
  const inFlight = new Set();
  for (let second = 0; second < CHURN_S; second++) {
    const secondStart = Date.now();
    for (let k = 0; k < CHURN_PER_S; k++) {
      const entry = sockets[Math.floor(Math.random() * sockets.length)];
      if (inFlight.has(entry)) continue;
      inFlight.add(entry);
      const from = entry.stream;
      const to = (from + 1 + Math.floor(Math.random() * (STREAMS - 1))) % STREAMS;
      entry.stream = null; // in between: counted nowhere until both acks
      const done = (async () => {
        await entry.socket.timeout(30_000).emitWithAck('unsubscribe', streamId(from));
        leaves += 1;
        const ack = await entry.socket.timeout(30_000).emitWithAck('subscribe', streamId(to));
        if (ack.error) throw new Error(`subscribe during churn: ${ack.error}`);
        joins += 1;
        entry.stream = to;
      })().finally(() => inFlight.delete(entry));
      done.catch((error) => log(error.message));
      if (k % 50 === 49) await sleep(Math.max(0, (1000 * (k + 1)) / CHURN_PER_S - (Date.now() - secondStart)));
    }
    await sleep(Math.max(0, 1000 - (Date.now() - secondStart)));
  }
  while (inFlight.size > 0) await sleep(10);
  return { joins, leaves, seconds: (Date.now() - start) / 1000 };
}

const report = { sockets: SOCKETS, streams: STREAMS, churnPerS: CHURN_PER_S, churnS: CHURN_S, nodes: nodes.length };
const started = Date.now();
const sockets = await openSockets();
report.connectS = (Date.now() - started) / 1000;
log(`${SOCKETS} sockets subscribed in ${report.connectS} s`);
report.initialConvergeMs = await converge(expected(sockets), 30_000);

const before = cpuSample();
const churned = await churn(sockets);
const afterChurn = cpuSample();
report.convergeAfterChurnMs = await converge(expected(sockets), 30_000);
report.exactAfterChurn = report.convergeAfterChurnMs !== null;
report.churn = churned;
const events = churned.joins + churned.leaves;
const sum = (a) => a.reduce((x, y) => x + y, 0);
const us = (seconds) => Math.round((1e6 * seconds) / Math.max(1, events) * 100) / 100;
report.cpuPerJoinLeaveUs = {
  presenceThreads: us(sum(afterChurn.presence) - sum(before.presence)),
  apiProcesses: us(sum(afterChurn.api) - sum(before.api)),
  redis: us(afterChurn.redis - before.redis),
};
report.cpuPercentDuringChurn = {
  presenceThreads: Math.round((100 * (sum(afterChurn.presence) - sum(before.presence))) / churned.seconds * 10) / 10,
  apiProcesses: Math.round((100 * (sum(afterChurn.api) - sum(before.api))) / churned.seconds * 10) / 10,
  redis: Math.round((100 * (afterChurn.redis - before.redis)) / churned.seconds * 10) / 10,
};
log(`churn: ${events} joins+leaves in ${churned.seconds} s; exact ${report.convergeAfterChurnMs} ms after it stopped`);

// An idle minute's cost: what the presence threads and Redis spend with no churn.
const idleBefore = cpuSample();
await sleep(10_000);
const idleAfter = cpuSample();
report.idleCpuPercent = {
  presenceThreads: Math.round((100 * (sum(idleAfter.presence) - sum(idleBefore.presence))) / 10 * 100) / 100,
  redis: Math.round((100 * (idleAfter.redis - idleBefore.redis)) / 10 * 100) / 100,
};

if (args.chaos === '1') {
  // Redis restarted (killed; started again by the wrapper on the same port, empty).
  // Recovered means: every node reports to the new Redis again (its hash is back), and
  // after 200 more moves every node's counts are exact.
  const restartedAt = Date.now();
  execFileSync('bash', ['-c', args['restart-redis']]);
  await waitForRedisNodes(nodes.length, 60_000);
  const reportingMs = Date.now() - restartedAt;
  await moveSome(sockets, 200);
  report.redisRestart = { reportingAgainMs: reportingMs, exactAfterMovesMs: await converge(expected(sockets), 60_000) };
  log(`Redis restarted: nodes reporting again after ${reportingMs} ms; exact after 200 moves in ${report.redisRestart.exactAfterMovesMs} ms`);
  // kill -9 of the last api node: the others' counts drop by exactly its viewers.
  const victim = nodes.at(-1);
  const victimViewers = sockets.filter((s) => s.node === victim && s.stream !== null).length;
  process.kill(victim.pid, 'SIGKILL');
  victim.alive = false;
  report.kill9 = { viewersOfKilledNode: victimViewers, droppedMs: await converge(expected(sockets), 60_000) };
  log(`kill -9: counts dropped by exactly ${victimViewers} after ${report.kill9.droppedMs} ms`);
}

for (const { socket } of sockets) socket.close();
console.log(JSON.stringify(report, null, 2));
process.exit(0);
