/**
 * SignalWire beyond the adapter contract: its number shop (the space's compatibility REST API, a local
 * fake here), credentials as an admin enters them, the fail-safe in LaML, and its status callbacks,
 * which SignalWire documents as best-effort: late, repeated, out of order.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/app.ts";
import { SIGNALWIRE_TEST_SPACE } from "../fakes/signalwire-api.ts";
import { signalwireSdkSignature, signalwireSdkValidates } from "./adapters/signalwire.fixture.ts";
import { BASE, login, PASSWORD, tableCounts } from "./helpers.ts";
import { apiJson } from "./routing-helpers.ts";
import { createSignalWireTenant, postSignalWire, type SignalWireTenant } from "./signalwire-helpers.ts";
import { switchboardOf } from "./twilio-helpers.ts";

type Owned = { sid: string; phone_number: string; voice_url: string; voice_fallback_url: string; status_callback: string };

/** The fake space's own view of the project's numbers (IncomingPhoneNumbers list). */
async function ownedAtSignalWire(t: SignalWireTenant, apiToken: string) {
  const res = await fetch(`https://${SIGNALWIRE_TEST_SPACE}/api/laml/2010-04-01/Accounts/${t.projectId}/IncomingPhoneNumbers.json`, { headers: { Authorization: `Basic ${btoa(`${t.projectId}:${apiToken}`)}` } });
  return ((await res.json()) as { incoming_phone_numbers: Owned[] }).incoming_phone_numbers;
}

async function callLog(t: { id: string }) {
  await switchboardOf(t).flushCallLog();
  return (await env.DB.prepare("select status, talk_seconds, duration_seconds, answered_at from calls where tenant_id = ?").bind(t.id).all()).results;
}

async function ring(t: SignalWireTenant, from = "+14155550124") {
  const callSid = crypto.randomUUID();
  const res = await postSignalWire("/webhooks/signalwire/voice", { AccountSid: t.projectId, CallSid: callSid, From: from, To: t.trackingNumber, CallStatus: "ringing", Direction: "inbound", ApiVersion: "2010-04-01" }, { signingKey: t.signingKey });
  const xml = await res.text();
  expect(res.status, xml).toBe(200);
  return { callSid, xml, legStatus: /statusCallback="([^"]+)"/.exec(xml)?.[1]?.replace(/&amp;/g, "&") };
}

describe("buying tracking numbers through SignalWire", () => {
  it("searches and buys in the space, pointing the number at our LaML webhooks, and releases it on delete", async () => {
    const apiToken = `PT${crypto.randomUUID().replace(/-/g, "")}`;
    const t = await createSignalWireTenant("SignalWire buyer", { rest: { spaceUrl: SIGNALWIRE_TEST_SPACE, apiToken } });
    const u = { cookie: await login(t.adminEmail) };
    const found = await apiJson<{ items: { number: string }[] }>(u, "GET", `/api/tracking-numbers/available?provider=signalwire&near=${encodeURIComponent("(312) 555-0100")}&limit=2`);
    expect(found.status).toBe(200);
    // SignalWire cannot search near a number: its area code stands in.
    expect(found.body.items.map((n) => n.number)).toEqual([expect.stringMatching(/^\+1312555010\d$/), expect.stringMatching(/^\+1312555010\d$/)]);
    const number = found.body.items[0]!.number;
    const bought = await apiJson<{ id: string; bought: boolean }>(u, "POST", "/api/tracking-numbers", { number, label: "Billboard", terminationNumber: "+14155550150", provider: "signalwire" });
    expect(bought.status, JSON.stringify(bought.body)).toBe(201);
    const owned = (await ownedAtSignalWire(t, apiToken)).find((o) => o.phone_number === number)!;
    expect(owned.sid).toMatch(/^[0-9a-f-]{36}$/);
    expect(owned).toMatchObject({ voice_url: `${BASE}/webhooks/signalwire/voice`, status_callback: `${BASE}/webhooks/signalwire/status?tenant=${t.id}` });
    expect(owned.voice_fallback_url).toMatch(new RegExp(`^${BASE}/webhooks/signalwire/fallback\\?dial=%2B14155550150&key=`));
    // The fallback URL answers in LaML with the sealed number.
    const fallback = await postSignalWire(owned.voice_fallback_url.slice(BASE.length), { AccountSid: t.projectId, CallSid: crypto.randomUUID() }, { signingKey: t.signingKey });
    expect(await fallback.text()).toMatch(/<Dial [^>]*><Number[^>]*>\+14155550150<\/Number><\/Dial>/);
    expect((await apiJson(u, "DELETE", `/api/tracking-numbers/${bought.body.id}`)).status).toBe(200);
    expect((await ownedAtSignalWire(t, apiToken)).some((o) => o.phone_number === number)).toBe(false);
  });

  it("says what SignalWire said when it refuses; a project with no space or API token cannot buy, but a sandbox one can", async () => {
    const wrong = await createSignalWireTenant("Wrong token", { rest: { spaceUrl: SIGNALWIRE_TEST_SPACE, apiToken: "bad-token-value" } });
    const refused = await apiJson<{ error: string }>({ cookie: await login(wrong.adminEmail) }, "GET", "/api/tracking-numbers/available?provider=signalwire&areaCode=415");
    expect([refused.status, refused.body.error]).toEqual([400, "SignalWire: Authenticate (error 20003)"]);
    const bare = await createSignalWireTenant("Signing key only");
    const admin = { cookie: await login(bare.adminEmail) };
    const before = await tableCounts();
    const noShop = await apiJson<{ error: string }>(admin, "POST", "/api/tracking-numbers", { number: "+14155550177", label: "x", terminationNumber: "+14155550150", provider: "signalwire" });
    expect(noShop.status).toBe(400);
    expect(noShop.body.error).toMatch(/add the space URL and an API token/);
    expect(await tableCounts()).toEqual(before);
    const sandbox = await createSignalWireTenant("Sandbox", { sandbox: true });
    const offered = await apiJson<{ items: { number: string }[] }>({ cookie: await login(sandbox.adminEmail) }, "GET", "/api/tracking-numbers/available?provider=signalwire&areaCode=415&limit=1");
    expect(offered.body.items[0]!.number).toMatch(/^\+1415555010\d$/);
  });
});

