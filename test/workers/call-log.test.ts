/**
 * The call log's write-behind on its own (party/call-log.ts), inside a real Switchboard's storage
 * and against real local D1: when it writes, what it writes, and what it does when D1 refuses.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { CallLogWriter, LOG_RETRY_MS } from "../../party/call-log.ts";
import * as store from "../../party/store.ts";
import type { Switchboard } from "../../party/switchboard.ts";
import type { LiveCall } from "../../schema/calls.ts";
import { createTwilioTenant, hexId, switchboardOf, type TwilioTenant } from "./twilio-helpers.ts";

function endedCall(t: TwilioTenant, fields: Partial<LiveCall> = {}): LiveCall {
  const now = Date.now();
  return {
    id: crypto.randomUUID(),
    provider: "twilio",
    providerCallId: hexId("CA"),
    status: "completed",
    callerNumber: "+14155550124",
    callerType: "unknown",
    callerName: null,
    contactId: null,
    trackingNumber: t.trackingNumber,
    trackingNumberId: t.trackingNumberId,
    trackingLabel: "Main line",
    campaignId: t.campaignId,
    campaignName: "Website",
    terminationNumber: t.terminationNumber,
    firstTime: true,
    startedAt: now - 60_000,
    answeredAt: now - 50_000,
    endedAt: now,
    durationSeconds: 60,
    talkSeconds: 50,
    failsafe: false,
    tags: [],
    recordingUrl: null,
    voicemail: null,
    ringsAtLabel: null,
    answeredBy: null,
    ...fields,
  };
}

/** Puts the call in the Switchboard's storage, pending its call-log write, as the pipeline does. */
function stored(sql: SqlStorage, call: LiveCall) {
  const route = { trackingNumber: call.trackingNumber, routeId: null, terminationNumber: call.terminationNumber, failsafeNumber: null, whisper: null, record: false };
  store.putCall(sql, { call, memory: { dialOutcome: null, sequences: {}, routing: { frame: { kind: "done" }, dialling: [], tags: [] }, tracking: route, contactTags: [] }, decision: { steps: [] }, logPending: true, updatedAt: Date.now() });
}

const rowOf = (call: LiveCall) => env.DB.prepare("select status, duration_seconds from calls where provider_call_id = ?").bind(call.providerCallId).first();
const pendingOf = (sql: SqlStorage, call: LiveCall) => store.getCall(sql, call.id)?.logPending;

describe("the call log's write-behind", () => {
  it("writes nothing until the call has settled, then one row with its latest state, and clears its pending mark", async () => {
    const t = await createTwilioTenant();
    await runInDurableObject(switchboardOf(t), async (_: Switchboard, state) => {
      const sql = state.storage.sql;
      const writer = new CallLogWriter({ d1: env.DB, tenantId: t.id, sql, retryAt: () => Promise.reject(new Error("no retry expected")), settleMs: 50 });
      const call = endedCall(t, { durationSeconds: null });
      stored(sql, call);
      writer.queue([call]);
      // The provider's final report a moment later brings the duration: the same write carries it.
      writer.queue([{ ...call, durationSeconds: 61 }]);
      expect(await rowOf(call)).toBeNull();
      await vi.waitFor(async () => expect(await rowOf(call)).toEqual({ status: "completed", duration_seconds: 61 }));
      expect(pendingOf(sql, call)).toBe(false);
    });
  });

  it("writes at once when flushed, after the write in flight, many calls in one go", async () => {
    const t = await createTwilioTenant();
    await runInDurableObject(switchboardOf(t), async (_: Switchboard, state) => {
      const sql = state.storage.sql;
      const writer = new CallLogWriter({ d1: env.DB, tenantId: t.id, sql, retryAt: () => Promise.reject(new Error("no retry expected")), settleMs: 60_000 });
      const calls = Array.from({ length: 120 }, () => endedCall(t));
      for (const call of calls) stored(sql, call);
      writer.queue(calls.slice(0, 60));
      const first = writer.flush();
      writer.queue(calls.slice(60));
      await Promise.all([first, writer.flush()]);
      const { n } = (await env.DB.prepare("select count(*) as n from calls where tenant_id = ?").bind(t.id).first<{ n: number }>())!;
      expect(n).toBe(120);
      expect(calls.filter((c) => pendingOf(sql, c))).toEqual([]);
    });
  });

  it("writes, when flushed, the calls storage marks pending that this writer never queued (its instance went before their write)", async () => {
    const t = await createTwilioTenant();
    await runInDurableObject(switchboardOf(t), async (_: Switchboard, state) => {
      const sql = state.storage.sql;
      const left = endedCall(t);
      stored(sql, left);
      const writer = new CallLogWriter({ d1: env.DB, tenantId: t.id, sql, retryAt: () => Promise.reject(new Error("no retry expected")), settleMs: 60_000 });
      await writer.flush();
      expect(await rowOf(left)).toEqual({ status: "completed", duration_seconds: 60 });
      expect(pendingOf(sql, left)).toBe(false);
    });
  });

  it("keeps a call D1 refused pending and asks for a retry, without rejecting", async () => {
    const t = await createTwilioTenant();
    await runInDurableObject(switchboardOf(t), async (_: Switchboard, state) => {
      const sql = state.storage.sql;
      const refusing = { prepare: (query: string) => env.DB.prepare(query), batch: () => Promise.reject(new Error("D1_ERROR: overloaded")) } as unknown as D1Database;
      const retries: number[] = [];
      const writer = new CallLogWriter({ d1: refusing, tenantId: t.id, sql, retryAt: async (at) => void retries.push(at), settleMs: 60_000 });
      const call = endedCall(t);
      stored(sql, call);
      writer.queue([call]);
      const before = Date.now();
      await writer.flush();
      expect(retries).toHaveLength(1);
      expect(retries[0]).toBeGreaterThanOrEqual(before + LOG_RETRY_MS);
      expect(pendingOf(sql, call)).toBe(true);
      expect(await rowOf(call)).toBeNull();
    });
  });
});
