/** A business signs itself up: a new tenant with its first admin, straight into the dashboard. */
import { useSignal } from "@preact/signals";
import { api, problem } from "../api.ts";
import { navigate } from "../router.ts";
import { loadMe } from "../session.ts";
import { ZoneList } from "../components/ZoneList.tsx";
import { NewPassword } from "../components/NewPassword.tsx";
import { PublicPage } from "./PublicPage.tsx";

const LABELS = { business: "Business name", name: "Your name", email: "Email", password: "Password", timeZone: "Time zone", country: "Country" };

/** The browser's own guesses: its time zone, and the country of its language ("en-US" → "US"). */
export function browserZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
export function browserCountry() {
  const region = navigator.language.split("-").find((part, i) => i > 0 && /^[A-Za-z]{2}$/.test(part));
  return region ? region.toUpperCase() : "US";
}

export function Signup() {
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const f = new FormData(event.currentTarget as HTMLFormElement);
    const text = (k: string) => String(f.get(k) ?? "").trim();
    busy.value = true;
    error.value = null;
    try {
      await api("POST", "/api/signup", { business: text("business"), name: text("name"), email: text("email"), password: String(f.get("password") ?? ""), timeZone: text("timeZone") || undefined, country: text("country").toUpperCase() || undefined });
      navigate("/");
      await loadMe();
    } catch (err) {
      error.value = problem(err, LABELS);
    } finally {
      busy.value = false;
    }
  }
  return (
    <PublicPage title="Create your Switchboard" onSubmit={submit}>
      <label>
        Business name
        <input name="business" required maxLength={100} autocomplete="organization" autofocus />
      </label>
      <label>
        Your name
        <input name="name" required maxLength={100} autocomplete="name" />
      </label>
      <label>
        Email
        <input name="email" type="email" required autocomplete="username" />
      </label>
      <NewPassword label="Password" name="password" />
      <div class="pair">
        <label>
          Time zone
          <input name="timeZone" list="zones" defaultValue={browserZone()} />
        </label>
        <label>
          Country
          <input name="country" defaultValue={browserCountry()} maxLength={2} size={3} aria-describedby="country-hint" />
        </label>
      </div>
      <ZoneList id="zones" />
      <small id="country-hint" class="muted">
        The country is for phone numbers typed without a +country code.
      </small>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <button type="submit" disabled={busy.value}>
        {busy.value ? "Creating…" : "Create account"}
      </button>
      <p class="muted">
        Already have an account? <a href="#/">Log in</a>
      </p>
    </PublicPage>
  );
}
