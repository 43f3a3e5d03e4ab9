import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import type { LiveCall } from "../../../schema/calls.ts";
import { isTerminal } from "../../../schema/constants.ts";
import { CONTACT_KINDS } from "../../../schema/constants.ts";
import { answeredByText, callerTypeLabel, DURATION, formatDuration, formatPhone, ringsAtText, statusLabel, TALK_TIME } from "../format.ts";
import { POPUPS_SHOWN, type LiveStore } from "../live/model.ts";
import { now } from "../live/clock.ts";
import { narrow } from "../live/screen.ts";
import { href, navigate } from "../router.ts";
import { lazy } from "../lazy.tsx";
import { Recording } from "./Recording.tsx";
import { crmUrl } from "../../../schema/crm.ts";
import { me } from "../session.ts";

// Opened from a popup now and then: loaded on first use.
const CallInfoForm = lazy(() => import("./CallInfoForm.tsx").then((m) => m.CallInfoForm), { quiet: true });
// Only calls from a website visit (a pool number's) have one to show.
const VisitLine = lazy(() => import("./VisitLine.tsx").then((m) => m.VisitLine), { quiet: true });
const SelectCustomer = lazy(() => import("./SelectCustomer.tsx").then((m) => m.SelectCustomer), { quiet: true });

/** The whole call so far (Duration). */
function elapsed(call: LiveCall) {
  return formatDuration(((call.endedAt ?? now.value) - call.startedAt) / 1000);
}

/** The talk so far, once someone answered (Talk time); null before. */
function talkTime(call: LiveCall) {
  if (call.talkSeconds !== null) return formatDuration(call.talkSeconds);
  return call.answeredAt === null ? null : formatDuration(((call.endedAt ?? now.value) - call.answeredAt) / 1000);
}

function CloseButton({ call, store }: { call: LiveCall; store: LiveStore }) {
  return (
    <button type="button" class="icon close" aria-label="Close" title="Close this popup (the call goes on)" onClick={() => store.dismiss(call.id)}>
      <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
        <path fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" d="M6 6l12 12M18 6L6 18" />
      </svg>
    </button>
  );
}

function CallPopup({ call, store }: { call: LiveCall; store: LiveStore }) {
  const panel = useSignal<"none" | "info" | "select">("none");
  const known = call.contactId !== null;
  const ended = isTerminal(call.status);
  const working = panel.value !== "none";
  // A popup with a form open stays where it is and stays open, whatever else rings meanwhile.
  const worked = useRef(false);
  useEffect(() => {
    if (working) store.pin(call.id, true);
    else if (worked.current) store.pin(call.id, false);
    worked.current = working;
  }, [working]);
  const toggle = (which: "info" | "select") => (panel.value = panel.value === which ? "none" : which);
  const caller = formatPhone(call.callerNumber);
  const talk = talkTime(call);
  return (
    <article class={`popup ${call.callerType} ${ended ? "ended" : call.status}`} role="region" aria-label={`Incoming call: ${caller}`} data-call-id={call.id}>
      <header>
        <div class="caller">
          <strong class="title">
            Incoming call: <span class="nowrap">{caller}</span>
          </strong>
          {call.callerName && <p class="name">{call.callerName}</p>}
        </div>
        <span class={`badge ${call.callerType}`}>{callerTypeLabel(call.callerType)}</span>
        <CloseButton call={call} store={store} />
      </header>
      <p class="state">
        <span class="status chip" data-status={call.status}>
          {statusLabel(call)}
        </span>{" "}
        <span class="duration" aria-label={DURATION} title={DURATION}>
          {elapsed(call)}
        </span>
      </p>
      <dl>
        <dt>Tracking number</dt>
        <dd>
          {formatPhone(call.trackingNumber)}
          {call.campaignName ? ` (${call.campaignName})` : ""}
        </dd>
        {call.visit && (
          <>
            <dt>Source</dt>
            <dd class="visit-line" data-testid="visit">
              <VisitLine visit={call.visit} />
            </dd>
          </>
        )}
        <dt>Rings at</dt>
        <dd>{ringsAtText(call)}</dd>
        {answeredByText(call) !== null && (
          <>
            <dt>Answered by</dt>
            <dd class="answered-by">{answeredByText(call)}</dd>
          </>
        )}
        {talk !== null && (
          <>
            <dt>{TALK_TIME}</dt>
            <dd class="talk-time">{talk}</dd>
          </>
        )}
      </dl>
      {call.voicemail === "left" && <Recording url={call.recordingUrl} voicemail />}
      <footer class="actions">
        {known ? (
          <>
            <a class="button" href={href(`/contacts/${call.contactId}`, { show: "history" })}>
              History
            </a>
            <a class="button" href={href(`/contacts/${call.contactId}`)}>
              Open
            </a>
          </>
        ) : (
          <>
            <span class="save-as" role="group" aria-label="Save the caller as a new contact">
              <span class="muted">New:</span>
              {CONTACT_KINDS.map((kind) => (
                <button key={kind} type="button" class="small" aria-label={`New ${callerTypeLabel(kind)}`} onClick={() => navigate("/contacts/new", { kind, phone: call.callerNumber, call: call.id })}>
                  {callerTypeLabel(kind)}
                </button>
              ))}
            </span>
            <button type="button" aria-expanded={panel.value === "select"} onClick={() => toggle("select")}>
              Select customer
            </button>
          </>
        )}
        <button type="button" aria-expanded={panel.value === "info"} onClick={() => toggle("info")}>
          Call information
        </button>
        <CrmLink call={call} />
      </footer>
      {panel.value === "info" && <CallInfoForm callId={call.id} />}
      {panel.value === "select" && <SelectCustomer callId={call.id} onDone={() => (panel.value = "none")} />}
    </article>
  );
}

