import { Layout } from './layout.js';

/** The login form: the admin token, once; a session cookie carries the login from then on. */
export function LoginPage(props: { error: string | null }) {
  return (
    <Layout title="Log in" csrfToken={null}>
      <h1>relaypool dashboard</h1>
      {props.error === null ? null : (
        <p class="flash error" role="alert">
          {props.error}
        </p>
      )}
      <form method="post" action="/dashboard/login" class="card login">
        <label for="token">Admin token</label>
        <input id="token" name="token" type="password" required autocomplete="current-password" autofocus />
        <button type="submit">Log in</button>
      </form>
    </Layout>
  );
}
