// A dashboard for the cluster chaos test: the official socket.io-client (from
// tests/e2e/node_modules) on namespace "/" through nginx, as the admin page
// connects. Prints one JSON line per thing a person would see: the connection
// indicator ("live", "reconnecting" with the reason, as web/src/admin/main.js
// shows it) and the totals of the streams whose id starts with PREFIX.
// usage: node dashboard_watch.mjs ROOT URL ADMIN_TOKEN PREFIX
import { createRequire } from 'node:module';
import path from 'node:path';

const [root, url, token, prefix] = process.argv.slice(2);
const require = createRequire(path.join(root, 'tests', 'e2e', 'package.json'));
const { io } = require('socket.io-client');

const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const socket = io(url, { auth: { token }, reconnectionDelayMax: 1000 });
socket.on('connect', () => say({ event: 'live', transport: socket.io.engine.transport.name }));
socket.on('disconnect', (reason) => say({ event: 'reconnecting', reason }));
socket.on('connect_error', (error) => say({ event: 'reconnecting', reason: error.message }));
socket.io.on('reconnect_attempt', (attempt) => say({ event: 'reconnecting', reason: `attempt ${attempt}` }));
socket.on('statsUpdate', (totals) => {
  const mine = totals.filter((t) => t.streamId.startsWith(prefix));
  if (mine.length > 0) say({ event: 'totals', totals: Object.fromEntries(mine.map((t) => [t.streamId, t.likes])) });
});
process.stdin.on('end', () => process.exit(0));  // the test closes stdin to stop it
process.stdin.resume();
