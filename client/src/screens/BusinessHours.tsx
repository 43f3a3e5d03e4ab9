/**
 * Business hours: the tenant's usual week, its holidays and days of special hours, what a caller
 * hears while the business is closed and where those calls go. One schedule for the whole business
 * (`GET|PUT|DELETE /api/business-hours`): conditional routes test it, and while it is closed calls
 * to a tracking number go to the after-hours target (the number's own, else this one). Admins and
 * managers edit; others read.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api } from "../api.ts";
import { can } from "../can.ts";
import { zoneName } from "../format.ts";
import { me } from "../session.ts";
import { FieldIssues, HoursEditor } from "../routing/fields.tsx";
import { issuesAt, issuesOf, loadRouting, placeIssues, resolved, routing, saveWithTypedNumbers, type DraftTarget, type HoursWindow, type Issue } from "../routing/model.ts";
import { NotForRole, NumbersTabs } from "../routing/NumbersTabs.tsx";
import { TargetPicker } from "../routing/TargetPicker.tsx";
import type { Target } from "../../../schema/routing.ts";

type Span = { from: string; to: string };
type Exception = { date: string; name?: string; hours: Span[] };
/** `GET /api/business-hours`: `set` false is none (always open); `open` and `exception` are of this moment. */
type Hours = {
  weekly: HoursWindow[];
  exceptions: Exception[];
  closedGreeting: string | null;
  afterHoursTarget: Target | null;
  set: boolean;
  timeZone: string;
  open: boolean;
  exception: Exception | null;
};

type Draft = { weekly: HoursWindow[]; exceptions: { date: string; name: string; closed: boolean; hours: Span[] }[]; closedGreeting: string; afterHoursTarget: DraftTarget | null };

/**
 * The API ends a day at "24:00", which a time input cannot show: the form shows it as 00:00 (a window
 * ending at midnight) and sends 00:00 back as 24:00 (09:00–00:00 is open until midnight; 00:00–00:00 all day).
 */
const shown = <T extends Span>(s: T): T => (s.to === "24:00" ? { ...s, to: "00:00" } : s);
const sent = <T extends Span>(s: T): T => (s.to === "00:00" ? { ...s, to: "24:00" } : s);

function draftOf(h: Hours): Draft {
  const weekly = h.set ? h.weekly.map(shown) : [1, 2, 3, 4, 5].map((day) => ({ day, from: "09:00", to: "17:00" }));
  return {
    weekly,
    exceptions: h.exceptions.map((e) => ({ date: e.date, name: e.name ?? "", closed: e.hours.length === 0, hours: e.hours.map(shown) })),
    closedGreeting: h.closedGreeting ?? "",
    afterHoursTarget: h.afterHoursTarget,
  };
}

export function BusinessHoursScreen({ query }: { query: URLSearchParams }) {
  const hours = useSignal<Hours | null>(null);
  const failed = useSignal<string | null>(null);
  const load = () =>
    api<Hours>("GET", "/api/business-hours")
      .then((h) => (hours.value = h))
      .catch((err) => (failed.value = issuesOf(err)[0]?.message ?? "Could not load the business hours"));
  useEffect(() => {
    if (!can("routing:read")) return;
    void load();
    void loadRouting();
  }, []);
  if (!can("routing:read")) return <NotForRole />;
  return (
    <section class="screen routing">
      <NumbersTabs current="hours" />
      {failed.value && <p class="error">{failed.value}</p>}
      {hours.value && routing.receiving.value ? <HoursForm hours={hours.value} reload={load} saved={query.get("saved") === "1"} /> : !failed.value && <p class="loading">Loading…</p>}
    </section>
  );
}