/** "Open in CRM": the business's link template (Settings → Business) filled in for this caller; none without one. */
function CrmLink({ call }: { call: LiveCall }) {
  const template = me.value?.tenant.crmUrlTemplate;
  if (!template) return null;
  const url = crmUrl(template, { number: call.callerNumber, name: call.callerName, contactId: call.contactId, callId: call.id, trackingNumber: call.trackingNumber });
  return (
    <a class="button" href={url} target="_blank" rel="noopener noreferrer">
      Open in CRM
    </a>
  );
}

/** One line for a popup waiting behind the counter: who, how the call stands, and a way to bring it forward. */
function Waiting({ call, store }: { call: LiveCall; store: LiveStore }) {
  return (
    <li data-call-id={call.id} data-status={call.status}>
      <button type="button" class="bring" onClick={() => store.pin(call.id, true)}>
        <strong>{call.callerName ?? formatPhone(call.callerNumber)}</strong>
        <span class="muted">
          {statusLabel(call)} · <span class="duration">{elapsed(call)}</span>
        </span>
      </button>
      <CloseButton call={call} store={store} />
    </li>
  );
}

/**
 * The popups, in a column of their own (a sheet at the bottom of a phone): never over the page. The
 * first few show in full, the newest ringing call always among them; the rest wait behind a counter.
 */
export function CallPopups({ store }: { store: LiveStore }) {
  const listOpen = useSignal(false);
  const popups = store.openPopups.value;
  const room = narrow.value ? 1 : POPUPS_SHOWN;
  const shown = popups.slice(0, room);
  const waiting = popups.slice(room);
  const ringing = popups.filter((c) => c.status === "ringing").length;
  return (
    <aside class={`popups${popups.length === 0 ? " idle" : ""}`} aria-labelledby="popups-title" data-testid="popups">
      <header class="popups-head">
        <h2 id="popups-title">
          Calls <span class="count">{popups.length}</span>
        </h2>
        <span class="visually-hidden" role="status">
          {ringing > 0 ? `${ringing} ringing` : ""}
        </span>
        {popups.length > 1 && (
          <button type="button" class="small" onClick={() => store.dismissAll()}>
            Dismiss all
          </button>
        )}
      </header>
      {popups.length === 0 && <p class="empty">Incoming calls show here.</p>}
      {shown.map((call) => (
        <CallPopup key={call.id} call={call} store={store} />
      ))}
      {waiting.length > 0 && (
        <>
          <button type="button" class="more" aria-expanded={listOpen.value} data-testid="more-popups" onClick={() => (listOpen.value = !listOpen.value)}>
            {waiting.length} more {waiting.length === 1 ? "call" : "calls"}
          </button>
          {listOpen.value && (
            <ul class="waiting">
              {waiting.map((call) => (
                <Waiting key={call.id} call={call} store={store} />
              ))}
            </ul>
          )}
        </>
      )}
    </aside>
  );
}
