/**
 * Findings of the hardening review, each held by a test: no oracle of which numbers are tracked, only
 * the provider's own https recording links, no reference to another tenant's calls, campaign dates
 * in order. (CSRF, CSV formulas, headers and the like have tests beside the code they guard.)
 */
import { describe, expect, it } from "vitest";
import { login, tableCounts } from "./helpers.ts";
import { apiJson } from "./routing-helpers.ts";
import { createTwilioTenant, hexId, postTwilio, startCall, switchboardOf, uniqueNumber, voiceParams } from "./twilio-helpers.ts";

describe("no oracle of tracking numbers", () => {
  it("answers an unknown number and a known one with a bad signature alike", async () => {
    const t = await createTwilioTenant();
    const unknown = await postTwilio("/webhooks/twilio/voice", { ...voiceParams(t, "+14155550124"), To: uniqueNumber() }, { token: "forged" });
    const known = await postTwilio("/webhooks/twilio/voice", voiceParams(t, "+14155550124"), { token: "forged" });
    const other = await createTwilioTenant("Other");
    const callbackOfOther = await postTwilio(`/webhooks/twilio/status?tenant=${other.id}`, { AccountSid: t.accountSid, CallSid: hexId("CA"), CallStatus: "completed" }, { token: t.token });
    const noTenant = await postTwilio("/webhooks/twilio/status", { AccountSid: t.accountSid, CallSid: hexId("CA"), CallStatus: "completed", To: uniqueNumber() }, { token: t.token });
    const answers = await Promise.all([unknown, known, callbackOfOther, noTenant].map(async (r) => [r.status, await r.text()]));
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(new Set([JSON.stringify([403, "Not a verified webhook for a number here"])]));
  });

  it("says only that another tenant's number is not available; one's own number is named as such", async () => {
    const t = await createTwilioTenant("Buyer");
    const other = await createTwilioTenant("Owner");
    const cookie = await login(t.adminEmail);
    const theirs = await apiJson<{ error: string }>({ cookie }, "POST", "/api/tracking-numbers", { number: other.trackingNumber, label: "x", terminationNumber: "+14155550150" });
    expect([theirs.status, theirs.body.error]).toEqual([409, `${other.trackingNumber} is not available`]);
    const mine = await apiJson<{ error: string }>({ cookie }, "POST", "/api/tracking-numbers", { number: t.trackingNumber, label: "x", terminationNumber: "+14155550150" });
    expect([mine.status, mine.body.error]).toEqual([409, `${t.trackingNumber} is one of your tracking numbers already`]);
  });
});

describe("recordings are links to the provider's own https hosts only", () => {
  it("refuses a javascript:, data: or foreign recording URL with a 400 and stores nothing", async () => {
    const t = await createTwilioTenant();
    const started = await startCall(t, "+14155550124");
    const before = await tableCounts();
    for (const url of ["javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>", "https://evil.test/rec.mp3", "http://api.twilio.com/rec"]) {
      for (const path of ["recording", "voicemail-done"]) {
        const res = await postTwilio(`/webhooks/twilio/${path}?tenant=${t.id}`, { AccountSid: t.accountSid, CallSid: started.callSid, RecordingUrl: url, RecordingStatus: "completed" }, { token: t.token });
        expect(res.status, `${path} ${url}`).toBe(400);
        expect(await res.text()).toContain("RecordingUrl: must be an https URL on twilio.com");
      }
    }
    expect(await tableCounts()).toEqual(before);
    expect((await switchboardOf(t).snapshot()).calls[0]?.recordingUrl).toBeNull();
    const good = await postTwilio(`/webhooks/twilio/recording?tenant=${t.id}`, { AccountSid: t.accountSid, CallSid: started.callSid, RecordingUrl: "https://api.twilio.com/2010-04-01/Accounts/x/Recordings/RE1", RecordingStatus: "completed" }, { token: t.token });
    expect(good.status).toBe(204);
  });
});

describe("another tenant's calls cannot be named", () => {
  it("refuses income and a new contact tied to another tenant's call; one's own call is accepted", async () => {
    const t = await createTwilioTenant("Mine");
    const other = await createTwilioTenant("Theirs");
    const cookie = await login(t.adminEmail);
    await startCall(t, "+14155550124");
    const ownCall = (await switchboardOf(t).snapshot()).calls[0]!.id;
    await startCall(other, "+14155550125");
    const theirCall = (await switchboardOf(other).snapshot()).calls[0]!.id;
    const contact = await apiJson<{ id: string }>({ cookie }, "POST", "/api/contacts", { kind: "customer", name: "Ann", phones: [] });

    const before = await tableCounts();
    const income = await apiJson<{ error: string }>({ cookie }, "POST", "/api/income", { contactId: contact.body.id, amountCents: 100, receivedOn: "2026-11-01", callId: theirCall });
    expect([income.status, income.body.error]).toEqual([400, "Invalid json: callId: no such call"]);
    const lead = await apiJson<{ error: string }>({ cookie }, "POST", "/api/contacts", { kind: "lead", name: "Leo", phones: [], createdFromCallId: theirCall });
    expect([lead.status, lead.body.error]).toEqual([400, "Invalid json: createdFromCallId: no such call"]);
    expect(await tableCounts()).toEqual(before);

    expect((await apiJson({ cookie }, "POST", "/api/income", { contactId: contact.body.id, amountCents: 100, receivedOn: "2026-11-01", callId: ownCall })).status).toBe(201);
    expect((await apiJson({ cookie }, "POST", "/api/contacts", { kind: "lead", name: "Leo", phones: [], createdFromCallId: ownCall })).status).toBe(201);
  });
});

