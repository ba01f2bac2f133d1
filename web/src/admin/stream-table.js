// The table of streams sorted by likes. It keeps one <tr> per displayed rank
// and only rewrites the cells whose text changed, so an update touching a few
// streams costs a few DOM writes even with thousands of streams known. A
// filter box narrows the list by streamId; a row limit caps the DOM size.

import { formatAgo, formatCount } from './format.js';

/** The streams table: `tbody` receives the rows, `summary` says how many are shown. */
export class StreamTable {
  constructor({ tbody, summary }) {
    this.tbody = tbody;
    this.summary = summary;
    this.rows = []; // pool of {tr, cells: [rank, stream, likes, changed], shown: [...texts]}
    this.filter = '';
    this.limit = 100;
    this.lastRenderMs = 0;
    this.flashColor = getComputedStyle(tbody).getPropertyValue('--flash').trim() || '#fef3c7';
  }

  /** Shows only streams whose id contains `text` (case-insensitive). */
  setFilter(text) {
    this.filter = text.trim().toLowerCase();
  }

  /** Shows at most `limit` rows (Infinity for all). */
  setLimit(limit) {
    this.limit = limit;
  }

  /**
   * Brings the rows up to date with `ranked` (the streams, most liked first).
   * Streams whose total changed since the previous render flash briefly.
   */
  render(ranked, nowMs) {
    const visible = [];
    for (let i = 0; i < ranked.length && visible.length < this.limit; i++) {
      if (this.filter && !ranked[i].streamId.toLowerCase().includes(this.filter)) continue;
      visible.push({ rank: i + 1, stream: ranked[i] });
    }
    this.#resizePool(visible.length);
    for (let i = 0; i < visible.length; i++) {
      const { rank, stream } = visible[i];
      const row = this.rows[i];
      this.#write(row, 0, formatCount(rank));
      const streamChanged = this.#write(row, 1, stream.streamId);
      if (streamChanged) row.cells[1].title = stream.streamId;
      this.#write(row, 2, formatCount(stream.likes));
      this.#write(row, 3, stream.changedAt === null ? '—' : formatAgo(stream.changedAt, nowMs));
      if (stream.changedAt !== null && stream.changedAt > this.lastRenderMs && this.lastRenderMs > 0) {
        row.cells[2].animate([{ backgroundColor: this.flashColor }, { backgroundColor: 'transparent' }], {
          duration: 700,
          easing: 'ease-out',
        });
      }
    }
    this.lastRenderMs = nowMs;
    this.#summarize(visible.length, ranked.length);
  }

  /** Removes every row (used on log out). */
  clear() {
    this.#resizePool(0);
    this.lastRenderMs = 0;
    this.summary.textContent = '';
  }

  #summarize(shown, known) {
    if (known === 0) this.summary.textContent = 'No streams yet — likes will appear here as they arrive.';
    else if (shown === 0) this.summary.textContent = `No stream matches “${this.filter}”.`;
    else if (shown === known) this.summary.textContent = known === 1 ? '1 stream' : `${formatCount(known)} streams`;
    else this.summary.textContent = `Showing ${formatCount(shown)} of ${formatCount(known)} streams`;
  }

  /** Writes `text` into cell `index` of `row` if it differs; returns whether it did. */
  #write(row, index, text) {
    if (row.shown[index] === text) return false;
    row.shown[index] = text;
    row.cells[index].textContent = text;
    return true;
  }

  #resizePool(count) {
    while (this.rows.length < count) {
      const tr = document.createElement('tr');
      const cells = ['rank', 'stream', 'likes', 'changed'].map((name) => {
        const td = document.createElement('td');
        td.className = `col-${name}`;
        tr.append(td);
        return td;
      });
      this.tbody.append(tr);
      this.rows.push({ tr, cells, shown: [] });
    }
    while (this.rows.length > count) this.rows.pop().tr.remove();
  }
}
