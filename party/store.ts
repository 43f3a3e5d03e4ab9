/**
 * The Switchboard's SQLite storage: live calls, the event log with its per-tenant `seq`, notifications,
 * routing counters and who last answered each caller (sticky routing). Plain functions over `SqlStorage`, so tests can call them directly.
 */
import { isTerminal, type LiveCall, type Notification } from "../schema/calls.ts";
import type { EventMessage, NewEvent } from "../schema/messages.ts";
import type { CallMemory } from "./calls.ts";
import type { RoutingDecision } from "../telephony/contract.ts";

/** How many events a reconnecting client can catch up on before it gets a snapshot instead. */
export const EVENT_LOG_SIZE = 1000;
export const RECENT_NOTIFICATIONS = 50;
/** Notifications are kept 30 days, and at most the newest 2,000 (about 0.8 MB): the call log keeps the history. */
export const KEEP_NOTIFICATIONS_MS = 30 * 24 * 60 * 60 * 1000;
export const NOTIFICATIONS_KEPT = 2000;

export function migrate(sql: SqlStorage) {
  sql.exec(`
    create table if not exists meta (key text primary key, value text not null);
    create table if not exists calls (
      id text primary key,
      provider_key text not null unique,
      active integer not null,
      call text not null,
      memory text not null,
      decision text not null,
      updated_at integer not null,
      log_pending integer not null default 0
    );
    create index if not exists calls_active on calls (active, updated_at);
    create index if not exists calls_log_pending on calls (log_pending) where log_pending = 1;
    create table if not exists events (seq integer primary key, message text not null, at integer not null);
    create table if not exists notifications (id text primary key, notification text not null, at integer not null);
    create index if not exists notifications_at on notifications (at);
    create table if not exists counters (key text primary key, value integer not null);
    create table if not exists connections (call_id text not null, number text not null, primary key (call_id, number));
    create table if not exists notification_reads (user_id text not null, notification_id text not null, primary key (user_id, notification_id));
    create index if not exists notification_reads_notification on notification_reads (notification_id);
    create table if not exists reminders (call_id text primary key, due_at integer not null, reminder text not null, fired integer not null default 0);
    create index if not exists reminders_due on reminders (fired, due_at);
    create index if not exists connections_number on connections (number);
    create table if not exists answerers (caller_number text primary key, number text not null, at integer not null);
    create index if not exists answerers_at on answerers (at);
    create table if not exists held_calls (call_id text primary key);
  `);
}

export type StoredCall = { call: LiveCall; memory: CallMemory; decision: RoutingDecision; logPending: boolean; updatedAt: number };

type CallRow = { call: string; memory: string; decision: string; log_pending: number; updated_at: number };

/** What calls kept before a LiveCall field existed read as (they are JSON of their day). */
const LATER_FIELDS: Pick<LiveCall, "voicemail" | "ringsAtLabel" | "answeredBy" | "visit"> = { voicemail: null, ringsAtLabel: null, answeredBy: null, visit: null };

function readCall(row: CallRow): StoredCall {
  return {
    call: { ...LATER_FIELDS, ...(JSON.parse(row.call) as Partial<LiveCall>) } as LiveCall,
    memory: JSON.parse(row.memory) as CallMemory,
    decision: JSON.parse(row.decision) as RoutingDecision,
    logPending: row.log_pending === 1,
    updatedAt: row.updated_at,
  };
}

export function providerKey(provider: string, providerCallId: string) {
  return `${provider}:${providerCallId}`;
}

export function getCallByProviderId(sql: SqlStorage, provider: string, providerCallId: string): StoredCall | null {
  const row = sql.exec<CallRow>("select call, memory, decision, log_pending, updated_at from calls where provider_key = ?", providerKey(provider, providerCallId)).toArray()[0];
  return row ? readCall(row) : null;
}

export function getCall(sql: SqlStorage, id: string): StoredCall | null {
  const row = sql.exec<CallRow>("select call, memory, decision, log_pending, updated_at from calls where id = ?", id).toArray()[0];
  return row ? readCall(row) : null;
}

