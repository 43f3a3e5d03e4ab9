/** The D1 call log: rows keyed by the provider's call id, so a call is never logged twice. */
import { fillPlaceholders, sql, type Placeholder, type SQL } from "drizzle-orm";
import { calls } from "../schema/db.ts";
import type { LiveCall } from "../schema/calls.ts";
import { getDb, type Db } from "../schema/d1.ts";

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
