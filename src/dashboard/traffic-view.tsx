import { trafficTotals, type TokenChart, type TrafficData } from './dashboard-data.js';
import { formatClock } from './format.js';
import type { FailedRequest } from './traffic-log.js';

/** Where the client script reads the charts' data, and the failed requests table. */
export const TRAFFIC_API = '/dashboard/api/traffic';
export const FAILURES_FRAGMENT = '/dashboard/fragments/failures';

function Chart(props: { id: string; title: string; summary: string }) {
  return (
    <figure class="chart" id={props.id}>
      <figcaption>
        {props.title}
        <span class="detail">{props.summary}</span>
      </figcaption>
      <div class="plot" role="img" aria-label={`${props.title}: ${props.summary}`}></div>
    </figure>
  );
}

function tokenSummary(chart: TokenChart): string {
  const totals = chart.series.map((s) => ({ label: s.label, tokens: s.tokens.reduce((a, b) => a + b, 0) }));
  const all = totals.reduce((sum, s) => sum + s.tokens, 0);
  if (all === 0) return 'no tokens in the last 24 h';
  return `${all} tokens in the last 24 h; most: ${totals[0]?.label ?? ''} (${totals[0]?.tokens ?? 0})`;
}

/** The most recent failed requests (newest first), from this process's ring buffer. */
export function FailuresTable(props: { failures: FailedRequest[] }) {
  if (props.failures.length === 0) return <p>No failed requests since this process started.</p>;
  return (
    <div class="scroll" role="region" aria-label="Recent failed requests" tabindex={0}>
      <table class="failures">
        <thead>
          <tr>
            <th scope="col">Time (UTC)</th>
            <th scope="col">Request id</th>
            <th scope="col">Route</th>
            <th scope="col">Status</th>
            <th scope="col">Error kind</th>
          </tr>
        </thead>
        <tbody>
          {props.failures.map((f) => (
            <tr>
              <td>{formatClock(f.at)}</td>
              <td>
                <code>{f.requestId}</code>
              </td>
              <td>
                {f.method} {f.route}
              </td>
              <td class="num">{f.status}</td>
              <td>{f.errorKind ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The Traffic view: five charts (drawn by the client script from `TRAFFIC_API`) and the failed requests. */
export function TrafficSection(props: { data: TrafficData; failures: FailedRequest[] }) {
  const { requests, errors } = trafficTotals(props.data.perMinute);
  const rate = requests === 0 ? 0 : (100 * errors) / requests;
  return (
    <section id="traffic" aria-labelledby="traffic-title">
      <h2 id="traffic-title">Traffic</h2>
      <p class="note">
        Requests, errors and time to first byte: API requests this process answered, per minute, last 24 h.
        Tokens: the usage table, per hour, last 24 h.
      </p>
      <div class="charts" data-charts={TRAFFIC_API} data-interval-ms="10000">
        <Chart
          id="chart-requests"
          title="Requests per minute"
          summary={`${requests} requests, ${errors} failed`}
        />
        <Chart id="chart-error-rate" title="Error rate (%)" summary={`${rate.toFixed(1)} % over 24 h`} />
        <Chart id="chart-ttfb" title="Time to first byte (ms), p50 and p95" summary="per minute" />
        <Chart
          id="chart-tokens-model"
          title="Tokens per hour by model"
          summary={tokenSummary(props.data.tokensByModel)}
        />
        <Chart
          id="chart-tokens-key"
          title="Tokens per hour by client key"
          summary={tokenSummary(props.data.tokensByClientKey)}
        />
      </div>
      <h3>Recent failed requests</h3>
      <div id="failures-live" data-refresh={FAILURES_FRAGMENT} data-interval-ms="5000">
        <FailuresTable failures={props.failures} />
      </div>
    </section>
  );
}
