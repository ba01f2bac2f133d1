// Formatting of the numbers and durations the dashboard shows. Pure functions,
// so they are unit-tested in Node without a browser.

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const rateFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** A count with thousand separators: 1234567 -> "1,234,567". */
export function formatCount(value) {
  return integerFormat.format(value);
}

/** A rate with at most one decimal, thousand separators: 1234.56 -> "1,234.6". */
export function formatRate(value) {
  return rateFormat.format(value);
}

/**
 * How long ago something happened, short enough for a table cell:
 * "now", "12 s ago", "4 min ago", "2 h ago". `thenMs` and `nowMs` are epoch ms.
 */
export function formatAgo(thenMs, nowMs) {
  const seconds = Math.max(0, Math.floor((nowMs - thenMs) / 1000));
  if (seconds < 1) return 'now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.floor(minutes / 60)} h ago`;
}

/** A duration in whole seconds, minutes or hours: 45 -> "45 s", 130 -> "2 min". */
export function formatDuration(seconds) {
  if (seconds < 60) return `${Math.floor(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h`;
}
