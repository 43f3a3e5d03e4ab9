/**
 * Webhooks out: the business's own systems (a CRM, an accounting package) told what happens, signed
 * per Standard Webhooks. Endpoints with the events each receives, the signing secret shown once (on
 * creation and rotation), a test event, and each endpoint's delivery log with "send again". Admins only
 * (`webhooks:manage`); the API is `/api/webhooks` (README "Webhooks out").
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { DELIVERY_STATUSES, WEBHOOK_EVENT_TYPES, type DeliveryStatus, type WebhookEventType } from "../../../../schema/constants.ts";
import { api, problem } from "../../api.ts";
import { CopyOnce } from "../../components/CopyOnce.tsx";
import { formatTime } from "../../format.ts";

type Endpoint = {
  id: string;
  url: string;
  description: string | null;
  events: WebhookEventType[];
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
  disabledAt: number | null;
  disabledReason: string | null;
  failingSince: number | null;
  previousSecretExpiresAt: number | null;
};
type Delivery = {
  id: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastResponse: string | null;
  lastError: string | null;
  nextAttemptAt: number | null;
  createdAt: number;
  lastAttemptAt: number | null;
  deliveredAt: number | null;
};
type Page<T> = { items: T[]; total: number; limit: number; offset: number };

/** Each event in words, as the delivery log and the form say it. */
export const EVENT_WORDS: Record<WebhookEventType, string> = {
  "call.ringing": "A call starts ringing",
  "call.answered": "A call is answered",
  "call.ended": "A call ends",
  "call.missed": "A call ends unanswered (voicemails too)",
  "voicemail.ready": "A voicemail is left",
  "contact.created": "A contact is added",
  "contact.updated": "A contact is changed",
  "call.info_saved": "Call information is saved (subject, notes, outcome, tags)",
};
const STATUS_WORDS: Record<DeliveryStatus, string> = { pending: "Trying", delivered: "Delivered", failed: "Failed" };
const LABELS = { url: "URL", events: "Events", description: "Description" };

