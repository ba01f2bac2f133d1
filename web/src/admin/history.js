// Likes over time from the api node (GET /streams?top=N, GET /streams/{streamId},
// docs/http-api.md), turned into what the dashboard draws. The fetches take the
// admin's token; the rest is pure logic with the clock passed in.

/** How many of the most liked streams the rate chart's history is summed over. */
export const HISTORY_STREAMS = 20;

/** GETs `path` with the admin token and returns the JSON body; throws an Error fit to show. */
async function getJson(path, token) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.message ?? `HTTP ${response.status} for ${path}`);
  return body;
}

/** [{streamId, likes}] of the `count` most liked streams. */
export function fetchTopStreams(token, count = HISTORY_STREAMS) {
  return getJson(`/streams?top=${count}`, token);
}

/** {streamId, likes, updatedAt, perMinute: [{t, likes}], perHour: [{t, likes}]}. */
export function fetchStreamHistory(token, streamId) {
  return getJson(`/streams/${encodeURIComponent(streamId)}`, token);
}

/** Per-minute likes summed over several streams' histories: [{t, likes}] sorted by t. */
export function sumPerMinute(histories) {
  const sums = new Map();
  for (const history of histories) {
    for (const { t, likes } of history.perMinute ?? []) sums.set(t, (sums.get(t) ?? 0) + likes);
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([t, likes]) => ({ t, likes }));
}

/**
 * Rate points (epoch seconds, likes/s) for the chart from per-minute buckets:
 * a finished minute is one point at its end, likes / 60; the minute in progress
 * is a point at `nowMs`, likes over the seconds it has run (at least one).
 * Only points inside the last `windowSeconds` are kept.
 */
export function ratePointsFromMinutes(perMinute, nowMs, windowSeconds) {
  const times = [];
  const rates = [];
  const oldestSec = nowMs / 1000 - windowSeconds;
  for (const { t, likes } of perMinute) {
    const endMs = t + 60_000;
    const [timeSec, rate] = endMs <= nowMs
      ? [endMs / 1000, likes / 60]
      : [nowMs / 1000, likes / Math.max(1, (nowMs - t) / 1000)];
    if (timeSec < oldestSec || t > nowMs) continue;
    times.push(timeSec);
    rates.push(rate);
  }
  return { times, rates };
}

/** Total likes of a per-minute or per-hour series. */
export function sumLikes(series) {
  return (series ?? []).reduce((sum, point) => sum + point.likes, 0);
}
