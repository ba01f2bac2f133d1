// The history panel of one stream, opened by clicking its row: likes per minute
// over the last hour and per hour over the last day (GET /streams/{streamId}),
// as two uPlot bar charts.

import uPlot from 'uplot';
import { formatCount } from './format.js';
import { fetchStreamHistory, sumLikes } from './history.js';

/** The panel inside `card`, with a title, a summary line and two chart containers. */
export class StreamHistoryPanel {
  constructor({ card, title, summary, minuteChart, hourChart, close }) {
    Object.assign(this, { card, title, summary, minuteChart, hourChart });
    this.plots = [];
    this.shown = null; // the streamId shown, or null
    close.addEventListener('click', () => this.hide());
  }

  /** Fetches and shows the history of `streamId`; errors are shown in the panel. */
  async show(token, streamId) {
    this.shown = streamId;
    this.card.hidden = false;
    this.title.textContent = streamId;
    this.summary.textContent = 'Loading…';
    this.card.dataset.state = 'loading';
    let history;
    try {
      history = await fetchStreamHistory(token, streamId);
    } catch (error) {
      if (this.shown !== streamId) return;
      this.summary.textContent = `Could not load the history: ${error.message}`;
      this.card.dataset.state = 'error';
      return;
    }
    if (this.shown !== streamId) return; // another row was clicked meanwhile
    const lastHour = sumLikes(history.perMinute);
    const lastDay = sumLikes(history.perHour);
    this.summary.textContent =
      `${formatCount(history.likes)} likes in all · ${formatCount(lastHour)} in the last hour · ` +
      `${formatCount(lastDay)} in the last 24 hours`;
    this.card.dataset.state = 'loaded';
    this.card.dataset.lastHour = String(lastHour);
    this.#draw(history);
  }

  hide() {
    this.shown = null;
    this.card.hidden = true;
  }

  #draw(history) {
    this.plots.forEach((plot) => plot.destroy());
    this.plots = [
      barChart(this.minuteChart, 'likes / min', history.perMinute),
      barChart(this.hourChart, 'likes / h', history.perHour),
    ];
  }
}

function barChart(container, label, series) {
  const color = getComputedStyle(container).getPropertyValue('--chart-line').trim() || '#2563eb';
  const data = [series.map((point) => point.t / 1000), series.map((point) => point.likes)];
  return new uPlot(
    {
      width: Math.max(200, container.clientWidth),
      height: 150,
      legend: { show: false },
      cursor: { y: false },
      scales: { y: { range: (_u, _min, max) => [0, Math.max(5, Math.ceil((max ?? 0) * 1.15))] } },
      axes: [{ size: 30 }, { size: 50 }],
      series: [{}, { label, stroke: color, fill: color, paths: uPlot.paths.bars({ size: [0.8, 40] }), points: { show: false } }],
    },
    data,
    container,
  );
}