describe("SignalWire credentials", () => {
  it("take a project id and signing key, and a space with an API token or neither; show no secret", async () => {
    const t = await createSignalWireTenant("Credentials");
    const u = { cookie: await login(t.adminEmail) };
    const projectId = crypto.randomUUID();
    const saved = await apiJson<Record<string, unknown>>(u, "PUT", "/api/provider-accounts/signalwire", { projectId, signingKey: "PSK_secret-signing-key", spaceUrl: "https://Example.signalwire.com/", apiToken: "PT-secret-api-token", currentPassword: PASSWORD });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ provider: "signalwire", accountId: projectId, projectId, spaceUrl: "example.signalwire.com" });
    expect(JSON.stringify(saved.body)).not.toMatch(/secret/);
    const refused: [Record<string, unknown>, RegExp][] = [
      [{ projectId: "AC00000000000000000000000000000000", signingKey: "PSK_secret-signing-key" }, /projectId: must be a SignalWire project id/],
      [{ projectId, signingKey: "PSK_secret-signing-key", spaceUrl: "example.signalwire.com" }, /give both spaceUrl and apiToken/],
      [{ projectId, signingKey: "PSK_secret-signing-key", spaceUrl: "evil.example.com", apiToken: "PT-secret-api-token" }, /must be your SignalWire space/],
    ];
    for (const [body, message] of refused) {
      const res = await apiJson<{ error: string }>(u, "PUT", "/api/provider-accounts/signalwire", { ...body, currentPassword: PASSWORD });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toMatch(message);
    }
  });
});

describe("SignalWire's signature", () => {
  it("what our simulator signs, SignalWire's SDK validates (and the reverse is the contract suite)", async () => {
    const { signalwire } = await import("../../worker/providers/signalwire/adapter.ts");
    const credentials = { projectId: crypto.randomUUID(), signingKey: "PSK_sdk-check" };
    const simulator = signalwire.simulator!(credentials);
    const call = { providerCallId: simulator.newCallId(), from: "+14155550124", to: "+14155550102", ringSeconds: 25, endsAt: Date.now() };
    const webhook = await simulator.ring(call, `${BASE}/webhooks/signalwire/voice`);
    const params = Object.fromEntries(new URLSearchParams(webhook.body));
    expect(await signalwireSdkValidates(credentials.signingKey, webhook.headers["X-SignalWire-Signature"]!, webhook.url, params)).toBe(true);
    expect(await signalwireSdkValidates("PSK_another-key", webhook.headers["X-SignalWire-Signature"]!, webhook.url, params)).toBe(false);
    expect(webhook.headers["X-SignalWire-Signature"]).toBe(await signalwireSdkSignature(credentials.signingKey, webhook.url, params));
  });
});

