/**
 * The voice webhook under failure. D1 and the Durable Object cannot be made to fail on demand, so
 * these tests hand the real Worker an environment in which one binding throws or never answers;
 * everything else (the other binding, the signature check, TwiML) is real.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/app.ts";
import { twilioSignature } from "../../worker/providers/twilio/signature.ts";
import { tableCounts } from "./helpers.ts";
import { attrOf, createTwilioTenant, switchboardOf, uniqueNumber, voiceParams, type TwilioTenant } from "./twilio-helpers.ts";

const URL_ = "http://switchboard.test/webhooks/twilio/voice";

async function voiceThrough(testEnv: Env, t: TwilioTenant, from: string, opts: { token?: string; to?: string } = {}) {
  const params = { ...voiceParams(t, from), ...(opts.to ? { To: opts.to } : {}) };
  const signature = await twilioSignature(opts.token ?? t.token, URL_, Object.entries(params));
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request(URL_, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature }, body: new URLSearchParams(params).toString() }),
    testEnv,
    ctx,
  );
  const xml = await res.text();
  await waitOnExecutionContext(ctx);
  return { res, xml };
}

const failingD1 = {
  prepare() {
    throw new Error("D1_ERROR: the database is unavailable");
  },
  batch() {
    return Promise.reject(new Error("D1_ERROR: the database is unavailable"));
  },
  exec() {
    return Promise.reject(new Error("D1_ERROR: the database is unavailable"));
  },
} as unknown as D1Database;

function switchboardThat(registerCall: () => Promise<never>) {
  return { getByName: () => ({ registerCall }) } as unknown as Env["Switchboard"];
}

describe("the fail-safe answer", () => {
  it("dials the fail-safe number when the Durable Object throws", async () => {
    const t = await createTwilioTenant();
    const { res, xml } = await voiceThrough({ ...env, Switchboard: switchboardThat(() => Promise.reject(new Error("Durable Object reset"))) }, t, "+14155550124");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/xml; charset=utf-8");
    expect(xml).toMatch(new RegExp(`<Dial [^>]*timeout="30"[^>]*><Number [^>]*>\\${t.failsafeNumber}</Number></Dial>`));
  });

  it("dials the fail-safe number when the Durable Object does not answer within the budget", async () => {
    const t = await createTwilioTenant();
    // It never answers the call's registration; the late retry after answering fails fast.
    let asked = 0;
    const hanging = switchboardThat(() => (asked++ === 0 ? new Promise<never>(() => {}) : Promise.reject(new Error("still down"))));
    const { res, xml } = await voiceThrough({ ...env, VOICE_BUDGET_MS: "50", Switchboard: hanging }, t, "+14155550124");
    expect(res.status).toBe(200);
    expect(xml).toContain(`>${t.failsafeNumber}</Number>`);
  });

  it("dials the termination number when no fail-safe number is set", async () => {
    const t = await createTwilioTenant();
    await env.DB.prepare("update tracking_numbers set failsafe_number = null where id = ?").bind(t.trackingNumberId).run();
    const { xml } = await voiceThrough({ ...env, Switchboard: switchboardThat(() => Promise.reject(new Error("boom"))) }, t, "+14155550124");
    expect(xml).toContain(`>${t.terminationNumber}</Number>`);
  });

  it("routes as usual when D1 fails after this isolate learnt the number: the Switchboard holds the rest", async () => {
    const t = await createTwilioTenant();
    // A first call teaches this isolate the tracking number; then D1 goes down for the Worker.
    await voiceThrough(env, t, "+14155550124");
    const { res, xml } = await voiceThrough({ ...env, DB: failingD1 }, t, "+14155550125");
    expect(res.status).toBe(200);
    expect(xml).toContain(`>${t.terminationNumber}</Number>`);
    expect(xml).not.toContain(`>${t.failsafeNumber}</Number>`);
    const calls = (await switchboardOf(t).snapshot()).calls;
    expect(calls.map((c) => [c.callerNumber, c.failsafe, c.callerType])).toEqual([
      ["+14155550124", false, "unknown"],
      ["+14155550125", false, "unknown"],
    ]);
  });

  it("still registers the call for the dashboards after a fail-safe answer", async () => {
    const t = await createTwilioTenant();
    // The Switchboard's routing fails once; the late registration after the answer goes through.
    const real = switchboardOf(t);
    let asked = 0;
    const flaky = { getByName: () => ({ registerCall: (input: never) => (asked++ === 0 ? Promise.reject(new Error("Durable Object reset")) : real.registerCall(input)) }) } as unknown as Env["Switchboard"];
    const { res, xml } = await voiceThrough({ ...env, Switchboard: flaky }, t, "+14155550125");
    expect(res.status).toBe(200);
    expect(xml).toContain(`>${t.failsafeNumber}</Number>`);
    const calls = (await real.snapshot()).calls;
    expect(calls.map((c) => [c.callerNumber, c.failsafe, c.callerType])).toEqual([["+14155550125", true, "unknown"]]);
  });

  it("with D1 down, a request for a number this isolate never saw gets a spoken apology, not silence nor a 5xx", async () => {
    const t = await createTwilioTenant();
    const before = await tableCounts();
    const { res, xml } = await voiceThrough({ ...env, DB: failingD1 }, t, "+14155550124", { to: uniqueNumber() });
    expect(res.status).toBe(200);
    expect(xml).toMatch(/<Say>We are sorry, your call cannot be connected right now\..*<\/Say><Hangup\/>/);
    expect(await tableCounts()).toEqual(before);
  });

  it("keeps checking signatures while D1 is down: a forged request is still refused", async () => {
    const t = await createTwilioTenant();
    await voiceThrough(env, t, "+14155550124");
    const { res } = await voiceThrough({ ...env, DB: failingD1 }, t, "+14155550124", { token: "forged" });
    expect(res.status).toBe(403);
  });

  it("apologises without naming any number when the request cannot be verified because of an internal fault", async () => {
    const t = await createTwilioTenant();
    const { res, xml } = await voiceThrough({ ...env, SECRETS_KEY: "not-a-valid-key" }, t, "+14155550124");
    expect(res.status).toBe(200);
    expect(xml).toContain("<Say>");
    expect(xml).not.toContain(t.failsafeNumber);
    expect(attrOf(xml, "Dial", "action")).toBeUndefined();
  });
});
