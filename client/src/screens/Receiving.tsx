/**
 * Receiving numbers: the phones a call rings (a mobile, a landline, a call centre, a desk phone by
 * its SIP address), each with how it is dialled (extension, whisper, ring time), where an unanswered
 * call goes next, its tagging hours and recording. Admins and managers edit; a refusal is shown at
 * the field it is about, and a number still in use says what uses it.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api } from "../api.ts";
import { can } from "../can.ts";
import { formatPhone, zoneName } from "../format.ts";
import { navigate } from "../router.ts";
import { me } from "../session.ts";
import { FieldIssues, HoursEditor } from "../routing/fields.tsx";
import { countryChoices, issuesAt, issuesOf, loadRouting, placeIssues, resolved, routing, saveWithTypedNumbers, targetName, usersOf, windowWords, type DraftTarget, type HoursWindow, type Issue, type Receiving } from "../routing/model.ts";
import { NotForRole, NumbersTabs } from "../routing/NumbersTabs.tsx";
import { TargetPicker } from "../routing/TargetPicker.tsx";

export function ReceivingScreen({ id, query }: { id?: string | undefined; query: URLSearchParams }) {
  useEffect(() => {
    if (can("routing:read")) void loadRouting();
  }, []);
  if (!can("routing:read")) return <NotForRole />;
  return (
    <section class="screen routing">
      <NumbersTabs current="receiving" />
      {id ? <ReceivingForm key={id} id={id} /> : <ReceivingList saved={query.get("saved")} />}
    </section>
  );
}

function ReceivingList({ saved }: { saved: string | null }) {
  const refused = useSignal<{ id: string; message: string } | null>(null);
  const message = useSignal<string | null>(saved ? `Saved ${saved}: the next call follows it.` : null);
  const list = routing.receiving.value;
  const writes = can("routing:write");
  async function remove(r: Receiving) {
    if (!confirm(`Delete the receiving number ${r.label} (${formatPhone(r.number)})? Calls no longer ring it.`)) return;
    try {
      refused.value = null;
      await api("DELETE", `/api/receiving-numbers/${r.id}`);
      message.value = `Deleted ${r.label} (${formatPhone(r.number)})`;
      await loadRouting();
    } catch (err) {
      refused.value = { id: r.id, message: issuesOf(err)[0]!.message };
    }
  }
  return (
    <>
      <div class="screen-head">
        <h1>Receiving numbers</h1>
        {writes && (
          <a class="button primary" href="#/numbers/receiving/new">
            New receiving number
          </a>
        )}
      </div>
      <p class="muted intro">The phones your calls ring: a mobile, a landline, your call centre, or a desk phone by its SIP address.</p>
      {message.value && <p role="status">{message.value}</p>}
      {list?.length === 0 && <p class="empty">No receiving numbers yet{writes ? ": add the phone your calls should ring." : "."}</p>}
      {list && list.length > 0 && (
        <table class="list receiving">
          <thead>
            <tr>
              <th scope="col">Label</th>
              <th scope="col">Number</th>
              <th scope="col">Extension</th>
              <th scope="col">Ring time</th>
              <th scope="col">When unanswered</th>
              <th scope="col">Tagging hours</th>
              <th scope="col">Recording</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => {
              const users = refused.value?.id === r.id ? usersOf({ kind: "receiving", id: r.id }) : [];
              return (
                <tr key={r.id} data-number={r.number}>
                  <td>
                    <a href={`#/numbers/receiving/${r.id}`}>{r.label}</a>
                  </td>
                  <td>{formatPhone(r.number)}</td>
                  <td>{r.extension ? `${r.extension}${r.extensionDelaySeconds ? ` after ${r.extensionDelaySeconds} s` : ""}` : "—"}</td>
                  <td>{r.ringSeconds} s</td>
                  <td>{r.noAnswerTarget ? targetName(r.noAnswerTarget) : "—"}</td>
                  <td>{r.taggingHours?.length ? r.taggingHours.map(windowWords).join(", ") : "Always"}</td>
                  <td>{r.record ? "On" : "Off"}</td>
                  <td class="actions">
                    {writes && (
                      <>
                        <a class="button small" href={`#/numbers/receiving/${r.id}`}>
                          Edit
                        </a>
                        <button type="button" class="small danger" onClick={() => void remove(r)}>
                          Delete
                        </button>
                      </>
                    )}
                    {refused.value?.id === r.id && (
                      <p class="field-issue" role="alert">
                        Not deleted: {refused.value.message}.
                        {users.length > 0 && (
                          <>
                            {" "}
                            Open{" "}
                            {users.map((u, i) => (
                              <span key={u.href + u.name}>
                                {i > 0 && ", "}
                                <a href={u.href}>{u.name}</a>
                              </span>
                            ))}
                          </>
                        )}
                      </p>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

type Draft = {
  country: string;
  number: string;
  label: string;
  extension: string;
  extensionDelaySeconds: number;
  whisper: string;
  ringSeconds: number;
  noAnswerTarget: DraftTarget | null;
  taggingHours: HoursWindow[];
  record: boolean;
};

const LABELS: Record<string, string> = { number: "Number", country: "Country", label: "Label", extension: "Extension", extensionDelaySeconds: "Delay", whisper: "Whisper", ringSeconds: "Ring time", taggingHours: "Tagging hours" };

function draftOf(r: Receiving | undefined): Draft {
  return {
    country: r?.country ?? me.value?.tenant.country ?? "US",
    number: r?.number ?? "",
    label: r?.label ?? "",
    extension: r?.extension ?? "",
    extensionDelaySeconds: r?.extensionDelaySeconds ?? 0,
    whisper: r?.whisper ?? "",
    ringSeconds: r?.ringSeconds ?? 20,
    noAnswerTarget: r?.noAnswerTarget ?? null,
    taggingHours: r?.taggingHours ?? [],
    record: r?.record ?? false,
  };
}

function ReceivingForm({ id }: { id: string }) {
  const isNew = id === "new";
  const existing = isNew ? undefined : routing.receiving.value?.find((r) => r.id === id);
  const draft = useSignal<Draft | null>(isNew ? draftOf(undefined) : null);
  const issues = useSignal<Issue[]>([]);
  const saving = useSignal(false);
  const writes = can("routing:write");
  useEffect(() => {
    if (!isNew && existing && !draft.value) draft.value = draftOf(existing);
  }, [existing]);
  if (!isNew && routing.receiving.value && !existing) return <p class="error">No such receiving number. <a href="#/numbers/receiving">Back to receiving numbers</a></p>;
  const d = draft.value;
  if (!d) return <p class="loading">Loading…</p>;
  const set = (patch: Partial<Draft>) => (draft.value = { ...d, ...patch });
  const at = (path: string) => <FieldIssues messages={issuesAt(issues.value, path).map((m) => `${LABELS[path] ?? ""} ${m}`.trim())} />;
  const countries = countryChoices();

  async function save(event: SubmitEvent) {
    event.preventDefault();
    if (!d) return;
    saving.value = true;
    issues.value = [];
    const fields: [string, DraftTarget][] = d.noAnswerTarget ? [["noAnswerTarget", d.noAnswerTarget]] : [];
    try {
      const done = await saveWithTypedNumbers(fields, d.country, (ids) => {
        const body = {
          country: d.country,
          number: d.number.trim(),
          label: d.label.trim(),
          extension: d.extension.trim() || null,
          extensionDelaySeconds: d.extensionDelaySeconds,
          whisper: d.whisper.trim() || null,
          ringSeconds: d.ringSeconds,
          noAnswerTarget: d.noAnswerTarget ? resolved(d.noAnswerTarget, ids) : null,
          taggingHours: d.taggingHours.length ? d.taggingHours : null,
          record: d.record,
        };
        return api<Receiving>(isNew ? "POST" : "PATCH", isNew ? "/api/receiving-numbers" : `/api/receiving-numbers/${id}`, body);
      });
      if ("issues" in done) return void (issues.value = done.issues);
      await loadRouting();
      navigate("/numbers/receiving", { saved: done.saved.label });
    } catch (err) {
      issues.value = placeIssues(issuesOf(err), fields, `receiving number "${existing?.label ?? d.label}"`);
    } finally {
      saving.value = false;
    }
  }

  const general = issues.value.filter((i) => !i.path || !(i.path in LABELS || i.path.startsWith("noAnswerTarget") || i.path.startsWith("taggingHours")));
  return (
    <form class="routing-form receiving-form" onSubmit={save} aria-label={isNew ? "New receiving number" : `Receiving number ${existing?.label ?? ""}`}>
      <h1>{isNew ? "New receiving number" : existing!.label}</h1>
      {general.length > 0 && <FieldIssues messages={general.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))} />}
      <fieldset disabled={!writes}>
        <div class="field-row">
          <label>
            Country
            <select value={d.country} onChange={(e) => set({ country: (e.currentTarget as HTMLSelectElement).value })}>
              {(countries ?? [{ country: d.country, label: d.country }]).map((c) => (
                <option key={c.country} value={c.country}>
                  {c.label}
                </option>
              ))}
            </select>
            {at("country")}
          </label>
          <label class="grow">
            Number
            <input value={d.number} required placeholder="(415) 555-0150" aria-invalid={issuesAt(issues.value, "number").length > 0} onInput={(e) => set({ number: (e.currentTarget as HTMLInputElement).value })} />
            {at("number")}
          </label>
        </div>
        <small class="muted">{!isNew && d.number ? `Shown as ${formatPhone(d.number)}. ` : ""}A desk phone on a PBX is rung by its SIP address: sip:frontdesk@pbx.example.com</small>
        <label>
          Label
          <input value={d.label} required maxLength={100} placeholder="Office" onInput={(e) => set({ label: (e.currentTarget as HTMLInputElement).value })} />
          {at("label")}
        </label>
        <div class="field-row">
          <label>
            Extension
            <input value={d.extension} inputMode="tel" maxLength={10} placeholder="12" onInput={(e) => set({ extension: (e.currentTarget as HTMLInputElement).value })} />
            {at("extension")}
          </label>
          <label>
            Delay before the extension (seconds)
            <input type="number" min={0} max={30} value={d.extensionDelaySeconds} onInput={(e) => set({ extensionDelaySeconds: Number((e.currentTarget as HTMLInputElement).value) })} />
            {at("extensionDelaySeconds")}
          </label>
        </div>
        <small class="muted">Dialled once the number answers: the extension of a phone behind a switchboard.</small>
        <label>
          Whisper
          <input value={d.whisper} maxLength={500} placeholder="Call from the website" onInput={(e) => set({ whisper: (e.currentTarget as HTMLInputElement).value })} />
          {at("whisper")}
        </label>
        <small class="muted">Played to whoever answers, before the caller is connected; a tracking number's own whisper takes its place.</small>
        <label>
          Ring time before no-answer routing (seconds)
          <input type="number" min={5} max={120} value={d.ringSeconds} onInput={(e) => set({ ringSeconds: Number((e.currentTarget as HTMLInputElement).value) })} />
          {at("ringSeconds")}
        </label>
        <TargetPicker
          label="When unanswered or busy"
          value={d.noAnswerTarget}
          onChange={(t) => set({ noAnswerTarget: t })}
          path="noAnswerTarget"
          issues={issues.value}
          none="None: the route's own no-answer step, else the call ends"
          disabled={!writes}
        />
        <HoursEditor legend="Tagging hours" zone={zoneName()} value={d.taggingHours} disabled={!writes} onChange={(taggingHours) => set({ taggingHours })} />
        {at("taggingHours")}
        <small class="muted">A call outside these hours is tagged after-hours; a conditional route can send it elsewhere.</small>
        <label class="inline">
          <input type="checkbox" checked={d.record} onChange={(e) => set({ record: (e.currentTarget as HTMLInputElement).checked })} /> Record calls answered here
        </label>
      </fieldset>
      <div class="actions">
        {writes && (
          <button type="submit" disabled={saving.value}>
            {isNew ? "Add receiving number" : "Save"}
          </button>
        )}
        <a class="button" href="#/numbers/receiving">
          {writes ? "Cancel" : "Back"}
        </a>
      </div>
    </form>
  );
}
