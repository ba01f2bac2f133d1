// The admin dashboard page: a login form, then a live view of the like counts
// pushed by the api node over Socket.IO (docs/socketio-api.md). This file wires the
// pieces together; each piece lives in its own module.

import 'uplot/dist/uPlot.min.css';
import './style.css';
import { io } from 'socket.io-client';
import { formatCount, formatRate } from './format.js';
import { fetchStreamHistory, fetchTopStreams, HISTORY_STREAMS, ratePointsFromMinutes, sumPerMinute } from './history.js';
import { LikeRateSeries } from './like-rate.js';
import { RateChart } from './rate-chart.js';
import { clearSession, isExpired, loadSession, logIn } from './session.js';
import { StatusBar } from './status-bar.js';
import { StreamHistoryPanel } from './stream-history.js';
import { StreamTable } from './stream-table.js';
import { StreamTotals } from './stream-totals.js';
import { rankStreams, ViewerCounts } from './viewers.js';

const RATE_WINDOW_SECONDS = 300;
/**
 * At most this often the table and numbers are redrawn, however many events
 * arrive; less often if a redraw is slow (very many streams), so that drawing
 * never takes more than a fifth of the time.
 */
const RENDER_INTERVAL_MS = 250;
const MAX_RENDER_SHARE = 0.2;

/** socket.io-client's disconnect reasons, in words for the status line. */
const DISCONNECT_REASONS = {
  'transport close': 'connection lost',
  'transport error': 'connection error',
  'ping timeout': 'server stopped answering',
  'parse error': 'garbled data from the server',
};

const element = (id) => document.getElementById(id);

const totals = new StreamTotals();
const viewers = new ViewerCounts();
/** The cluster's totals (clusterTotals: {likes, streams, partitions}), null until the first. */
let clusterTotals = null;
let sortBy = 'likes'; // or 'viewers': the table's order
const rates = new LikeRateSeries(RATE_WINDOW_SECONDS);
const historyPanel = new StreamHistoryPanel({
  card: element('stream-history'),
  title: element('stream-history-title'),
  summary: element('stream-history-summary'),
  minuteChart: element('stream-history-minutes'),
  engagementChart: element('stream-history-engagement'),
  hourChart: element('stream-history-hours'),
  close: element('stream-history-close'),
});
const table = new StreamTable({
  scroller: element('stream-scroller'),
  tbody: element('stream-rows'),
  summary: element('table-summary'),
  onSelect: (streamId) => session && historyPanel.show(session.token, streamId),
});
const statusBar = new StatusBar({
  pill: element('connection-pill'),
  stateText: element('connection-state'),
  transportText: element('connection-transport'),
  freshness: element('freshness'),
});
let chart = null; // created when the dashboard is first shown, so it can measure its width

let session = null; // {token, email} while logged in
let socket = null;
let awaitingSnapshot = true; // the first statsUpdate after each connect is a snapshot
let renderScheduled = false;
let lastRenderMs = 0; // performance.now() when the last redraw started
let lastRenderCostMs = 0;

// ---- login and log out ----

/** Shows the login form, with `message` explaining why if it is not empty. */
function showLoginForm(message = '') {
  element('dashboard-view').hidden = true;
  element('account').hidden = true;
  element('login-view').hidden = false;
  showLoginMessage(message);
  element(element('login-email').value ? 'login-password' : 'login-email').focus();
}

function showLoginMessage(message) {
  element('login-message').textContent = message;
  element('login-message').hidden = message === '';
}

element('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const email = element('login-email').value.trim();
  const password = element('login-password').value;
  if (!email || !password) {
    showLoginMessage('Enter your email and password.');
    return;
  }
  const submit = element('login-submit');
  submit.disabled = true;
  submit.textContent = 'Signing in…';
  try {
    const newSession = await logIn(email, password);
    element('login-password').value = '';
    openDashboard(newSession);
  } catch (error) {
    showLoginMessage(error.message);
    element('login-password').select();
  } finally {
    submit.disabled = false;
    submit.textContent = 'Sign in';
  }
});

element('logout').addEventListener('click', () => endSession(''));

/** Disconnects, forgets the token and everything shown, and returns to the login form. */
function endSession(message) {
  socket?.disconnect();
  socket = null;
  session = null;
  clearSession();
  totals.clear();
  viewers.clear();
  clusterTotals = null;
  rates.clear();
  table.clear();
  historyPanel.hide();
  statusBar.forgetUpdates();
  statusBar.setState('disconnected');
  render();
  showLoginForm(message);
}

// ---- the live connection ----

/** Shows the dashboard and connects to the api node's Socket.IO server as `newSession`. */
function openDashboard(newSession) {
  session = newSession;
  element('login-view').hidden = true;
  element('dashboard-view').hidden = false;
  element('account').hidden = false;
  element('account-email').textContent = session.email;
  chart ??= new RateChart(element('rate-chart'), RATE_WINDOW_SECONDS);
  connect();
  loadRateHistory(session);
}

/**
 * Fills the chart with the likes/s of the minutes before the page opened, summed
 * over the most liked streams' stored history, so a reload does not start empty.
 */
async function loadRateHistory(forSession) {
  try {
    const top = await fetchTopStreams(forSession.token, HISTORY_STREAMS);
    const histories = await Promise.all(top.map(({ streamId }) => fetchStreamHistory(forSession.token, streamId)));
    if (session !== forSession) return; // logged out meanwhile
    const { times, rates: points } = ratePointsFromMinutes(sumPerMinute(histories), Date.now(), RATE_WINDOW_SECONDS);
    const added = rates.prependHistory(times, points);
    element('rate-chart').dataset.historyPoints = String(added);
    element('rate-chart-note').textContent = `last 5 minutes · before this page opened: per-minute history of the top ${HISTORY_STREAMS} streams`;
    chart?.update(rates.chartData(), Date.now() / 1000);
    scheduleRender();
  } catch (error) {
    element('rate-chart').dataset.historyPoints = '0';
    element('rate-chart-note').textContent = `last 5 minutes (history unavailable: ${error.message})`;
  }
}

