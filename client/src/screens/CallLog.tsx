import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, ApiFailure } from "../api.ts";
import { CallInfoForm } from "../components/CallInfoForm.tsx";
import { ZoneHint } from "../components/ZoneHint.tsx";
import { CALL_OUTCOMES, outcomeOf } from "../../../schema/words.ts";
import { Recording } from "../components/Recording.tsx";
import { callerTypeLabel, DURATION, formatDuration, formatPhone, formatTime, outcomeLabel, statusLabel, TALK_TIME } from "../format.ts";
import { can } from "../can.ts";
import { href, navigate } from "../router.ts";
import type { Campaign, LoggedCall, Page, TrackingNumber } from "../types.ts";
import { Pager } from "./Contacts.tsx";
import { NO_VISIT, sourceName } from "../../../schema/visits.ts";
import { VisitLine } from "../components/VisitLine.tsx";

const PAGE = 25;
const FILTERS = ["from", "to", "trackingNumberId", "campaignId", "source", "outcome", "q"] as const;
/** The sources offered as the filter's choices; any other (a referring site) is typed. */
const SOURCES = ["google", "bing", "facebook", "instagram", "yahoo", "duckduckgo", "direct"];

export function CallLog({ query }: { query: URLSearchParams }) {
  const page = useSignal<Page<LoggedCall> | null>(null);
  const error = useSignal<string | null>(null);
  const numbers = useSignal<TrackingNumber[]>([]);
  const campaigns = useSignal<Campaign[]>([]);
  const filters = Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? ""])) as Record<(typeof FILTERS)[number], string>;
  const offset = Number(query.get("offset") ?? 0);
  const key = query.toString();
  useEffect(() => {
    // The filters' choices, for roles that may read them (an agent filters by caller and status).
    if (can("numbers:read")) void api<{ items: TrackingNumber[] }>("GET", "/api/tracking-numbers").then((r) => (numbers.value = r.items));
    if (can("marketing:read")) void api<{ items: Campaign[] }>("GET", "/api/campaigns").then((r) => (campaigns.value = r.items));
  }, []);
  useEffect(() => {
    const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    for (const f of FILTERS) if (filters[f]) params.set(f, filters[f]);
    void api<Page<LoggedCall>>("GET", `/api/calls?${params}`)
      .then((p) => ((page.value = p), (error.value = null)))
      .catch((err) => ((page.value = null), (error.value = err instanceof ApiFailure ? err.message : "Could not load the call log")));
  }, [key]);
  function apply(event: SubmitEvent) {
    event.preventDefault();
    const f = new FormData(event.currentTarget as HTMLFormElement);
    navigate("/calls", Object.fromEntries(FILTERS.map((name) => [name, String(f.get(name) ?? "") || undefined])));
  }
  return (
    <section class="screen">
      <h1>Call log</h1>
      <form class="filters" onSubmit={apply}>
        <label>
          From
          <input type="date" name="from" defaultValue={filters.from} />
        </label>
        <label>
          To
          <input type="date" name="to" defaultValue={filters.to} />
        </label>
        {can("numbers:read") && (
        <label>
          Tracking number
          <select name="trackingNumberId" defaultValue={filters.trackingNumberId}>
            <option value="">All</option>
            {numbers.value.map((n) => (
              <option key={n.id} value={n.id}>
                {formatPhone(n.number)} {n.label}
              </option>
            ))}
          </select>
        </label>
        )}
        {can("marketing:read") && (
        <label>
          Campaign
          <select name="campaignId" defaultValue={filters.campaignId}>
            <option value="">All</option>
            {campaigns.value.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        )}
        {can("marketing:read") && (
          <label>
            Source
            <input name="source" list="visit-sources" size={10} placeholder="google" defaultValue={filters.source} />
            <datalist id="visit-sources">
              {SOURCES.map((s) => (
                <option key={s} value={s}>
                  {sourceName(s)}
                </option>
              ))}
              <option value="none">{NO_VISIT}</option>
            </datalist>
          </label>
        )}
        <label>
          Outcome
          <select name="outcome" defaultValue={filters.outcome}>
            <option value="">All</option>
            {CALL_OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o === "missed" ? "Missed (all, no message)" : outcomeLabel(o)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Caller
          <input type="search" name="q" placeholder="Name or number" defaultValue={filters.q} />
        </label>
        <button type="submit">Filter</button>
        <ZoneHint />
      </form>
      {error.value && <p class="error">{error.value}</p>}
      {page.value && (
        <>
          <table class="list calls">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Caller</th>
                <th scope="col">Type</th>
                <th scope="col">Tracking number</th>
                <th scope="col">Campaign</th>
                <th scope="col">Outcome</th>
                <th scope="col">{TALK_TIME}</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {page.value.items.map((c) => (
                <tr key={c.id} data-status={c.status} data-outcome={outcomeOf(c) ?? c.status}>
                  <td>
                    <a href={href(`/calls/${c.id}`)}>{formatTime(c.startedAt)}</a>
                  </td>
                  <td>{c.callerName ?? formatPhone(c.callerNumber)}</td>
                  <td>{callerTypeLabel(c.callerType)}</td>
                  <td>
                    {formatPhone(c.trackingNumber)}
                    {c.trackingLabel && <span class="secondary">{c.trackingLabel}</span>}
                  </td>
                  <td>{c.campaignName ?? "—"}</td>
                  <td>
                    {statusLabel(c)}
                    {outcomeOf(c) === "voicemail" && <Recording url={c.recordingUrl} voicemail />}
                  </td>
                  <td>{c.talkSeconds !== null ? formatDuration(c.talkSeconds) : "—"}</td>
                  <td class="visit-line" data-label="Source">
                    {c.visit ? <VisitLine visit={c.visit} /> : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager total={page.value.total} offset={offset} size={PAGE} go={(o) => navigate("/calls", { ...filters, offset: String(o) })} />
        </>
      )}
    </section>
  );
}

export function CallDetail({ id }: { id: string }) {
  const call = useSignal<LoggedCall | null | undefined>(undefined);
  useEffect(() => {
    void api<LoggedCall>("GET", `/api/calls/${id}`)
      .then((c) => (call.value = c))
      .catch(() => (call.value = null));
  }, [id]);
  if (call.value === undefined) return <p class="loading">Loading…</p>;
  if (call.value === null) return <p class="error">No such call.</p>;
  const c = call.value;
  return (
    <section class="screen call">
      <h1>
        Call from {c.callerName ?? formatPhone(c.callerNumber)} <span class={`badge ${c.callerType}`}>{callerTypeLabel(c.callerType)}</span>
      </h1>
      <dl class="facts">
        <dt>Number</dt>
        <dd>
          <a href={`tel:${c.callerNumber}`}>{formatPhone(c.callerNumber)}</a>
        </dd>
        {c.contactId && (
          <>
            <dt>Contact</dt>
            <dd>
              {can("contacts:read") ? <a href={href(`/contacts/${c.contactId}`)}>{c.callerName}</a> : c.callerName}
            </dd>
          </>
        )}
        <dt>Tracking number</dt>
        <dd>
          {formatPhone(c.trackingNumber)} {c.trackingLabel}
          {c.campaignName && ` (${c.campaignName})`}
        </dd>
        {c.visit && (
          <>
            <dt>Source</dt>
            <dd class="visit-line">
              <VisitLine visit={c.visit} />
              {c.visit.landingPage && <span class="secondary">Landing page: {c.visit.landingPage}</span>}
              {c.visit.referrer && <span class="secondary">Referrer: {c.visit.referrer}</span>}
            </dd>
          </>
        )}
        <dt>Rang at</dt>
        <dd>{c.terminationNumber ? formatPhone(c.terminationNumber) : "—"}</dd>
        <dt>Outcome</dt>
        <dd data-outcome={outcomeOf(c) ?? c.status}>{statusLabel(c)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(c.startedAt)}</dd>
        {c.durationSeconds !== null && (
          <>
            <dt>{DURATION}</dt>
            <dd>{formatDuration(c.durationSeconds)}</dd>
          </>
        )}
        {c.talkSeconds !== null && (
          <>
            <dt>{TALK_TIME}</dt>
            <dd>{formatDuration(c.talkSeconds)}</dd>
          </>
        )}
        {c.recordingUrl?.startsWith("https://") && (
          <>
            <dt>{c.voicemail === "left" ? "Voicemail" : "Recording"}</dt>
            <dd>
              <Recording url={c.recordingUrl} voicemail={c.voicemail === "left"} />
            </dd>
          </>
        )}
      </dl>
      <h2>Call information</h2>
      {can("calls:write") ? (
        <CallInfoForm callId={c.id} initial={c} onSaved={(saved) => (call.value = saved)} />
      ) : (
        <dl class="facts">
          <dt>Subject</dt>
          <dd>{c.subject ?? "—"}</dd>
          <dt>Outcome</dt>
          <dd>{c.outcome ?? "—"}</dd>
          <dt>Tags</dt>
          <dd>{c.tags?.length ? c.tags.join(", ") : "—"}</dd>
          <dt>Notes</dt>
          <dd class="notes">{c.notes ?? "—"}</dd>
        </dl>
      )}
    </section>
  );
}
