// Likes per second over a sliding window, as the series the rate chart draws.
// The dashboard samples once a second how many new likes arrived (from the
// deltas of the absolute totals). Updates come in bursts (the consumers flush
// about once a second), so a one-second sample would alternate between 0 and
// twice the real rate whenever a burst lands just before or after a tick; each
// point is therefore the mean rate over the last few seconds. Pure logic: the
// caller passes the clock in.

/**
 * A window of (time, likes/s) points. A null rate marks a gap (the page was
 * not connected), which the chart draws as a break in the line.
 */
export class LikeRateSeries {
  constructor(windowSeconds = 300, smoothingSeconds = 5) {
    this.windowSeconds = windowSeconds;
    this.smoothingSeconds = smoothingSeconds;
    this.times = []; // epoch seconds
    this.rates = []; // likes per second, or null for a gap
    this.recent = []; // {time, likes} samples of the smoothing window
    this.recentStart = null; // when the smoothing window starts; null before the first sample
  }

  /**
   * Records that `newLikes` arrived between the previous sample and `timeSec`,
   * and adds a point: the likes of the last `smoothingSeconds` divided by the
   * time they span. The first sample after a start or a gap only sets the
   * starting point.
   */
  record(timeSec, newLikes) {
    const previous = this.recent.at(-1)?.time ?? this.recentStart;
    if (previous === null || timeSec <= previous) {
      this.recentStart = timeSec;
      this.recent = [];
      return;
    }
    this.recent.push({ time: timeSec, likes: newLikes });
    while (this.recent.length > 1 && timeSec - this.recent[0].time >= this.smoothingSeconds) {
      this.recentStart = this.recent.shift().time;
    }
    const likes = this.recent.reduce((sum, sample) => sum + sample.likes, 0);
    this.#push(timeSec, likes / (timeSec - this.recentStart));
  }

  /** Marks that no rate is known at `timeSec` (disconnected); the next record starts afresh. */
  recordGap(timeSec) {
    this.recent = [];
    this.recentStart = null;
    if (this.rates.length === 0 || this.rates.at(-1) === null) return;
    this.#push(timeSec, null);
  }

  /** The latest point: likes/s over the last `smoothingSeconds`; null when unknown (no point, or a gap). */
  current() {
    return this.rates.at(-1) ?? null;
  }

  /** Mean of the points of the last `seconds`, ignoring gaps; 0 when there are none. */
  averageOver(seconds) {
    const since = (this.times.at(-1) ?? 0) - seconds;
    let sum = 0;
    let count = 0;
    for (let i = this.times.length - 1; i >= 0 && this.times[i] > since; i--) {
      if (this.rates[i] === null) continue;
      sum += this.rates[i];
      count++;
    }
    return count === 0 ? 0 : sum / count;
  }

  /** The highest point in the window; 0 when there is none. */
  peak() {
    let peak = 0;
    for (const rate of this.rates) if (rate !== null && rate > peak) peak = rate;
    return peak;
  }

  /** The points as uPlot expects them: [times, rates]. */
  chartData() {
    return [this.times, this.rates];
  }

  /**
   * Puts points from before the page opened (stored history, see history.js)
   * in front of the live ones: only those older than the first live point, with
   * a gap between, so the two kinds are not joined by a line. Returns how many
   * were added.
   */
  prependHistory(times, rates) {
    const firstLive = this.times[0] ?? Infinity;
    const keep = times.filter((time) => time < firstLive).length;
    if (keep === 0) return 0;
    const gapTime = this.times.length > 0 ? (times[keep - 1] + firstLive) / 2 : null;
    this.times = [...times.slice(0, keep), ...(gapTime === null ? [] : [gapTime]), ...this.times];
    this.rates = [...rates.slice(0, keep), ...(gapTime === null ? [] : [null]), ...this.rates];
    return keep;
  }

  /** Forgets every point (used on log out). */
  clear() {
    this.times = [];
    this.rates = [];
    this.recent = [];
    this.recentStart = null;
  }

  #push(timeSec, rate) {
    this.times.push(timeSec);
    this.rates.push(rate);
    const oldest = timeSec - this.windowSeconds;
    let drop = 0;
    while (drop < this.times.length && this.times[drop] < oldest) drop++;
    if (drop > 0) {
      this.times.splice(0, drop);
      this.rates.splice(0, drop);
    }
  }
}
