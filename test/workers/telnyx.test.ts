/**
 * What is Telnyx's own, beyond the adapter contract: the five-minute replay window at its edges, a
 * webhook about one account refused for another (the URL is unsigned, so only the AccountSid and
 * the key bind a webhook to a tenant), statuses that only move forward whatever order and repeats
 * TeXML sends them in, the number shop against the v2 API's fake, and the connection test.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ProviderError } from "../../telephony/contract.ts";
import { telnyx, verifyTelnyx, type TelnyxCredentials } from "../../worker/providers/telnyx/adapter.ts";
import { TELNYX_DEMO } from "../../worker/providers/telnyx/demo.ts";
import { TelnyxNumbers } from "../../worker/providers/telnyx/numbers.ts";
import { telnyxCallId } from "../../worker/providers/telnyx/simulator.ts";
import { telnyxCredentialsFor, telnyxKeyPair, telnyxSdkAccepts, telnyxSign } from "./adapters/telnyx.fixture.ts";
import { BASE, tableCounts } from "./helpers.ts";
import { createTelnyxTenant, postTelnyx } from "./telnyx-helpers.ts";
import { switchboardOf } from "./twilio-helpers.ts";

const form = (params: Record<string, string>) => new URLSearchParams(params).toString();

const telnyxTenant = createTelnyxTenant;

async function post(path: string, credentials: TelnyxCredentials, params: Record<string, string>, timestamp?: number) {
  return postTelnyx(path, credentials, params, { timestamp });
}

describe("the replay window", () => {
  it("takes a signature up to 300 s old or early, to the second, and refuses 301 s either way, as Telnyx's SDK does", async () => {
    const keys = await telnyxKeyPair();
    const credentials = telnyxCredentialsFor(keys);
    const body = form({ AccountSid: credentials.accountSid, CallSid: telnyxCallId(), CallStatus: "ringing" });
    const signedAt = Math.floor(Date.now() / 1000);
    const headers = new Headers(await telnyxSign(keys.privateKey, body, signedAt));
    const request = { url: `${BASE}/webhooks/telnyx/status`, headers, body };
    const at = (seconds: number) => signedAt * 1000 + seconds * 1000;
    expect(await verifyTelnyx(request, credentials, at(0))).toBe(true);
    expect(await verifyTelnyx(request, credentials, at(300))).toBe(true);
    expect(await verifyTelnyx(request, credentials, at(300) + 999)).toBe(true);
    expect(await verifyTelnyx(request, credentials, at(301))).toBe(false);
    expect(await verifyTelnyx(request, credentials, at(-300))).toBe(true);
    expect(await verifyTelnyx(request, credentials, at(-301))).toBe(false);
    // Telnyx's own helper agrees on what is in the window and out of it.
    const now = Math.floor(Date.now() / 1000);
    for (const [offset, valid] of [[-299, true], [299, true], [-302, false], [302, false]] as const) {
      const signed = await telnyxSign(keys.privateKey, body, now + offset);
      expect(await telnyxSdkAccepts(keys.publicKey, body, signed), `${offset}`).toBe(valid);
      expect(await verifyTelnyx({ ...request, headers: new Headers(signed) }, credentials), `${offset}`).toBe(valid);
    }
  });

  it("refuses badly written headers: a timestamp that is not seconds, a signature that is not 64 bytes of base64", async () => {
    const credentials = telnyxCredentialsFor(await telnyxKeyPair());
    const body = form({ AccountSid: credentials.accountSid, CallSid: telnyxCallId() });
    const good = await telnyxSign(credentials.sandboxPrivateKey!, body);
    const request = (headers: Record<string, string>) => ({ url: `${BASE}/webhooks/telnyx/status`, headers: new Headers({ ...good, ...headers }), body });
    expect(await verifyTelnyx(request({}), credentials)).toBe(true);
    const bads: Record<string, string>[] = [{ "telnyx-timestamp": `${good["telnyx-timestamp"]}.0` }, { "telnyx-timestamp": "" }, { "telnyx-signature-ed25519": good["telnyx-signature-ed25519"]!.slice(4) }, { "telnyx-signature-ed25519": `${good["telnyx-signature-ed25519"]}!` }, { "telnyx-signature-ed25519": "" }];
    for (const bad of bads) {
      expect(await verifyTelnyx(request(bad), credentials), JSON.stringify(bad)).toBe(false);
    }
  });

  it("a voice webhook signed 301 s ago is refused and writes nothing; one signed just now rings", async () => {
    const { credentials, trackingNumber } = await telnyxTenant(telnyxCredentialsFor(await telnyxKeyPair()));
    const params = { AccountSid: credentials.accountSid, CallSid: telnyxCallId(), From: "+14155550124", To: trackingNumber, CallStatus: "ringing" };
    const before = await tableCounts();
    const stale = await post("/webhooks/telnyx/voice", credentials, params, Math.floor(Date.now() / 1000) - 301);
    expect(stale.status).toBe(403);
    expect(await stale.text()).toBe("Not a verified webhook for a number here");
    expect(await tableCounts()).toEqual(before);
    const fresh = await post("/webhooks/telnyx/voice", credentials, params);
    expect(fresh.status).toBe(200);
    expect(await fresh.text()).toContain("<Dial");
  });
});

describe("one tenant's signature on another tenant", () => {
  it("a webhook Telnyx signed for one account is refused for another, even were both to hold the same public key", async () => {
    const keys = await telnyxKeyPair();
    const a = await telnyxTenant(telnyxCredentialsFor(keys));
    const b = await telnyxTenant(telnyxCredentialsFor(keys));
    const before = await tableCounts();
    // A's account, B's number: the key verifies, the account does not match.
    const voice = await post("/webhooks/telnyx/voice", a.credentials, { AccountSid: a.credentials.accountSid, CallSid: telnyxCallId(), From: "+14155550124", To: b.trackingNumber });
    expect(voice.status).toBe(403);
    // B's number, a body claiming B's account, but signed with another key.
    const forged = await post("/webhooks/telnyx/voice", telnyxCredentialsFor(await telnyxKeyPair()), { AccountSid: b.credentials.accountSid, CallSid: telnyxCallId(), From: "+14155550124", To: b.trackingNumber });
    expect(forged.status).toBe(403);
    // A callback naming B in its (unsigned) URL, about A's account.
    const status = await post(`/webhooks/telnyx/status?tenant=${b.tenant.id}`, a.credentials, { AccountSid: a.credentials.accountSid, CallSid: telnyxCallId(), CallStatus: "completed", To: b.trackingNumber });
    expect(status.status).toBe(403);
    expect(await tableCounts()).toEqual(before);
    expect((await switchboardOf(b.tenant).snapshot()).calls).toEqual([]);
  });
});

describe("statuses only move forward", () => {
  it("late, repeated and reordered TeXML callbacks neither undo an ending nor log the call twice", async () => {
    const { tenant, credentials, trackingNumber } = await telnyxTenant(telnyxCredentialsFor(await telnyxKeyPair()));
    const callSid = telnyxCallId();
    const legSid = telnyxCallId();
    const base = { AccountSid: credentials.accountSid, CallSid: callSid };
    const at = (s: number) => new Date(Date.now() + s * 1000).toISOString();
    const voice = await post("/webhooks/telnyx/voice", credentials, { ...base, From: "+14155550124", To: trackingNumber, CallStatus: "ringing" });
    expect(voice.status).toBe(200);
    const cb = (path: string) => `/webhooks/telnyx/${path}?tenant=${tenant.id}`;
    const legReport = (status: string, seq: number, s: number, extra: Record<string, string> = {}) =>
      post(cb("leg-status"), credentials, { AccountSid: credentials.accountSid, CallSid: legSid, ParentCallSid: callSid, CallStatus: status, SequenceNumber: String(seq), Timestamp: at(s), ...extra });
    const reports = [
      () => legReport("in-progress", 2, 5),
      () => legReport("completed", 3, 47, { CallDuration: "42" }),
      // Telnyx retries, and its reports cross: the answer again, then an older "ringing".
      () => legReport("in-progress", 2, 5),
      () => legReport("ringing", 1, 1),
      () => post(cb("dial-action"), credentials, { ...base, DialCallStatus: "completed", DialCallSid: legSid, DialCallDuration: "42" }),
      () => post(cb("status"), credentials, { ...base, CallStatus: "completed", CallDuration: "50", SequenceNumber: "4", Timestamp: at(48), To: trackingNumber }),
      () => post(cb("status"), credentials, { ...base, CallStatus: "completed", CallDuration: "50", SequenceNumber: "4", Timestamp: at(48), To: trackingNumber }),
      () => post(cb("status"), credentials, { ...base, CallStatus: "in-progress", SequenceNumber: "2", Timestamp: at(5), To: trackingNumber }),
      () => post(cb("status"), credentials, { ...base, CallStatus: "ringing", SequenceNumber: "1", Timestamp: at(0), To: trackingNumber }),
    ];
    for (const report of reports) {
      const res = await report();
      expect(res.status, await res.clone().text()).toBeLessThan(300);
    }
    expect((await switchboardOf(tenant).snapshot()).calls).toEqual([]);
    await switchboardOf(tenant).flushCallLog();
    const log = await env.DB.prepare("select provider, status, duration_seconds, talk_seconds from calls where tenant_id = ?").bind(tenant.id).all();
    expect(log.results).toEqual([{ provider: "telnyx", status: "completed", duration_seconds: 50, talk_seconds: 42 }]);
  });

  it("a menu the caller lets time out comes back through the <Redirect>, as a menu with no keys", async () => {
    const { tenant, credentials, trackingNumber } = await telnyxTenant(telnyxCredentialsFor(await telnyxKeyPair()));
    const rendered = telnyx.markup.render({ steps: [{ kind: "gather", prompt: "Press 1", timeoutSeconds: 5 }] }, (path) => `${BASE}/webhooks/telnyx/${path}?tenant=${tenant.id}`);
    const redirect = /<Redirect method="POST">([^<]+)<\/Redirect>/.exec(rendered)![1]!.replace(/&amp;/g, "&");
    const parsed = telnyx.parse("gather", { url: redirect, headers: new Headers(), body: form({ AccountSid: credentials.accountSid, CallSid: telnyxCallId(), From: "+14155550124", To: trackingNumber }) });
    expect(parsed).toMatchObject({ ok: true, value: { kind: "menu", digits: null } });
  });
});

describe("TeXML limits", () => {
  it("keeps a ring within Telnyx's 5-120 s and a menu's wait within 1-120 s", () => {
    const dial = (ringSeconds: number) => telnyx.markup.render({ steps: [{ kind: "dial", targets: [{ number: "+14155550150" }], ringSeconds, record: false }] });
    expect(dial(300)).toContain('timeout="120"');
    expect(dial(2)).toContain('timeout="5"');
    expect(telnyx.markup.render({ steps: [{ kind: "gather", prompt: "x", timeoutSeconds: 600 }] })).toContain('timeout="120"');
  });
});

describe("the number shop (v2 API)", () => {
  const webhooks = { voiceUrl: `${BASE}/webhooks/telnyx/voice`, statusCallbackUrl: `${BASE}/webhooks/telnyx/status?tenant=t1`, fallbackUrl: `${BASE}/webhooks/telnyx/fallback?dial=%2B14155550150&key=k` };

  it("searches, buys through a number order onto an application of its own (POST everywhere), re-points and releases", async () => {
    const apiKey = `KEY${crypto.randomUUID()}`;
    const shop = new TelnyxNumbers(apiKey);
    const found = await shop.search({ areaCode: "503", limit: 3 });
    expect(found).toHaveLength(3);
    expect(found[0]).toMatchObject({ number: expect.stringMatching(/^\+1503/), locality: "San Francisco", region: "CA", isoCountry: "US" });

    const bought = await shop.buy(found[0]!.number, "Radio line", webhooks);
    type Phone = { id: string; phone_number: string; connection_id: string };
    const read = <T>(path: string) => shop.call<{ data: T }>("GET", path).then((r) => r.data);
    // The phone-number resource's id: what PATCH and DELETE take (not the order's ids).
    const phone = await read<Phone>(`/phone_numbers/${bought.providerNumberId}`);
    expect(phone.phone_number).toBe(found[0]!.number);
    const app = await read<Record<string, string>>(`/texml_applications/${phone.connection_id}`);
    expect(app).toMatchObject({ voice_url: webhooks.voiceUrl, voice_method: "post", voice_fallback_url: webhooks.fallbackUrl, status_callback: webhooks.statusCallbackUrl, status_callback_method: "post" });

    await shop.configure(bought.providerNumberId!, { ...webhooks, fallbackUrl: `${BASE}/webhooks/telnyx/fallback?dial=%2B14155550151&key=k2` });
    expect((await read<Record<string, string>>(`/texml_applications/${phone.connection_id}`)).voice_fallback_url).toContain("14155550151");
    // Another key is another account: it sees none of this one's numbers.
    await expect(new TelnyxNumbers(`KEY${crypto.randomUUID()}`).configure(bought.providerNumberId!, webhooks)).rejects.toMatchObject({ status: 404 });

    await shop.release(bought.providerNumberId!);
    await expect(read(`/phone_numbers/${phone.id}`)).rejects.toMatchObject({ status: 404 });
    await expect(read(`/texml_applications/${phone.connection_id}`)).rejects.toMatchObject({ status: 404 });
    await expect(shop.release(bought.providerNumberId!)).rejects.toMatchObject({ status: 404 });
  });

  it("a failed order leaves no application behind and says so; no API key is a clear 400", async () => {
    const apiKey = `KEY${crypto.randomUUID()}`;
    const shop = new TelnyxNumbers(apiKey);
    await expect(shop.buy("+19985550100", "Lost", webhooks)).rejects.toBeInstanceOf(ProviderError);
    expect(await shop.call<{ data: unknown[] }>("GET", "/phone_numbers")).toMatchObject({ data: [] });
    expect(await shop.call<{ data: unknown[] }>("GET", "/texml_applications")).toMatchObject({ data: [] });
    await expect(new TelnyxNumbers(undefined).search({ limit: 1 })).rejects.toMatchObject({ status: 400 });
    await expect(new TelnyxNumbers("bad-key").search({ areaCode: "415", limit: 1 })).rejects.toMatchObject({ status: 401 });
  });

  it("tests the connection with the API key, in words and without the key", async () => {
    expect(await telnyx.check!(telnyxCredentialsFor(await telnyxKeyPair()))).toMatchObject({ ok: true });
    const refused = await telnyx.check!({ ...telnyxCredentialsFor(await telnyxKeyPair()), apiKey: "bad-telnyx-key" });
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/API key/) });
    expect(JSON.stringify(refused)).not.toContain("bad-telnyx-key");
    expect(await telnyx.check!({ accountSid: TELNYX_DEMO.accountSid, publicKey: TELNYX_DEMO.publicKey })).toMatchObject({ ok: false });
  });
});
