// A private pipeline of the current build for tests that must not share state
// with the running cluster: Kafka topics, a consumer group and a MongoDB database
// of their own, one api node (free port) and one consumer. Redis is shared (dedup
// keys are per user, and only this test's tokens are used). Not a test file.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

import { BIN_DIR, ROOT, SERVERS_ENV, freePort, startProcess, stopProcess } from './support.mjs';

const LA_API = `${BIN_DIR}api/la-api`;
const LA_CONSUMER = `${BIN_DIR}consumer/la-consumer`;
const LA_ADMIN = `${BIN_DIR}tools/la-admin`;

/**
 * Starts topics, an api node and a consumer named after `label`. `extraEnv` is
 * added to both processes' settings. Resolves to
 * {url, env, topic, dlqTopic, mintToken(id, role), stop()}.
 */
export async function startPipeline(label, extraEnv = {}) {
  const run = `${label}-${randomUUID().slice(0, 8)}`;
  const env = {
    ...process.env,
    ...SERVERS_ENV,
    MONGO_DATABASE: `e2e-${run}`,
    KAFKA_TOPIC: `e2e-${run}`,
    KAFKA_DLQ_TOPIC: `e2e-${run}-dlq`,
    KAFKA_GROUP: `e2e-${run}-group`,
    KAFKA_PARTITIONS: '2',
    FLUSH_INTERVAL_MS: '100',
    // Every request comes from 127.0.0.1, often as one user: no per-client limits here.
    LIKE_RATE_PER_S: '0', LOGIN_RATE_PER_MIN: '0', REGISTER_RATE_PER_MIN: '0', PASSWORD_JOBS_PER_ADDRESS: '0',
    ...extraEnv,
  };
  execFileSync(LA_ADMIN, ['topics'], { env });
  const port = await freePort();
  const api = await startProcess(LA_API, ['--port', String(port), '--threads', '1', '--web-root', `${ROOT}web/dist`], {
    env,
    ready: /api node listening on/,
  });
  const consumer = await startProcess(LA_CONSUMER, [], { env, ready: /consuming / }).catch(async (error) => {
    await stopProcess(api);
    throw error;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    env,
    topic: env.KAFKA_TOPIC,
    dlqTopic: env.KAFKA_DLQ_TOPIC,
    /** A token signed like the api node's own (la-admin mint-token). */
    mintToken(id, role) {
      return execFileSync(LA_ADMIN, ['mint-token', '--id', id, '--role', role], { env }).toString().trim();
    },
    /** Stops both processes; each must exit cleanly. */
    async stop() {
      const consumerCode = await stopProcess(consumer);
      const apiCode = await stopProcess(api);
      assert.equal(consumerCode, 0, `la-consumer exited with ${consumerCode}:\n${consumer.output.slice(-3000)}`);
      assert.equal(apiCode, 0, `la-api exited with ${apiCode}:\n${api.output.slice(-3000)}`);
    },
  };
}
