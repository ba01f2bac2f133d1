// Number and duration formatting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAgo, formatCount, formatDuration, formatRate } from '../src/admin/format.js';

test('counts get thousand separators', () => {
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(1234567), '1,234,567');
});

test('rates keep at most one decimal', () => {
  assert.equal(formatRate(1234.56), '1,234.6');
  assert.equal(formatRate(3), '3');
});

test('ago texts grow from seconds to hours', () => {
  assert.equal(formatAgo(10_000, 10_500), 'now');
  assert.equal(formatAgo(0, 12_000), '12 s ago');
  assert.equal(formatAgo(0, 250_000), '4 min ago');
  assert.equal(formatAgo(0, 7_300_000), '2 h ago');
  assert.equal(formatAgo(5_000, 0), 'now', 'a clock step backwards is not negative');
});

test('durations', () => {
  assert.equal(formatDuration(45.9), '45 s');
  assert.equal(formatDuration(130), '2 min');
  assert.equal(formatDuration(7200), '2 h');
});
