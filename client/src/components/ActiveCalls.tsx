import type { LiveCall } from "../../../schema/calls.ts";
import { answeredByText, callerTypeLabel, DURATION, formatDuration, formatPhone, ringsAtText, statusLabel } from "../format.ts";
import { now } from "../live/clock.ts";
import type { LiveStore } from "../live/model.ts";
import { href } from "../router.ts";
import { can } from "../can.ts";

function liveDuration(call: LiveCall) {
  return formatDuration(((call.endedAt ?? now.value) - call.startedAt) / 1000);
}

/** The Active Calls grid: who is on the phone now, across the office. */
export function ActiveCalls({ store, id = "active-calls" }: { store: LiveStore; id?: string }) {
  const calls = store.activeCalls.value;
  return (
    <section class="active-calls" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>
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
              <th scope="col">{DURATION}</th>
            </tr>
          </thead>
          <tbody>
            {calls.map((call) => (
              <tr key={call.id} data-call-id={call.id} data-status={call.status}>
                <td>{callerTypeLabel(call.callerType)}</td>
                <td>{call.contactId && can("contacts:read") ? <a href={href(`/contacts/${call.contactId}`)}>{call.callerName}</a> : (call.callerName ?? formatPhone(call.callerNumber))}</td>
                <td>
                  {formatPhone(call.trackingNumber)}
                  {call.campaignName && <span class="campaign"> · {call.campaignName}</span>}
                </td>
                {/* Once someone answers (with simultaneous ringing, one of several), the grid names them. */}
                <td>{answeredByText(call) ? `Answered by ${answeredByText(call)}` : ringsAtText(call)}</td>
                <td>{statusLabel(call)}</td>
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
