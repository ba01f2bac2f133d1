// The dashboard's picture of every stream's like total, built from `statsUpdate`
// events. Each event carries ABSOLUTE totals, so merging by streamId is always
// right. The first event after a (re)connect is a snapshot of the top streams;
// later events carry only the streams that changed. Pure logic: no DOM, no timers.

/** The server sends at most this many streams in a snapshot (docs/socketio-api.md). */
export const SNAPSHOT_LIMIT = 1000;

/**
 * Like totals per stream, their sum, and the likes that arrived since the
 * rate chart last took a sample.
 */
export class StreamTotals {
  constructor() {
    /** streamId -> {streamId, likes, changedAt}; changedAt is epoch ms or null if never seen changing. */
    this.streams = new Map();
    this.total = 0;
    this.likesSinceLastTake = 0;
    // A snapshot with SNAPSHOT_LIMIT entries may have left streams out, so a
    // stream first seen later may have had likes before: its first total is
    // then not a count of new likes.
    this.snapshotMayBeIncomplete = false;
  }

  /** Number of streams known. */
  get size() {
    return this.streams.size;
  }

  /**
   * Merges the snapshot sent on connect. Likes that happened while the page was
   * disconnected update the totals but are not counted as new likes for the
   * rate (they did not arrive in the last second). Streams already known but
   * missing from the snapshot are kept: they may just have left the top list.
   */
  applySnapshot(entries, nowMs) {
    this.snapshotMayBeIncomplete = entries.length >= SNAPSHOT_LIMIT;
    for (const { streamId, likes } of entries) {
      this.#set(streamId, likes, nowMs, { countAsNewLikes: false });
    }
  }

  /** Merges an update that carries the new totals of the streams that changed. */
  applyChanges(entries, nowMs) {
    for (const { streamId, likes } of entries) {
      this.#set(streamId, likes, nowMs, { countAsNewLikes: true });
    }
  }

  /** Returns the likes counted since the previous call, and starts counting from zero. */
  takeNewLikes() {
    const likes = this.likesSinceLastTake;
    this.likesSinceLastTake = 0;
    return likes;
  }

  /** All streams, most liked first (ties by streamId, so the order is stable). */
  ranked() {
    return [...this.streams.values()].sort(
      (a, b) => b.likes - a.likes || (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0),
    );
  }

  /** Forgets everything (used on log out). */
  clear() {
    this.streams.clear();
    this.total = 0;
    this.likesSinceLastTake = 0;
    this.snapshotMayBeIncomplete = false;
  }

  #set(streamId, likes, nowMs, { countAsNewLikes }) {
    if (typeof streamId !== 'string' || !Number.isFinite(likes)) return;
    const known = this.streams.get(streamId);
    if (known) {
      const delta = likes - known.likes;
      if (delta === 0) return;
      known.likes = likes;
      known.changedAt = nowMs;
      this.total += delta;
      if (countAsNewLikes && delta > 0) this.likesSinceLastTake += delta;
      return;
    }
    // A stream seen for the first time. In a snapshot it is just a starting point;
    // in an update after a complete snapshot it had 0 likes before, so all its
    // likes are new.
    this.streams.set(streamId, { streamId, likes, changedAt: countAsNewLikes ? nowMs : null });
    this.total += likes;
    if (countAsNewLikes && !this.snapshotMayBeIncomplete) this.likesSinceLastTake += likes;
  }
}
