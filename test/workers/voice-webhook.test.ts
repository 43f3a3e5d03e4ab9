import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { normalisePhoneInputs, createContact } from "../../worker/contacts/queries.ts";
import type { Switchboard } from "../../party/switchboard.ts";
import * as store from "../../party/store.ts";
import { db, tableCounts } from "./helpers.ts";
import { attrOf, createTwilioTenant, hexId, postTwilio, sdkSignature, startCall, switchboardOf, voiceParams, type TwilioTenant } from "./twilio-helpers.ts";

async function addContact(t: TwilioTenant, kind: "customer" | "vendor" | "employee" | "lead", name: string, typed: string) {
  const { phones } = normalisePhoneInputs([{ label: "mobile", number: typed }], "US");
  return createContact(db(), t.id, { kind, name, company: null, email: null, address: null, notes: null }, phones);
}

async function seqOf(t: { id: string }) {
  return runInDurableObject(switchboardOf(t), (_: Switchboard, state) => store.currentSeq(state.storage.sql));
}

describe("the voice webhook", () => {
  it("finds the tenant from To, matches the caller, registers the call and dials the termination number", async () => {
    const t = await createTwilioTenant();
    const contactId = await addContact(t, "customer", "Ann Archer", "(415) 555-0124");
    const { res, xml, callSid } = await startCall(t, "+14155550124");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/xml; charset=utf-8");
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Dial [^>]*><Number [^>]*>\+1\d{10}<\/Number><\/Dial><\/Response>$/);
    expect(xml).toContain(`>${t.terminationNumber}</Number>`);
    // The dial step's end names the step it ends (the call's first), so a retry is told from the next step's end.
    expect(attrOf(xml, "Dial", "action")).toBe(`http://switchboard.test/webhooks/twilio/dial-action?tenant=${encodeURIComponent(t.id)}&step=1`);
    expect(attrOf(xml, "Number", "statusCallback")).toBe(`http://switchboard.test/webhooks/twilio/leg-status?tenant=${encodeURIComponent(t.id)}`);
    expect(attrOf(xml, "Number", "statusCallbackEvent")).toBe("answered completed");

    const snapshot = await switchboardOf(t).snapshot();
    expect(snapshot.calls).toHaveLength(1);
    expect(snapshot.calls[0]).toMatchObject({
      providerCallId: callSid,
      status: "ringing",
      callerNumber: "+14155550124",
      callerType: "customer",
      callerName: "Ann Archer",
      contactId,
      trackingNumber: t.trackingNumber,
      trackingNumberId: t.trackingNumberId,
      trackingLabel: "Main line",
      campaignId: t.campaignId,
      campaignName: "Website",
      terminationNumber: t.terminationNumber,
      firstTime: true,
      answeredAt: null,
      endedAt: null,
    });
    expect(snapshot.notifications.map((n) => n.title)).toEqual(["Incoming call: Ann Archer"]);
  });

  it("matches every kind of contact whatever format the phone was stored in; an unknown number is unknown", async () => {
    const t = await createTwilioTenant();
    await addContact(t, "vendor", "Val Vance", "415-555-0131");
    await addContact(t, "employee", "Erin Ellis", "+1 415 555 0142");
    await addContact(t, "lead", "Leo Lopez", "1 (415) 555.0163 x4");
    for (const [from, type, name] of [
      ["+14155550131", "vendor", "Val Vance"],
      ["+14155550142", "employee", "Erin Ellis"],
      ["14155550163", "lead", "Leo Lopez"],
      ["+14155550177", "unknown", null],
      ["anonymous", "unknown", null],
    ] as const) {
      const { callSid } = await startCall(t, from);
      const call = (await switchboardOf(t).snapshot()).calls.find((c) => c.providerCallId === callSid);
      expect(call, from).toMatchObject({ callerType: type, callerName: name });
    }
  });

  it("answers a provider's retry of the same call with the same TwiML and registers it once", async () => {
    const t = await createTwilioTenant();
    const callSid = hexId("CA");
    const first = await startCall(t, "+14155550124", callSid);
    const seq = await seqOf(t);
    const again = await startCall(t, "+14155550124", callSid);
    expect(again.xml).toBe(first.xml);
    expect((await switchboardOf(t).snapshot()).calls).toHaveLength(1);
    expect(await seqOf(t)).toBe(seq); // nothing broadcast for the retry
  });

  it("refuses an unknown tracking number, a bad or missing signature: 403, nothing written, nothing broadcast", async () => {
    const t = await createTwilioTenant();
    const before = await tableCounts();
    const params = voiceParams(t, "+14155550124");
    const cases: [Record<string, string>, { token: string; signature?: string | null; signUrl?: string }][] = [
      [{ ...params, To: "+14155550000" }, { token: t.token }],
      [params, { token: "wrong-token" }],
      [params, { token: t.token, signature: null }],
      [params, { token: t.token, signature: "bm90IGEgc2lnbmF0dXJlIGF0IGFsbA==" }],
      [params, { token: t.token, signUrl: "http://switchboard.test/webhooks/twilio/other" }],
    ];
    for (const [form, opts] of cases) {
      const res = await postTwilio("/webhooks/twilio/voice", form, opts);
      expect(res.status, JSON.stringify(opts)).toBe(403);
      expect(await res.text()).toBe("Not a verified webhook for a number here");
    }
    // A parameter changed after signing.
    const signed = await postTwilio("/webhooks/twilio/voice", params, { token: t.token, signature: await sdkSignature(t.token, "http://switchboard.test/webhooks/twilio/voice", { ...params, From: "+14155550999" }) });
    expect(signed.status).toBe(403);
    expect(await tableCounts()).toEqual(before);
    expect(await seqOf(t)).toBe(0);
    expect((await switchboardOf(t).snapshot()).calls).toHaveLength(0);
  });

  it("refuses malformed forms with 400 and a message, writing nothing", async () => {
    const t = await createTwilioTenant();
    const good = voiceParams(t, "+14155550124");
    const { CallSid: _c, ...noSid } = good;
    const { To: _t, ...noTo } = good;
    for (const [form, message] of [
      [noSid, /CallSid/],
      [noTo, /To/],
      [{ ...good, CallSid: "CA123" }, /CallSid: must be a Twilio call SID/],
      [{ ...good, AccountSid: "nope" }, /AccountSid/],
      [{ ...good, CallStatus: "exploded" }, /CallStatus/],
    ] as const) {
      const res = await postTwilio("/webhooks/twilio/voice", form, { token: t.token });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(message);
    }
    const oversized = await postTwilio("/webhooks/twilio/voice", { ...good, Junk: "x".repeat(70 * 1024) }, { token: t.token });
    expect(oversized.status).toBe(413);
    expect(await seqOf(t)).toBe(0);
  });

  it("reads a Twilio token only from its encrypted form in D1 and never from the request", async () => {
    const t = await createTwilioTenant();
    const row = await env.DB.prepare("select credentials_encrypted from provider_accounts where tenant_id = ?").bind(t.id).first<{ credentials_encrypted: string }>();
    expect(row?.credentials_encrypted).not.toContain(t.token);
    expect(row?.credentials_encrypted).toMatch(/^[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
  });
});
