/**
 * Plivo through the real Worker and the tenant's Switchboard, beyond the adapter contract: its V3
 * signature as its SDK computes it (several signatures, either header, the port), its webhooks'
 * order and repeats (a call's state only moves forward), no-answer routing, the fail-safe in Plivo
 * XML, its number shop against the fake of its REST API, and the sandbox's test call.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/app.ts";
import { plivo } from "../../worker/providers/plivo/adapter.ts";
import { plivoSignature, signedPayload, verifyPlivoSignature } from "../../worker/providers/plivo/signature.ts";
import { BASE, login, tableCounts } from "./helpers.ts";
import { createPlivoTenant, plivoHeaders, plivoSdkValidates, plivoVoice, postPlivo, type PlivoTenant } from "./plivo-helpers.ts";
import { apiJson } from "./routing-helpers.ts";
import { switchboardOf } from "./twilio-helpers.ts";

const TOKEN = "demo-plivo-auth-token";
const NONCE = "12345678901234567890";
const VECTOR_BODY = "CallUUID=11111111-2222-3333-4444-555555555555&From=14155550124&To=14155550104&CallStatus=ringing&Direction=inbound";
const pairs = (body: string) => [...new URLSearchParams(body)];
const attr = (xml: string, tag: string, name: string) => new RegExp(`<${tag}\\b[^>]*\\s${name}="([^"]*)"`).exec(xml)?.[1]?.replace(/&amp;/g, "&");
const pathOf = (url: string) => url.slice(BASE.length);

describe("Plivo's V3 signature", () => {
  it("is the string and the MAC of Plivo's SDK (docs/provider-research.md §3.1 vectors)", async () => {
    const url = "https://example.com/webhooks/plivo/voice";
    expect(signedPayload(url, pairs(VECTOR_BODY))).toBe("https://example.com/webhooks/plivo/voice?CallStatusringingCallUUID11111111-2222-3333-4444-555555555555DirectioninboundFrom14155550124To14155550104");
    expect(await plivoSignature(TOKEN, url, pairs(VECTOR_BODY), NONCE)).toBe("zGWKlRir1kx3eYrihMwr1XkpLfPrqsEZEODRol73FGQ=");
    expect(await plivoSignature(TOKEN, `${url}?auth_id=MA0000000000000000DEMO`, pairs(VECTOR_BODY), NONCE)).toBe("xhmGZeLb9pI2afxOgg945TZZb4TXKRNSlaQHDSf+IjY=");
    // Repeated names, a query with its own repeats and escapes, an empty body: the SDK agrees each time.
    for (const [u, body] of [
      [`${url}?tenant=t%201&b=2&b=1`, "Digits=1&Digits=1&Z=%C3%A9&A="],
      [`${url}?tenant=t1`, ""],
      ["http://127.0.0.1:8813/webhooks/plivo/status?auth_id=MA0000000000000000DEMO", "CallUUID=x"],
    ] as const) {
      const signature = await plivoSignature(TOKEN, u, pairs(body), NONCE);
      expect(await plivoSdkValidates(TOKEN, u, body, NONCE, signature), `${u} ${body}`).toBe(true);
    }
  });

  it("accepts any of several signatures, in either header, and the URL with or without its default port; nothing else", async () => {
    const url = "https://example.com/webhooks/plivo/voice?auth_id=MA0000000000000000DEMO";
    const good = await plivoSignature(TOKEN, url, pairs(VECTOR_BODY), NONCE);
    const other = await plivoSignature("another-token-entirely", url, pairs(VECTOR_BODY), NONCE);
    const check = (headers: Record<string, string>, at = url) => verifyPlivoSignature(TOKEN, at, pairs(VECTOR_BODY), new Headers(headers));
    expect(await check({ "X-Plivo-Signature-V3": `${other},${good}`, "X-Plivo-Signature-V3-Nonce": NONCE })).toBe(true);
    expect(await check({ "X-Plivo-Signature-V3": other, "X-Plivo-Signature-Ma-V3": good, "X-Plivo-Signature-V3-Nonce": NONCE })).toBe(true);
    const withPort = await plivoSignature(TOKEN, "https://example.com:443/webhooks/plivo/voice?auth_id=MA0000000000000000DEMO", pairs(VECTOR_BODY), NONCE);
    expect(await check({ "X-Plivo-Signature-V3": withPort, "X-Plivo-Signature-V3-Nonce": NONCE })).toBe(true);

    expect(await check({ "X-Plivo-Signature-V3": other, "X-Plivo-Signature-V3-Nonce": NONCE })).toBe(false);
    expect(await check({ "X-Plivo-Signature-V3": good, "X-Plivo-Signature-V3-Nonce": "12345678901234567891" })).toBe(false);
    expect(await check({ "X-Plivo-Signature-V3": good })).toBe(false);
    expect(await check({ "X-Plivo-Signature-V2": good, "X-Plivo-Signature-V3-Nonce": NONCE })).toBe(false);
    expect(await check({ "X-Plivo-Signature-V3": "not base64!", "X-Plivo-Signature-V3-Nonce": NONCE })).toBe(false);
    // The query is signed: another tenant or account named in the URL is another request.
    expect(await check({ "X-Plivo-Signature-V3": good, "X-Plivo-Signature-V3-Nonce": NONCE }, url.replace("DEMO", "DEMX"))).toBe(false);
  });
});

/** The voice webhook, then the XML's callback URLs. */
async function ring(t: PlivoTenant, from = "+14155550177") {
  const voice = plivoVoice(t, from);
  const res = await postPlivo(`/webhooks/plivo/voice?auth_id=${t.authId}`, voice, { token: t.token });
  const xml = await res.text();
  expect(res.status, xml).toBe(200);
  return { callUuid: voice.CallUUID, xml, action: attr(xml, "Dial", "action"), callbackUrl: attr(xml, "Dial", "callbackUrl") };
}

