import { Layout, PostForm } from './layout.js';

/** The Actions view: add an account from a pasted cookie; refresh models; re-check every account. */
export function ActionsSection(props: { csrfToken: string }) {
  return (
    <section id="actions" aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      <div class="cards">
        <PostForm action="/dashboard/actions/accounts" csrfToken={props.csrfToken} class="card">
          <h3>Add an account</h3>
          <label for="cookie">Session cookie</label>
          <input
            id="cookie"
            name="cookie"
            type="password"
            required
            maxlength={4096}
            autocomplete="off"
            aria-describedby="cookie-help"
          />
          <p id="cookie-help" class="detail">
            The bare value, <code>monkeycode_ai_session=…</code>, or a whole Cookie or Set-Cookie line. It is
            checked upstream first, stored encrypted and never shown again.
          </p>
          <label for="label">Label (optional)</label>
          <input id="label" name="label" maxlength={200} autocomplete="off" />
          <button type="submit">Add account</button>
        </PostForm>
        <div class="card">
          <h3>Whole pool</h3>
          <PostForm action="/dashboard/actions/refresh-models" csrfToken={props.csrfToken}>
            <button type="submit">Refresh models</button>
          </PostForm>
          <p class="detail">Re-reads the plan and model list of every enabled account not marked invalid.</p>
          <PostForm action="/dashboard/actions/refresh-pool" csrfToken={props.csrfToken}>
            <button type="submit">Re-check every account</button>
          </PostForm>
          <p class="detail">
            Validates every enabled account's session; password accounts log in again where needed.
          </p>
        </div>
      </div>
    </section>
  );
}

/** The confirmation asked before an account is removed. */
export function RemovePage(props: { id: number; label: string; csrfToken: string; canLogOut: boolean }) {
  return (
    <Layout title="Remove account" csrfToken={props.csrfToken} canLogOut={props.canLogOut}>
      <h1>
        Remove account {props.label} (#{props.id})?
      </h1>
      <p>
        Its kept tasks are stopped and its stored session and password are deleted; its usage rows stay. This
        cannot be undone.
      </p>
      <PostForm
        action={`/dashboard/actions/accounts/${props.id}/remove`}
        csrfToken={props.csrfToken}
        class="confirm"
      >
        <button type="submit" class="danger">
          Remove {props.label}
        </button>
        <a class="button" href="/dashboard#pool">
          Cancel
        </a>
      </PostForm>
    </Layout>
  );
}
