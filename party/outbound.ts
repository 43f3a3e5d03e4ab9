/**
 * The Switchboard's side of Switchboard talking back: which webhook events a call's changes give
 * rise to, each once per call (a provider's retried webhook changes nothing, so it emits nothing),
 * kept in an outbox in the Switchboard's SQLite in the same synchronous step as the change, and
 * sent to the outbound queue after the operation, off the provider's path. Until Queues has taken
 * an event it stays in the outbox: a failed send, or an eviction meanwhile, is put right by the
 * alarm (`retryAt`).
 */
import { isMissed, isTerminal, type LiveCall } from "../schema/calls.ts";
import { getCall } from "./store.ts";
import type { OutboundMessage, WebhookEventType } from "../schema/webhooks.ts";

export function migrateOutbound(sql: SqlStorage) {
  sql.exec(`
    create table if not exists outbound (seq integer primary key autoincrement, event text not null);
    create table if not exists call_events_sent (call_id text not null, type text not null, primary key (call_id, type));
  `);
}

/** A call's events in the order they happen; each is due once the call shows it. */
const CALL_EVENTS: [WebhookEventType, (call: LiveCall) => boolean][] = [
  ["call.ringing", () => true],
  ["call.answered", (call) => call.answeredAt !== null],
  ["voicemail.ready", (call) => call.voicemail === "left" && call.recordingUrl !== null],
  ["call.ended", (call) => isTerminal(call.status)],
  ["call.missed", (call) => isMissed(call.status)],
];

/** The call as the API shows a call the Switchboard holds (GET /api/calls/:id of a live call, less the staff's notes). */
export function callData(call: LiveCall) {
  return { ...call, live: !isTerminal(call.status) };
}

/**
 * Puts in the outbox the events `call` has come to and not yet emitted (at most once each per
 * call, whatever repeats); returns how many. The outbox's seq orders a call's events for each endpoint.
 */
export function emitCallEvents(sql: SqlStorage, call: LiveCall, now: number): number {
  let emitted = 0;
  // The numbers the call rang decide whose texts its events are: read once, when one is emitted.
  let rang: string[] | undefined | null = null;
  for (const [type, due] of CALL_EVENTS) {
    if (!due(call)) continue;
    if (sql.exec("insert or ignore into call_events_sent (call_id, type) values (?, ?)", call.id, type).rowsWritten === 0) continue;
    // Its ordinal is its seq, given when it is sent.
    if (rang === null) rang = getCall(sql, call.id)?.memory.rang;
    const event = { id: `evt_${crypto.randomUUID().replace(/-/g, "")}`, type, at: now, data: callData(call), orderingKey: `call:${call.id}`, ...(rang ? { rang } : {}) };
    sql.exec("insert into outbound (event) values (?)", JSON.stringify(event));
    emitted++;
  }
  return emitted;
}

/** Forgets which events calls emitted, for calls the Switchboard no longer keeps. */
export function pruneCallEvents(sql: SqlStorage) {
  sql.exec("delete from call_events_sent where call_id not in (select id from calls)");
}

type OutboxEvent = Extract<OutboundMessage, { kind: "event" }>["event"];

export function hasOutbound(sql: SqlStorage) {
  return sql.exec("select 1 from outbound limit 1").toArray().length > 0;
}

/** Queues takes at most 100 messages a batch. */
const SEND_BATCH = 100;
export const OUTBOUND_RETRY_MS = 30 * 1000;

type SenderOptions = {
  sql: SqlStorage;
  tenantId: string;
  queue: Queue;
  /** Asks for another try at `at` (the Switchboard's alarm sends what is still in the outbox). */
  retryAt: (at: number) => Promise<void>;
};

/** Sends the outbox to the outbound queue, in order, one send at a time. */
export class OutboundSender {
  readonly #options: SenderOptions;
  #inFlight: Promise<void> = Promise.resolve();
  #scheduled = false;

  constructor(options: SenderOptions) {
    this.#options = options;
  }

  /** Sends what the outbox holds soon, after the operation that filled it has answered. */
  kick() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(() => {
      this.#scheduled = false;
      void this.flush();
    }, 0);
  }

  /** Sends everything in the outbox; resolves once sent, or failed (then the alarm tries again). Never rejects. */
  flush(): Promise<void> {
    this.#inFlight = this.#inFlight.then(() => this.#send()).catch(async (err: unknown) => {
      console.error("outbound: could not send events to the queue; will retry", err);
      await this.#options.retryAt(Date.now() + OUTBOUND_RETRY_MS).catch(() => undefined);
    });
    return this.#inFlight;
  }

  async #send() {
    const { sql, tenantId, queue } = this.#options;
    for (;;) {
      const rows = sql.exec<{ seq: number; event: string }>("select seq, event from outbound order by seq limit ?", SEND_BATCH).toArray();
      if (rows.length === 0) return;
      const messages = rows.map((r): MessageSendRequest<OutboundMessage> => ({ body: { kind: "event", tenantId, event: { ...(JSON.parse(r.event) as OutboxEvent), ordinal: r.seq } }, contentType: "json" }));
      await queue.sendBatch(messages);
      sql.exec("delete from outbound where seq <= ?", rows.at(-1)!.seq);
    }
  }
}
