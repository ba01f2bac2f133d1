// viewers.js: merging viewerCounts events and the likes-per-100-viewers figure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamTotals } from '../src/admin/stream-totals.js';
import { engagementOverall, engagementPerMinute, rankStreams, ViewerCounts } from '../src/admin/viewers.js';

test('a snapshot replaces the counts, changes merge, a zero removes the stream', () => {
  const counts = new ViewerCounts();
  counts.apply({ total: 9, snapshot: true, streams: [{ streamId: 'a', viewers: 5 }, { streamId: 'b', viewers: 4 }] });
  counts.apply({ total: 7, streams: [{ streamId: 'a', viewers: 3 }] });
  assert.equal(counts.of('a'), 3);
  assert.equal(counts.total, 7);
  counts.apply({ total: 3, streams: [{ streamId: 'b', viewers: 0 }] });
  assert.equal(counts.of('b'), 0);
  assert.deepEqual([...counts.counts.keys()], ['a']);
  counts.apply({ total: 1, snapshot: true, streams: [{ streamId: 'c', viewers: 1 }] });
  assert.deepEqual([...counts.counts.keys()], ['c'], 'a new snapshot after a reconnect');
});

test('likes per 100 viewers per minute; minutes nobody watched have none', () => {
  const points = engagementPerMinute(
    [{ t: 0, likes: 30 }, { t: 60_000, likes: 5 }, { t: 120_000, likes: 2 }],
    [{ t: 0, viewers: 200 }, { t: 60_000, viewers: 0 }, { t: 120_000, viewers: 50 }],
  );
  assert.deepEqual(points.map((point) => point.per100), [15, null, 4]);
  assert.equal(engagementOverall(points), (100 * 32) / 250);
  assert.equal(engagementOverall([]), null);
});

test('the table ranks by likes or by viewers, and lists watched streams without likes', () => {
  const totals = new StreamTotals();
  totals.applySnapshot([{ streamId: 'a', likes: 10 }, { streamId: 'b', likes: 3 }], 0);
  const counts = new ViewerCounts();
  counts.apply({ total: 12, snapshot: true, streams: [{ streamId: 'b', viewers: 9 }, { streamId: 'c', viewers: 3 }] });
  assert.deepEqual(rankStreams(totals, counts, 'likes').map((row) => row.streamId), ['a', 'b', 'c']);
  assert.deepEqual(rankStreams(totals, counts, 'viewers').map((row) => [row.streamId, row.viewers, row.likes]), [
    ['b', 9, 3],
    ['c', 3, 0],
    ['a', 0, 10],
  ]);
});
