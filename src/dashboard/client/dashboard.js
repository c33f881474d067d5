// The dashboard's client script (an ES module served by relaypool, like uPlot next to it):
// - regions with data-refresh are re-read every data-interval-ms and swapped in place, keeping
//   keyboard focus on the same control;
// - figures under [data-charts] are drawn with uPlot from the JSON at that URL, and redrawn when it
//   changes, when they are resized and when the colour scheme changes.
// Everything works without it except the live updates and the charts.
import uPlot from './uPlot.esm.js';

const HEIGHT = 200;

/** A response from the login form (the session ended): reload, and the guard shows the login. */
function loggedOut(res) {
  if (res.redirected || res.status === 401) {
    window.location.reload();
    return true;
  }
  return false;
}

function keepFresh(region) {
  const url = region.dataset.refresh;
  const every = Number(region.dataset.intervalMs) || 2000;
  let last = null;
  let busy = false;
  const tick = async () => {
    if (busy || document.hidden) return;
    busy = true;
    try {
      const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (loggedOut(res) || !res.ok) return;
      const html = await res.text();
      if (html !== last) {
        const focused = region.contains(document.activeElement) ? document.activeElement.id : '';
        region.innerHTML = html;
        last = html;
        if (focused) document.getElementById(focused)?.focus();
      }
      region.dataset.updatedAt = String(Date.now());
    } catch {
      // The server is restarting or the network blinked: the next tick tries again.
    } finally {
      busy = false;
    }
  };
  setInterval(() => void tick(), every);
}

function colours() {
  const style = getComputedStyle(document.documentElement);
  const get = (name) => style.getPropertyValue(name).trim();
  return {
    fg: get('--fg'),
    muted: get('--muted'),
    line: get('--line'),
    series: [1, 2, 3, 4, 5, 6, 7].map((i) => get(`--chart-${i}`)),
  };
}

const secondsOf = (ms) => ms.map((t) => t / 1000);

/** What each figure shows: its x values (s), series labels and y columns. */
function chartData(id, data) {
  const m = data.perMinute;
  const minutes = secondsOf(m.minutes);
  const tokens = (chart) => {
    const series =
      chart.series.length > 0 ? chart.series : [{ label: 'none', tokens: chart.hours.map(() => 0) }];
    return { x: secondsOf(chart.hours), labels: series.map((s) => s.label), ys: series.map((s) => s.tokens) };
  };
  switch (id) {
    case 'chart-requests':
      return { x: minutes, labels: ['requests', 'failed'], ys: [m.requests, m.errors] };
    case 'chart-error-rate':
      return {
        x: minutes,
        labels: ['error rate %'],
        sparse: true,
        ys: [m.requests.map((n, i) => (n === 0 ? null : (100 * m.errors[i]) / n))],
      };
    case 'chart-ttfb':
      return { x: minutes, labels: ['p50 ms', 'p95 ms'], ys: [m.ttfbP50, m.ttfbP95], sparse: true };
    case 'chart-tokens-model':
      return tokens(data.tokensByModel);
    case 'chart-tokens-key':
      return tokens(data.tokensByClientKey);
    default:
      return null;
  }
}

function options(width, labels, palette, sparse) {
  const axis = {
    stroke: palette.muted,
    grid: { stroke: palette.line, width: 1 },
    ticks: { stroke: palette.line, width: 1 },
  };
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: true } },
    axes: [axis, { ...axis, size: 56 }],
    series: [
      {},
      ...labels.map((label, i) => ({
        label,
        stroke: palette.series[i % palette.series.length],
        width: 1.5,
        // Sparse series (a rate, latencies: null in quiet minutes) need their points drawn.
        points: sparse ? { show: true, size: 4 } : { show: false },
      })),
    ],
    legend: { show: true },
  };
}

function drawCharts(container) {
  const url = container.dataset.charts;
  const every = Number(container.dataset.intervalMs) || 10000;
  const charts = new Map();
  let latest = null;
  const draw = (rebuild) => {
    if (latest === null) return;
    const palette = colours();
    for (const figure of container.querySelectorAll('figure.chart')) {
      const spec = chartData(figure.id, latest);
      const plot = figure.querySelector('.plot');
      if (spec === null || plot === null) continue;
      const data = [spec.x, ...spec.ys];
      const key = spec.labels.join('\u0000');
      const known = charts.get(figure.id);
      if (known && known.key === key && !rebuild) {
        known.chart.setData(data);
      } else {
        known?.chart.destroy();
        const chart = new uPlot(
          options(plot.clientWidth || 320, spec.labels, palette, spec.sparse === true),
          data,
          plot,
        );
        charts.set(figure.id, { key, chart });
      }
      figure.dataset.points = String(spec.ys.flat().filter((v) => v !== null && v !== 0).length);
      figure.dataset.state = 'drawn';
    }
  };
  const load = async () => {
    if (document.hidden && latest !== null) return;
    try {
      const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (loggedOut(res) || !res.ok) return;
      latest = await res.json();
      draw(false);
    } catch {
      // Try again at the next interval.
    }
  };
  new ResizeObserver(() => {
    for (const [id, { chart }] of charts) {
      const plot = document.getElementById(id)?.querySelector('.plot');
      if (plot && plot.clientWidth > 0 && plot.clientWidth !== chart.width) {
        chart.setSize({ width: plot.clientWidth, height: HEIGHT });
      }
    }
  }).observe(container);
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => draw(true));
  void load();
  setInterval(() => void load(), every);
}

for (const region of document.querySelectorAll('[data-refresh]')) keepFresh(region);
for (const container of document.querySelectorAll('[data-charts]')) drawCharts(container);
