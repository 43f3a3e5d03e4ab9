/** The D1 call log: rows keyed by the provider's call id, so a call is never logged twice. */
import { calls } from "../schema/db.ts";
import type { LiveCall } from "../schema/calls.ts";
import type { Db } from "../worker/db.ts";

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

/** The statement that writes a call's row, for a batch: inserted once, its facts refreshed after. */
export function callLogWrite(db: Db, tenantId: string, call: LiveCall) {
  return db
    .insert(calls)
    .values(callLogRow(tenantId, call))
    // What staff wrote on the call (subject, notes, outcome, tags) is theirs: only the call's facts are refreshed.
    .onConflictDoUpdate({ target: [calls.tenantId, calls.provider, calls.providerCallId], set: outcomeOf(call) });
}

/** Makes sure a live call has its row, so staff can write on it before it ends. */
export async function ensureCallLogRow(db: Db, tenantId: string, call: LiveCall) {
  await db.insert(calls).values(callLogRow(tenantId, call)).onConflictDoNothing();
}
