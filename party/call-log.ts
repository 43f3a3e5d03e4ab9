/**
 * The D1 call log: rows keyed by the provider's call id, so a call is never logged twice, and the
 * Switchboard's write-behind that puts ended calls there off the webhooks' path.
 */
import { fillPlaceholders, sql, type Placeholder, type SQL } from "drizzle-orm";
import { calls } from "../schema/db.ts";
import type { LiveCall } from "../schema/calls.ts";
import { chunks, getDb, type Db } from "../schema/d1.ts";
import * as store from "./store.ts";

/** The facts of a call that the Switchboard owns and refreshes. */
function outcomeOf(call: LiveCall) {
  return {
    status: call.status,
    contactId: call.contactId,
    callerType: call.callerType,
    callerName: call.callerName,
    terminationNumber: call.terminationNumber,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    durationSeconds: call.durationSeconds,
    talkSeconds: call.talkSeconds,
    recordingUrl: call.recordingUrl,
    voicemail: call.voicemail,
    // Calls kept from before answeredBy existed have none.
    answeredBy: call.answeredBy?.number ?? null,
    answeredByLabel: call.answeredBy?.label ?? null,
  };
}

/** A call's website visit as call-log columns (all null for a call that came from none). */
function visitColumns(call: LiveCall) {
  const v = call.visit ?? null;
  return {
    visitId: v?.id ?? null,
    visitSource: v?.source ?? null,
    visitMedium: v?.medium ?? null,
    visitCampaign: v?.campaign ?? null,
    visitKeyword: v?.keyword ?? null,
    visitLandingPage: v?.landingPage ?? null,
    visitReferrer: v?.referrer ?? null,
    visitGclid: v?.gclid ?? null,
  };
}

/** The call-log row of a call as the Switchboard knows it. */
export function callLogRow(tenantId: string, call: LiveCall) {
  return {
    id: call.id,
    tenantId,
    provider: call.provider,
    providerCallId: call.providerCallId,
    fromNumber: call.callerNumber,
    toNumber: call.trackingNumber,
    trackingNumberId: call.trackingNumberId,
    campaignId: call.campaignId,
    startedAt: call.startedAt,
    firstTime: call.firstTime,
    failsafe: call.failsafe,
    // The route's tags (after-hours) start the call's tags; from then on they are the staff's.
    tags: call.tags,
    // The website visit is the call's from its first ring (a retry does not change it).
    ...visitColumns(call),
    ...outcomeOf(call),
  };
}

type Row = ReturnType<typeof callLogRow>;

/** The upsert's SQL and its parameters (placeholders named by the row's keys), built once. */
let upsert: { sql: string; params: unknown[] } | undefined;

/**
 * The statement that writes a call's row, for a D1 batch: inserted once, its facts refreshed after.
 * drizzle builds the SQL the first time only (building it cost more than running it, per call);
 * each call binds its own values, encoded by the columns as drizzle encodes them.
 */
export function callLogWrite(d1: D1Database, tenantId: string, call: LiveCall): D1PreparedStatement {
  const row = callLogRow(tenantId, call);
  upsert ??= getDb(d1)
    .insert(calls)
    .values(placeholders(row))
    // What staff wrote on the call (subject, notes, outcome, tags) is theirs: only the call's facts are refreshed.
    .onConflictDoUpdate({ target: [calls.tenantId, calls.provider, calls.providerCallId], set: fromExcluded(Object.keys(outcomeOf(call)) as (keyof Outcome)[]) })
    .toSQL();
  return d1.prepare(upsert.sql).bind(...fillPlaceholders(upsert.params, row));
}

type Outcome = ReturnType<typeof outcomeOf>;

function placeholders(row: Row) {
  return Object.fromEntries(Object.keys(row).map((key) => [key, sql.placeholder(key)])) as { [K in keyof Row]: Placeholder };
}

/** `set column = excluded.column` for each of these columns: the values the insert tried. */
function fromExcluded(keys: (keyof Outcome)[]) {
  return Object.fromEntries(keys.map((key) => [key, sql`excluded.${sql.identifier(calls[key].name)}`])) as { [K in keyof Outcome]: SQL };
}

