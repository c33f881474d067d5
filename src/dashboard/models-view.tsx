import type { ModelRow } from './dashboard-data.js';

/** The Models view: what the pool serves, the accounts whose plan allows each model, and aliases. */
export function ModelsSection(props: { rows: ModelRow[] }) {
  return (
    <section id="models" aria-labelledby="models-title">
      <h2 id="models-title">Models</h2>
      {props.rows.length === 0 ? (
        <p>No model can be served: no account's plan allows one yet.</p>
      ) : (
        <div class="scroll" role="region" aria-label="Models" tabindex={0}>
          <table class="models">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Runs as</th>
                <th scope="col">Accounts that allow it</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => (
                <tr data-model={row.id}>
                  <th scope="row">
                    <code>{row.id}</code>
                    {row.alias ? <span class="badge alias">alias</span> : null}
                  </th>
                  <td>{row.alias ? <code>{row.upstreamName}</code> : 'itself'}</td>
                  <td>{row.accounts.map((a) => `${a.label} (#${a.id})`).join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