describe("the fail-safe in LaML", () => {
  it("dials the fail-safe number when the Durable Object throws", async () => {
    const t = await createSignalWireTenant("Fail-safe");
    const url = "http://switchboard.test/webhooks/signalwire/voice";
    const params = { AccountSid: t.projectId, CallSid: crypto.randomUUID(), From: "+14155550124", To: t.trackingNumber, CallStatus: "ringing", Direction: "inbound" };
    const broken = { getByName: () => ({ registerCall: () => Promise.reject(new Error("Durable Object reset")) }) } as unknown as Env["Switchboard"];
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "X-SignalWire-Signature": await signalwireSdkSignature(t.signingKey, url, params) }, body: new URLSearchParams(params).toString() }),
      { ...env, Switchboard: broken },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/xml; charset=utf-8");
    expect(await res.text()).toMatch(new RegExp(`<Dial [^>]*timeout="30"[^>]*><Number [^>]*>\\${t.failsafeNumber}</Number></Dial>`));
  });
});

describe("SignalWire's best-effort status callbacks", () => {
  /** An answered call's reports, as SignalWire numbers them: the leg's and the caller's, and the dial action. */
  function reports(t: SignalWireTenant, started: Awaited<ReturnType<typeof ring>>, legSid: string) {
    const stamp = new Date().toUTCString();
    const leg = (status: string, seq: number, extra: Record<string, string> = {}) => () =>
      postSignalWire(started.legStatus!.slice(BASE.length), { AccountSid: t.projectId, CallSid: legSid, ParentCallSid: started.callSid, CallStatus: status, Direction: "outbound-dial", SequenceNumber: String(seq), Timestamp: stamp, ...extra }, { signingKey: t.signingKey });
    return [
      leg("in-progress", 1),
      leg("completed", 2, { CallDuration: "42" }),
      () => postSignalWire(`/webhooks/signalwire/dial-action?tenant=${t.id}`, { AccountSid: t.projectId, CallSid: started.callSid, DialCallStatus: "completed", DialCallSid: legSid, DialCallDuration: "42" }, { signingKey: t.signingKey }),
      () => postSignalWire(`/webhooks/signalwire/status?tenant=${t.id}`, { AccountSid: t.projectId, CallSid: started.callSid, CallStatus: "completed", CallDuration: "50", To: t.trackingNumber, SequenceNumber: "0", Timestamp: stamp, CallbackSource: "call-progress-events" }, { signingKey: t.signingKey }),
    ];
  }

  it.each([
    ["in order", [0, 1, 2, 3]],
    ["every report twice", [0, 0, 1, 1, 2, 2, 3, 3]],
    ["the caller's end first", [3, 0, 1, 2]],
    ["backwards, each twice", [3, 2, 1, 0, 3, 2, 1, 0]],
    ["the leg's answer lost", [1, 2, 3]],
  ])("%s: the call ends completed, answered, logged once", async (_, order) => {
    const t = await createSignalWireTenant("Reports");
    const started = await ring(t);
    expect(started.legStatus).toContain("/webhooks/signalwire/leg-status");
    const send = reports(t, started, crypto.randomUUID());
    for (const i of order) expect((await send[i]!()).status).toBeLessThan(300);
    expect((await switchboardOf(t).snapshot()).calls).toEqual([]);
    const log = await callLog(t);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: "completed", talk_seconds: 42 });
    expect(log[0]!.answered_at).not.toBeNull();
  });

  it("a leg's stale report (a lower SequenceNumber) does not move the call back", async () => {
    const t = await createSignalWireTenant("Stale");
    const started = await ring(t);
    const legSid = crypto.randomUUID();
    const leg = (status: string, seq: number) => postSignalWire(started.legStatus!.slice(BASE.length), { AccountSid: t.projectId, CallSid: legSid, ParentCallSid: started.callSid, CallStatus: status, SequenceNumber: String(seq) }, { signingKey: t.signingKey });
    await leg("in-progress", 2);
    await leg("ringing", 1);
    await leg("initiated", 0);
    expect((await switchboardOf(t).snapshot()).calls[0]!.status).toBe("in-progress");
  });
});
