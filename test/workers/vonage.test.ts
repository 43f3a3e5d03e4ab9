/**
 * Vonage's own quirks, beyond the adapter contract: its JWT (the research vector, the algorithm,
 * the time window, Vonage's own verifySignature on ours), events out of order and repeated, ring
 * in turn where NCCO rings one endpoint per connect, the fail-safe in NCCO, and its number shop
 * against the REST API fake.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { providerAccounts, trackingNumbers } from "../../schema/db.ts";
import { failsafeDecision, ProviderError } from "../../telephony/contract.ts";
import { encryptSecret, toBase64Url } from "../../worker/lib/crypto.ts";
import { vonageJwt, verifyVonageJwt } from "../../worker/providers/vonage/jwt.ts";
import { renderNcco } from "../../worker/providers/vonage/ncco.ts";
import { VonageNumbers } from "../../worker/providers/vonage/numbers.ts";
import { numberWebhooks } from "../../worker/webhooks/inbound.ts";
import { vonage } from "../../worker/providers/vonage/adapter.ts";
import { BASE, createTenant, db } from "./helpers.ts";
import { switchboardOf, uniqueNumber } from "./twilio-helpers.ts";
import { postVonage, sdkJwt, sdkVerifies } from "./vonage-helpers.ts";

const utf8 = new TextEncoder();
const b64 = (text: string) => toBase64Url(utf8.encode(text));

describe("the signed-webhook JWT", () => {
  const secret = "demo-vonage-signature-secret";
  const app = "00000000-0000-4000-8000-00000000d0d0";
  const body = `{"from":"14155550124","to":"14155550105","uuid":"aaaaaaaa-bbbb-cccc-dddd-0123456789ab","conversation_uuid":"CON-aaaaaaaa-bbbb-cccc-dddd-0123456789ab"}`;
  const claims = `{"iat":1700000000,"jti":"00000000-0000-4000-8000-000000000001","iss":"Vonage","payload_hash":"ef9f08ae2a8ad5f36bd64e0f3d75a6b740ac63d9cdcff16523207fc202f3a8e2","api_key":"demo","application_id":"${app}"}`;
  const vector = `${b64('{"alg":"HS256","typ":"JWT"}')}.${b64(claims)}._QoreOGpTSCBRcria7LFv_QvnAgkrq-MAPkXG9KtNDU`;

  it("accepts the research vector at its time, and not an hour later, nor for another body or application", async () => {
    const at = 1_700_000_000_000;
    expect(await verifyVonageJwt(secret, app, vector, body, at)).toBe(true);
    expect(await verifyVonageJwt(secret, app, vector, body, at + 60 * 60 * 1000)).toBe(false);
    expect(await verifyVonageJwt(secret, app, vector, body.replace("0124", "0125"), at)).toBe(false);
    expect(await verifyVonageJwt(secret, crypto.randomUUID(), vector, body, at)).toBe(false);
    expect(await sdkVerifies(secret, vector)).toBe(true);
  });

  it("refuses another algorithm than HS256, even signed with the right secret, and `none`", async () => {
    const hs512 = await env.VONAGE_SDK.fetch("http://sdk/sign", { method: "POST", body: JSON.stringify({ secret, applicationId: app, body, alg: "HS512" }) });
    expect(await verifyVonageJwt(secret, app, (await hs512.json<{ token: string }>()).token, body)).toBe(false);
    const [, payload] = (await sdkJwt(secret, app, body)).split(".");
    expect(await verifyVonageJwt(secret, app, `${b64('{"alg":"none","typ":"JWT"}')}.${payload}.`, body)).toBe(false);
  });

  it("allows five minutes of skew either way", async () => {
    const now = Date.now();
    expect(await verifyVonageJwt(secret, app, await sdkJwt(secret, app, body, { iat: Math.floor(now / 1000) - 240 }), body, now)).toBe(true);
    expect(await verifyVonageJwt(secret, app, await sdkJwt(secret, app, body, { iat: Math.floor(now / 1000) + 240 }), body, now)).toBe(true);
    expect(await verifyVonageJwt(secret, app, await sdkJwt(secret, app, body, { iat: Math.floor(now / 1000) - 400 }), body, now)).toBe(false);
  });

  it("is what Vonage's own verifySignature accepts when the simulator signs", async () => {
    expect(await sdkVerifies(secret, await vonageJwt(secret, app, body))).toBe(true);
    expect(await sdkVerifies("another-secret-altogether", await vonageJwt(secret, app, body))).toBe(false);
  });
});

describe("NCCO", () => {
  it("rings several targets in turn, one connect each, and says which turn each is", () => {
    const ncco = JSON.parse(renderNcco({ steps: [{ kind: "dial", targets: [{ number: "+14155550150" }, { number: "sip:desk@pbx.example.com" }], ringSeconds: 15, record: false }] }, (p, q = {}) => `${BASE}/webhooks/vonage/${p}?tenant=t1${Object.entries(q).map(([k, v]) => `&${k}=${v}`).join("")}`)) as { action: string; eventUrl: string[]; endpoint: unknown[] }[];
    expect(ncco.map((a) => [a.action, a.eventUrl[0]!.split("?")[1], a.endpoint])).toEqual([
      ["connect", "tenant=t1&turn=1&of=2", [{ type: "phone", number: "14155550150" }]],
      ["connect", "tenant=t1&turn=2&of=2", [{ type: "sip", uri: "sip:desk@pbx.example.com" }]],
    ]);
  });

  it("the fail-safe is a connect that names no callback, and the fallback URL dials the sealed number", async () => {
    expect(JSON.parse(renderNcco(failsafeDecision({ failsafeNumber: "+14155550151", terminationNumber: null, trackingNumber: "+14155550105" })))).toEqual([{ action: "connect", timeout: 30, endpoint: [{ type: "phone", number: "14155550151" }] }]);
    const { fallbackUrl } = await numberWebhooks(vonage, BASE, "t1", { failsafeNumber: "+14155550151", terminationNumber: null, number: "+14155550105" }, env.SECRETS_KEY);
    const res = await postVonage(fallbackUrl.slice(BASE.length), {}, { secret: null, applicationId: "" });
    expect([res.status, res.headers.get("Content-Type"), await res.json()]).toEqual([200, "application/json", [{ action: "connect", timeout: 30, endpoint: [{ type: "phone", number: "14155550151" }] }]]);
  });
});

describe("a call's events out of order and repeated", () => {
  it("the caller's end before the leg's answer, the leg's end twice, a late ringing: one completed call, logged once", async () => {
    const tenant = await createTenant("Vonage order");
    const secret = `secret-${crypto.randomUUID()}`;
    const applicationId = crypto.randomUUID();
    const tracking = uniqueNumber();
    const office = uniqueNumber();
    const accountId = crypto.randomUUID();
    await db().batch([
      db().insert(providerAccounts).values({ id: accountId, tenantId: tenant.id, provider: "vonage", externalId: applicationId, credentialsEncrypted: await encryptSecret(JSON.stringify({ applicationId, signatureSecret: secret }), env.SECRETS_KEY) }),
      db().insert(trackingNumbers).values({ id: crypto.randomUUID(), tenantId: tenant.id, number: tracking, label: "Vonage", terminationNumber: office, providerAccountId: accountId }),
    ]);
    const signer = { secret, applicationId };
    const conversation = `CON-${crypto.randomUUID()}`;
    const caller = { from: "14155550124", to: tracking.slice(1), uuid: conversation.slice(4), conversation_uuid: conversation };
    const answer = await postVonage("/webhooks/vonage/answer", caller, signer);
    expect(answer.status).toBe(200);
    const [connect] = (await answer.json()) as { action: string; eventUrl: string[] }[];
    expect(connect!.action).toBe("connect");
    const dialEnded = connect!.eventUrl[0]!.slice(BASE.length);
    const leg = { uuid: crypto.randomUUID(), conversation_uuid: conversation, direction: "outbound", from: tracking.slice(1), to: office.slice(1) };
    const t = (s: number) => new Date(Date.now() - 60_000 + s * 1000).toISOString();
    const events: [string, unknown][] = [
      [dialEnded, { ...leg, status: "ringing", timestamp: t(1) }],
      [`/webhooks/vonage/event?tenant=${tenant.id}`, { ...caller, status: "completed", direction: "inbound", duration: "40", timestamp: t(45) }],
      [dialEnded, { ...leg, status: "answered", timestamp: t(5) }],
      [dialEnded, { ...leg, status: "completed", duration: "38", timestamp: t(44) }],
      [dialEnded, { ...leg, status: "completed", duration: "38", timestamp: t(44) }],
      [dialEnded, { ...leg, status: "started", timestamp: t(0) }],
      [`/webhooks/vonage/event?tenant=${tenant.id}`, { ...caller, status: "completed", direction: "inbound", duration: "40", timestamp: t(45) }],
    ];
    for (const [path, body] of events) expect((await postVonage(path, body, signer)).status, JSON.stringify(body)).toBeLessThan(300);
    await switchboardOf(tenant).flushCallLog();
    const logged = await env.DB.prepare("select provider, status, duration_seconds, talk_seconds from calls where tenant_id = ?").bind(tenant.id).all();
    expect(logged.results).toEqual([{ provider: "vonage", status: "completed", duration_seconds: 40, talk_seconds: 38 }]);
  });
});

describe("the number shop", () => {
  const keys = { applicationId: crypto.randomUUID(), apiKey: "abcd1234", apiSecret: "s3cr3t" };
  const webhooks = { voiceUrl: `${BASE}/webhooks/vonage/answer`, statusCallbackUrl: `${BASE}/webhooks/vonage/event?tenant=t1`, fallbackUrl: `${BASE}/webhooks/vonage/fallback?dial=x&key=y` };

  /** The application as Vonage's Applications API shows it (the fake runs beside the tests, in Node). */
  const voiceOf = async () => {
    const res = await fetch(`https://api.nexmo.com/v2/applications/${keys.applicationId}`, { headers: { Authorization: `Basic ${btoa(`${keys.apiKey}:${keys.apiSecret}`)}` } });
    return ((await res.json()) as { capabilities: { voice?: { webhooks: Record<string, { address: string; http_method: string }>; signed_callbacks: boolean } } }).capabilities.voice;
  };

  it("searches, buys and points the application at our webhooks (POST, signed), re-points, releases", async () => {
    const shop = new VonageNumbers(keys);
    const found = await shop.search({ areaCode: "415", limit: 3 });
    expect(found).toHaveLength(3);
    expect(found[0]).toMatchObject({ number: expect.stringMatching(/^\+1415/), locality: null, region: null, isoCountry: "US" });
    const bought = await shop.buy(found[0]!.number, "Radio", webhooks);
    expect(bought).toEqual({ number: found[0]!.number, providerNumberId: `US:${found[0]!.number.slice(1)}` });
    expect(await voiceOf()).toEqual({
      webhooks: { answer_url: { address: webhooks.voiceUrl, http_method: "POST" }, event_url: { address: webhooks.statusCallbackUrl, http_method: "POST" }, fallback_answer_url: { address: webhooks.fallbackUrl, http_method: "POST" } },
      signed_callbacks: true,
    });
    await shop.configure(bought.providerNumberId!, { ...webhooks, fallbackUrl: `${BASE}/webhooks/vonage/fallback?dial=z&key=w` });
    expect((await voiceOf())?.webhooks.fallback_answer_url?.address).toContain("dial=z");
    await shop.release(bought.providerNumberId!);
    await expect(shop.release(bought.providerNumberId!)).rejects.toThrow(ProviderError);
    expect(await shop.search({ areaCode: "999", limit: 3 })).toEqual([]);
  });

  it("says what is wrong: no API key, a refused secret", async () => {
    await expect(new VonageNumbers({ applicationId: keys.applicationId }).search({ limit: 1 })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/API key and secret/) });
    await expect(new VonageNumbers({ ...keys, apiSecret: "bad-secret" }).search({ limit: 1 })).rejects.toMatchObject({ status: 401 });
  });
});
