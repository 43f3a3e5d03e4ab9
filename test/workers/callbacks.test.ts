import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createTwilioTenant, dialAction, hexId, leg, parentStatus, postTwilio, startCall, switchboardOf, type TwilioTenant } from "./twilio-helpers.ts";

type LogRow = { status: string; answered_at: number | null; ended_at: number | null; duration_seconds: number | null; talk_seconds: number | null; caller_type: string; first_time: number };

/** The tenant's call log in D1, once the Switchboard has written the calls that ended. */
async function callLog(t: { id: string }) {
  await switchboardOf(t).flushCallLog();
  const rows = await env.DB.prepare("select status, answered_at, ended_at, duration_seconds, talk_seconds, caller_type, first_time from calls where tenant_id = ?").bind(t.id).all<LogRow>();
  return rows.results;
}

/** The reports of one answered call, in the order Twilio sends them. */
function answeredCallReports(t: TwilioTenant, started: Awaited<ReturnType<typeof startCall>>) {
  const legSid = hexId("CA");
  const { callSid } = started;
  const ts = (s: number) => ({ Timestamp: new Date(Date.now() + s * 1000).toUTCString() });
  return [
    () => leg(t, started.legStatus!, callSid, legSid, "initiated", { SequenceNumber: "0", ...ts(0) }),
    () => leg(t, started.legStatus!, callSid, legSid, "ringing", { SequenceNumber: "1", ...ts(1) }),
    () => leg(t, started.legStatus!, callSid, legSid, "in-progress", { SequenceNumber: "2", ...ts(5) }),
    () => leg(t, started.legStatus!, callSid, legSid, "completed", { SequenceNumber: "3", CallDuration: "42", ...ts(47) }),
    () => dialAction(t, started.dialAction!, callSid, "completed", { DialCallSid: legSid, DialCallDuration: "42" }),
    () => parentStatus(t, callSid, "completed", { CallDuration: "50", SequenceNumber: "0", ...ts(48) }),
  ];
}

async function runAll(reports: (() => Promise<Response>)[]) {
  for (const report of reports) {
    const res = await report();
    expect(res.status, await res.clone().text()).toBeLessThan(300);
  }
}

describe("a call followed to its end", () => {
  it("an answered call: answered, then completed, logged once with its durations, and gone from the active list", async () => {
    const t = await createTwilioTenant();
    const started = await startCall(t, "+14155550124");
    const reports = answeredCallReports(t, started);
    await runAll(reports.slice(0, 3));
    const live = (await switchboardOf(t).snapshot()).calls[0]!;
    expect(live.status).toBe("in-progress");
    expect(live.answeredAt).not.toBeNull();
    await runAll(reports.slice(3));
    const snapshot = await switchboardOf(t).snapshot();
    expect(snapshot.calls).toEqual([]);
    expect(snapshot.notifications.map((n) => n.kind).sort()).toEqual(["call-activity", "incoming-call"]);
    const log = await callLog(t);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: "completed", duration_seconds: 50, talk_seconds: 42, caller_type: "unknown", first_time: 1 });
    expect(log[0]!.answered_at).not.toBeNull();
    expect(log[0]!.ended_at).toBeGreaterThanOrEqual(log[0]!.answered_at!);
  });

  it.each([
    ["no-answer", "no-answer"],
    ["busy", "busy"],
    ["failed", "failed"],
    ["canceled", "canceled"],
  ])("a dialled leg that ends %s ends the call as %s, a missed call", async (legEnd, expected) => {
    const t = await createTwilioTenant();
    const started = await startCall(t, "+14155550177");
    const legSid = hexId("CA");
    await runAll([
      () => leg(t, started.legStatus!, started.callSid, legSid, "ringing", { SequenceNumber: "1" }),
      () => leg(t, started.legStatus!, started.callSid, legSid, legEnd, { SequenceNumber: "2" }),
      () => dialAction(t, started.dialAction!, started.callSid, legEnd, { DialCallSid: legSid }),
    ]);
    const snapshot = await switchboardOf(t).snapshot();
    expect(snapshot.calls).toEqual([]);
    const missed = snapshot.notifications.filter((n) => n.kind === "missed-call");
    expect(missed).toHaveLength(1);
    expect(missed[0]!.title).toBe("Missed call: (415) 555-0177");
    expect((await callLog(t)).map((r) => r.status)).toEqual([expected]);
    // The parent's own end arrives later and only brings the duration.
    await runAll([() => parentStatus(t, started.callSid, "completed", { CallDuration: "25" })]);
    expect(await callLog(t)).toMatchObject([{ status: expected, duration_seconds: 25, answered_at: null }]);
  });

  it("the dial action answers with the next step: hang up once the dial step is over", async () => {
    const t = await createTwilioTenant();
    const started = await startCall(t, "+14155550124");
    const res = await dialAction(t, started.dialAction!, started.callSid, "no-answer");
    expect(res.headers.get("Content-Type")).toBe("text/xml; charset=utf-8");
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>');
  });
});

