// StreamTotals: merging statsUpdate snapshots and changes by streamId.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SNAPSHOT_LIMIT, StreamTotals } from '../src/admin/stream-totals.js';

test('a snapshot sets totals without counting them as new likes', () => {
  const totals = new StreamTotals();
  totals.applySnapshot([{ streamId: 'a', likes: 10 }, { streamId: 'b', likes: 5 }], 1000);
  assert.equal(totals.total, 15);
  assert.equal(totals.size, 2);
  assert.equal(totals.takeNewLikes(), 0);
  assert.equal(totals.streams.get('a').changedAt, null);
});

test('changes carry absolute totals: merging counts only the difference', () => {
  const totals = new StreamTotals();
  totals.applySnapshot([{ streamId: 'a', likes: 10 }], 1000);
  totals.applyChanges([{ streamId: 'a', likes: 13 }], 2000);
  totals.applyChanges([{ streamId: 'a', likes: 13 }], 3000); // repeated total: no change
  assert.equal(totals.total, 13);
  assert.equal(totals.takeNewLikes(), 3);
  assert.equal(totals.takeNewLikes(), 0);
  assert.equal(totals.streams.get('a').changedAt, 2000);
});

test('a new stream after a complete snapshot counts all its likes as new', () => {
  const totals = new StreamTotals();
  totals.applySnapshot([], 1000);
  totals.applyChanges([{ streamId: 'new', likes: 4 }], 2000);
  assert.equal(totals.total, 4);
  assert.equal(totals.takeNewLikes(), 4);
});

test('a new stream after a full snapshot is not counted as new likes (it may have had likes before)', () => {
  const totals = new StreamTotals();
  const snapshot = Array.from({ length: SNAPSHOT_LIMIT }, (_, i) => ({ streamId: `s${i}`, likes: 100 }));
  totals.applySnapshot(snapshot, 1000);
  assert.equal(totals.snapshotMayBeIncomplete, true);
  totals.applyChanges([{ streamId: 'outside-top', likes: 50 }], 2000);
  assert.equal(totals.total, SNAPSHOT_LIMIT * 100 + 50);
  assert.equal(totals.takeNewLikes(), 0);
  totals.applyChanges([{ streamId: 'outside-top', likes: 52 }], 3000);
  assert.equal(totals.takeNewLikes(), 2);
});

test('a snapshot after a reconnect updates totals and keeps streams it does not list', () => {
  const totals = new StreamTotals();
  totals.applySnapshot([{ streamId: 'a', likes: 10 }, { streamId: 'b', likes: 1 }], 1000);
  totals.applySnapshot([{ streamId: 'a', likes: 20 }], 5000);
  assert.equal(totals.total, 21);
  assert.equal(totals.streams.get('b').likes, 1);
  assert.equal(totals.streams.get('a').changedAt, 5000);
  assert.equal(totals.takeNewLikes(), 0, 'likes missed while away are not a rate');
});

test('ranked orders by likes, then streamId; malformed entries are ignored', () => {
  const totals = new StreamTotals();
  totals.applySnapshot(
    [
      { streamId: 'b', likes: 5 },
      { streamId: 'a', likes: 5 },
      { streamId: 'c', likes: 9 },
      { streamId: 42, likes: 1 },
      { streamId: 'd', likes: 'x' },
    ],
    0,
  );
  assert.deepEqual(
    totals.ranked().map((s) => s.streamId),
    ['c', 'a', 'b'],
  );
});

test('clear forgets everything', () => {
  const totals = new StreamTotals();
  totals.applySnapshot([{ streamId: 'a', likes: 10 }], 0);
  totals.clear();
  assert.equal(totals.total, 0);
  assert.equal(totals.size, 0);
});
