/**
 * Voicemail as an outcome of its own: the call remembers that its route took the caller to
 * voicemail and that a message was left, whatever order the provider's callbacks come in and
 * however often; the notification says "Voicemail from …" once; the call log keeps it and filters
 * by it. Also: a call linked to a contact has its notifications rewritten with the contact's name.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createContact, normalisePhoneInputs } from "../../worker/contacts/queries.ts";
import { db } from "./helpers.ts";
import { apiJson, receiving, route, routingTenant, useRoute, type RoutingTenant } from "./routing-helpers.ts";
import { attrOf, dialAction, hexId, parentStatus, pathOf, postTwilio, startCall, switchboardOf } from "./twilio-helpers.ts";

type ApiCall = { id: string; status: string; voicemail: string | null; recordingUrl: string | null; callerName: string | null };

/** A tenant whose number rings one desk and takes a voicemail when nobody answers. */
async function voicemailTenant() {
  const t = await routingTenant("Voicemail");
  const desk = await receiving(t, "Desk");
  await useRoute(t, (await route(t, { kind: "dial", name: "Desk", config: { receivingNumberIds: [desk.id], noAnswer: { kind: "voicemail", greeting: "Leave a message." } } })).id);
  return t;
}

/** A call from `from` that nobody answers: its route ends at the voicemail's Record. */
async function toVoicemail(t: RoutingTenant, from: string) {
  const started = await startCall(t, from);
  const xml = await (await dialAction(t, started.dialAction!, started.callSid, "no-answer")).text();
  const action = attrOf(xml, "Record", "action");
  expect(action).toContain("/webhooks/twilio/voicemail-done");
  const recording = `https://api.twilio.com/2010-04-01/Accounts/${t.accountSid}/Recordings/${hexId("RE")}`;
  const voicemailDone = async () => {
    const res = await postTwilio(pathOf(action!), { AccountSid: t.accountSid, CallSid: started.callSid, RecordingUrl: recording, RecordingDuration: "9" }, { token: t.token });
    expect(res.status).toBe(200);
  };
  const finalStatus = async () => expect((await parentStatus(t, started.callSid, "completed", { CallDuration: "40" })).status).toBe(204);
  return { callSid: started.callSid, recording, voicemailDone, finalStatus };
}

async function logRow(t: { id: string }, callSid: string) {
  await switchboardOf(t).flushCallLog();
  return env.DB.prepare("select status, voicemail, recording_url from calls where tenant_id = ? and provider_call_id = ?").bind(t.id, callSid).first();
}

/** The call's notifications as the snapshot has them, apart from the incoming one. */
async function endNotices(t: { id: string }) {
  return (await switchboardOf(t).snapshot()).notifications.filter((n) => n.kind !== "incoming-call").map((n) => ({ kind: n.kind, title: n.title, body: n.body }));
}

describe("a call that ends in a voicemail", () => {
  it("is at voicemail while the caller records, then a voicemail: one notification, logged with its recording", async () => {
    const t = await voicemailTenant();
    const call = await toVoicemail(t, "+14155550177");
    const live = (await switchboardOf(t).snapshot()).calls[0]!;
    expect(live).toMatchObject({ status: "ringing", voicemail: "reached" });

    await call.voicemailDone();
    const snapshot = await switchboardOf(t).snapshot();
    expect(snapshot.calls).toEqual([]);
    expect(await endNotices(t)).toEqual([{ kind: "voicemail", title: "Voicemail from (415) 555-0177", body: "Main line · Voicemail" }]);
    expect(await logRow(t, call.callSid)).toEqual({ status: "no-answer", voicemail: "left", recording_url: call.recording });
  });

  it("the provider's final status before the voicemail's end: the missed call becomes the voicemail, counted once", async () => {
    const t = await voicemailTenant();
    const call = await toVoicemail(t, "+14155550178");
    await call.finalStatus();
    expect(await endNotices(t)).toEqual([{ kind: "missed-call", title: "Missed call: (415) 555-0178", body: "Main line · Missed (no answer)" }]);
    expect(await logRow(t, call.callSid)).toMatchObject({ status: "no-answer", voicemail: "reached" });

    await call.voicemailDone();
    expect(await endNotices(t)).toEqual([{ kind: "voicemail", title: "Voicemail from (415) 555-0178", body: "Main line · Voicemail" }]);
    expect(await logRow(t, call.callSid)).toEqual({ status: "no-answer", voicemail: "left", recording_url: call.recording });
  });

  it("retried and reordered: voicemail-done twice and the final status twice, after it, change nothing more", async () => {
    const t = await voicemailTenant();
    const call = await toVoicemail(t, "+14155550179");
    await call.voicemailDone();
    const { seq } = await switchboardOf(t).snapshot();
    await call.voicemailDone();
    await call.finalStatus();
    await call.finalStatus();
    await call.voicemailDone();
    const after = await switchboardOf(t).snapshot();
    // The final status brings the call's own duration (one call event); nothing else changes.
    expect(after.seq).toBeLessThanOrEqual(seq + 1);
    expect(after.notifications.map((n) => n.kind).sort()).toEqual(["incoming-call", "voicemail"]);
    await switchboardOf(t).flushCallLog();
    const { results } = await env.DB.prepare("select status, voicemail from calls where tenant_id = ?").bind(t.id).all();
    expect(results).toEqual([{ status: "no-answer", voicemail: "left" }]);
  });

  it("a caller who hangs up at the greeting reached voicemail but left nothing: a missed call", async () => {
    const t = await voicemailTenant();
    const call = await toVoicemail(t, "+14155550180");
    await call.finalStatus();
    const log = await apiJson<{ items: ApiCall[] }>(t, "GET", "/api/calls?outcome=missed");
    expect(log.body.items.map((c) => c.voicemail)).toEqual(["reached"]);
    expect((await apiJson<{ items: ApiCall[] }>(t, "GET", "/api/calls?outcome=voicemail")).body.items).toEqual([]);
  });
});

