// Dashboard watcher for bench/e2e: what a person looking at the live dashboard
// and at a viewer's counter sees, with the time they saw it.
//
// Opens, through nginx, one admin socket on "/" (statsUpdate) and one viewer
// socket on "/live" subscribed to the given streams (likeCount), both with the
// official socket.io-client over WebSocket. Every total of a stream whose id
// starts with --prefix is written as a line "<unixMs> <ns> <streamId> <likes>"
// (ns = "admin" or "live"), unixMs from the wall clock with microsecond digits,
// the clock la-loadgen's timed accepted lines use. Runs until SIGTERM; then
// prints one JSON line with connection facts on stdout. Only ever connects to
// 127.0.0.1.
//
// node bench/e2e-watcher.mjs --port 8080 --admin-token A --viewer-token V
//      --prefix e2e-1- --out FILE [--live-streams s1,s2,...]
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/e2e/package.json', import.meta.url));
const { io } = require('socket.io-client');

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const port = Number(args.port ?? 8080);
const prefix = args.prefix;
const liveStreams = (args['live-streams'] ?? '').split(',').filter(Boolean);
if (!prefix || !args.out || !args['admin-token'] || !args['viewer-token']) {
  console.error('usage: e2e-watcher.mjs --admin-token A --viewer-token V --prefix P --out FILE');
  process.exit(2);
}

const out = createWriteStream(args.out);
const nowMs = () => (performance.timeOrigin + performance.now()).toFixed(3);
const facts = { adminConnects: 0, liveConnects: 0, disconnects: 0, statsUpdates: 0, likeCounts: 0,
                subscribed: 0, errors: [] };

const url = `http://127.0.0.1:${port}`;
const options = (token) => ({ auth: { token }, transports: ['websocket'], reconnectionDelay: 200,
                              reconnectionDelayMax: 1000 });

const admin = io(url, options(args['admin-token']));
admin.on('connect', () => { facts.adminConnects++; });
admin.on('disconnect', () => { facts.disconnects++; });
admin.on('connect_error', (e) => facts.errors.push(`admin: ${e.message}`));
admin.on('statsUpdate', (totals) => {
  const t = nowMs();
  facts.statsUpdates++;
  let lines = '';
  for (const { streamId, likes } of totals) {
    if (streamId.startsWith(prefix)) lines += `${t} admin ${streamId} ${likes}\n`;
  }
  if (lines) out.write(lines);
});

const live = io(`${url}/live`, options(args['viewer-token']));
// One subscription at a time: an api node confirms at most a few per socket at once.
const subscribeFrom = (index) => {
  if (index >= liveStreams.length) return;
  const streamId = liveStreams[index];
  live.emit('subscribe', streamId, (answer) => {
    if (answer && answer.error) facts.errors.push(`subscribe ${streamId}: ${answer.error}`);
    else facts.subscribed++;
    subscribeFrom(index + 1);
  });
};
live.on('connect', () => {
  facts.liveConnects++;
  subscribeFrom(0);
});
live.on('disconnect', () => { facts.disconnects++; });
live.on('connect_error', (e) => facts.errors.push(`live: ${e.message}`));
live.on('likeCount', ({ streamId, likes }) => {
  facts.likeCounts++;
  out.write(`${nowMs()} live ${streamId} ${likes}\n`);
});

process.on('SIGTERM', () => {
  admin.close();
  live.close();
  out.end(() => {
    process.stdout.write(JSON.stringify(facts) + '\n');
    process.exit(0);
  });
});