describe("retried and reordered callbacks", () => {
  it("every report delivered twice changes nothing twice: one log row, one of each notification, the same events", async () => {
    const once = await createTwilioTenant();
    const twice = await createTwilioTenant();
    await runAll(answeredCallReports(once, await startCall(once, "+14155550124")));
    const startedTwice = await startCall(twice, "+14155550124");
    for (const report of answeredCallReports(twice, startedTwice)) await runAll([report, report]);
    const a = await switchboardOf(once).snapshot();
    const b = await switchboardOf(twice).snapshot();
    expect(b.seq).toBe(a.seq);
    expect(b.notifications.map((n) => n.kind).sort()).toEqual(a.notifications.map((n) => n.kind).sort());
    expect(await callLog(twice)).toHaveLength(1);
    expect((await callLog(twice))[0]).toMatchObject({ status: "completed", talk_seconds: 42, duration_seconds: 50 });
  });

  it.each([
    ["the caller's end before the answer", [5, 0, 1, 2, 3, 4]],
    ["everything backwards", [5, 4, 3, 2, 1, 0]],
    ["the leg's end before its ringing", [0, 3, 1, 2, 4, 5]],
    ["the dial action first", [4, 0, 1, 2, 3, 5]],
  ])("%s: the call still ends completed, answered, logged once", async (_, order) => {
    const t = await createTwilioTenant();
    const started = await startCall(t, "+14155550124");
    const reports = answeredCallReports(t, started);
    await runAll(order.map((i) => reports[i]!));
    expect((await switchboardOf(t).snapshot()).calls).toEqual([]);
    const log = await callLog(t);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: "completed", talk_seconds: 42 });
    expect(log[0]!.answered_at).not.toBeNull();
  });

  it("a stale report (lower SequenceNumber) does not move a call back", async () => {
    const t = await createTwilioTenant();
    const started = await startCall(t, "+14155550124");
    const legSid = hexId("CA");
    await runAll([() => leg(t, started.legStatus!, started.callSid, legSid, "in-progress", { SequenceNumber: "2" })]);
    const seq = (await switchboardOf(t).snapshot()).seq;
    await runAll([
      () => leg(t, started.legStatus!, started.callSid, legSid, "ringing", { SequenceNumber: "1" }),
      () => leg(t, started.legStatus!, started.callSid, legSid, "initiated", { SequenceNumber: "0" }),
    ]);
    const snapshot = await switchboardOf(t).snapshot();
    expect(snapshot.calls[0]!.status).toBe("in-progress");
    expect(snapshot.seq).toBe(seq);
  });

  it("a call ended as missed becomes completed when proof of an answer arrives late, still logged once", async () => {
    const t = await createTwilioTenant();
    const started = await startCall(t, "+14155550124");
    const legSid = hexId("CA");
    await runAll([() => parentStatus(t, started.callSid, "completed", { CallDuration: "30" })]);
    expect((await callLog(t))[0]!.status).toBe("canceled");
    await runAll([() => leg(t, started.legStatus!, started.callSid, legSid, "completed", { CallDuration: "20", SequenceNumber: "3" })]);
    const log = await callLog(t);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: "completed", talk_seconds: 20, duration_seconds: 30 });
  });
});

describe("callbacks are verified", () => {
  it("refuses a bad signature, a foreign account or an unknown tenant, changing nothing", async () => {
    const t = await createTwilioTenant();
    const other = await createTwilioTenant("Other");
    const started = await startCall(t, "+14155550124");
    const before = await switchboardOf(t).snapshot();
    const legSid = hexId("CA");
    const path = new URL(started.legStatus!).pathname + new URL(started.legStatus!).search;
    const form = { AccountSid: t.accountSid, CallSid: legSid, ParentCallSid: started.callSid, CallStatus: "in-progress" };
    expect((await postTwilio(path, form, { token: "wrong" })).status).toBe(403);
    expect((await postTwilio(path, form, { token: t.token, signature: null })).status).toBe(403);
    // Another tenant's valid credentials do not open this tenant's calls.
    expect((await postTwilio(path, { ...form, AccountSid: other.accountSid }, { token: other.token })).status).toBe(403);
    expect((await postTwilio(`/webhooks/twilio/leg-status?tenant=${other.id}`, form, { token: t.token })).status).toBe(403);
    expect((await postTwilio("/webhooks/twilio/leg-status", form, { token: t.token })).status).toBe(403);
    expect((await postTwilio(path, { ...form, CallStatus: "melted" }, { token: t.token })).status).toBe(400);
    expect((await postTwilio(path, { AccountSid: t.accountSid, CallSid: legSid, CallStatus: "ringing" }, { token: t.token })).status).toBe(400);
    expect(await switchboardOf(t).snapshot()).toEqual(before);
  });

  it("ignores a report about a call it does not know", async () => {
    const t = await createTwilioTenant();
    const res = await parentStatus(t, hexId("CA"), "completed");
    expect(res.status).toBe(204);
    expect((await switchboardOf(t).snapshot()).seq).toBe(0);
  });
});