describe("the call log's outcome filter", () => {
  it("tells voicemails from missed and answered calls; status=missed still takes every unanswered call", async () => {
    const t = await voicemailTenant();
    await (await toVoicemail(t, "+14155550181")).voicemailDone();
    await (await toVoicemail(t, "+14155550182")).finalStatus();
    const answered = await startCall(t, "+14155550183");
    await dialAction(t, answered.dialAction!, answered.callSid, "completed", { DialCallSid: hexId("CA"), DialCallDuration: "30" });

    const pick = async (query: string) => (await apiJson<{ items: (ApiCall & { callerNumber: string })[] }>(t, "GET", `/api/calls?${query}`)).body.items.map((c) => c.callerNumber);
    expect(await pick("outcome=voicemail")).toEqual(["+14155550181"]);
    expect(await pick("outcome=missed")).toEqual(["+14155550182"]);
    expect(await pick("outcome=no-answer")).toEqual(["+14155550182"]);
    expect(await pick("outcome=answered")).toEqual(["+14155550183"]);
    expect((await pick("status=missed")).sort()).toEqual(["+14155550181", "+14155550182"]);
    const voicemail = (await apiJson<{ items: ApiCall[] }>(t, "GET", "/api/calls?outcome=voicemail")).body.items[0]!;
    expect(voicemail.recordingUrl).toMatch(/^https:\/\/api\.twilio\.com\//);
    expect((await apiJson<{ voicemail: string }>(t, "GET", `/api/calls/${voicemail.id}`)).body.voicemail).toBe("left");

    const bad = await apiJson<{ error: string }>(t, "GET", "/api/calls?outcome=lost");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain("outcome");

    const csv = await (await import("./helpers.ts")).call("/api/calls.csv?outcome=voicemail", { cookie: t.cookie });
    const [header, row] = (await csv.text()).trim().split("\n");
    expect(header).toContain("status,result,");
    expect(row).toContain("no-answer,voicemail,");
  });
});

describe("a call linked to a contact", () => {
  it("has its notifications rewritten with the contact's name, under the same ids", async () => {
    const t = await voicemailTenant();
    const call = await toVoicemail(t, "+14155550184");
    await call.voicemailDone();
    const before = (await switchboardOf(t).snapshot()).notifications;
    expect(before.find((n) => n.kind === "incoming-call")).toMatchObject({ title: "Incoming call: (415) 555-0184", body: "Unknown caller · Main line" });
    const contactId = await createContact(db(), t.id, { kind: "lead", name: "Lee Lindqvist", company: null, email: null, address: null, notes: null }, normalisePhoneInputs([], "US").phones);
    const callId = (await apiJson<{ items: ApiCall[] }>(t, "GET", "/api/calls")).body.items[0]!.id;
    expect((await apiJson(t, "PATCH", `/api/calls/${callId}`, { contactId })).status).toBe(200);

    const after = (await switchboardOf(t).snapshot()).notifications;
    expect(after.map((n) => n.id).sort()).toEqual(before.map((n) => n.id).sort());
    expect(after.map((n) => ({ kind: n.kind, title: n.title, body: n.body, contactId: n.contactId })).sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
      { kind: "incoming-call", title: "Incoming call: Lee Lindqvist", body: "Lead · Main line", contactId },
      { kind: "voicemail", title: "Voicemail from Lee Lindqvist", body: "Main line · Voicemail", contactId },
    ]);
  });
});
