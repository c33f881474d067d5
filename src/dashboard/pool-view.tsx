import type { PoolRow, PoolView } from './dashboard-data.js';
import { formatAge, formatDuration } from './format.js';
import { PostForm } from './layout.js';

/** Where the client script re-reads the live part of the Pool view every 2 s. */
export const POOL_FRAGMENT = '/dashboard/fragments/pool';

const TOTALS: Array<[keyof PoolView['totals'], string]> = [
  ['total', 'Accounts'],
  ['active', 'Active'],
  ['locked', 'Locked'],
  ['cooling', 'Cooling'],
  ['expired', 'Expired'],
  ['invalid', 'Invalid'],
  ['disabled', 'Disabled'],
  ['unverified', 'Unverified'],
  ['inFlight', 'In flight'],
  ['idleTasks', 'Idle tasks'],
  ['queued', 'Queued'],
];

/** An account's name for screen readers, after a button's visible verb. */
const Whose = (props: { row: PoolRow }) => <span class="vh"> {props.row.label}</span>;

function StateCell(props: { row: PoolRow }) {
  const { row } = props;
  return (
    <td data-label="State">
      <span class={`badge ${row.status}`}>{row.status}</span>
      {row.cooldownRemainingMs === null ? null : (
        <span class="detail"> for {formatDuration(row.cooldownRemainingMs)}</span>
      )}
      {row.reason === null ? null : <span class="detail reason">{row.reason}</span>}
      {row.restingModels.map((rest) => (
        <span class="detail">
          {rest.model} resting {formatDuration(rest.remainingMs)}
        </span>
      ))}
    </td>
  );
}

function ActionsCell(props: { row: PoolRow; csrfToken: string }) {
  const { row, csrfToken } = props;
  const base = `/dashboard/actions/accounts/${row.id}`;
  return (
    <td data-label="Actions" class="actions">
      <PostForm action={`${base}/${row.enabled ? 'disable' : 'enable'}`} csrfToken={csrfToken}>
        <button type="submit" id={`toggle-${row.id}`}>
          {row.enabled ? 'Disable' : 'Enable'}
          <Whose row={row} />
        </button>
      </PostForm>
      <PostForm action={`${base}/refresh`} csrfToken={csrfToken}>
        <button type="submit" id={`refresh-${row.id}`}>
          Re-check
          <Whose row={row} />
        </button>
      </PostForm>
      <a class="button danger" id={`remove-${row.id}`} href={`/dashboard/accounts/${row.id}/remove`}>
        Remove…
        <Whose row={row} />
      </a>
    </td>
  );
}

function AccountRow(props: { row: PoolRow; csrfToken: string }) {
  const { row } = props;
  return (
    <tr id={`account-${row.id}`} data-status={row.status}>
      <th scope="row" data-label="Account">
        {row.label}
        <span class="detail">
          #{row.id} · {row.kind}
        </span>
      </th>
      <StateCell row={row} />
      <td data-label="Plan">{row.plan ?? '—'}</td>
      <td data-label="Slots" class="num">
        {row.inFlight} / {row.idleTasks} / {row.limit}
      </td>
      <td data-label="Last hour" class="num">
        {row.requestsLastHour} / {row.errorsLastHour}
      </td>
      <td data-label="Last error" class="error-text">
        {row.lastError ?? '—'}
      </td>
      <td data-label="Session age">{row.sessionAgeMs === null ? '—' : formatAge(row.sessionAgeMs)}</td>
      <ActionsCell row={row} csrfToken={props.csrfToken} />
    </tr>
  );
}

/** The part of the Pool view that updates live: totals and one row per account. */
export function PoolLive(props: { view: PoolView; csrfToken: string }) {
  const { totals, rows } = props.view;
  return (
    <>
      <dl class="totals">
        <div>
          <dt>Mode</dt>
          <dd>{totals.mode}</dd>
        </div>
        {TOTALS.map(([key, name]) => (
          <div data-total={key}>
            <dt>{name}</dt>
            <dd>{totals[key] ?? '—'}</dd>
          </div>
        ))}
      </dl>
      {rows.length === 0 ? (
        <p>No accounts yet: add one under Actions.</p>
      ) : (
        <table class="pool">
          <caption class="vh">Accounts</caption>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">State</th>
              <th scope="col">Plan</th>
              <th scope="col">
                Slots <abbr title="in use / idle tasks / limit">(use/idle/max)</abbr>
              </th>
              <th scope="col">
                Last hour <abbr title="requests / errors">(req/err)</abbr>
              </th>
              <th scope="col">Last error</th>
              <th scope="col">Session age</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <AccountRow row={row} csrfToken={props.csrfToken} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** The Pool view. */
export function PoolSection(props: { view: PoolView; csrfToken: string }) {
  return (
    <section id="pool" aria-labelledby="pool-title">
      <h2 id="pool-title">Pool</h2>
      <div id="pool-live" data-refresh={POOL_FRAGMENT} data-interval-ms="2000">
        <PoolLive view={props.view} csrfToken={props.csrfToken} />
      </div>
    </section>
  );
}
