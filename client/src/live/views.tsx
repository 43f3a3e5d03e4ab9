import { signal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { LiveCall } from "../../../schema/calls.ts";
import { callerTypeLabel, formatDuration } from "../format.ts";
import type { LiveStore } from "./model.ts";

/** The wall clock, once a second, for live durations. */
export const now = signal(Date.now());
let ticking = false;
export function useClock() {
  useEffect(() => {
    if (ticking) return;
    ticking = true;
    const timer = setInterval(() => (now.value = Date.now()), 1000);
    return () => {
      clearInterval(timer);
      ticking = false;
    };
  }, []);
}

function liveDuration(call: LiveCall) {
  return formatDuration(((call.endedAt ?? now.value) - call.startedAt) / 1000);
}

export function ActiveCalls({ store }: { store: LiveStore }) {
  useClock();
  const calls = store.activeCalls.value;
  return (
    <section class="active-calls" aria-labelledby="active-calls-title">
      <h2 id="active-calls-title">
        Active calls <span class="count">{calls.length}</span>
      </h2>
      {calls.length === 0 ? (
        <p class="empty">No calls right now.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Caller</th>
              <th scope="col">Tracking number</th>
              <th scope="col">Rings at</th>
              <th scope="col">Status</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {calls.map((call) => (
              <tr key={call.id} data-call-id={call.id} data-status={call.status}>
                <td>{callerTypeLabel(call.callerType)}</td>
                <td>{call.callerName ?? call.callerNumber}</td>
                <td>
                  {call.trackingNumber}
                  {call.campaignName && <span class="campaign"> · {call.campaignName}</span>}
                </td>
                <td>{call.terminationNumber ?? "—"}</td>
                <td>{call.status === "ringing" ? "Ringing" : "On call"}</td>
                <td class="duration" aria-label="duration">
                  {liveDuration(call)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function CallPopups({ store }: { store: LiveStore }) {
  const popups = store.openPopups.value;
  if (popups.length === 0) return null;
  return (
    <div class="popups" aria-live="polite">
      {popups.map((call) => (
        <article key={call.id} class="popup" role="region" aria-label={`Incoming call: ${call.callerNumber}`} data-call-id={call.id}>
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
            <dd class="status">{call.status}</dd>
          </dl>
          <footer>
            <button type="button" onClick={() => store.dismiss(call.id)}>
              Cancel
            </button>
          </footer>
        </article>
      ))}
    </div>
  );
}

export function ConnectionBadge({ store }: { store: LiveStore }) {
  const status = store.status.value;
  const label = status === "live" ? "Live" : status === "connecting" ? "Connecting…" : "Reconnecting…";
  return (
    <span class={`connection ${status}`} role="status" data-testid="connection">
      {label}
    </span>
  );
}
