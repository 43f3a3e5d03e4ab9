/** The business (the tenant): its name, time zone, country for phone numbers, attribution window, and the popup's Open in CRM link. */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, problem } from "../../api.ts";
import { ZoneList } from "../../components/ZoneList.tsx";
import { loadMe } from "../../session.ts";
import { CRM_PLACEHOLDERS } from "../../../../schema/crm.ts";

type Tenant = { id: string; slug: string; name: string; timeZone: string; defaultCountry: string; attributionWindowDays: number; siteOrigins: string[]; crmUrlTemplate: string | null };

const LABELS = { name: "Business name", timeZone: "Time zone", defaultCountry: "Country", attributionWindowDays: "Attribution window", siteOrigins: "Website origins:", crmUrlTemplate: "The Open in CRM link" };


export function BusinessSettings() {
  const tenant = useSignal<Tenant | null>(null);
  const message = useSignal<string | null>(null);
  useEffect(() => {
    void api<Tenant>("GET", "/api/tenant").then((t) => (tenant.value = t));
  }, []);
  const t = tenant.value;
  if (!t) return <p class="loading">Loading…</p>;
  async function save(event: SubmitEvent) {
    event.preventDefault();
    const f = new FormData(event.currentTarget as HTMLFormElement);
    try {
      tenant.value = await api<Tenant>("PATCH", "/api/tenant", {
        name: String(f.get("name") ?? "").trim(),
        timeZone: String(f.get("timeZone") ?? "").trim(),
        defaultCountry: String(f.get("defaultCountry") ?? "").trim().toUpperCase(),
        attributionWindowDays: Number(f.get("attributionWindowDays")),
        siteOrigins: String(f.get("siteOrigins") ?? "")
          .split(/[\s,]+/)
          .filter(Boolean),
        crmUrlTemplate: String(f.get("crmUrlTemplate") ?? "").trim() || null,
      });
      message.value = "Saved";
      await loadMe();
    } catch (err) {
      message.value = problem(err, LABELS);
    }
  }
  return (
    <form class="contact-form" onSubmit={save} aria-label="Business">
      <label>
        Business name
        <input name="name" required maxLength={100} defaultValue={t.name} />
      </label>
      <label>
        Time zone
        <input name="timeZone" required list="zones" defaultValue={t.timeZone} />
      </label>
      <small class="muted">Reports, business hours and "today" follow this zone.</small>
      <ZoneList id="zones" />
      <label>
        Country
        <input name="defaultCountry" required maxLength={2} size={3} defaultValue={t.defaultCountry} />
      </label>
      <small class="muted">Two letters (US, CA, GB): for phone numbers typed without a +country code.</small>
      <label>
        Attribution window (days)
        <input name="attributionWindowDays" type="number" min={1} max={3650} required defaultValue={String(t.attributionWindowDays)} />
      </label>
      <small class="muted">Income counts toward the campaign of the customer's first call when it arrives within this many days of that call.</small>
      <label>
        Website origins
        <textarea name="siteOrigins" rows={3} placeholder="https://www.example.com" defaultValue={(t.siteOrigins ?? []).join("\n")} />
      </label>
      <small class="muted">One a line: the addresses of your website (no page path). Only their pages may show your number pools' numbers (Numbers › Number pools).</small>
      <label>
        Open in CRM link
        <input name="crmUrlTemplate" type="text" inputMode="url" maxLength={2000} defaultValue={t.crmUrlTemplate ?? ""} placeholder="https://crm.example.com/contacts?phone={number}&name={name}" />
      </label>
      <small class="muted">
        Every popup gets an Open in CRM button that opens this address with the call's details filled in: {CRM_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}. Leave it empty for no button.
      </small>
      <div class="actions">
        <button type="submit">Save</button>
        {message.value && <span role="status">{message.value}</span>}
      </div>
    </form>
  );
}