/** Saves a call; it stays in the active list until its status is terminal. */
export function putCall(sql: SqlStorage, stored: StoredCall) {
  const { call } = stored;
  const active = !isTerminal(call.status);
  sql.exec(
    `insert into calls (id, provider_key, active, call, memory, decision, updated_at, log_pending) values (?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (id) do update set active = excluded.active, call = excluded.call, memory = excluded.memory,
       decision = excluded.decision, updated_at = excluded.updated_at, log_pending = excluded.log_pending`,
    call.id,
    providerKey(call.provider, call.providerCallId),
    active ? 1 : 0,
    JSON.stringify(call),
    JSON.stringify(stored.memory),
    JSON.stringify(stored.decision),
    stored.updatedAt,
    stored.logPending ? 1 : 0,
  );
}

export function activeCalls(sql: SqlStorage): StoredCall[] {
  return sql.exec<CallRow>("select call, memory, decision, log_pending, updated_at from calls where active = 1 order by updated_at").toArray().map(readCall);
}

export function callsPendingLog(sql: SqlStorage): StoredCall[] {
  return sql.exec<CallRow>("select call, memory, decision, log_pending, updated_at from calls where log_pending = 1").toArray().map(readCall);
}

export function hasCalls(sql: SqlStorage): boolean {
  return sql.exec("select 1 from calls limit 1").toArray().length > 0;
}

export function hasCallsPendingLog(sql: SqlStorage): boolean {
  return sql.exec("select 1 from calls where log_pending = 1 limit 1").toArray().length > 0;
}

export function setLogPending(sql: SqlStorage, id: string, pending: boolean) {
  sql.exec("update calls set log_pending = ? where id = ?", pending ? 1 : 0, id);
}

/** Forgets ended calls last touched before `before` (their late callbacks no longer matter). */
export function pruneEndedCalls(sql: SqlStorage, before: number) {
  sql.exec("delete from calls where active = 0 and log_pending = 0 and updated_at < ?", before);
}

export function getMeta(sql: SqlStorage, key: string): string | null {
  return sql.exec<{ value: string }>("select value from meta where key = ?", key).toArray()[0]?.value ?? null;
}

export function setMeta(sql: SqlStorage, key: string, value: string) {
  sql.exec("insert into meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value", key, value);
}

export function deleteMeta(sql: SqlStorage, key: string) {
  sql.exec("delete from meta where key = ?", key);
}

export function currentSeq(sql: SqlStorage): number {
  return Number(getMeta(sql, "seq") ?? 0);
}

/** Gives the event the next `seq`, keeps it in the log, and returns it ready to broadcast. */
export function appendEvent(sql: SqlStorage, event: NewEvent, at: number): EventMessage {
  const seq = currentSeq(sql) + 1;
  const message = { ...event, seq } as EventMessage;
  setMeta(sql, "seq", String(seq));
  sql.exec("insert into events (seq, message, at) values (?, ?, ?)", seq, JSON.stringify(message), at);
  if (seq % 100 === 0) sql.exec("delete from events where seq <= ?", seq - EVENT_LOG_SIZE);
  return message;
}

/**
 * Calls with a change no dashboard has been sent yet (pipeline.ts, "held changes"): a figure filled
 * in, sent with the call's next event or the next event of any call, whichever comes first.
 */
export function holdCall(sql: SqlStorage, callId: string) {
  sql.exec("insert or ignore into held_calls (call_id) values (?)", callId);
}

/** The call is no longer held (its event is about to be sent). */
export function unholdCall(sql: SqlStorage, callId: string) {
  sql.exec("delete from held_calls where call_id = ?", callId);
}

/** The held calls, taken off the held list: their changes are about to be sent. */
export function takeHeldCalls(sql: SqlStorage): StoredCall[] {
  const ids = sql.exec<{ call_id: string }>("delete from held_calls returning call_id").toArray();
  return ids.map((r) => getCall(sql, r.call_id)).filter((c): c is StoredCall => c !== null);
}

export function hasHeldCalls(sql: SqlStorage): boolean {
  return sql.exec("select 1 from held_calls limit 1").toArray().length > 0;
}

/** Puts `event` in the log in place of the event numbered `seq` (which has not been sent). */
export function replaceEvent(sql: SqlStorage, seq: number, event: NewEvent): EventMessage {
  const message = { ...event, seq } as EventMessage;
  sql.exec("update events set message = ? where seq = ?", JSON.stringify(message), seq);
  return message;
}

/**
 * The events after `since` that `userId` may see (another user's read marks are theirs), or null
 * when the log no longer reaches back that far (or `since` is from the future).
 */
