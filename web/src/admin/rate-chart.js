// The likes/s line chart (uPlot). It always shows a fixed window ending now,
// so an idle system draws a flat line moving left rather than a stretched one,
// and follows its container's width.

import uPlot from 'uplot';
import { formatRate } from './format.js';

/** A uPlot chart of a LikeRateSeries inside `container`. */
export class RateChart {
  constructor(container, windowSeconds) {
    this.container = container;
    this.windowSeconds = windowSeconds;
    this.now = Date.now() / 1000;
    const color = getComputedStyle(container).getPropertyValue('--chart-line').trim() || '#2563eb';
    const fill = getComputedStyle(container).getPropertyValue('--chart-fill').trim() || 'rgba(37,99,235,0.12)';
    const axis = {
      stroke: getComputedStyle(container).getPropertyValue('--muted').trim() || '#64748b',
      grid: { stroke: 'rgba(100,116,139,0.15)', width: 1 },
      ticks: { show: false },
    };
    this.plot = new uPlot(
      {
        width: this.#width(),
        height: this.#height(),
        legend: { show: false },
        cursor: { y: false, points: { size: 6 } },
        scales: {
          x: { time: true, range: () => [this.now - this.windowSeconds, this.now] },
          y: { range: (_u, _min, max) => [0, niceMax(max)] },
        },
        axes: [
          // Whole minutes as "14:05": the window is minutes wide, seconds would be noise.
          { ...axis, size: 32, space: 70, incrs: [60, 120, 300, 600], values: (_u, ticks) => ticks.map(formatClock) },
          { ...axis, size: 56, values: (_u, ticks) => ticks.map(formatRate) },
        ],
        series: [{}, { label: 'likes/s', stroke: color, fill, width: 2, points: { show: false }, spanGaps: false }],
      },
      [[], []],
      container,
    );
    new ResizeObserver(() => this.plot.setSize({ width: this.#width(), height: this.#height() })).observe(container);
  }

  /** Redraws the chart with `data` ([times, rates]) and a window ending at `nowSec`. */
  update(data, nowSec) {
    this.now = nowSec;
    this.plot.setData(data);
    this.container.dataset.points = String(data[0].length); // for tests and curious people
  }

  #width() {
    return Math.max(200, this.container.clientWidth);
  }

  #height() {
    return window.matchMedia('(max-width: 600px)').matches ? 170 : 230;
  }
}

/** Epoch seconds as a local "HH:MM". */
function formatClock(epochSeconds) {
  return new Date(epochSeconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
}

/** An upper bound for the y axis: at least 5, so an idle chart is not all noise. */
function niceMax(max) {
  return Math.max(5, Math.ceil((max ?? 0) * 1.15));
}