/** "https://crm.example.com/hooks/switchboard" → "crm.example.com/hooks/switchboard". */
const shortUrl = (url: string) => url.replace(/^https?:\/\//, "");

function endpointState(e: Endpoint) {
  if (!e.enabled) return e.disabledReason ? `Off: ${e.disabledReason}` : "Off";
  if (e.failingSince) return `Failing since ${formatTime(e.failingSince)}`;
  return "On";
}

export function Webhooks() {
  const endpoints = useSignal<Endpoint[] | null>(null);
  const secret = useSignal<{ url: string; secret: string; rotated: boolean } | null>(null);
  const message = useSignal<string | null>(null);
  const editing = useSignal<string | null>(null);
  const log = useSignal<string | null>(null);
  const load = () => api<{ items: Endpoint[] }>("GET", "/api/webhooks").then((r) => (endpoints.value = r.items));
  useEffect(() => {
    load().catch((err: unknown) => (message.value = problem(err)));
  }, []);

  async function act(what: () => Promise<string>) {
    try {
      message.value = null;
      message.value = await what();
      await load();
    } catch (err) {
      message.value = problem(err, LABELS);
    }
  }
  const sendTest = (e: Endpoint) =>
    act(async () => {
      await api("POST", `/api/webhooks/${e.id}/test`, {});
      log.value = e.id;
      return `Test event sent to ${shortUrl(e.url)}: see its deliveries below`;
    });
  const rotate = (e: Endpoint) =>
    act(async () => {
      if (!confirm(`Rotate the signing secret of ${shortUrl(e.url)}? The old secret keeps signing beside the new one for 24 hours, while you update the receiver.`)) return "Not rotated";
      const made = await api<Endpoint & { secret: string }>("POST", `/api/webhooks/${e.id}/rotate-secret`, {});
      secret.value = { url: e.url, secret: made.secret, rotated: true };
      return `New signing secret for ${shortUrl(e.url)}`;
    });
  const remove = (e: Endpoint) =>
    act(async () => {
      if (!confirm(`Delete the webhook to ${shortUrl(e.url)}? Nothing more is sent to it, and its delivery log goes with it.`)) return "Not deleted";
      await api("DELETE", `/api/webhooks/${e.id}`);
      if (log.value === e.id) log.value = null;
      return `Deleted the webhook to ${shortUrl(e.url)}`;
    });

  const list = endpoints.value;
  return (
    <>
      <p class="muted intro">
        Switchboard tells your own systems — a CRM, an accounting package — what happens, as signed webhooks (the Standard Webhooks specification; its libraries verify the signature). Each event is sent at least once,
        tried again for a day when the receiver is down, and an endpoint failing for 3 days is turned off with a notice.
      </p>
      {message.value && <p role="status">{message.value}</p>}
      {secret.value && (
        <CopyOnce label={`Signing secret for ${shortUrl(secret.value.url)}`} value={secret.value.secret} onClose={() => (secret.value = null)}>
          Give it to the receiver now: it is shown this once. {secret.value.rotated ? "The old secret keeps signing beside it for 24 hours. " : ""}The receiver checks each request with{" "}
          <code>new Webhook(secret).verify(body, headers)</code>.
        </CopyOnce>
      )}
      {list && list.length === 0 && <p class="empty">No webhooks yet: add the URL your system receives them at.</p>}
      {list && list.length > 0 && (
        <table class="list webhooks">
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">State</th>
              <th scope="col">Added</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {list.map((e) =>
              editing.value === e.id ? (
                <tr key={e.id}>
                  <td colSpan={5} class="wide">
                    <EndpointForm endpoint={e} done={(said) => ((editing.value = null), said && (message.value = said), void load())} />
                  </td>
                </tr>
              ) : (
                <tr key={e.id} data-url={e.url}>
                  <td>
                    <span class="url">{shortUrl(e.url)}</span>
                    {e.description && <small class="muted block">{e.description}</small>}
                  </td>
                  <td data-label="Events" title={e.events.join(", ")}>
                    {e.events.length === WEBHOOK_EVENT_TYPES.length ? "All events" : e.events.join(", ")}
                  </td>
                  <td data-label="State">
                    <span class={`badge ${!e.enabled ? "warn" : e.failingSince ? "warn" : "ok"}`}>{endpointState(e)}</span>
                  </td>
                  <td data-label="Added">{formatTime(e.createdAt)}</td>
                  <td class="actions">
                    <button type="button" aria-expanded={log.value === e.id} onClick={() => (log.value = log.value === e.id ? null : e.id)}>
                      Deliveries
                    </button>
                    <button type="button" disabled={!e.enabled} title={e.enabled ? undefined : "Turn it on to send"} onClick={() => void sendTest(e)}>
                      Send test event
                    </button>
                    <button type="button" onClick={() => (editing.value = e.id)}>
                      Edit
                    </button>
                    <button type="button" onClick={() => void rotate(e)}>
                      Rotate secret
                    </button>
                    <button type="button" class="danger" onClick={() => void remove(e)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
      {log.value && list?.some((e) => e.id === log.value) && <DeliveryLog key={log.value} endpoint={list.find((e) => e.id === log.value)!} />}
      <h2>New webhook</h2>
      <EndpointForm
        done={(said, made) => {
          if (made) secret.value = { url: made.url, secret: made.secret, rotated: false };
          if (said) message.value = said;
          void load();
        }}
      />
    </>
  );
}

/** A new endpoint, or one being edited: URL, what it is, its events, on or off. */
function EndpointForm({ endpoint, done }: { endpoint?: Endpoint; done: (said: string | null, made?: { url: string; secret: string }) => void }) {
  const error = useSignal<string | null>(null);
  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const body = { url: String(f.get("url") ?? "").trim(), description: String(f.get("description") ?? "").trim() || null, events: f.getAll("events").map(String), enabled: f.get("enabled") === "on" };
    if (body.events.length === 0) return void (error.value = "Choose at least one event");
    try {
      error.value = null;
      if (endpoint) {
        await api("PATCH", `/api/webhooks/${endpoint.id}`, body);
        done(`Saved the webhook to ${shortUrl(body.url)}`);
      } else {
        const made = await api<Endpoint & { secret: string }>("POST", "/api/webhooks", body);
        form.reset();
        done(`Added the webhook to ${shortUrl(made.url)}`, made);
      }
    } catch (err) {
      error.value = problem(err, LABELS);
    }
  }
  const has = (t: WebhookEventType) => (endpoint ? endpoint.events.includes(t) : true);
  return (
    <form class="contact-form webhook-form" onSubmit={submit} aria-label={endpoint ? `Edit webhook ${shortUrl(endpoint.url)}` : "New webhook"}>
      <label>
        URL
        <input name="url" type="url" required maxLength={2000} defaultValue={endpoint?.url ?? ""} placeholder="https://crm.example.com/hooks/switchboard" />
      </label>
      <label>
        Description
        <input name="description" maxLength={200} defaultValue={endpoint?.description ?? ""} placeholder="Our CRM" />
      </label>
      <fieldset>
        <legend>Events</legend>
        <div class="scopes">
          {WEBHOOK_EVENT_TYPES.map((t) => (
            <label key={t} class="inline">
              <input type="checkbox" name="events" value={t} defaultChecked={has(t)} />
              <span>
                <code>{t}</code> <small class="muted">{EVENT_WORDS[t]}</small>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <label class="inline">
        <input type="checkbox" name="enabled" defaultChecked={endpoint?.enabled ?? true} /> On: send events to it
      </label>
      {error.value && (
        <p class="field-issue" role="alert">
          {error.value}
        </p>
      )}
      <div class="actions">
        <button type="submit">{endpoint ? "Save" : "Add webhook"}</button>
        {endpoint && (
          <button type="button" onClick={() => done(null)}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

const PAGE = 20;

/** What was sent to one endpoint, newest first: each delivery's state, tries, the answer, and "send again". */
function DeliveryLog({ endpoint }: { endpoint: Endpoint }) {
  const page = useSignal<Page<Delivery> | null>(null);
  const status = useSignal<DeliveryStatus | "">("");
  const message = useSignal<string | null>(null);
  const load = (offset = 0) => {
    const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (status.value) q.set("status", status.value);
    return api<Page<Delivery>>("GET", `/api/webhooks/${endpoint.id}/deliveries?${q}`).then((p) => (page.value = p));
  };
  useEffect(() => {
    load().catch((err: unknown) => (message.value = problem(err)));
  }, [status.value]);
  async function redeliver(d: Delivery) {
    try {
      await api("POST", `/api/webhooks/${endpoint.id}/deliveries/${d.id}/redeliver`, {});
      message.value = `Sending ${d.eventType} again (same webhook-id, ${d.id})`;
      await load(page.value?.offset ?? 0);
    } catch (err) {
      message.value = problem(err);
    }
  }
  const p = page.value;
  return (
    <section class="delivery-log" aria-label={`Deliveries to ${shortUrl(endpoint.url)}`}>
      <div class="screen-head">
        <h2>Deliveries to {shortUrl(endpoint.url)}</h2>
        <label class="inline">
          Show
          <select value={status.value} onChange={(e) => (status.value = (e.currentTarget as HTMLSelectElement).value as DeliveryStatus | "")}>
            <option value="">All</option>
            {DELIVERY_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_WORDS[s]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="small" onClick={() => void load(p?.offset ?? 0)}>
          Refresh
        </button>
      </div>
      {message.value && <p role="status">{message.value}</p>}
      {p && p.items.length === 0 && <p class="empty">Nothing sent{status.value ? ` with this state` : ""} yet.</p>}
      {p && p.items.length > 0 && (
        <table class="list deliveries">
          <thead>
            <tr>
              <th scope="col">Sent</th>
              <th scope="col">Event</th>
              <th scope="col">State</th>
              <th scope="col">Tries</th>
              <th scope="col">Answer</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {p.items.map((d) => (
              <tr key={d.id} data-delivery={d.id} data-status={d.status}>
                <td>{formatTime(d.lastAttemptAt ?? d.createdAt)}</td>
                <td data-label="Event">
                  <code>{d.eventType}</code>
                </td>
                <td data-label="State">
                  <span class={`badge ${d.status === "delivered" ? "ok" : "warn"}`}>{STATUS_WORDS[d.status]}</span>
                  {d.status === "pending" && d.nextAttemptAt && <small class="muted block">next try {formatTime(d.nextAttemptAt)}</small>}
                </td>
                <td data-label="Tries">{d.attempts}</td>
                <td data-label="Answer" class="answer">
                  {d.lastStatusCode ? <strong>{d.lastStatusCode}</strong> : null} {d.lastError && <span>{d.lastError}</span>}
                  {d.lastResponse && (
                    <details>
                      <summary>Body</summary>
                      <pre>{d.lastResponse}</pre>
                    </details>
                  )}
                  {!d.lastStatusCode && !d.lastError && "—"}
                </td>
                <td class="actions">
                  <button type="button" disabled={!endpoint.enabled || d.status === "pending"} onClick={() => void redeliver(d)}>
                    Send again
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {p && p.total > p.limit && (
        <div class="actions">
          <button type="button" disabled={p.offset === 0} onClick={() => void load(Math.max(0, p.offset - PAGE))}>
            Newer
          </button>
          <span class="muted">
            {p.offset + 1}–{Math.min(p.offset + p.items.length, p.total)} of {p.total.toLocaleString()}
          </span>
          <button type="button" disabled={p.offset + PAGE >= p.total} onClick={() => void load(p.offset + PAGE)}>
            Older
          </button>
        </div>
      )}
    </section>
  );
}
