// The table of streams, sorted by likes or by viewers ("Watching", docs/viewers.md). Only the rows inside the scroll box
// exist in the DOM (a small pool of <tr>, reused), with two spacer rows
// standing in for the rest, and a cell is written only when its text changes.
// So thousands of streams, and updates that touch hundreds of them a second,
// cost a few dozen DOM writes per redraw. A filter box narrows the list by streamId.

import { formatAgo, formatCount } from './format.js';

/** Rows drawn above and below the visible ones, so a quick scroll shows no blank. */
const OVERSCAN_ROWS = 8;
/** Used until a real row has been measured. */
const ASSUMED_ROW_HEIGHT = 39;

/**
 * The streams table inside `scroller` (the scrolling box); `summary` says how many
 * streams match; `onSelect(streamId)` runs when a row is clicked.
 */
export class StreamTable {
  constructor({ scroller, tbody, summary, onSelect = () => {} }) {
    this.scroller = scroller;
    this.tbody = tbody;
    this.summary = summary;
    this.filter = '';
    this.matching = []; // {rank, stream} of the streams that pass the filter, most liked first
    this.rows = []; // pool of {tr, cells: [rank, stream, likes, viewers, changed], shown: [texts]}
    this.rowHeight = ASSUMED_ROW_HEIGHT;
    this.nowMs = 0;
    this.lastRenderMs = 0;
    this.flashColor = getComputedStyle(tbody).getPropertyValue('--flash').trim() || '#fef3c7';
    this.topSpacer = this.#spacer();
    this.bottomSpacer = this.#spacer();
    this.tbody.append(this.topSpacer, this.bottomSpacer);
    tbody.addEventListener('click', (event) => {
      const tr = event.target.closest('tr');
      const row = this.rows.find((candidate) => candidate.tr === tr);
      if (row?.shown[1]) onSelect(row.shown[1]);
    });
    let scrollFrame = 0;
    scroller.addEventListener('scroll', () => {
      scrollFrame ||= requestAnimationFrame(() => {
        scrollFrame = 0;
        this.#paint({ flash: false });
      });
    });
  }

  /** Shows only streams whose id contains `text` (case-insensitive); call render() after. */
  setFilter(text) {
    this.filter = text.trim().toLowerCase();
  }

  /**
   * Brings the table up to date with `ranked` (all streams in the order to show).
   * Visible streams whose total changed since the previous render flash briefly.
   */
  render(ranked, nowMs) {
    this.matching = [];
    for (let i = 0; i < ranked.length; i++) {
      if (this.filter && !ranked[i].streamId.toLowerCase().includes(this.filter)) continue;
      this.matching.push({ rank: i + 1, stream: ranked[i] });
    }
    this.nowMs = nowMs;
    this.#paint({ flash: this.lastRenderMs > 0 });
    this.lastRenderMs = nowMs;
    this.#summarize(ranked.length);
  }

  /** Removes every row (used on log out). */
  clear() {
    this.matching = [];
    this.lastRenderMs = 0;
    this.#paint({ flash: false });
    this.summary.textContent = '';
  }

  /** Fills the pool with the matching streams that are inside the scroll box. */
  #paint({ flash }) {
    const total = this.matching.length;
    const visibleRows = Math.ceil(this.scroller.clientHeight / this.rowHeight) + 2 * OVERSCAN_ROWS;
    const first = Math.max(0, Math.min(Math.floor(this.scroller.scrollTop / this.rowHeight) - OVERSCAN_ROWS, total - visibleRows));
    const count = Math.min(visibleRows, total - first);
    this.#resizePool(count);
    this.topSpacer.style.height = `${first * this.rowHeight}px`;
    this.bottomSpacer.style.height = `${(total - first - count) * this.rowHeight}px`;
    for (let i = 0; i < count; i++) {
      const { rank, stream } = this.matching[first + i];
      const row = this.rows[i];
      this.#write(row, 0, formatCount(rank));
      if (this.#write(row, 1, stream.streamId)) row.cells[1].title = stream.streamId;
      this.#write(row, 2, formatCount(stream.likes));
      this.#write(row, 3, formatCount(stream.viewers ?? 0));
      this.#write(row, 4, stream.changedAt === null ? '—' : formatAgo(stream.changedAt, this.nowMs));
      if (flash && stream.changedAt !== null && stream.changedAt > this.lastRenderMs) {
        row.cells[2].animate([{ backgroundColor: this.flashColor }, { backgroundColor: 'transparent' }], {
          duration: 700,
          easing: 'ease-out',
        });
      }
    }
    if (count > 0 && this.rowHeight === ASSUMED_ROW_HEIGHT) {
      this.rowHeight = this.rows[0].tr.getBoundingClientRect().height || ASSUMED_ROW_HEIGHT;
    }
  }

  #summarize(known) {
    const shown = this.matching.length;
    if (known === 0) this.summary.textContent = 'No streams yet — likes will appear here as they arrive.';
    else if (shown === 0) this.summary.textContent = `No stream matches “${this.filter}”.`;
    else if (shown === known) this.summary.textContent = known === 1 ? '1 stream' : `${formatCount(known)} streams`;
    else this.summary.textContent = `${formatCount(shown)} of ${formatCount(known)} streams match`;
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
      const cells = ['rank', 'stream', 'likes', 'viewers', 'changed'].map((name) => {
        const td = document.createElement('td');
        td.className = `col-${name}`;
        tr.append(td);
        return td;
      });
      this.bottomSpacer.before(tr);
      this.rows.push({ tr, cells, shown: [] });
    }
    while (this.rows.length > count) this.rows.pop().tr.remove();
  }

  #spacer() {
    const tr = document.createElement('tr');
    tr.className = 'spacer';
    tr.setAttribute('aria-hidden', 'true');
    const td = document.createElement('td');
    td.colSpan = 5;
    tr.append(td);
    return tr;
  }
}
