import { useSignal } from "@preact/signals";
import { ApiFailure } from "./api.ts";
import { logIn } from "./session.ts";

export function Login() {
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    busy.value = true;
    error.value = null;
    try {
      await logIn(String(form.get("email") ?? ""), String(form.get("password") ?? ""));
    } catch (err) {
      error.value = err instanceof ApiFailure ? err.message : "Could not reach Switchboard; try again";
    } finally {
      busy.value = false;
    }
  }
  return (
    <main class="login">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Switchboard</h1>
        <label>
          Email
          <input name="email" type="email" autocomplete="username" required autofocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        {error.value && (
          <p class="error" role="alert">
            {error.value}
          </p>
        )}
        <button type="submit" disabled={busy.value}>
          {busy.value ? "Logging in…" : "Log in"}
        </button>
        <p class="muted">
          New to Switchboard? <a href="#/signup">Create an account for your business</a>
        </p>
        <p class="muted">Forgot your password? An admin of your business can give you a reset link.</p>
      </form>
    </main>
  );
}
