/** `#/reset/<token>`: a reset link an admin passed on; a new password, typed twice, and the person is in. */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, problem } from "../api.ts";
import { formatTime } from "../format.ts";
import { navigate } from "../router.ts";
import { loadMe } from "../session.ts";
import { NewPassword } from "../components/NewPassword.tsx";
import { PublicPage } from "./PublicPage.tsx";

type ResetLink = { name: string; email: string; expiresAt: number };

export function Reset({ token }: { token: string }) {
  const link = useSignal<ResetLink | null>(null);
  const gone = useSignal<string | null>(null);
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  useEffect(() => {
    api<ResetLink>("GET", `/api/auth/reset?token=${encodeURIComponent(token)}`).then(
      (l) => (link.value = l),
      (err: unknown) => (gone.value = problem(err)),
    );
  }, [token]);
  if (gone.value)
    return (
      <PublicPage title="This reset link cannot be used">
        <p class="error" role="alert">
          {gone.value}
        </p>
        <p>Ask an admin of your business for a new reset link.</p>
        <a href="#/">Log in</a>
      </PublicPage>
    );
  const l = link.value;
  if (!l) return <p class="loading">Loading…</p>;
  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const f = new FormData(event.currentTarget as HTMLFormElement);
    const password = String(f.get("password") ?? "");
    if (password !== String(f.get("repeat") ?? "")) {
      error.value = "The two passwords differ; type the same one twice";
      return;
    }
    busy.value = true;
    error.value = null;
    try {
      await api("POST", "/api/auth/reset", { token, password });
      navigate("/");
      await loadMe();
    } catch (err) {
      error.value = problem(err, { password: "Password" });
    } finally {
      busy.value = false;
    }
  }
  return (
    <PublicPage title="Choose a new password" onSubmit={submit}>
      <p class="muted">
        For {l.name} ({l.email}); this link works until {formatTime(l.expiresAt)}.
      </p>
      <NewPassword label="New password" name="password" autofocus />
      <label>
        New password again
        <input name="repeat" type="password" required minLength={10} autocomplete="new-password" />
      </label>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <button type="submit" disabled={busy.value}>
        {busy.value ? "Saving…" : "Save and log in"}
      </button>
    </PublicPage>
  );
}