/** Makes sure a live call has its row, so staff can write on it before it ends. */
export async function ensureCallLogRow(db: Db, tenantId: string, call: LiveCall) {
  await db.insert(calls).values(callLogRow(tenantId, call)).onConflictDoNothing();
}

/** Call-log rows per D1 batch (one statement each). */
const LOG_BATCH = 50;
/** How long an ended call waits for the provider's last report before its call-log write. */
export const LOG_SETTLE_MS = 2000;
export const LOG_RETRY_MS = 30 * 1000;

type WriterOptions = {
  d1: D1Database;
  tenantId: string;
  /** The Switchboard's storage, where a call stays marked pending until its row is in D1. */
  sql: SqlStorage;
  /** Asks for another try at `at` (the Switchboard's alarm writes what is still pending). */
  retryAt: (at: number) => Promise<void>;
  /** Told after a write that leaves no call waiting (none queued, none pending in storage). */
  settled?: () => void;
  settleMs?: number;
};

/**
 * Writes ended calls to the D1 call log, off the webhook's path: they are written together
 * `settleMs` after the first of them, so the provider's last report on a call (its own duration, a
 * moment after the call ended here) joins that write instead of making a second one, and under load
 * one D1 round trip carries many calls. Until a call is in D1 it stays marked pending in storage: an
 * eviction meanwhile, or a failed write, is put right by the alarm (`retryAt`).
 */
export class CallLogWriter {
  readonly #options: WriterOptions;
  /** Ended calls waiting for their write (the latest state of each), the timer that writes them, the write in flight. */
  #queue = new Map<string, LiveCall>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #inFlight: Promise<void> = Promise.resolve();

  constructor(options: WriterOptions) {
    this.#options = options;
  }

  queue(ended: LiveCall[]) {
    if (ended.length === 0) return;
    for (const call of ended) this.#queue.set(call.id, call);
    this.#settleLater();
  }

  /**
   * Picks up what a previous instance left: calls storage marks pending (it was evicted or crashed
   * between a call's end and its write) are written after the settle time, as if just queued.
   */
  resume() {
    if (store.hasCallsPendingLog(this.#options.sql)) this.#settleLater();
  }

  #settleLater() {
    this.#timer ??= setTimeout(() => void this.flush(), this.#options.settleMs ?? LOG_SETTLE_MS);
  }

  /**
   * Writes every call waiting for the log now (after the write in flight) and resolves once they
   * are in D1, or failed (never rejects: what fails stays pending for the alarm). "Waiting" is what
   * storage marks pending, not only this instance's queue: a call whose instance was evicted or
   * crashed before its write is written by the next reader of the log, not minutes later by the alarm.
   */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#inFlight = this.#inFlight
      .then(() => {
        // Storage has each call's latest state; the queue's is the same or newer (a caller that queues without storing).
        const waiting = new Map(store.callsPendingLog(this.#options.sql).map((s) => [s.call.id, s.call]));
        for (const [id, call] of this.#queue) waiting.set(id, call);
        this.#queue.clear();
        return this.#write([...waiting.values()]);
      })
      .then(() => {
        if (this.#queue.size === 0 && !store.hasCallsPendingLog(this.#options.sql)) this.#options.settled?.();
      })
      .catch((err: unknown) => console.error("call log write failed", err));
    return this.#inFlight;
  }

  async #write(batch: LiveCall[]) {
    const { d1, tenantId, sql } = this.#options;
    for (const part of chunks(batch, LOG_BATCH)) {
      try {
        await d1.batch(part.map((call) => callLogWrite(d1, tenantId, call)));
        // A call queued again meanwhile (it changed) stays pending until that write is in.
        for (const call of part) if (!this.#queue.has(call.id)) store.setLogPending(sql, call.id, false);
      } catch (err) {
        console.error("call log write failed; will retry", part.map((c) => c.id), err);
        await this.#options.retryAt(Date.now() + LOG_RETRY_MS);
      }
    }
  }
}
