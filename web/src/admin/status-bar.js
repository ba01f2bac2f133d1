// The line that tells whether the dashboard can be trusted right now: the
// Socket.IO connection state and transport, and how long ago data last came.
// statsUpdate only arrives when some total changes, so silence is shown as a
// fact ("no updates for 40 s"), not as an error.

import { formatDuration } from './format.js';

/** After this long without a statsUpdate the freshness line turns amber. */
const QUIET_AFTER_SECONDS = 30;

const STATE_LABELS = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
};

/** Shows connection state, transport and data freshness in the given elements. */
export class StatusBar {
  constructor({ pill, stateText, transportText, freshness }) {
    this.pill = pill;
    this.stateText = stateText;
    this.transportText = transportText;
    this.freshness = freshness;
    this.state = 'disconnected';
    this.lastUpdateMs = null;
  }

  /** Sets the state: 'connecting' | 'live' | 'reconnecting' | 'disconnected', with optional detail text. */
  setState(state, detail = '') {
    this.state = state;
    this.pill.dataset.state = state;
    this.stateText.textContent = detail ? `${STATE_LABELS[state]} · ${detail}` : STATE_LABELS[state];
    if (state !== 'live') this.transportText.textContent = '';
  }

  /** Shows the Engine.IO transport in use: 'polling' or 'websocket'. */
  setTransport(name) {
    this.transportText.textContent = name === 'websocket' ? 'WebSocket' : 'HTTP long-polling';
  }

  /** Records that a statsUpdate arrived at `nowMs`. */
  noteUpdate(nowMs) {
    this.lastUpdateMs = nowMs;
  }

  /** Forgets when data last came (used on log out). */
  forgetUpdates() {
    this.lastUpdateMs = null;
  }

  /** Refreshes the freshness line; called every second. */
  tick(nowMs) {
    const line = this.freshness;
    if (this.state !== 'live') {
      line.dataset.level = 'stale';
      line.textContent =
        this.lastUpdateMs === null
          ? 'No data'
          : `Not receiving · last update ${formatDuration((nowMs - this.lastUpdateMs) / 1000)} ago`;
      return;
    }
    if (this.lastUpdateMs === null) {
      line.dataset.level = 'waiting';
      line.textContent = 'Waiting for the first update…';
      return;
    }
    const quietSeconds = (nowMs - this.lastUpdateMs) / 1000;
    if (quietSeconds >= QUIET_AFTER_SECONDS) {
      line.dataset.level = 'quiet';
      line.textContent = `No updates for ${formatDuration(quietSeconds)} (no new likes?)`;
    } else {
      line.dataset.level = 'flowing';
      line.textContent = quietSeconds < 1 ? 'Last update just now' : `Last update ${formatDuration(quietSeconds)} ago`;
    }
  }
}
