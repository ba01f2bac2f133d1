// The history panel of one stream, opened by clicking its row (GET /streams/{streamId}):
// likes (bars) and viewers (line, the most in each minute) per minute over the last hour on
// one chart, likes per 100 viewers per minute (the engagement figure) on a second, and
// likes per hour over the last day.

import uPlot from 'uplot';
import { formatCount } from './format.js';
import { fetchStreamHistory, sumLikes } from './history.js';
import { engagementOverall, engagementPerMinute } from './viewers.js';

/** The panel inside `card`, with a title, a summary line and two chart containers. */
export class StreamHistoryPanel {
  constructor({ card, title, summary, minuteChart, engagementChart, hourChart, close }) {
    Object.assign(this, { card, title, summary, minuteChart, engagementChart, hourChart });
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
    const engagement = engagementPerMinute(history.perMinute, history.viewersPerMinute);
    const overall = engagementOverall(engagement);
    this.summary.textContent =
      `${formatCount(history.likes)} likes in all · ${formatCount(lastHour)} in the last hour · ` +
      `${formatCount(lastDay)} in the last 24 hours · ${formatCount(history.viewers ?? 0)} watching now, ` +
      `peak ${formatCount(history.peakViewers ?? 0)} · ` +
      (overall === null ? 'no viewers in the last hour' : `${overall.toFixed(1)} likes per 100 viewers per minute`);
    this.card.dataset.state = 'loaded';
    this.card.dataset.lastHour = String(lastHour);
    this.card.dataset.viewers = String(history.viewers ?? 0);
    this.card.dataset.peakViewers = String(history.peakViewers ?? 0);
    this.card.dataset.viewerMinutes = String(engagement.filter((point) => point.viewers > 0).length);
    this.#draw(history, engagement);
  }

  hide() {
    this.shown = null;
    this.card.hidden = true;
  }

  #draw(history, engagement) {
    this.plots.forEach((plot) => plot.destroy());
    this.plots = [
      likesAndViewersChart(this.minuteChart, engagement),
      engagementChart(this.engagementChart, engagement),
      barChart(this.hourChart, 'likes / h', history.perHour),
    ];
  }
}

/** Likes per minute as bars (left axis) and viewers per minute as a line (right axis). */
function likesAndViewersChart(container, points) {
  const style = getComputedStyle(container);
  const likesColor = style.getPropertyValue('--chart-line').trim() || '#2563eb';
  const viewersColor = style.getPropertyValue('--chart-viewers').trim() || '#db2777';
  const data = [points.map((p) => p.t / 1000), points.map((p) => p.likes), points.map((p) => p.viewers)];
  return new uPlot(
    {
      width: Math.max(200, container.clientWidth),
      height: 170,
      legend: { show: true },
      cursor: { y: false },
      scales: {
        y: { range: (_u, _min, max) => [0, Math.max(5, Math.ceil((max ?? 0) * 1.15))] },
        viewers: { range: (_u, _min, max) => [0, Math.max(5, Math.ceil((max ?? 0) * 1.15))] },
      },
      axes: [{ size: 30 }, { size: 50, label: 'likes' }, { side: 1, scale: 'viewers', size: 50, label: 'viewers', grid: { show: false } }],
      series: [
        {},
        { label: 'likes / min', stroke: likesColor, fill: likesColor, paths: uPlot.paths.bars({ size: [0.8, 40] }), points: { show: false } },
        { label: 'viewers', scale: 'viewers', stroke: viewersColor, width: 2, points: { show: false } },
      ],
    },
    data,
    container,
  );
}

/** Likes per 100 viewers per minute; minutes nobody watched are gaps. */
function engagementChart(container, points) {
  const color = getComputedStyle(container).getPropertyValue('--chart-viewers').trim() || '#db2777';
  const data = [points.map((p) => p.t / 1000), points.map((p) => p.per100)];
  return new uPlot(
    {
      width: Math.max(200, container.clientWidth),
      height: 130,
      legend: { show: false },
      cursor: { y: false },
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil((max ?? 0) * 1.15))] } },
      axes: [{ size: 30 }, { size: 50 }],
      series: [{}, { label: 'likes per 100 viewers', stroke: color, width: 2, spanGaps: false, points: { show: true, size: 4 } }],
    },
    data,
    container,
  );
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
