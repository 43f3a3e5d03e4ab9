import { useSignal } from "@preact/signals";
import { api, ApiFailure } from "../api.ts";
import { callsSaved } from "../calls-saved.ts";
import { callerTypeLabel } from "../format.ts";
import type { Contact, Page } from "../types.ts";

/** Links a call to an existing contact, and can save the caller's number on it. */
export function SelectCustomer({ callId, onDone }: { callId: string; onDone: () => void }) {
  const results = useSignal<Contact[]>([]);
  const error = useSignal<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  function search(q: string) {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!q.trim()) return void (results.value = []);
      const page = await api<Page<Contact>>("GET", `/api/contacts?${new URLSearchParams({ q, limit: "8" })}`);
      results.value = page.items;
    }, 200);
  }
  async function select(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const contactId = String(form.get("contact") ?? "");
    if (!contactId) return void (error.value = "Choose a contact");
    try {
      await api("PATCH", `/api/calls/${callId}`, { contactId, ...(form.get("savePhone") ? { savePhone: "other" } : {}) });
      callsSaved.value++;
      onDone();
    } catch (err) {
      error.value = err instanceof ApiFailure ? err.message : "Could not link the call; try again";
    }
  }
  return (
    <form class="select-customer" onSubmit={select}>
      <label>
        Find a contact
        <input type="search" placeholder="Name or phone" onInput={(e) => search(e.currentTarget.value)} autoFocus />
      </label>
      <ul class="choices">
        {results.value.map((c) => (
          <li key={c.id}>
            <label>
              <input type="radio" name="contact" value={c.id} /> {c.name} <small>({callerTypeLabel(c.kind)})</small>
            </label>
          </li>
        ))}
      </ul>
      <label class="inline">
        <input type="checkbox" name="savePhone" defaultChecked /> Save phone number to this contact
      </label>
      {error.value && <p class="error">{error.value}</p>}
      <div class="actions">
        <button type="submit">Select</button>
        <button type="button" onClick={onDone}>
          Back
        </button>
      </div>
    </form>
  );
}
