// LikeRateSeries: likes/s points from per-second samples.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LikeRateSeries } from '../src/admin/like-rate.js';

test('the first sample only sets the starting point', () => {
  const series = new LikeRateSeries(300, 5);
  series.record(100, 50);
  assert.deepEqual(series.chartData(), [[], []]);
  assert.equal(series.current(), null);
});

test('a steady rate gives the same points', () => {
  const series = new LikeRateSeries(300, 5);
  for (let t = 100; t <= 110; t++) series.record(t, 20);
  assert.equal(series.chartData()[0].length, 10);
  assert.ok(series.chartData()[1].every((rate) => rate === 20));
  assert.equal(series.current(), 20);
  assert.equal(series.peak(), 20);
});

test('bursts that alias with the sampling clock are smoothed over the window', () => {
  const series = new LikeRateSeries(300, 4);
  // 100 likes/s delivered as 200 every other second.
  for (let t = 0; t <= 20; t++) series.record(t, t % 2 === 0 ? 200 : 0);
  assert.equal(series.current(), 100);
});

test('uneven sampling divides by the real elapsed time', () => {
  const series = new LikeRateSeries(300, 5);
  series.record(10, 0);
  series.record(12, 30);
  assert.equal(series.current(), 15);
});

test('a gap breaks the line and the next sample starts afresh', () => {
  const series = new LikeRateSeries(300, 5);
  series.record(1, 0);
  series.record(2, 10);
  series.recordGap(3);
  series.recordGap(4); // a second gap adds nothing
  assert.equal(series.current(), null);
  series.record(10, 999); // starting point after the gap
  series.record(11, 7);
  assert.deepEqual(series.chartData(), [
    [2, 3, 11],
    [10, null, 7],
  ]);
  assert.equal(series.averageOver(300), 8.5);
});

test('points older than the window are dropped', () => {
  const series = new LikeRateSeries(60, 1);
  for (let t = 0; t <= 200; t++) series.record(t, 1);
  const [times] = series.chartData();
  assert.equal(times[0], 140);
  assert.equal(times.at(-1), 200);
});

test('averageOver looks only at the last seconds', () => {
  const series = new LikeRateSeries(300, 1);
  series.record(0, 0);
  for (let t = 1; t <= 10; t++) series.record(t, t <= 5 ? 100 : 10);
  assert.equal(series.averageOver(5), 10);
  assert.equal(series.peak(), 100);
});
