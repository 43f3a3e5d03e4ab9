/** The audit log: who changed what, newest first, older entries a page at a time. */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, problem } from "../../api.ts";
import { formatTime } from "../../format.ts";

type Entry = { id: string; at: number; actorType: "user" | "api-key" | "operator"; actorName: string | null; action: string; targetType: string | null; targetId: string | null; summary: string };
type AuditPage = { items: Entry[]; next: string | null };

// The server names the actor as people read it ("Olive Orchard", "API key Accounting sync").
const actor = (e: Entry) => e.actorName ?? (e.actorType === "operator" ? "Operator" : "—");

export function AuditLog() {
  const entries = useSignal<Entry[]>([]);
  const next = useSignal<string | null>(null);
  const loaded = useSignal(false);
  const message = useSignal<string | null>(null);
  async function more(before?: string) {
    try {
      const page = await api<AuditPage>("GET", `/api/audit?${new URLSearchParams({ limit: "50", ...(before ? { before } : {}) })}`);
      entries.value = before ? [...entries.value, ...page.items] : page.items;
      next.value = page.next;
      loaded.value = true;
    } catch (err) {
      message.value = problem(err);
    }
  }
  useEffect(() => void more(), []);
  return (
    <>
      {message.value && <p role="status">{message.value}</p>}
      {loaded.value && entries.value.length === 0 && <p class="empty">Nothing changed yet.</p>}
      {entries.value.length > 0 && (
        <table class="list audit">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
            </tr>
          </thead>
          <tbody>
            {entries.value.map((e) => (
              <tr key={e.id} data-action={e.action}>
                <td>{formatTime(e.at)}</td>
                <td>{actor(e)}</td>
                <td>{e.summary}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next.value && (
        <div class="pager">
          <button type="button" onClick={() => void more(next.value!)}>
            Older
          </button>
        </div>
      )}
    </>
  );
}
