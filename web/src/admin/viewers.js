// Live viewers as the dashboard sees them (docs/viewers.md): `viewerCounts` events carry
// {total, streams: [{streamId, viewers}], snapshot?}. The first after each connect is a
// snapshot (the most watched streams); later ones carry only the streams whose count
// changed, at most once a second. Counts go up and down, so the newest value wins.
// Also the engagement figure of the stream history: likes per 100 viewers per minute.
// Pure logic: no DOM, no timers.

/** Viewer counts per stream and the cluster-wide total. */
export class ViewerCounts {
  constructor() {
    this.counts = new Map(); // streamId -> viewers (> 0)
    this.total = 0;
  }

  /** Merges one viewerCounts event; a snapshot replaces everything known. */
  apply(event) {
    if (!event || !Array.isArray(event.streams)) return;
    if (event.snapshot) this.counts.clear();
    for (const { streamId, viewers } of event.streams) {
      if (typeof streamId !== 'string' || !Number.isFinite(viewers)) continue;
      if (viewers > 0) this.counts.set(streamId, viewers);
      else this.counts.delete(streamId);
    }
    if (Number.isFinite(event.total)) this.total = event.total;
  }

  /** Viewers of one stream now (0 if none). */
  of(streamId) {
    return this.counts.get(streamId) ?? 0;
  }

  clear() {
    this.counts.clear();
    this.total = 0;
  }
}

/**
 * Likes per 100 viewers for each minute of a stream's history: [{t, likes, viewers,
 * per100}] in the order of `perMinute`; per100 is null for a minute without viewers
 * (nobody watched, so there is no ratio to show).
 */
export function engagementPerMinute(perMinute, viewersPerMinute) {
  const viewersAt = new Map((viewersPerMinute ?? []).map(({ t, viewers }) => [t, viewers]));
  return (perMinute ?? []).map(({ t, likes }) => {
    const viewers = viewersAt.get(t) ?? 0;
    return { t, likes, viewers, per100: viewers > 0 ? (100 * likes) / viewers : null };
  });
}

/** Likes per 100 viewers over a whole window: all likes / average viewers of watched minutes. */
export function engagementOverall(points) {
  const watched = points.filter((point) => point.viewers > 0);
  if (watched.length === 0) return null;
  const likes = watched.reduce((sum, point) => sum + point.likes, 0);
  const viewers = watched.reduce((sum, point) => sum + point.viewers, 0);
  return (100 * likes) / viewers;
}

/**
 * Every stream known by likes or by viewers, as table rows {streamId, likes, viewers,
 * changedAt}, most liked first (`by` 'likes') or most watched first ('viewers'); ties by
 * the other figure, then by streamId, so the order is stable.
 */
export function rankStreams(likeTotals, viewerCounts, by = 'likes') {
  const rows = new Map();
  for (const stream of likeTotals.streams.values()) {
    rows.set(stream.streamId, { ...stream, viewers: viewerCounts.of(stream.streamId) });
  }
  for (const [streamId, viewers] of viewerCounts.counts) {
    if (!rows.has(streamId)) rows.set(streamId, { streamId, likes: 0, viewers, changedAt: null });
  }
  const [first, second] = by === 'viewers' ? ['viewers', 'likes'] : ['likes', 'viewers'];
  return [...rows.values()].sort(
    (a, b) => b[first] - a[first] || b[second] - a[second] || (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0),
  );
}
