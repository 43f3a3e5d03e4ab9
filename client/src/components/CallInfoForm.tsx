import { useSignal } from "@preact/signals";
import { api, ApiFailure } from "../api.ts";
import { callsSaved } from "../calls-saved.ts";
import { fromLocalInput, parseTags, toLocalInput, zoneName } from "../format.ts";
import type { LoggedCall } from "../types.ts";

type Props = { callId: string; initial?: Partial<Pick<LoggedCall, "subject" | "notes" | "outcome" | "tags" | "followUpAt">>; onSaved?: (call: LoggedCall) => void };

/** Subject, notes, outcome, tags and a follow-up reminder, saved to the call log against the contact. */
export function CallInfoForm({ callId, initial = {}, onSaved }: Props) {
  const message = useSignal<string | null>(null);
  const busy = useSignal(false);
  async function save(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    busy.value = true;
    message.value = null;
    try {
      const saved = await api<LoggedCall>("PATCH", `/api/calls/${callId}`, {
        subject: String(form.get("subject") ?? ""),
        notes: String(form.get("notes") ?? ""),
        outcome: String(form.get("outcome") ?? ""),
        tags: parseTags(String(form.get("tags") ?? "")),
        followUpAt: fromLocalInput(String(form.get("followUpAt") ?? "")),
      });
      message.value = "Saved";
      callsSaved.value++;
      onSaved?.(saved);
    } catch (err) {
      message.value = err instanceof ApiFailure ? err.message : "Could not save; try again";
    } finally {
      busy.value = false;
    }
  }
  return (
    <form class="call-info" onSubmit={save}>
      <label>
        Subject
        <input name="subject" maxLength={200} defaultValue={initial.subject ?? ""} />
      </label>
      <label>
        Notes
        <textarea name="notes" rows={3} maxLength={5000} defaultValue={initial.notes ?? ""} />
      </label>
      <label>
        Outcome
        <input name="outcome" maxLength={100} list="outcomes" defaultValue={initial.outcome ?? ""} />
      </label>
      <datalist id="outcomes">
        <option value="Booked visit" />
        <option value="Quote sent" />
        <option value="Question answered" />
        <option value="Call back" />
        <option value="Not interested" />
      </datalist>
      <label>
        Tags <small>(comma-separated)</small>
        <input name="tags" defaultValue={(initial.tags ?? []).join(", ")} />
      </label>
      <label>
        Follow-up reminder <small>({zoneName()})</small>
        <input name="followUpAt" type="datetime-local" defaultValue={initial.followUpAt ? toLocalInput(initial.followUpAt) : ""} />
      </label>
      <div class="actions">
        <button type="submit" disabled={busy.value}>
          Save call information
        </button>
        {message.value && <span role="status">{message.value}</span>}
      </div>
    </form>
  );
}
