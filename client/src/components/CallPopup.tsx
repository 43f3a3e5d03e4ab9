import { useSignal } from "@preact/signals";
import type { LiveCall } from "../../../schema/calls.ts";
import { CONTACT_KINDS } from "../../../schema/constants.ts";
import { callerTypeLabel, formatDuration, statusLabel } from "../format.ts";
import type { LiveStore } from "../live/model.ts";
import { now } from "../live/clock.ts";
import { href, navigate } from "../router.ts";
import { CallInfoForm } from "./CallInfoForm.tsx";
import { SelectCustomer } from "./SelectCustomer.tsx";

function CallPopup({ call, store }: { call: LiveCall; store: LiveStore }) {
  const panel = useSignal<"none" | "info" | "select">("none");
  const known = call.contactId !== null;
  const elapsed = formatDuration(((call.endedAt ?? now.value) - call.startedAt) / 1000);
  return (
    <article class={`popup ${call.callerType}`} role="region" aria-label={`Incoming call: ${call.callerNumber}`} data-call-id={call.id}>
      <header>
        <strong>Incoming call: {call.callerNumber}</strong>
        <span class={`badge ${call.callerType}`}>{callerTypeLabel(call.callerType)}</span>
      </header>
      {call.callerName && <p class="name">{call.callerName}</p>}
      <dl>
        <dt>Tracking number</dt>
        <dd>
          {call.trackingNumber}
          {call.campaignName ? ` (${call.campaignName})` : ""}
        </dd>
        <dt>Rings at</dt>
        <dd>{call.terminationNumber ?? "—"}</dd>
        <dt>Status</dt>
        <dd class="status" data-status={call.status}>
          {call.status}
        </dd>
        <dt>Duration</dt>
        <dd class="duration">{elapsed}</dd>
      </dl>
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
            {CONTACT_KINDS.map((kind) => (
              <button key={kind} type="button" onClick={() => navigate("/contacts/new", { kind, phone: call.callerNumber, call: call.id })}>
                New {callerTypeLabel(kind)}
              </button>
            ))}
            <button type="button" aria-expanded={panel.value === "select"} onClick={() => (panel.value = panel.value === "select" ? "none" : "select")}>
              Select customer
            </button>
          </>
        )}
        <button type="button" aria-expanded={panel.value === "info"} onClick={() => (panel.value = panel.value === "info" ? "none" : "info")}>
          Call information
        </button>
        <button type="button" onClick={() => store.dismiss(call.id)}>
          Cancel
        </button>
      </footer>
      {panel.value === "info" && <CallInfoForm callId={call.id} />}
      {panel.value === "select" && <SelectCustomer callId={call.id} onDone={() => (panel.value = "none")} />}
      <p class="status-line">{statusLabel(call.status)}</p>
    </article>
  );
}

/** Every open popup, stacked: none hides another, each closes on its own. */
export function CallPopups({ store }: { store: LiveStore }) {
  const popups = store.openPopups.value;
  if (popups.length === 0) return null;
  return (
    <div class="popups" aria-live="polite">
      {popups.map((call) => (
        <CallPopup key={call.id} call={call} store={store} />
      ))}
    </div>
  );
}