async function expectOk(res: Response) {
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res;
}

async function callLog(t: { id: string }) {
  await switchboardOf(t).flushCallLog();
  return (await env.DB.prepare("select provider, status, talk_seconds, duration_seconds, answered_at from calls where tenant_id = ?").bind(t.id).all<{ provider: string; status: string; talk_seconds: number | null; duration_seconds: number | null; answered_at: number | null }>()).results;
}

describe("a Plivo call through the Worker", () => {
  it("answers in Plivo XML: the termination number in digits, callbacks naming the tenant and the account", async () => {
    const t = await createPlivoTenant();
    const { xml, action, callbackUrl } = await ring(t);
    expect(xml).toContain(`<Number>${t.terminationNumber.slice(1)}</Number>`);
    // The dial step's end names the step (the call's first), so a retry is told from the next step's end.
    expect(action).toBe(`${BASE}/webhooks/plivo/dial-action?tenant=${encodeURIComponent(t.id)}&auth_id=${t.authId}&step=1`);
    expect(callbackUrl).toBe(`${BASE}/webhooks/plivo/leg-status?tenant=${encodeURIComponent(t.id)}&auth_id=${t.authId}`);
    const live = (await switchboardOf(t).snapshot()).calls;
    expect(live).toMatchObject([{ status: "ringing", callerNumber: "+14155550177", trackingNumber: t.trackingNumber }]);
  });

  it("refuses the unsigned, another account's signature, and a callback about another tenant: 403, nothing written", async () => {
    const t = await createPlivoTenant("Own");
    const other = await createPlivoTenant("Other");
    const before = await tableCounts();
    for (const res of [
      await postPlivo("/webhooks/plivo/voice", plivoVoice(t, "+14155550177"), { token: t.token, signed: false }),
      await postPlivo(`/webhooks/plivo/voice?auth_id=${t.authId}`, plivoVoice(t, "+14155550177"), { token: other.token }),
      // Signed by our own account, about the other tenant (its id in the URL).
      await postPlivo(`/webhooks/plivo/status?tenant=${encodeURIComponent(other.id)}&auth_id=${t.authId}`, { CallUUID: crypto.randomUUID(), CallStatus: "completed", To: other.trackingNumber.slice(1) }, { token: t.token }),
      // The other tenant's account named, signed with ours.
      await postPlivo(`/webhooks/plivo/status?tenant=${encodeURIComponent(other.id)}&auth_id=${other.authId}`, { CallUUID: crypto.randomUUID(), CallStatus: "completed" }, { token: t.token }),
      // Its number, with no tenant named: the tenant comes from To, whose account did not sign.
      await postPlivo(`/webhooks/plivo/status?auth_id=${t.authId}`, { CallUUID: crypto.randomUUID(), CallStatus: "completed", To: other.trackingNumber.slice(1) }, { token: t.token }),
    ]) {
      expect([res.status, await res.text()]).toEqual([403, "Not a verified webhook for a number here"]);
    }
    expect(await tableCounts()).toEqual(before);
  });

  it("moves only forward whatever Plivo's order and repeats: logged once, completed, with its talk time", async () => {
    const t = await createPlivoTenant();
    const { callUuid, action, callbackUrl } = await ring(t);
    const leg = crypto.randomUUID();
    const status = `/webhooks/plivo/status?tenant=${encodeURIComponent(t.id)}&auth_id=${t.authId}`;
    const answer = () => postPlivo(pathOf(callbackUrl!), { CallUUID: callUuid, DialAction: "answer", DialALegUUID: callUuid, DialBLegUUID: leg, DialBLegStatus: "answer" }, { token: t.token });
    const legEnd = () => postPlivo(pathOf(callbackUrl!), { CallUUID: callUuid, DialAction: "hangup", DialALegUUID: callUuid, DialBLegUUID: leg, DialBLegStatus: "hangup", DialBLegDuration: "42" }, { token: t.token });
    const dialEnd = () => postPlivo(pathOf(action!), { CallUUID: callUuid, DialStatus: "completed", DialALegUUID: callUuid, DialBLegUUID: leg, DialRingStatus: "true" }, { token: t.token });
    const hangup = () => postPlivo(status, { CallUUID: callUuid, CallStatus: "completed", To: t.trackingNumber.slice(1), Duration: "50", BillDuration: "60" }, { token: t.token });

    await expectOk(await answer());
    expect((await switchboardOf(t).snapshot()).calls[0]).toMatchObject({ status: "in-progress" });
    // Plivo retries the hangup URL, and its callbacks race: the end first, then the rest, twice.
    for (const report of [hangup, legEnd, dialEnd, hangup, answer, legEnd, dialEnd, hangup]) await expectOk(await report());
    expect((await switchboardOf(t).snapshot()).calls).toEqual([]);
    const log = await callLog(t);
    expect(log).toMatchObject([{ provider: "plivo", status: "completed", talk_seconds: 42, duration_seconds: 50 }]);
    expect(log[0]!.answered_at).not.toBeNull();
  });

  it("a dial nobody answers in time (DialStatus timeout) is a missed call; the hangup URL after it only adds the duration", async () => {
    const t = await createPlivoTenant();
    const { callUuid, action } = await ring(t);
    const next = await expectOk(await postPlivo(pathOf(action!), { CallUUID: callUuid, DialStatus: "timeout", DialALegUUID: callUuid, DialBLegUUID: "", DialRingStatus: "true" }, { token: t.token }));
    expect(await next.text()).toContain("<Hangup/>");
    await expectOk(await postPlivo(`/webhooks/plivo/status?tenant=${encodeURIComponent(t.id)}&auth_id=${t.authId}`, { CallUUID: callUuid, CallStatus: "completed", Duration: "31" }, { token: t.token }));
    const snapshot = await switchboardOf(t).snapshot();
    expect(snapshot.calls).toEqual([]);
    expect(snapshot.notifications.filter((n) => n.kind === "missed-call")).toHaveLength(1);
    expect(await callLog(t)).toMatchObject([{ status: "no-answer", duration_seconds: 31, answered_at: null }]);
  });

  it("answers with the fail-safe number in Plivo XML when the Switchboard fails", async () => {
    const t = await createPlivoTenant();
    const url = `${BASE}/webhooks/plivo/voice?auth_id=${t.authId}`;
    const body = new URLSearchParams(plivoVoice(t, "+14155550177")).toString();
    const failing = { getByName: () => ({ registerCall: () => Promise.reject(new Error("Durable Object reset")) }) } as unknown as Env["Switchboard"];
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(url, { method: "POST", headers: await plivoHeaders(t.token, url, body), body }), { ...env, Switchboard: failing }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(new RegExp(`<Dial [^>]*timeout="30"[^>]*><Number>${t.failsafeNumber.slice(1)}</Number></Dial>`));
  });

  it("the fallback answer URL dials only the number sealed in it, in Plivo XML", async () => {
    const t = await createPlivoTenant();
    const res = await postPlivo(`/webhooks/plivo/fallback?dial=%2B14155550150&key=forged`, plivoVoice(t, "+14155550177"), { token: t.token, signed: false });
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toContain("<Speak>We are sorry");
    expect(xml).not.toContain("<Dial");
  });
});