function connect() {
  statusBar.setState('connecting');
  // forceNew: a fresh Manager per login, so no listeners carry over from a previous session.
  socket = io('/', { auth: { token: session.token }, forceNew: true });

  socket.on('connect', () => {
    awaitingSnapshot = true;
    statusBar.setState('live');
    statusBar.setTransport(socket.io.engine.transport.name);
    element('reconnect').hidden = true;
  });
  // Each new Engine.IO connection may upgrade from polling to WebSocket.
  socket.io.on('open', () => socket.io.engine.on('upgrade', (transport) => statusBar.setTransport(transport.name)));
  socket.io.on('reconnect_attempt', (attempt) => statusBar.setState('reconnecting', `attempt ${attempt}`));

  socket.on('connect_error', (error) => {
    // While the socket is still active the client retries by itself (server
    // down, network); otherwise the server refused the handshake.
    if (socket.active) {
      if (statusBar.state !== 'reconnecting') statusBar.setState('reconnecting', 'server unreachable');
    } else if (error.message === 'Unauthorized') {
      endSession(`${session.email} is not an admin account. Sign in with an admin account to see the dashboard.`);
    } else if (error.message === 'Invalid token') {
      endSession('Your session is no longer valid. Please sign in again.');
    } else {
      showDisconnected(`refused: ${error.message}`);
    }
  });

  socket.on('disconnect', (reason) => {
    rates.recordGap(Date.now() / 1000);
    if (reason === 'io client disconnect') return;
    if (reason !== 'io server disconnect') {
      statusBar.setState('reconnecting', DISCONNECT_REASONS[reason] ?? reason);
    } else if (isExpired(session.token)) {
      endSession('Your session has expired. Please sign in again.');
    } else {
      showDisconnected('closed by the server');
    }
  });

  socket.on('viewerCounts', (event) => {
    viewers.apply(event);
    scheduleRender();
  });
  socket.on('clusterTotals', (event) => {
    if (event && Number.isFinite(event.likes) && Number.isFinite(event.streams)) clusterTotals = event;
    scheduleRender();
  });

  socket.on('statsUpdate', (entries) => {
    if (!Array.isArray(entries)) return;
    const now = Date.now();
    if (awaitingSnapshot) {
      totals.applySnapshot(entries, now);
      awaitingSnapshot = false;
    } else {
      totals.applyChanges(entries, now);
    }
    statusBar.noteUpdate(now);
    scheduleRender();
  });
}

/** The client will not retry by itself: say why and offer a button. */
function showDisconnected(detail) {
  statusBar.setState('disconnected', detail);
  element('reconnect').hidden = false;
}

element('reconnect').addEventListener('click', () => {
  element('reconnect').hidden = true;
  statusBar.setState('connecting');
  socket?.connect();
});

// ---- drawing ----

/** Redraws soon, at most every RENDER_INTERVAL_MS, on an animation frame. */
function scheduleRender() {
  if (renderScheduled) return;
  renderScheduled = true;
  const interval = Math.max(RENDER_INTERVAL_MS, lastRenderCostMs / MAX_RENDER_SHARE);
  const wait = Math.max(0, lastRenderMs + interval - performance.now());
  setTimeout(() => requestAnimationFrame(render), wait);
}

function render() {
  renderScheduled = false;
  lastRenderMs = performance.now();
  const now = Date.now();
  table.render(rankStreams(totals, viewers, sortBy), now);
  // The cards show the cluster's totals (the per-partition summaries, docs/viewers.md);
  // until the first arrives they say what they show instead.
  if (clusterTotals) {
    element('total-likes').textContent = formatCount(clusterTotals.likes);
    element('stream-count').textContent = formatCount(clusterTotals.streams);
    element('total-note').textContent = 'every stream in the store';
  } else {
    element('total-likes').textContent = formatCount(totals.total);
    element('stream-count').textContent = formatCount(totals.size);
    element('total-note').textContent = 'waiting for the cluster totals: streams listed here only';
  }
  element('viewers-total').textContent = formatCount(viewers.total);
  const currentRate = rates.current();
  element('rate-now').textContent = currentRate === null ? '—' : formatRate(currentRate);
  element('rate-peak').textContent = formatRate(rates.peak());
  element('rate-window-average').textContent = `5-min average ${formatRate(rates.averageOver(RATE_WINDOW_SECONDS))}/s`;
  lastRenderCostMs = performance.now() - lastRenderMs;
}

// Once a second: sample the like rate, move the chart, refresh "… ago" texts.
setInterval(() => {
  const now = Date.now();
  if (statusBar.state === 'live' && !awaitingSnapshot) rates.record(now / 1000, totals.takeNewLikes());
  chart?.update(rates.chartData(), now / 1000);
  statusBar.tick(now);
  scheduleRender();
}, 1000);

for (const button of document.querySelectorAll('button.sort')) {
  button.addEventListener('click', () => {
    sortBy = button.dataset.sort;
    for (const other of document.querySelectorAll('button.sort')) {
      other.setAttribute('aria-pressed', String(other === button));
    }
    element('table-title').textContent = sortBy === 'viewers' ? 'Streams by viewers' : 'Streams by likes';
    render();
  });
}

element('stream-filter').addEventListener('input', (event) => {
  table.setFilter(event.target.value);
  render();
});

// ---- start ----

const stored = loadSession();
if (stored) openDashboard(stored);
else showLoginForm();