describe("campaign dates", () => {
  it("a campaign may not end before it starts, when created or changed", async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    const created = await apiJson<{ error: string }>({ cookie }, "POST", "/api/campaigns", { name: "Backwards", startsOn: "2026-12-01", endsOn: "2026-11-01" });
    expect([created.status, created.body.error]).toEqual([400, "Invalid json: endsOn: must not be before startsOn"]);
    const ok = await apiJson<{ id: string }>({ cookie }, "POST", "/api/campaigns", { name: "Forwards", startsOn: "2026-11-01", endsOn: "2026-12-01" });
    expect(ok.status).toBe(201);
    const changed = await apiJson<{ error: string }>({ cookie }, "PATCH", `/api/campaigns/${ok.body.id}`, { endsOn: "2026-10-01" });
    expect(changed.status).toBe(400);
    expect(changed.body.error).toBe("Invalid json: endsOn: the campaign would end (2026-10-01) before it starts (2026-11-01)");
    expect((await apiJson({ cookie }, "PATCH", `/api/campaigns/${ok.body.id}`, { startsOn: null, endsOn: "2026-10-01" })).status).toBe(200);
  });
});

describe("valid-looking input gets an answer, never a 5xx", () => {
  it("searches take the longest text the schema allows (D1 refuses LIKE patterns of 50 bytes)", async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    const long = "Archer ".repeat(14).trim();
    expect(long.length).toBeGreaterThan(49);
    await apiJson({ cookie }, "POST", "/api/contacts", { kind: "customer", name: long, phones: [] });
    const contacts = await apiJson<{ items: { name: string }[] }>({ cookie }, "GET", `/api/contacts?q=${encodeURIComponent(long)}`);
    expect(contacts.status).toBe(200);
    expect(contacts.body.items.map((c) => c.name)).toEqual([long]);
    expect((await apiJson({ cookie }, "GET", `/api/contacts?q=${"9".repeat(60)}`)).status).toBe(200);
    for (const q of [long.slice(0, 100), "%_\\".repeat(30), "4".repeat(100)]) {
      expect((await apiJson({ cookie }, "GET", `/api/calls?q=${encodeURIComponent(q)}`)).status, q).toBe(200);
    }
    // What LIKE treated as wildcards is plain text.
    expect((await apiJson<{ items: unknown[] }>({ cookie }, "GET", `/api/contacts?q=${encodeURIComponent("%")}`)).body.items).toEqual([]);
  });

  it("dates far outside the product's years are a 400 with the reason, on the call log, its CSV and the reports", async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    for (const path of ["/api/calls?to=9999-12-31", "/api/calls.csv?from=0001-01-01", "/api/calls?to=8640000000000001", "/api/reports/campaigns?from=9999-01-01&to=9999-12-31", "/api/reports/campaigns.csv?from=2199-12-31&to=2200-01-01", "/api/income?from=9999-12-31"]) {
      const res = await apiJson<{ error: string }>({ cookie }, "GET", path);
      expect(res.status, path).toBe(400);
      expect(res.body.error, path).toMatch(/^Invalid query: (from|to): must be (between 1970-01-01 and 2199-12-31|before 2199-12-31 ends)|Invalid query: (from|to): /);
    }
    expect((await apiJson({ cookie }, "GET", "/api/calls?from=2199-12-31&to=2199-12-31")).status).toBe(200);
  });

  it("refuses a body past the limit with 413 whatever the transfer encoding, every time", async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    const { exports } = await import("cloudflare:workers");
    // A stream: no Content-Length, as a chunked upload arrives.
    const stream = (bytes: number) => {
      let sent = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= bytes) return controller.close();
          const chunk = new Uint8Array(Math.min(64 * 1024, bytes - sent)).fill(0x61);
          sent += chunk.byteLength;
          controller.enqueue(chunk);
        },
      });
    };
    for (let i = 0; i < 12; i++) {
      const webhook = await exports.default.fetch(new Request("http://switchboard.test/webhooks/twilio/voice", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: stream(10 * 1024 * 1024), duplex: "half" } as RequestInit));
      expect(webhook.status, `webhook, try ${i}`).toBe(413);
      const api = await exports.default.fetch(new Request("http://switchboard.test/api/contacts", { method: "POST", headers: { "Content-Type": "application/json", Cookie: cookie, Origin: "http://switchboard.test" }, body: stream(10 * 1024 * 1024), duplex: "half" } as RequestInit));
      expect(api.status, `api, try ${i}`).toBe(413);
    }
  });
});