function HoursForm({ hours, reload, saved }: { hours: Hours; reload: () => Promise<unknown>; saved: boolean }) {
  const writes = can("routing:write");
  const editing = useSignal(hours.set);
  const draft = useSignal<Draft>(draftOf(hours));
  const issues = useSignal<Issue[]>([]);
  const status = useSignal<string | null>(saved ? "Saved: the next call follows it." : null);
  const saving = useSignal(false);
  const d = draft.value;
  const set = (patch: Partial<Draft>) => ((draft.value = { ...draft.value, ...patch }), (status.value = null));
  const setException = (i: number, patch: Partial<Draft["exceptions"][number]>) => set({ exceptions: d.exceptions.map((e, j) => (j === i ? { ...e, ...patch } : e)) });
  const at = (path: string) => <FieldIssues messages={issuesAt(issues.value, path)} />;

  async function save(event: SubmitEvent) {
    event.preventDefault();
    saving.value = true;
    issues.value = [];
    const fields: [string, DraftTarget][] = d.afterHoursTarget ? [["afterHoursTarget", d.afterHoursTarget]] : [];
    try {
      const done = await saveWithTypedNumbers(fields, me.value?.tenant.country ?? "US", (ids) =>
        api("PUT", "/api/business-hours", {
          weekly: d.weekly.map(sent),
          exceptions: d.exceptions.map((e) => ({ date: e.date, ...(e.name.trim() ? { name: e.name.trim() } : {}), hours: e.closed ? [] : e.hours.map(sent) })),
          closedGreeting: d.closedGreeting.trim() || null,
          afterHoursTarget: d.afterHoursTarget ? resolved(d.afterHoursTarget, ids) : null,
        }),
      );
      if ("issues" in done) return void (issues.value = done.issues);
      if (done.made) await loadRouting();
      await reload();
      status.value = "Saved: the next call follows it.";
    } catch (err) {
      issues.value = placeIssues(issuesOf(err), fields, "the business hours");
    } finally {
      saving.value = false;
    }
  }

  async function clear() {
    if (!confirm("Clear the business hours? The business is then always open, and no call goes to the after-hours target.")) return;
    try {
      await api("DELETE", "/api/business-hours");
      editing.value = false;
      await reload();
      draft.value = draftOf({ ...hours, set: false, exceptions: [], closedGreeting: null, afterHoursTarget: null });
      status.value = "Cleared: the business is always open.";
    } catch (err) {
      issues.value = issuesOf(err);
    }
  }

  const now = hours.set ? (hours.open ? "Open now" : hours.exception ? `Closed now: ${hours.exception.name ?? "a day of special hours"}` : "Closed now") : "Always open: no business hours are set";
  const general = issues.value.filter((i) => !/^(weekly|exceptions|closedGreeting|afterHoursTarget)/.test(i.path));
  return (
    <form class="routing-form hours-form" onSubmit={save} aria-label="Business hours">
      <div class="screen-head">
        <h1>Business hours</h1>
        <span class={`badge ${hours.open ? "ok" : "warn"}`} data-testid="open-now">
          {now}
        </span>
      </div>
      <p class="muted intro">
        When the business takes calls, in {zoneName()}. While it is closed, calls go to the after-hours target; a conditional route can also test “the business is open”.
      </p>
      {status.value && <p role="status">{status.value}</p>}
      {general.length > 0 && <FieldIssues messages={general.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))} />}
      {!editing.value ? (
        writes && <div class="actions">
          <button type="button" class="primary" onClick={() => (editing.value = true)}>
            Set business hours
          </button>
        </div>
      ) : (
        <>
          <fieldset disabled={!writes}>
            <HoursEditor legend="Weekly hours" zone={zoneName()} value={d.weekly} disabled={!writes} onChange={(weekly) => set({ weekly })} />
            <small class="muted">A window that ends at 00:00 is open until midnight; 00:00 to 00:00 is open all day. No window on a day: closed that day.</small>
            {at("weekly")}
            <fieldset class="exceptions">
              <legend>Holidays and special hours</legend>
              <small class="muted">A dated day replaces its weekday's hours: closed all day, or open only the hours given.</small>
              {d.exceptions.length === 0 && <p class="muted">None.</p>}
              <ul class="exception-list">
                {d.exceptions.map((e, i) => (
                  <li key={i} class="exception-row" data-date={e.date}>
                    <div class="field-row">
                      <label>
                        Date
                        <input type="date" required value={e.date} onInput={(ev) => setException(i, { date: (ev.currentTarget as HTMLInputElement).value })} />
                        {at(`exceptions.${i}.date`)}
                      </label>
                      <label class="grow">
                        Name
                        <input value={e.name} maxLength={100} placeholder="Christmas Day" onInput={(ev) => setException(i, { name: (ev.currentTarget as HTMLInputElement).value })} />
                        {at(`exceptions.${i}.name`)}
                      </label>
                      <label>
                        That day
                        <select value={e.closed ? "closed" : "hours"} onChange={(ev) => setException(i, { closed: (ev.currentTarget as HTMLSelectElement).value === "closed", hours: e.hours.length ? e.hours : [{ from: "09:00", to: "13:00" }] })}>
                          <option value="closed">Closed all day</option>
                          <option value="hours">Open only…</option>
                        </select>
                      </label>
                    </div>
                    {!e.closed && (
                      <ul class="hours-list">
                        {e.hours.map((s, k) => (
                          <li key={k} class="hours-row">
                            <input type="time" required aria-label={`${e.name || e.date || "Day"}: window ${k + 1} from`} value={s.from} onChange={(ev) => setException(i, { hours: e.hours.map((x, j) => (j === k ? { ...x, from: (ev.currentTarget as HTMLInputElement).value } : x)) })} />
                            <span aria-hidden="true">to</span>
                            <input type="time" required aria-label={`${e.name || e.date || "Day"}: window ${k + 1} to`} value={s.to} onChange={(ev) => setException(i, { hours: e.hours.map((x, j) => (j === k ? { ...x, to: (ev.currentTarget as HTMLInputElement).value } : x)) })} />
                            {e.hours.length > 1 && (
                              <button type="button" class="small" onClick={() => setException(i, { hours: e.hours.filter((_, j) => j !== k) })}>
                                Remove
                              </button>
                            )}
                          </li>
                        ))}
                        {e.hours.length < 6 && (
                          <li>
                            <button type="button" class="small" onClick={() => setException(i, { hours: [...e.hours, { from: "14:00", to: "17:00" }] })}>
                              Add window
                            </button>
                          </li>
                        )}
                      </ul>
                    )}
                    {at(`exceptions.${i}.hours`)}
                    <button type="button" class="small" aria-label={`Remove ${e.name || e.date || "this day"}`} onClick={() => set({ exceptions: d.exceptions.filter((_, j) => j !== i) })}>
                      Remove day
                    </button>
                  </li>
                ))}
              </ul>
              <button type="button" class="small" onClick={() => set({ exceptions: [...d.exceptions, { date: "", name: "", closed: true, hours: [] }] })}>
                Add holiday or special hours
              </button>
            </fieldset>
            <label>
              Closed greeting
              <textarea rows={2} maxLength={1000} value={d.closedGreeting} placeholder="Thanks for calling. We are closed now; leave a message and we will call you back." onInput={(e) => set({ closedGreeting: (e.currentTarget as HTMLTextAreaElement).value })} />
              <small class="muted">Said to a caller while the business is closed, before the after-hours target.</small>
              {at("closedGreeting")}
            </label>
            <TargetPicker
              label="After hours, calls go to"
              value={d.afterHoursTarget}
              onChange={(t) => set({ afterHoursTarget: t })}
              path="afterHoursTarget"
              issues={issues.value}
              none="None: calls route as usual at all hours (a conditional route may still test the hours)"
            />
            <small class="muted">For every tracking number that has no after-hours target of its own (set one under Tracking numbers).</small>
          </fieldset>
          <div class="actions" hidden={!writes}>
            <button type="submit" class="primary" disabled={saving.value}>
              Save business hours
            </button>
            {hours.set && (
              <button type="button" class="danger" onClick={() => void clear()}>
                Clear: always open
              </button>
            )}
          </div>
        </>
      )}
    </form>
  );
}
