import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, ApiFailure, problem } from "../api.ts";
import { can } from "../can.ts";
import { NewPassword } from "../components/NewPassword.tsx";
import { alertPermission, allowAlerts, UNBLOCK_ALERTS, type AlertPermission } from "../live/alerts.ts";
import { POPUP_CLOSE_SECONDS, SMS_ALERT_CHOICES, type SmsAlertChoice } from "../../../schema/constants.ts";

const ALERT_WORDS: Record<AlertPermission, string> = { granted: "on.", default: "off.", denied: "blocked by your browser.", unsupported: "not available in this browser." };
import { loadMe } from "../session.ts";

type Profile = { name: string; email: string; popupOn: "ring" | "answer"; popupCloseSeconds: number; agentNumber: string | null; smsAlerts: SmsAlertChoice };

const SMS_WORDS: Record<SmsAlertChoice, string> = { off: "never", mine: "a call that rang me is missed or leaves a voicemail", all: "any call to the business is missed or leaves a voicemail" };

const CLOSE_WORDS: Record<number, string> = { 0: "when I close it", 5: "5 seconds after the call ends", 10: "10 seconds after the call ends", 30: "30 seconds after the call ends", 60: "1 minute after the call ends" };

export function ProfileScreen() {
  const profile = useSignal<Profile | null>(null);
  const message = useSignal<string | null>(null);
  useEffect(() => {
    void api<Profile>("GET", "/api/profile").then((p) => (profile.value = p));
  }, []);
  if (!profile.value) return <p class="loading">Loading…</p>;
  const p = profile.value;
  async function save(event: SubmitEvent) {
    event.preventDefault();
    const f = new FormData(event.currentTarget as HTMLFormElement);
    try {
      // The call settings are on the form only for roles that take calls.
      const calls = f.has("popupOn")
        ? {
            popupOn: String(f.get("popupOn")),
            popupCloseSeconds: Number(f.get("popupCloseSeconds")),
            agentNumber: String(f.get("agentNumber") ?? "").trim() || null,
            smsAlerts: String(f.get("smsAlerts") ?? "off"),
          }
        : {};
      profile.value = await api<Profile>("PATCH", "/api/profile", { name: String(f.get("name")), ...calls });
      message.value = "Saved.";
      await loadMe();
    } catch (err) {
      message.value = err instanceof ApiFailure ? problem(err, { smsAlerts: "Texts:", agentNumber: "My number:" }) : "Could not save; try again";
    }
  }
  return (
    <section class="screen">
      <h1>Profile</h1>
      <form class="contact-form" onSubmit={save}>
        <label>
          Name
          <input name="name" required defaultValue={p.name} />
        </label>
        {can("calls:write") && (
        <>
        <label>
          Open the incoming-call popup
          <select name="popupOn" defaultValue={p.popupOn}>
            <option value="ring">when the call rings</option>
            <option value="answer">when the call is answered</option>
          </select>
        </label>
        <label>
          Close a popup
          <select name="popupCloseSeconds" defaultValue={String(p.popupCloseSeconds)}>
            {POPUP_CLOSE_SECONDS.map((n) => (
              <option key={n} value={n}>
                {CLOSE_WORDS[n]}
              </option>
            ))}
          </select>
        </label>
        <small>Missed calls stay in the Notification Center after their popup closes.</small>
        <label>
          My number for "dial agent" routes
          <input name="agentNumber" placeholder="(415) 555-0123" defaultValue={p.agentNumber ?? ""} />
        </label>
        <label>
          Text me at my number when
          <select name="smsAlerts" defaultValue={p.smsAlerts}>
            {SMS_ALERT_CHOICES.map((c) => (
              <option key={c} value={c}>
                {SMS_WORDS[c]}
              </option>
            ))}
          </select>
        </label>
        <small>A text with the caller's name or number and a link to the call, at most 5 in 10 minutes; it needs your number above.</small>
        </>
        )}
        <div class="actions">
          <button type="submit">Save</button>
          {message.value && <span role="status">{message.value}</span>}
        </div>
      </form>
      <PasswordForm />
      {can("calls:write") && (
      <section aria-labelledby="alerts-title">
        <h2 id="alerts-title">Desktop alerts</h2>
        <p>
          A desktop notification and a ring for each incoming call: {ALERT_WORDS[alertPermission.value]}{" "}
          {alertPermission.value === "default" && (
            <button type="button" onClick={() => void allowAlerts()}>
              Turn on
            </button>
          )}
        </p>
        {alertPermission.value === "denied" && <p class="notice">{UNBLOCK_ALERTS}</p>}
      </section>
      )}
    </section>
  );
}

/** A new password, typed twice; the user's other sessions end with the old one. */
function PasswordForm() {
  const message = useSignal<string | null>(null);
  const busy = useSignal(false);
  async function change(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const next = String(f.get("next") ?? "");
    if (next !== String(f.get("repeat") ?? "")) {
      message.value = "The two new passwords differ; type the same one twice";
      return;
    }
    busy.value = true;
    try {
      const r = await api<{ ok: boolean; endedSessions: number }>("POST", "/api/auth/password", { current: String(f.get("current") ?? ""), next });
      form.reset();
      const others = r.endedSessions === 0 ? "No other sessions were open." : `Signed out of ${r.endedSessions} other session${r.endedSessions === 1 ? "" : "s"}.`;
      message.value = `Password changed. ${others}`;
    } catch (err) {
      message.value = problem(err, { current: "Current password", next: "New password" });
    } finally {
      busy.value = false;
    }
  }
  return (
    <form class="contact-form" onSubmit={change} aria-labelledby="password-title">
      <h2 id="password-title">Change password</h2>
      <label>
        Current password
        <input name="current" type="password" required autocomplete="current-password" />
      </label>
      <NewPassword label="New password" name="next" note="Your other sessions are signed out." />
      <label>
        New password again
        <input name="repeat" type="password" required minLength={10} autocomplete="new-password" />
      </label>
      <div class="actions">
        <button type="submit" disabled={busy.value}>
          Change password
        </button>
        {message.value && <span role="status">{message.value}</span>}
      </div>
    </form>
  );
}