/** The fake Plivo API's own view of a number and its application. */
async function atPlivo(t: PlivoTenant, number: string) {
  const headers = { Authorization: `Basic ${btoa(`${t.authId}:${t.token}`)}` };
  const found = await fetch(`https://api.plivo.com/v1/Account/${t.authId}/Number/${number.slice(1)}/`, { headers });
  if (found.status === 404) return null;
  const { application } = (await found.json()) as { application: string };
  const app = await fetch(`https://api.plivo.com${application}`, { headers });
  return (await app.json()) as { app_id: string; answer_url: string; hangup_url: string; fallback_answer_url: string };
}

describe("Plivo numbers", () => {
  it("searches, buys a number pointed at us through an application of its own, re-points it, releases it", async () => {
    const t = await createPlivoTenant("Plivo buyer");
    const u = { cookie: await login(t.adminEmail) };
    const found = await apiJson<{ items: { number: string }[] }>(u, "GET", "/api/tracking-numbers/available?areaCode=646&limit=2&provider=plivo");
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body.items.map((n) => n.number)).toEqual(["+16465550100", "+16465550101"]);
    const number = found.body.items[0]!.number;
    const bought = await apiJson<{ id: string }>(u, "POST", "/api/tracking-numbers", { number, label: "Radio", terminationNumber: "+14155550150", provider: "plivo" });
    expect(bought.status, JSON.stringify(bought.body)).toBe(201);
    const app1 = await atPlivo(t, number);
    expect(app1).toMatchObject({
      answer_url: `${BASE}/webhooks/plivo/voice?auth_id=${t.authId}`,
      hangup_url: `${BASE}/webhooks/plivo/status?tenant=${encodeURIComponent(t.id)}&auth_id=${t.authId}`,
      fallback_answer_url: expect.stringMatching(/\/webhooks\/plivo\/fallback\?dial=%2B14155550150&key=/),
    });
    // Plivo's fallback, asked as Plivo would ask it, dials the sealed number.
    const fallback = await postPlivo(pathOf(app1!.fallback_answer_url), { CallUUID: crypto.randomUUID(), From: "14155550177", To: number.slice(1) }, { token: t.token });
    expect(await fallback.text()).toContain("<Number>14155550150</Number>");

    expect((await apiJson(u, "PATCH", `/api/tracking-numbers/${bought.body.id}`, { failsafeNumber: "+14155550151" })).status).toBe(200);
    const app2 = await atPlivo(t, number);
    expect(app2!.app_id).toBe(app1!.app_id);
    expect(app2!.fallback_answer_url).toContain("dial=%2B14155550151&key=");

    // Calls to it are taken at once, under its application's answer URL.
    const voice = await postPlivo(pathOf(app2!.answer_url), { ...plivoVoice(t, "+14155550177"), To: number.slice(1) }, { token: t.token });
    expect(await voice.text()).toContain("<Number>14155550150</Number>");

    const gone = await apiJson<{ released: boolean }>(u, "DELETE", `/api/tracking-numbers/${bought.body.id}`);
    expect(gone.body.released).toBe(true);
    expect(await atPlivo(t, number)).toBeNull();
  });

  it("says what Plivo said when it refuses", async () => {
    const shop = plivo.numbers!({ authId: "MA00000000000000000BAD", authToken: "bad-token-here" });
    await expect(shop.search({ areaCode: "415", limit: 1 })).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/^Plivo: /) });
  });
});

describe("the Plivo sandbox", () => {
  it("places a test call as Plivo's own signed webhooks: the popup rings", async () => {
    const t = await createPlivoTenant("Plivo sandbox", { sandbox: true });
    const cookie = await login(t.adminEmail);
    const res = await apiJson<{ providerCallId: string }>({ cookie }, "POST", `/api/tracking-numbers/${t.trackingNumberId}/test-call`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.providerCallId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await switchboardOf(t).snapshot()).calls).toMatchObject([{ status: "ringing", trackingNumber: t.trackingNumber }]);
  });
});
