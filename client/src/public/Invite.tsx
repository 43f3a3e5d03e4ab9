/** `#/invite/<token>`: someone invited to a business picks their name and password and is in. */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { UserRole } from "../../../schema/constants.ts";
import { api, problem } from "../api.ts";
import { asRole } from "../can.ts";
import { formatTime } from "../format.ts";
import { navigate } from "../router.ts";
import { loadMe } from "../session.ts";
import { NewPassword } from "../components/NewPassword.tsx";
import { PublicPage } from "./PublicPage.tsx";

type Invitation = { business: string; email: string; role: UserRole; expiresAt: number };

export function Invite({ token }: { token: string }) {
  const invitation = useSignal<Invitation | null>(null);
  const gone = useSignal<string | null>(null);
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  useEffect(() => {
    api<Invitation>("GET", `/api/invitations/accept?token=${encodeURIComponent(token)}`).then(
      (i) => (invitation.value = i),
      (err: unknown) => (gone.value = problem(err)),
    );
  }, [token]);
  if (gone.value)
    return (
      <PublicPage title="This invitation cannot be used">
        <p class="error" role="alert">
          {gone.value}
        </p>
        <p>Ask whoever invited you for a new invitation.</p>
        <a href="#/">Log in</a>
      </PublicPage>
    );
  const i = invitation.value;
  if (!i) return <p class="loading">Loading…</p>;
  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const f = new FormData(event.currentTarget as HTMLFormElement);
    busy.value = true;
    error.value = null;
    try {
      await api("POST", "/api/invitations/accept", { token, name: String(f.get("name") ?? "").trim(), password: String(f.get("password") ?? "") });
      navigate("/");
      await loadMe();
    } catch (err) {
      error.value = problem(err, { name: "Your name", password: "Password" });
    } finally {
      busy.value = false;
    }
  }
  return (
    <PublicPage title={`Join ${i.business} as ${asRole(i.role)}`} onSubmit={submit}>
      <p class="muted">
        Invitation for {i.email}, valid until {formatTime(i.expiresAt)}.
      </p>
      <label>
        Your name
        <input name="name" required maxLength={100} autocomplete="name" autofocus />
      </label>
      <NewPassword label="Password" name="password" />
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <button type="submit" disabled={busy.value}>
        {busy.value ? "Joining…" : `Join ${i.business}`}
      </button>
    </PublicPage>
  );
}
