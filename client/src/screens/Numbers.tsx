import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, ApiFailure } from "../api.ts";
import { can } from "../can.ts";
import { formatPhone } from "../format.ts";
import { NumbersTabs } from "../routing/NumbersTabs.tsx";
import { issuesOf, loadRouting, placeIssues, resolved, routing, saveWithTypedNumbers, targetName, type DraftTarget, type Issue } from "../routing/model.ts";
import { TargetPicker } from "../routing/TargetPicker.tsx";
import { me } from "../session.ts";
import type { Campaign } from "../types.ts";
import type { Target } from "../../../schema/routing.ts";

type Tracking = {
  id: string;
  number: string;
  label: string;
  campaignId: string | null;
  campaignName: string | null;
  routeId: string | null;
  routeName: string | null;
  terminationNumber: string | null;
  failsafeNumber: string | null;
  whisper: string | null;
  record: boolean;
  /** null: the business hours' after-hours target; "ignore": routed as usual at all hours. */
  afterHoursTarget: Target | "ignore" | null;
  callsThisMonth: number;
  bought: boolean;
};
type Available = { number: string; friendlyName: string; locality: string | null; region: string | null };
/** One of the tenant's provider accounts, as whoever buys numbers chooses among them. */
type Source = { provider: string; name: string; sandbox: boolean; sells: boolean };
/** The after-hours field as edited: follow the business hours, ignore them, or a target of its own. */
type AfterHours = { mode: "follow" | "ignore" | "own"; target: DraftTarget | null };
const afterHoursOf = (t: Tracking): AfterHours =>
  t.afterHoursTarget === null ? { mode: "follow", target: null } : t.afterHoursTarget === "ignore" ? { mode: "ignore", target: null } : { mode: "own", target: t.afterHoursTarget };

/** Where a tracking number's calls go while the business is closed, in words. */
function afterHoursWords(t: Tracking) {
  if (t.afterHoursTarget === null) return null;
  return t.afterHoursTarget === "ignore" ? "After hours: rings as usual" : `After hours: ${targetName(t.afterHoursTarget)}`;
}

/**
 * Tracking numbers: what each tracks and where it rings (a route, else its termination number), its
 * whisper, recording and fail-safe number, which can be set on several numbers at once; search, buy,
 * edit, delete.
 */
