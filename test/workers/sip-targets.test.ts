/**
 * SIP ring targets: a receiving number may be a SIP URI, so a desk phone on a PBX is rung directly.
 * The API takes it as written (a strict pattern, never read as a phone number), every TwiML dialect
 * dials it with <Sip>, and a call routed to it goes through the whole flow and is logged with it.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { simulateCall } from "../../scripts/networks/call-life.ts";
import type { RoutingDecision } from "../../telephony/contract.ts";
import { signalwire } from "../../worker/providers/signalwire/adapter.ts";
import { twilio } from "../../worker/providers/twilio/adapter.ts";
import { BASE, tableCounts } from "./helpers.ts";
import { apiJson, route, routingTenant, useRoute } from "./routing-helpers.ts";
import { switchboardOf } from "./twilio-helpers.ts";

describe("the receiving numbers API", () => {
  it("takes a SIP URI as written (the scheme in lower case), and a phone number as before", async () => {
    const t = await routingTenant();
    const cases: [string, string][] = [
      [`sip:frontdesk-${crypto.randomUUID().slice(0, 8)}@pbx.example.com`, ""],
      ["SIPS:101@10.0.0.5:5061", "sips:101@10.0.0.5:5061"],
      ["  sip:alice.b+desk@pbx.example.com;transport=tls ", "sip:alice.b+desk@pbx.example.com;transport=tls"],
    ];
    for (const [typed, stored] of cases) {
      const res = await apiJson<{ id: string; number: string }>(t, "POST", "/api/receiving-numbers", { number: typed, label: "Desk phone" });
      expect(res.status, typed).toBe(201);
      expect(res.body.number).toBe(stored || typed);
      expect((await apiJson<{ number: string }>(t, "GET", `/api/receiving-numbers/${res.body.id}`)).body.number).toBe(stored || typed);
    }
    // Changed from a phone number to a SIP URI and back.
    const phone = await apiJson<{ id: string }>(t, "POST", "/api/receiving-numbers", { number: "(415) 555-0177", label: "Mobile" });
    expect(phone.status).toBe(201);
    expect((await apiJson<{ number: string }>(t, "PATCH", `/api/receiving-numbers/${phone.body.id}`, { number: "sip:mobile@pbx.example.com" })).body.number).toBe("sip:mobile@pbx.example.com");
    expect((await apiJson<{ number: string }>(t, "PATCH", `/api/receiving-numbers/${phone.body.id}`, { number: "415-555-0178" })).body.number).toBe("+14155550178");
    // The same SIP URI twice is the same receiving number.
    const twice = await apiJson<{ error: string }>(t, "POST", "/api/receiving-numbers", { number: "sip:mobile@pbx.example.com", label: "Again" });
    expect(twice.status).toBe(201);
    const again = await apiJson<{ error: string }>(t, "POST", "/api/receiving-numbers", { number: "sip:mobile@pbx.example.com", label: "Again" });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatch(/is a receiving number already/);
  });

  it("refuses what is not a safe SIP URI, with a message, writing nothing", async () => {
    const t = await routingTenant();
    const before = await tableCounts();
    const refused = [
      "sip:front desk@pbx.example.com",
      "sip:<frontdesk@pbx.example.com>",
      'sip:frontdesk@pbx.example.com"><Hangup/>',
      "sip:frontdesk@pbx.example.com?X-Evil=1",
      "sip:frontdesk@pbx.example.com;user=phone",
      "sip:@pbx.example.com",
      "sip:frontdesk@",
      "sip:frontdesk@pbx.example.com:99999",
      "sip:frontdesk@-pbx.example.com",
      `sip:${"a".repeat(60)}@${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(30)}.example.com`,
      "sip:front\r\ndesk@pbx.example.com",
    ];
    for (const number of refused) {
      const res = await apiJson<{ error: string }>(t, "POST", "/api/receiving-numbers", { number, label: "Desk" });
      expect(res.status, number).toBe(400);
      expect(res.body.error, number).toMatch(/number: .*(SIP URI|200 characters)/);
    }
    // Not a SIP URI, so a phone number, which this is not.
    const notPhone = await apiJson<{ error: string }>(t, "POST", "/api/receiving-numbers", { number: "pbx.example.com", label: "Desk" });
    expect(notPhone.body.error).toMatch(/is not a valid phone number/);
    expect(await tableCounts()).toEqual(before);
  });
});

describe("the TwiML dialects", () => {
  it("dial a SIP URI with <Sip> (no sendDigits: the URI names the phone), a phone number with <Number>", () => {
    const decision: RoutingDecision = {
      steps: [{ kind: "dial", targets: [{ number: "+14155550150" }, { number: "sip:frontdesk@pbx.example.com", extension: "12", whisper: "Hi" }], ringSeconds: 20, record: false }],
    };
    const callback = (path: string, query: Record<string, string> = {}) => `https://x.test/${path}?${new URLSearchParams(query)}`;
    for (const adapter of [twilio, signalwire]) {
      const xml = adapter.markup.render(decision, callback);
      expect(xml, adapter.id).toMatch(/<Dial [^>]*><Number [^>]*>\+14155550150<\/Number><Sip url="https:\/\/x\.test\/whisper\?text=Hi" statusCallback="[^"]+"[^>]*>sip:frontdesk@pbx\.example\.com<\/Sip><\/Dial>/);
      expect(xml, adapter.id).not.toMatch(/<Sip [^>]*sendDigits/);
    }
  });
});

describe("a call routed to a SIP receiving number", () => {
  it("rings the desk phone through the whole flow, and the log says where it rang", async () => {
    const t = await routingTenant("SIP desk");
    const uri = `sip:desk-${crypto.randomUUID().slice(0, 8)}@pbx.example.com:5060`;
    const desk = await apiJson<{ id: string }>(t, "POST", "/api/receiving-numbers", { number: uri, label: "Front desk phone" });
    const dial = await route(t, { kind: "dial", name: "Desk", config: { receivingNumberIds: [desk.body.id] } });
    await useRoute(t, dial.id);
    const life = await simulateCall(
      { url: BASE, provider: "twilio", token: t.token, account: t.accountSid, ring: 0, talk: 0, fetch: (url, init) => exports.default.fetch(new Request(url, init)) },
      "+14155550124",
      t.trackingNumber,
      "answered",
    );
    expect(life.error).toBeUndefined();
    expect(life.steps).toContain(`leg ${uri} in-progress → 204`);
    expect(life.steps.some((s) => s.startsWith("dial-action completed"))).toBe(true);
    await switchboardOf(t).flushCallLog();
    const logged = await env.DB.prepare("select status, termination_number from calls where tenant_id = ?").bind(t.id).all();
    expect(logged.results).toEqual([{ status: "completed", termination_number: uri }]);
  });
});
