import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, ApiFailure } from "../api.ts";
import { alertsAllowed, allowAlerts } from "../live/alerts.ts";
import { loadMe } from "../session.ts";

type Profile = { name: string; email: string; popupOn: "ring" | "answer"; agentNumber: string | null };

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
      const agentNumber = String(f.get("agentNumber") ?? "").trim();
      profile.value = await api<Profile>("PATCH", "/api/profile", { name: String(f.get("name")), popupOn: String(f.get("popupOn")), agentNumber: agentNumber || null });
      message.value = "Saved. The popup preference applies from your next page load.";
      await loadMe();
    } catch (err) {
      message.value = err instanceof ApiFailure ? err.message : "Could not save; try again";
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
        <label>
          Open the incoming-call popup
          <select name="popupOn" defaultValue={p.popupOn}>
            <option value="ring">when the call rings</option>
            <option value="answer">when the call is answered</option>
          </select>
        </label>
        <label>
          My number for "dial agent" routes
          <input name="agentNumber" placeholder="(415) 555-0123" defaultValue={p.agentNumber ?? ""} />
        </label>
        <div class="actions">
          <button type="submit">Save</button>
          {message.value && <span role="status">{message.value}</span>}
        </div>
      </form>
      <p>
        Desktop alerts and a ring for incoming calls: {alertsAllowed.value ? "on" : "off"}{" "}
        {!alertsAllowed.value && (
          <button type="button" onClick={() => void allowAlerts()}>
            Turn on
          </button>
        )}
      </p>
    </section>
  );
}