export function eventsSince(sql: SqlStorage, since: number, viewer: Viewer): EventMessage[] | null {
  const seq = currentSeq(sql);
  if (since > seq) return null;
  if (since === seq) return [];
  const oldest = sql.exec<{ seq: number }>("select min(seq) as seq from events").toArray()[0]?.seq;
  if (oldest === undefined || oldest === null || oldest > since + 1) return null;
  return sql
    .exec<{ message: string }>("select message from events where seq > ? order by seq", since)
    .toArray()
    .map((r) => JSON.parse(r.message) as EventMessage)
    .filter((e) => (e.type === "read" ? e.userId === viewer.userId : e.type === "notification" ? sees(viewer, e.notification) : true));
}

/** Who a dashboard is: its user, and whether they are an admin (some notifications are only theirs). */
export type Viewer = { userId: string; admin: boolean };

export function sees(viewer: Pick<Viewer, "admin">, n: Pick<Notification, "audience">) {
  return n.audience !== "admins" || viewer.admin;
}

/** SQL: the notification `n` is one the viewer whose admin flag is bound sees. */
const SEEN_BY = "(? or json_extract(n.notification, '$.audience') is null)";

/**
 * Marks notifications read for a user; returns the ids that were not read before (in the order
 * given). One statement however many ids: a message's work is one write, not two queries per id.
 */
export function markRead(sql: SqlStorage, viewer: Viewer, ids: string[] | "all"): string[] {
  const { userId } = viewer;
  if (ids === "all") {
    return sql
      .exec<{ id: string }>(`insert or ignore into notification_reads (user_id, notification_id) select ?, n.id from notifications n where ${SEEN_BY} returning notification_id as id`, userId, viewer.admin ? 1 : 0)
      .toArray()
      .map((r) => r.id);
  }
  if (ids.length === 0) return [];
  const fresh = new Set(
    sql
      .exec<{ id: string }>(
        `insert or ignore into notification_reads (user_id, notification_id)
         select ?, n.id from notifications n where n.id in (select value from json_each(?)) and ${SEEN_BY}
         returning notification_id as id`,
        userId,
        JSON.stringify(ids),
        viewer.admin ? 1 : 0,
      )
      .toArray()
      .map((r) => r.id),
  );
  return [...new Set(ids)].filter((id) => fresh.has(id));
}

/** How many notifications the viewer has not read: all they see, not only the window a snapshot carries. */
export function unreadCount(sql: SqlStorage, viewer: Viewer): number {
  return sql
    .exec<{ n: number }>(`select count(*) as n from notifications n where ${SEEN_BY} and not exists (select 1 from notification_reads r where r.user_id = ? and r.notification_id = n.id)`, viewer.admin ? 1 : 0, viewer.userId)
    .one().n;
}

export function readAmong(sql: SqlStorage, userId: string, ids: string[]): string[] {
  if (ids.length === 0) return [];
  const read = new Set(sql.exec<{ id: string }>("select notification_id as id from notification_reads where user_id = ?", userId).toArray().map((r) => r.id));
  return ids.filter((id) => read.has(id));
}

export type Reminder = { callId: string; contactId: string | null; dueAt: number; title: string; body: string };

/** Sets (or moves, or with null clears) the follow-up reminder of a call. */
export function setReminder(sql: SqlStorage, callId: string, reminder: Reminder | null) {
  if (!reminder) sql.exec("delete from reminders where call_id = ?", callId);
  else
    sql.exec(
      "insert into reminders (call_id, due_at, reminder, fired) values (?, ?, ?, 0) on conflict (call_id) do update set due_at = excluded.due_at, reminder = excluded.reminder, fired = 0",
      callId,
      reminder.dueAt,
      JSON.stringify(reminder),
    );
}

export function dueReminders(sql: SqlStorage, now: number): Reminder[] {
  return sql.exec<{ reminder: string }>("select reminder from reminders where fired = 0 and due_at <= ? order by due_at", now).toArray().map((r) => JSON.parse(r.reminder) as Reminder);
}

export function markReminderFired(sql: SqlStorage, callId: string) {
  sql.exec("update reminders set fired = 1 where call_id = ?", callId);
}

export function nextReminderAt(sql: SqlStorage): number | null {
  return sql.exec<{ at: number | null }>("select min(due_at) as at from reminders where fired = 0").one().at;
}

