import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { CONTACT_KINDS, PHONE_LABELS } from "../../../schema/constants.ts";
import { api, ApiFailure } from "../api.ts";
import { callsSaved } from "../calls-saved.ts";
import { outcomeOf } from "../../../schema/words.ts";
import { Recording } from "../components/Recording.tsx";
import { callerTypeLabel, formatDuration, formatPhone, formatTime, parseTags, statusLabel, TALK_TIME } from "../format.ts";
import { can } from "../can.ts";
import { href, navigate } from "../router.ts";
import type { Contact, LoggedCall, Page } from "../types.ts";

const PAGE = 25;

export function ContactList({ query }: { query: URLSearchParams }) {
  const page = useSignal<Page<Contact> | null>(null);
  const q = query.get("q") ?? "";
  const kind = query.get("kind") ?? "";
  const offset = Number(query.get("offset") ?? 0);
  useEffect(() => {
    const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (q) params.set("q", q);
    if (kind) params.set("kind", kind);
    void api<Page<Contact>>("GET", `/api/contacts?${params}`).then((p) => (page.value = p));
  }, [q, kind, offset]);
  const go = (changes: Record<string, string>) => navigate("/contacts", { q, kind, ...changes });
  return (
    <section class="screen">
      <header class="screen-head">
        <h1>Contacts</h1>
        {can("contacts:write") && (
          <a class="button primary" href={href("/contacts/new")}>
            New contact
          </a>
        )}
      </header>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          go({ q: String(f.get("q") ?? ""), kind: String(f.get("kind") ?? ""), offset: "0" });
        }}
      >
        <label>
          Search
          <input name="q" type="search" placeholder="Name or any phone format" defaultValue={q} />
        </label>
        <label>
          Kind
          <select name="kind" defaultValue={kind}>
            <option value="">All</option>
            {CONTACT_KINDS.map((k) => (
              <option key={k} value={k}>
                {callerTypeLabel(k)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Search</button>
      </form>
      {page.value && (
        <>
          <table class="list">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Phones</th>
              </tr>
            </thead>
            <tbody>
              {page.value.items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <a href={href(`/contacts/${c.id}`)}>{c.name}</a>
                    {c.company && <span class="muted"> · {c.company}</span>}
                  </td>
                  <td>{callerTypeLabel(c.kind)}</td>
                  <td>{c.phones.map((p) => formatPhone(p.number)).join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager total={page.value.total} offset={offset} size={PAGE} go={(o) => go({ offset: String(o) })} />
        </>
      )}
    </section>
  );
}

export function Pager({ total, offset, size, go }: { total: number; offset: number; size: number; go: (offset: number) => void }) {
  if (total <= size) return <p class="muted">{total} in all</p>;
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={offset === 0} onClick={() => go(Math.max(0, offset - size))}>
        Previous
      </button>
      <span>
        {offset + 1}–{Math.min(total, offset + size)} of {total}
      </span>
      <button type="button" disabled={offset + size >= total} onClick={() => go(offset + size)}>
        Next
      </button>
    </nav>
  );
}

export function ContactView({ id, query }: { id: string; query: URLSearchParams }) {
  const contact = useSignal<Contact | null | undefined>(undefined);
  const history = useSignal<LoggedCall[]>([]);
  useEffect(() => {
    void api<Contact>("GET", `/api/contacts/${id}`)
      .then((c) => (contact.value = c))
      .catch(() => (contact.value = null));
  }, [id]);
  // Read again when call information is saved here (from a popup over this screen, say).
  const saved = callsSaved.value;
  useEffect(() => {
    void api<Page<LoggedCall>>("GET", `/api/calls?contactId=${encodeURIComponent(id)}&limit=50`).then((p) => (history.value = p.items));
  }, [id, saved]);
  useEffect(() => {
    if (query.get("show") === "history" && history.value.length) document.getElementById("history")?.scrollIntoView();
  }, [history.value.length]);
  if (contact.value === undefined) return <p class="loading">Loading…</p>;
  if (contact.value === null) return <p class="error">No such contact.</p>;
  const c = contact.value;
  async function remove() {
    if (!confirm(`Delete ${c.name}? Their calls stay in the call log.`)) return;
    await api("DELETE", `/api/contacts/${c.id}`);
    navigate("/contacts");
  }
  return (
    <section class="screen contact">
      <header class="screen-head">
        <h1>{c.name}</h1>
        <span class={`badge ${c.kind}`}>{callerTypeLabel(c.kind)}</span>
        {can("contacts:write") && (
          <>
            <a class="button" href={href(`/contacts/${c.id}/edit`)}>
              Edit
            </a>
            <button type="button" onClick={() => void remove()}>
              Delete
            </button>
          </>
        )}
      </header>
      <dl class="facts">
        {c.company && (
          <>
            <dt>Company</dt>
            <dd>{c.company}</dd>
          </>
        )}
        {c.email && (
          <>
            <dt>Email</dt>
            <dd>{c.email}</dd>
          </>
        )}
        {c.address && (
          <>
            <dt>Address</dt>
            <dd>{c.address}</dd>
          </>
        )}
        {c.tags.length > 0 && (
          <>
            <dt>Tags</dt>
            <dd>{c.tags.join(", ")}</dd>
          </>
        )}
        {c.notes && (
          <>
            <dt>Notes</dt>
            <dd class="notes">{c.notes}</dd>
          </>
        )}
      </dl>
      <h2>Phones</h2>
      <ul class="phones">
        {c.phones.map((p) => (
          <li key={p.id}>
            <span class="muted">{p.label}</span> <a href={`tel:${p.number}`}>{formatPhone(p.number)}</a>
            {p.extension && ` x${p.extension}`}
          </li>
        ))}
      </ul>
      <h2 id="history">History</h2>
      {history.value.length === 0 ? (
        <p class="empty">No calls yet.</p>
      ) : (
        <table class="list history">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Outcome</th>
              <th scope="col">Tracking number</th>
              <th scope="col">{TALK_TIME}</th>
              <th scope="col">Subject and notes</th>
            </tr>
          </thead>
          <tbody>
            {history.value.map((call) => (
              <tr key={call.id}>
                <td>
                  <a href={href(`/calls/${call.id}`)}>{formatTime(call.startedAt)}</a>
                </td>
                <td>
                  {statusLabel(call)}
                  {outcomeOf(call) === "voicemail" && <Recording url={call.recordingUrl} voicemail />}
                </td>
                <td>
                  {formatPhone(call.trackingNumber)}
                  {call.trackingLabel && <span class="secondary">{call.trackingLabel}</span>}
                </td>
                <td>{call.talkSeconds !== null ? formatDuration(call.talkSeconds) : "—"}</td>
                <td>
                  {call.subject && <strong>{call.subject} </strong>}
                  {call.notes}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

type PhoneRow = { label: string; number: string };

/** New or edit. From a call's popup it arrives with the kind, the number and the call. */
export function ContactForm({ id, query }: { id?: string; query: URLSearchParams }) {
  const existing = useSignal<Contact | null>(null);
  const phones = useSignal<PhoneRow[]>(query.get("phone") ? [{ label: "mobile", number: query.get("phone")! }] : [{ label: "main", number: "" }]);
  const error = useSignal<string | null>(null);
  const fromCall = query.get("call");
  useEffect(() => {
    if (!id) return;
    void api<Contact>("GET", `/api/contacts/${id}`).then((c) => {
      existing.value = c;
      phones.value = c.phones.map((p) => ({ label: p.label, number: p.extension ? `${p.number} x${p.extension}` : p.number }));
    });
  }, [id]);
  if (id && !existing.value) return <p class="loading">Loading…</p>;
  const c = existing.value;
  async function save(event: SubmitEvent) {
    event.preventDefault();
    const f = new FormData(event.currentTarget as HTMLFormElement);
    const body = {
      kind: String(f.get("kind")),
      name: String(f.get("name") ?? ""),
      company: String(f.get("company") ?? ""),
      email: String(f.get("email") ?? ""),
      address: String(f.get("address") ?? ""),
      notes: String(f.get("notes") ?? ""),
      tags: parseTags(String(f.get("tags") ?? "")),
      phones: phones.value.filter((p) => p.number.trim()),
    };
    try {
      const saved = id
        ? await api<Contact>("PATCH", `/api/contacts/${id}`, body)
        : await api<Contact>("POST", "/api/contacts", { ...body, ...(fromCall ? { createdFromCallId: fromCall } : {}) });
      // Made from a call's popup: the call now belongs to the new contact, on every screen.
      if (fromCall && !id) await api("PATCH", `/api/calls/${fromCall}`, { contactId: saved.id });
      navigate(`/contacts/${saved.id}`);
    } catch (err) {
      error.value = err instanceof ApiFailure ? err.message : "Could not save; try again";
    }
  }
  const kind = c?.kind ?? query.get("kind") ?? "customer";
  return (
    <section class="screen">
      <h1>{id ? `Edit ${c!.name}` : `New ${callerTypeLabel(kind as never).toLowerCase()}`}</h1>
      <form class="contact-form" onSubmit={save}>
        <label>
          Kind
          <select name="kind" defaultValue={kind}>
            {CONTACT_KINDS.map((k) => (
              <option key={k} value={k}>
                {callerTypeLabel(k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Name
          <input name="name" required maxLength={200} defaultValue={c?.name ?? ""} autoFocus />
        </label>
        <label>
          Company
          <input name="company" maxLength={200} defaultValue={c?.company ?? ""} />
        </label>
        <fieldset>
          <legend>Phones</legend>
          {phones.value.map((p, i) => (
            <div class="phone-row" key={i}>
              <select aria-label={`Phone ${i + 1} label`} value={p.label} onChange={(e) => (phones.value = phones.value.map((x, j) => (j === i ? { ...x, label: e.currentTarget.value } : x)))}>
                {PHONE_LABELS.map((l) => (
                  <option key={l} value={l}>
                    {l}
                  </option>
                ))}
              </select>
              <input
                aria-label={`Phone ${i + 1}`}
                name={`phone-${i}`}
                value={p.number}
                placeholder="(415) 555-0123 x12"
                onInput={(e) => (phones.value = phones.value.map((x, j) => (j === i ? { ...x, number: e.currentTarget.value } : x)))}
              />
              <button type="button" aria-label={`Remove phone ${i + 1}`} onClick={() => (phones.value = phones.value.filter((_, j) => j !== i))}>
                ✕
              </button>
            </div>
          ))}
          <button type="button" onClick={() => (phones.value = [...phones.value, { label: "other", number: "" }])}>
            Add phone
          </button>
        </fieldset>
        <label>
          Email
          <input name="email" type="email" defaultValue={c?.email ?? ""} />
        </label>
        <label>
          Address
          <input name="address" defaultValue={c?.address ?? ""} />
        </label>
        <label>
          Tags <small>(comma-separated)</small>
          <input name="tags" defaultValue={(c?.tags ?? []).join(", ")} />
        </label>
        <label>
          Notes
          <textarea name="notes" rows={3} defaultValue={c?.notes ?? ""} />
        </label>
        {error.value && (
          <p class="error" role="alert">
            {error.value}
          </p>
        )}
        <div class="actions">
          <button type="submit">Save</button>
          <a class="button" href={id ? href(`/contacts/${id}`) : href("/contacts")}>
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}
