// bench/seed/server.js: a RECONSTRUCTION of the seed's like path, for bench/seed-ratio only;
// not the seed itself (the seed, the Node.js system this project re-implements, is not in this
// repository; docs/README.md says what it was). One Express process with the seed's stack: jsonwebtoken verifies the Bearer JWT (HS256),
// kafkajs produces the event with its defaults (acks=all, no compression), and the 202 is sent
// only after Kafka acknowledged it (`await producer.send`), as the seed does. The event has the
// shape of docs/data.md (core/counting/like_event.h), keyed by streamId, on a topic of its own
// so that our consumers never see it.
//
// env: PORT (20000), KAFKA_BROKERS (127.0.0.1:9092), JWT_SECRET (required),
//      SEED_TOPIC (bench-seed-likes), SEED_PARTITIONS (12, as engagement-events)
'use strict';
const crypto = require('node:crypto');
const express = require('express');
const jwt = require('jsonwebtoken');
const { Kafka, logLevel } = require('kafkajs');

const port = Number(process.env.PORT || 20000);
const secret = process.env.JWT_SECRET;
const topic = process.env.SEED_TOPIC || 'bench-seed-likes';
const partitions = Number(process.env.SEED_PARTITIONS || 12);
if (!secret) {
  console.error('bench/seed: JWT_SECRET is not set; give it the secret the api nodes verify with');
  process.exit(2);
}

const kafka = new Kafka({
  clientId: 'bench-seed',
  brokers: (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(','),
  logLevel: logLevel.WARN,
});
const producer = kafka.producer();

function authenticate(req, res, next) {
  const header = req.headers.authorization || '';
  if (!header.startsWith('Bearer ')) return res.status(401).json({ message: 'missing Bearer token' });
  try {
    req.user = jwt.verify(header.slice(7), secret, { algorithms: ['HS256'] });
  } catch (err) {
    return res.status(401).json({ message: `invalid token: ${err.message}` });
  }
  if (req.user.role !== 'viewer' && req.user.role !== 'admin') {
    return res.status(403).json({ message: `role "${req.user.role}" may not like` });
  }
  next();
}

const app = express();
app.use(express.json({ limit: '4kb' }));
app.get('/health', (req, res) => res.json({ status: 'ok' }));
app.post('/engagement/like', authenticate, async (req, res) => {
  const { streamId } = req.body || {};
  if (typeof streamId !== 'string' || streamId === '') {
    return res.status(400).json({ message: 'streamId (a non-empty string) is required' });
  }
  const event = {
    eventId: req.body.eventId || crypto.randomUUID(),
    type: 'LIKE',
    streamId,
    userId: String(req.user.id),
    timeStamp: Date.now(),
  };
  try {
    await producer.send({ topic, messages: [{ key: streamId, value: JSON.stringify(event) }] });
    res.status(202).json({ status: 'event queued', eventId: event.eventId });
  } catch (err) {
    res.status(503).json({ message: `Kafka did not take the event: ${err.message}`, eventId: event.eventId });
  }
});

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
  await producer.connect();
  const server = app.listen(port, '127.0.0.1', () => console.log(`bench/seed: listening on ${port}, topic ${topic}`));
  process.on('SIGTERM', () => server.close(() => producer.disconnect().then(() => process.exit(0))));
}
main().catch((err) => {
  console.error(`bench/seed: could not start: ${err.message}`);
  process.exit(1);
});
