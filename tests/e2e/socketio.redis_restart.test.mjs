// `/live` viewers across a Redis restart: what was published while an api node was not
// subscribed to `stream-updates` is lost, so after it subscribes again every socket
// subscribed to a stream gets that stream's current total (likeCount), read once per
// stream, not per socket, without a new like.
//
// The watched api node has a Redis of its own (a redis-server started here on a free
// port), which the test stops and starts again; the likes go through a private pipeline
// (pipeline.mjs: its own api node, consumer, topics and database, on the cluster's Redis),
// so they are counted while the watched node's Redis is down and their publish never
// reaches it. The watched node reads the same database.
//
// Run:  node --test tests/e2e/socketio.redis_restart.test.mjs

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, test } from 'node:test';

import { startPipeline } from './pipeline.mjs';
import {
  API_BIN,
  Api,
  connectClient,
  EventLog,
  freePort,
  ROOT,
  sleep,
  startProcess,
  stopProcess,
  uniqueStreamId,
  waitFor,
} from './support.mjs';

let pipeline;
let redisPort;
let redis;
let watched;
let watchedUrl;

/** A redis-server with no persistence on `redisPort`; resolves once it accepts connections. */
async function startRedis() {
  const child = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '',
    '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = { child, output: '', exited: once(child, 'exit') };
  child.stdout.on('data', (chunk) => { server.output += chunk.toString(); });
  await waitFor('redis-server to accept connections', () => {
    if (child.exitCode !== null) assert.fail(`redis-server exited:\n${server.output}`);
    return /Ready to accept connections/.test(server.output);
  });
  return server;
}

/** The watched node's jobs on its read pool so far. */
async function readJobs() {
  const metrics = await (await fetch(`${watchedUrl}/metrics`)).text();
  return Number(metrics.match(/^work_pool_jobs_total\{pool="read"\} (\d+)/m)?.[1] ?? 0);
}

before(async () => {
  pipeline = await startPipeline('redis-restart');
  redisPort = await freePort();
  redis = await startRedis();
  const port = await freePort();
  watchedUrl = `http://127.0.0.1:${port}`;
  watched = await startProcess(API_BIN, ['--port', String(port), '--threads', '2', '--web-root', `${ROOT}web/dist`], {
    env: { ...pipeline.env, REDIS_URL: `redis://127.0.0.1:${redisPort}` },
    ready: /api node listening on/,
  });
  await waitFor('the watched node to subscribe to stream-updates',
    () => /subscribed to Redis channel/i.test(watched.output), 20_000);
});

after(async () => {
  if (watched) {
    const code = await stopProcess(watched);
    assert.equal(code, 0, `the watched la-api exited with ${code}:\n${watched.output.slice(-3000)}`);
  }
  if (redis) await stopProcess(redis);
  if (pipeline) await pipeline.stop();
});

test('after a Redis restart every /live viewer gets the totals it missed, one read per stream', async () => {
  const api = new Api(pipeline.url);
  const liker = pipeline.mintToken('redis-restart-liker', 'viewer');
  const admin = pipeline.mintToken('redis-restart-admin', 'admin');
  const streams = [uniqueStreamId('restart-a'), uniqueStreamId('restart-b')];
  await api.like(liker, streams[0], 1);
  const total = async (streamId) => {
    const response = await fetch(`${pipeline.url}/streams/${streamId}`, { headers: { Authorization: `Bearer ${admin}` } });
    return response.status === 200 ? (await response.json()).likes : 0;
  };
  await waitFor('the first like to be counted', async () => (await total(streams[0])) === 1, 30_000);

  // Three viewers on the watched node: two watch both streams, one only the first.
  const viewers = [];
  for (const watchedStreams of [streams, streams, [streams[0]]]) {
    const socket = await connectClient(`${watchedUrl}/live`, { auth: { token: pipeline.mintToken('viewer', 'viewer') } });
    const likes = new EventLog(socket, 'likeCount');
    for (const streamId of watchedStreams) {
      const ack = await socket.timeout(10_000).emitWithAck('subscribe', streamId);
      assert.equal(ack.streamId, streamId, JSON.stringify(ack));
      assert.equal(ack.likes, streamId === streams[0] ? 1 : 0, JSON.stringify(ack));
    }
    viewers.push({ socket, likes, watchedStreams });
  }

  // The watched node loses Redis; likes are counted meanwhile and published to nobody it hears.
  await stopProcess(redis);
  await api.like(liker, streams[0], 2);
  await api.like(liker, streams[1], 4);
  await waitFor('the likes to be counted while Redis was down',
    async () => (await total(streams[0])) === 3 && (await total(streams[1])) === 4, 30_000);
  await sleep(500);
  for (const viewer of viewers) {
    assert.deepEqual(viewer.likes.events, [], 'a viewer got an update although the watched node had no Redis');
  }

  const readsBefore = await readJobs();
  redis = await startRedis();
  for (const viewer of viewers) {
    for (const streamId of viewer.watchedStreams) {
      const expected = streamId === streams[0] ? 3 : 4;
      await viewer.likes.waitFor(`likeCount ${expected} for ${streamId} after the resubscription`,
        (event) => event.streamId === streamId && event.likes === expected, 30_000);
    }
  }
  const reads = (await readJobs()) - readsBefore;
  assert.ok(reads >= 1 && reads <= streams.length,
    `the totals of ${streams.length} streams watched by ${viewers.length} viewers took ${reads} reads`);
  for (const viewer of viewers) viewer.socket.close();
});