export function NumbersScreen() {
  const numbers = useSignal<Tracking[] | null>(null);
  const campaigns = useSignal<Campaign[]>([]);
  const routes = useSignal<{ id: string; name: string }[]>([]);
  const offered = useSignal<Available[] | null>(null);
  const chosen = useSignal<Available | null>(null);
  const editing = useSignal<string | null>(null);
  const afterHours = useSignal<AfterHours>({ mode: "follow", target: null });
  const issues = useSignal<Issue[]>([]);
  const message = useSignal<string | null>(null);
  const sources = useSignal<Source[]>([]);
  /** The provider the offered numbers came from: the one they are bought through. */
  const from = useSignal<string | null>(null);
  const load = () => api<{ items: Tracking[] }>("GET", "/api/tracking-numbers").then((r) => (numbers.value = r.items));
  useEffect(() => {
    void load();
    void api<{ items: Campaign[] }>("GET", "/api/campaigns").then((r) => (campaigns.value = r.items));
    if (can("routing:read")) void loadRouting().then(() => (routes.value = routing.routes.value ?? []));
    if (can("numbers:write")) void api<{ items: Source[] }>("GET", "/api/tracking-numbers/providers").then((r) => (sources.value = r.items.filter((s) => s.sells)));
  }, []);
  const fail = (err: unknown) => (message.value = err instanceof ApiFailure ? err.message : "Something went wrong; try again");

  async function search(event: SubmitEvent) {
    event.preventDefault();
    const f = new FormData(event.currentTarget as HTMLFormElement);
    const params = new URLSearchParams({ limit: "10" });
    for (const k of ["areaCode", "near", "region", "provider"]) {
      const v = String(f.get(k) ?? "").trim();
      if (v) params.set(k, k === "region" ? v.toUpperCase() : v);
    }
    try {
      message.value = null;
      from.value = params.get("provider");
      offered.value = (await api<{ items: Available[] }>("GET", `/api/tracking-numbers/available?${params}`)).items;
    } catch (err) {
      fail(err);
    }
  }

  async function buy(event: SubmitEvent) {
    event.preventDefault();
    const f = new FormData(event.currentTarget as HTMLFormElement);
    try {
      await api("POST", "/api/tracking-numbers", {
        number: chosen.value!.number,
        ...(from.value ? { provider: from.value } : {}),
        label: String(f.get("label") ?? ""),
        campaignId: String(f.get("campaignId") ?? "") || null,
        terminationNumber: String(f.get("terminationNumber") ?? "").trim() || null,
      });
      message.value = `Bought ${formatPhone(chosen.value!.number)}`;
      chosen.value = null;
      offered.value = null;
      await load();
    } catch (err) {
      fail(err);
    }
  }

  async function save(t: Tracking, event: SubmitEvent) {
    event.preventDefault();
    const f = new FormData(event.currentTarget as HTMLFormElement);
    const text = (k: string) => String(f.get(k) ?? "").trim() || null;
    const failsafeNumber = text("failsafeNumber");
    const alsoOn = f.getAll("alsoOn").map(String);
    const ah = afterHours.value;
    const fields: [string, DraftTarget][] = ah.mode === "own" && ah.target ? [["afterHoursTarget", ah.target]] : [];
    issues.value = [];
    if (ah.mode === "own" && !ah.target) return void (issues.value = [{ path: "afterHoursTarget", message: "choose where calls go after hours" }]);
    try {
      message.value = null;
      const typed = await saveWithTypedNumbers(fields, me.value?.tenant.country ?? "US", (ids) =>
        api("PATCH", `/api/tracking-numbers/${t.id}`, {
          label: text("label") ?? "",
          campaignId: text("campaignId"),
          ...(can("routing:read") ? { routeId: text("routeId"), afterHoursTarget: ah.mode === "follow" ? null : ah.mode === "ignore" ? "ignore" : resolved(ah.target!, ids) } : {}),
          terminationNumber: text("terminationNumber"),
          failsafeNumber,
          whisper: text("whisper"),
          record: f.get("record") === "on",
        }),
      );
      if ("issues" in typed) return void (issues.value = typed.issues);
      // The fail-safe number on the others too: one request, all of them or none (POST /api/tracking-numbers/failsafe).
      let said = `Saved ${formatPhone(t.number)}: the next call follows it.`;
      if (alsoOn.length) {
        const others = (numbers.value ?? []).filter((n) => alsoOn.includes(n.id));
        try {
          await api("POST", "/api/tracking-numbers/failsafe", { trackingNumberIds: alsoOn, failsafeNumber });
          said = `Saved ${formatPhone(t.number)}; fail-safe ${failsafeNumber ? formatPhone(failsafeNumber) : "cleared"} also on ${others.map((n) => formatPhone(n.number)).join(", ")}`;
        } catch (err) {
          said = `Saved ${formatPhone(t.number)}, but the fail-safe number was not set on the others: ${err instanceof ApiFailure ? err.message : "try again"}`;
        }
      }
      editing.value = null;
      await load();
      if (typed.made) await loadRouting();
      // Said once the list shows what was saved.
      message.value = said;
    } catch (err) {
      const placed = placeIssues(issuesOf(err), fields, `tracking number ${formatPhone(t.number)}`);
      if (placed.some((i) => i.path.startsWith("afterHoursTarget"))) issues.value = placed;
      else fail(err);
    }
  }

  /** A sandbox number rings as a provider would ring it; a real one is tested from a phone (the server's 409 says so). */
  async function testCall(t: Tracking) {
    try {
      const placed = await api<{ from: string; to: string }>("POST", `/api/tracking-numbers/${t.id}/test-call`, {});
      message.value = `Calling ${placed.to} from ${placed.from}: the popup opens in a moment.`;
    } catch (err) {
      fail(err);
    }
  }

  async function remove(t: Tracking) {
    const released = t.bought ? " and the number is released at the provider" : "";
    if (!confirm(`Delete ${formatPhone(t.number)}? Calls to it will no longer be routed or tracked${released}.`)) return;
    try {
      message.value = (await api<{ message: string }>("DELETE", `/api/tracking-numbers/${t.id}`)).message;
      await load();
    } catch (err) {
      fail(err);
    }
  }

  const campaignOptions = (selected: string | null) => (
    <>
      <option value="">No campaign</option>
      {campaigns.value.map((c) => (
        <option key={c.id} value={c.id} selected={c.id === selected}>
          {c.name}
        </option>
      ))}
    </>
  );

  return (
    <section class="screen">
      <NumbersTabs current="tracking" />
      <h1>Tracking numbers</h1>
      {message.value && <p role="status">{message.value}</p>}
      {numbers.value && numbers.value.length > 0 && (
      <table class="list numbers">
        <thead>
          <tr>
            <th scope="col">Number</th>
            <th scope="col">Label</th>
            <th scope="col">Campaign</th>
            <th scope="col">Rings</th>
            <th scope="col">Fail-safe</th>
            <th scope="col">Calls this month</th>
            <th scope="col"></th>
          </tr>
        </thead>
        <tbody>
          {(numbers.value ?? []).map((t) =>
            editing.value === t.id ? (
              <tr key={t.id}>
                <td colSpan={7} class="wide">
                  <form class="tracking-edit" onSubmit={(e) => void save(t, e)} aria-label={`Edit ${formatPhone(t.number)}`}>
                    <strong class="wide">{formatPhone(t.number)}</strong>
                    <label>
                      Label <input name="label" defaultValue={t.label} />
                    </label>
                    <label>
                      Campaign <select name="campaignId">{campaignOptions(t.campaignId)}</select>
                    </label>
                    {can("routing:read") && (
                      <label>
                        Route
                        <select name="routeId">
                          <option value="">No route: ring the termination number</option>
                          {routes.value.map((r) => (
                            <option key={r.id} value={r.id} selected={r.id === t.routeId}>
                              {r.name}
                            </option>
                          ))}
                        </select>
                      </label>
                    )}
                    <label>
                      Termination number <input name="terminationNumber" defaultValue={t.terminationNumber ?? ""} />
                    </label>
                    <label>
                      Whisper <input name="whisper" defaultValue={t.whisper ?? ""} maxLength={500} placeholder="Call from the yard signs" />
                    </label>
                    <label class="inline">
                      <input type="checkbox" name="record" defaultChecked={t.record} /> Record calls
                    </label>
                    {can("routing:read") && (
                      <fieldset class="wide after-hours">
                        <legend>After hours</legend>
                        <select aria-label="After hours" value={afterHours.value.mode} onChange={(e) => (afterHours.value = { ...afterHours.value, mode: (e.currentTarget as HTMLSelectElement).value as AfterHours["mode"] })}>
                          <option value="follow">As the business hours say (their after-hours target)</option>
                          <option value="ignore">Ring as usual at all hours</option>
                          <option value="own">Send calls elsewhere…</option>
                        </select>
                        {afterHours.value.mode === "own" && (
                          <TargetPicker label="After hours, calls go to" value={afterHours.value.target} onChange={(target) => (afterHours.value = { ...afterHours.value, target })} path="afterHoursTarget" issues={issues.value} />
                        )}
                        {afterHours.value.mode !== "own" && issues.value.length > 0 && <p class="field-issue" role="alert">{issues.value.map((i) => i.message).join("; ")}</p>}
                        <small class="muted">
                          While the business is closed (<a href="#/numbers/hours">Business hours</a>).
                        </small>
                      </fieldset>
                    )}
                    <fieldset class="wide failsafe">
                      <legend>Fail-safe number</legend>
                      <small class="muted">Rung if Switchboard cannot follow the routing (an outage inside): a phone that is always answered.</small>
                      <input name="failsafeNumber" aria-label="Fail-safe number" defaultValue={t.failsafeNumber ?? ""} />
                      {(numbers.value ?? []).length > 1 && (
                        <details>
                          <summary>Also set this fail-safe on…</summary>
                          <div class="also-on">
                            {(numbers.value ?? [])
                              .filter((n) => n.id !== t.id)
                              .map((n) => (
                                <label key={n.id} class="inline">
                                  <input type="checkbox" name="alsoOn" value={n.id} /> <span class="number">{formatPhone(n.number)}</span>
                                  {n.label && <span class="muted"> {n.label}</span>}
                                  {n.failsafeNumber && <span class="muted"> (now {formatPhone(n.failsafeNumber)})</span>}
                                </label>
                              ))}
                          </div>
                        </details>
                      )}
                    </fieldset>
                    <div class="actions wide">
                      <button type="submit">Save</button>
                      <button type="button" onClick={() => (editing.value = null)}>
                        Cancel
                      </button>
                    </div>
                  </form>
                </td>
              </tr>
            ) : (
              <tr key={t.id} data-number={t.number}>
                <td>{formatPhone(t.number)}</td>
                <td>{t.label}</td>
                <td data-label="Campaign">{t.campaignName ?? "—"}</td>
                <td data-label="Rings">
                  {t.routeName && t.routeId ? can("routing:read") ? <a href={`#/numbers/routes/${t.routeId}`}>Route: {t.routeName}</a> : `Route: ${t.routeName}` : t.terminationNumber ? formatPhone(t.terminationNumber) : "—"}
                  {can("routing:read") && afterHoursWords(t) && <small class="muted block">{afterHoursWords(t)}</small>}
                </td>
                <td data-label="Fail-safe">{t.failsafeNumber ? formatPhone(t.failsafeNumber) : "—"}</td>
                <td data-label="Calls this month">{t.callsThisMonth}</td>
                <td class="actions">
                  {can("numbers:write") && (
                    <>
                      <button type="button" onClick={() => void testCall(t)}>
                        Test call
                      </button>
                      <button type="button" onClick={() => ((afterHours.value = afterHoursOf(t)), (issues.value = []), (editing.value = t.id))}>
                        Edit
                      </button>
                      <button type="button" onClick={() => void remove(t)}>
                        Delete
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      )}

      {numbers.value?.length === 0 && <p class="empty">No tracking numbers yet{can("numbers:write") ? ": search for one below, in the area code your callers know." : "."}</p>}
      {can("numbers:write") && (
      <>
      <h2>Add a tracking number</h2>
      <form class="filters" onSubmit={search} aria-label="Search available numbers">
        {sources.value.length > 1 && (
          <label>
            From
            <select name="provider">
              {sources.value.map((s) => (
                <option key={s.provider} value={s.provider}>
                  {s.name}
                  {s.sandbox ? " (sandbox)" : ""}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Area code <input name="areaCode" inputMode="numeric" maxLength={3} placeholder="415" />
        </label>
        <label>
          Near this number <input name="near" placeholder="(415) 555-0123" />
        </label>
        <label>
          Region <input name="region" maxLength={2} placeholder="CA" />
        </label>
        <button type="submit">Search</button>
      </form>
      {offered.value && offered.value.length === 0 && <p class="empty">No numbers available there; try another area code.</p>}
      {offered.value && offered.value.length > 0 && !chosen.value && (
        <ul class="offered">
          {offered.value.map((n) => (
            <li key={n.number}>
              {n.friendlyName} <span class="muted">{[n.locality, n.region].filter(Boolean).join(", ")}</span>{" "}
              <button type="button" data-number={n.number} onClick={() => (chosen.value = n)}>
                Choose {formatPhone(n.number)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {chosen.value && (
        <form class="contact-form" onSubmit={buy} aria-label="Buy number">
          <p>
            Buy <strong>{formatPhone(chosen.value.number)}</strong>
          </p>
          <label>
            Label <input name="label" placeholder="Yard signs" />
          </label>
          <label>
            Campaign <select name="campaignId">{campaignOptions(null)}</select>
          </label>
          <label>
            Termination number (where it rings) <input name="terminationNumber" placeholder="(415) 555-0150" required />
          </label>
          <div class="actions">
            <button type="submit">Buy {formatPhone(chosen.value.number)}</button>
            <button type="button" onClick={() => (chosen.value = null)}>
              Back
            </button>
          </div>
        </form>
      )}
      </>
      )}
    </section>
  );
}
