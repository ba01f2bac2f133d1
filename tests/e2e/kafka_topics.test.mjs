// Both Kafka topics are readable by kafkajs, the seed's own client, which has no LZ4,
// Snappy or ZSTD codec built in (docs/data.md, Kafka): a like accepted by an api node
// and the dead letter a consumer writes for a malformed event are read back with
// kafkajs and checked field by field (key, value, headers).
//
// The test runs its own api node and consumer of the current build (release by default)
// on topics, a group and a stream of its own, so it does not depend on, or disturb, the
// running cluster; both use the default KAFKA_COMPRESSION.
//
// Run:  node --test tests/e2e/kafka_topics.test.mjs
// Env:  PRESET, KAFKA_BROKERS, REDIS_URL, MONGO_URI, JWT_SECRET (dev mode without it)

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';

import { startPipeline } from './pipeline.mjs';
import { Api, waitFor } from './support.mjs';

const BROKERS = process.env.KAFKA_BROKERS || '127.0.0.1:9092';
const kafka = new Kafka({ clientId: 'e2e-kafkajs', brokers: BROKERS.split(','), logLevel: logLevel.NOTHING });
let pipeline;
let api;
let reader;
let TOPIC;
let DLQ_TOPIC;

/** Every message of both topics that kafkajs decoded: {topic, partition, offset, key, value, headers}. */
const received = [];

before(async () => {
  // The default KAFKA_COMPRESSION is what the contract promises kafkajs can read.
  delete process.env.KAFKA_COMPRESSION;
  pipeline = await startPipeline('kafkajs');
  ({ topic: TOPIC, dlqTopic: DLQ_TOPIC } = pipeline);
  api = new Api(pipeline.url);

  reader = kafka.consumer({ groupId: `${TOPIC}-kafkajs-reader` });
  await reader.connect();
  await reader.subscribe({ topics: [TOPIC, DLQ_TOPIC], fromBeginning: true });
  // A codec kafkajs lacks makes eachMessage never run (the run loop logs and
  // retries); the waits below then time out naming the message that never came.
  await reader.run({
    eachMessage: async ({ topic, partition, message }) => {
      const headers = {};
      for (const [name, value] of Object.entries(message.headers || {})) headers[name] = value.toString('utf8');
      received.push({ topic, partition, offset: message.offset, key: message.key, value: message.value, headers });
    },
  });
});

after(async () => {
  await reader?.disconnect();
  await pipeline?.stop();
});

test('a like accepted by an api node is read by kafkajs: key streamId, value the seed event JSON', async () => {
  const streamId = `${TOPIC}-stream`;
  const eventId = `${TOPIC}-like`;
  const token = pipeline.mintToken('kafkajs-viewer', 'viewer');
  const sentAt = Date.now();
  const { status, body } = await api.post('/engagement/like', { streamId, eventId }, token);
  assert.equal(status, 202, JSON.stringify(body));

  const message = await waitFor(
    `the like ${eventId} on ${TOPIC}, decoded by kafkajs`,
    () => received.find((m) => m.topic === TOPIC && m.key?.toString() === streamId),
    30_000,
  );
  const event = JSON.parse(message.value.toString('utf8'));
  assert.deepEqual(Object.keys(event).sort(), ['eventId', 'streamId', 'timeStamp', 'type', 'userId']);
  assert.equal(event.eventId, eventId);
  assert.equal(event.type, 'LIKE');
  assert.equal(event.streamId, streamId);
  assert.equal(event.userId, 'kafkajs-viewer');
  assert.ok(Number.isInteger(event.timeStamp) && event.timeStamp >= sentAt - 1000 && event.timeStamp <= Date.now(),
    `timeStamp ${event.timeStamp} is not the time of the like in ms`);
  assert.deepEqual(message.headers, {}, 'a like carries no headers');
});

test('a malformed event becomes a dead letter kafkajs reads: original key and bytes, the four headers', async () => {
  const key = `${TOPIC}-bad`;
  const value = Buffer.from(`{"type":"LIKE","streamId":"${key}", not json \u00e9`, 'utf8');
  const producer = kafka.producer();
  await producer.connect();
  let written;
  try {
    [written] = await producer.send({ topic: TOPIC, messages: [{ key, value }] });
  } finally {
    await producer.disconnect();
  }

  const letter = await waitFor(
    `the dead letter of ${key} on ${DLQ_TOPIC}, decoded by kafkajs`,
    () => received.find((m) => m.topic === DLQ_TOPIC && m.key?.toString() === key),
    30_000,
  );
  assert.ok(letter.value.equals(value), `the dead letter holds other bytes: ${letter.value.toString('hex')}`);
  assert.deepEqual(Object.keys(letter.headers).sort(),
    ['error', 'originalOffset', 'originalPartition', 'originalTopic']);
  assert.ok(letter.headers.error.length > 0, 'the error header is empty');
  assert.equal(letter.headers.originalTopic, TOPIC);
  assert.equal(letter.headers.originalPartition, String(written.partition));
  assert.equal(letter.headers.originalOffset, String(written.baseOffset));
});