/** Keeps a notification; false when one with its id exists already (it is not sent twice). */
export function putNotification(sql: SqlStorage, n: Notification): boolean {
  return sql.exec("insert or ignore into notifications (id, notification, at) values (?, ?, ?)", n.id, JSON.stringify(n), n.at).rowsWritten > 0;
}

/** Forgets notifications older than `before`, and any beyond the newest `kept`, with who read them. */
export function pruneNotifications(sql: SqlStorage, before: number, kept = NOTIFICATIONS_KEPT) {
  // The time of the newest one past the limit: it and everything as old go too.
  const past = sql.exec<{ at: number }>("select at from notifications order by at desc limit 1 offset ?", kept).toArray()[0]?.at;
  const until = past === undefined ? before : Math.max(before, past + 1);
  sql.exec("delete from notification_reads where notification_id in (select id from notifications where at < ?)", until);
  sql.exec("delete from notifications where at < ?", until);
}

/** Forgets reminders that fired (each is a notification by then) and were due before `before`. */
export function pruneFiredReminders(sql: SqlStorage, before: number) {
  sql.exec("delete from reminders where fired = 1 and due_at < ?", before);
}

/** Rewrites a notification kept already (its id stays, and with it who has read it). */
export function replaceNotification(sql: SqlStorage, n: Notification) {
  sql.exec("update notifications set notification = ? where id = ?", JSON.stringify(n), n.id);
}

/** The notifications about a call: their ids start with the call's id and a colon (a key range, not a scan). */
export function notificationsOfCall(sql: SqlStorage, callId: string): Notification[] {
  return sql
    .exec<{ notification: string }>("select notification from notifications where id >= ? and id < ?", `${callId}:`, `${callId};`)
    .toArray()
    .map((r) => JSON.parse(r.notification) as Notification);
}

export function recentNotifications(sql: SqlStorage, viewer: Pick<Viewer, "admin">, limit = RECENT_NOTIFICATIONS): Notification[] {
  return sql
    .exec<{ notification: string }>(`select notification from notifications n where ${SEEN_BY} order by at desc, id desc limit ?`, viewer.admin ? 1 : 0, limit)
    .toArray()
    .map((r) => JSON.parse(r.notification) as Notification);
}

export function readCounter(sql: SqlStorage, key: string): number {
  return sql.exec<{ value: number }>("select value from counters where key = ?", key).toArray()[0]?.value ?? 0;
}

export function addToCounter(sql: SqlStorage, key: string, delta: number): number {
  return sql
    .exec<{ value: number }>("insert into counters (key, value) values (?, ?) on conflict (key) do update set value = value + excluded.value returning value", key, delta)
    .one().value;
}

/** A round-robin slot: the counter's value before it advances. One thread runs here, so no two calls share a slot. */
export function takeSlot(sql: SqlStorage, key: string): number {
  return addToCounter(sql, key, 1) - 1;
}

/** The numbers a call is ringing or connected to now (least-connected routing counts them). */
export function addConnections(sql: SqlStorage, callId: string, numbers: string[]) {
  for (const number of numbers) sql.exec("insert or ignore into connections (call_id, number) values (?, ?)", callId, number);
}

/** Idempotent, so a callback delivered twice or late can never count a call down twice. */
export function clearConnections(sql: SqlStorage, callId: string) {
  sql.exec("delete from connections where call_id = ?", callId);
}

export function connectionCount(sql: SqlStorage, number: string): number {
  return sql.exec<{ n: number }>("select count(*) as n from connections where number = ?", number).one().n;
}

/** Remembers who answered a caller (sticky routing rings them first next time); the later call wins. */
export function rememberAnswerer(sql: SqlStorage, callerNumber: string, number: string, at: number) {
  sql.exec(
    "insert into answerers (caller_number, number, at) values (?, ?, ?) on conflict (caller_number) do update set number = excluded.number, at = excluded.at where excluded.at >= answerers.at",
    callerNumber,
    number,
    at,
  );
}

/** The number that last answered `callerNumber`, or null: one primary-key read. */
export function lastAnswerer(sql: SqlStorage, callerNumber: string): string | null {
  return sql.exec<{ number: string }>("select number from answerers where caller_number = ?", callerNumber).toArray()[0]?.number ?? null;
}

/** Forgets callers nobody answered since `before` (sticky routing looks back that far). */
export function pruneAnswerers(sql: SqlStorage, before: number) {
  sql.exec("delete from answerers where at < ?", before);
}
