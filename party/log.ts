/** Writes an ended call to the D1 call log: an upsert keyed by the provider's call id, so never twice. */
import { calls } from "../schema/db.ts";
import type { LiveCall } from "../schema/calls.ts";
import type { Db } from "../worker/db.ts";

export async function writeCallLog(db: Db, tenantId: string, call: LiveCall) {
  const outcome = {
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
  await db
    .insert(calls)
    .values({
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
      ...outcome,
    })
    // What staff wrote on the call (subject, notes, outcome, tags) is theirs: only the call's facts are refreshed.
    .onConflictDoUpdate({ target: [calls.tenantId, calls.provider, calls.providerCallId], set: outcome });
}
