// history.js: summing stored per-minute history and turning it into chart points.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ratePointsFromMinutes, sumLikes, sumPerMinute } from '../src/admin/history.js';
import { LikeRateSeries } from '../src/admin/like-rate.js';

const MINUTE = 60_000;
const NOW = 1_800_000_000_000 + 30_000; // 30 s into a minute

test('per-minute likes of several streams add up by bucket', () => {
  const a = { perMinute: [{ t: 0, likes: 1 }, { t: MINUTE, likes: 2 }] };
  const b = { perMinute: [{ t: MINUTE, likes: 5 }, { t: 2 * MINUTE, likes: 0 }] };
  assert.deepEqual(sumPerMinute([a, b, {}]), [
    { t: 0, likes: 1 },
    { t: MINUTE, likes: 7 },
    { t: 2 * MINUTE, likes: 0 },
  ]);
});

test('finished minutes become a point at their end, the current one a point now', () => {
  const current = NOW - 30_000;
  const perMinute = [
    { t: current - 10 * MINUTE, likes: 600 }, // outside a 5-minute window
    { t: current - 2 * MINUTE, likes: 120 },
    { t: current - MINUTE, likes: 60 },
    { t: current, likes: 90 },
  ];
  const { times, rates } = ratePointsFromMinutes(perMinute, NOW, 300);
  assert.deepEqual(times, [(current - MINUTE) / 1000, current / 1000, NOW / 1000]);
  assert.deepEqual(rates, [2, 1, 3]);
});

test('history goes in front of the live points, with a gap between', () => {
  const series = new LikeRateSeries(300, 1);
  series.record(1000, 0);
  series.record(1001, 4);
  assert.equal(series.prependHistory([900, 960, 1001], [1, 2, 9]), 2);
  assert.deepEqual(series.chartData(), [[900, 960, 980.5, 1001], [1, 2, null, 4]]);
  assert.equal(series.peak(), 4);
});

test('history alone fills an empty chart', () => {
  const series = new LikeRateSeries(300, 1);
  assert.equal(series.prependHistory([900, 960], [1, 2]), 2);
  assert.deepEqual(series.chartData(), [[900, 960], [1, 2]]);
});

test('sumLikes adds a series', () => {
  assert.equal(sumLikes([{ t: 0, likes: 2 }, { t: 1, likes: 3 }]), 5);
  assert.equal(sumLikes(undefined), 0);
});
