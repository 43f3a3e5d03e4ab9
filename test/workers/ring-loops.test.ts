/**
 * Never a ring loop at call time, for every kind of number we dial: a call forwarded back to us by a
 * termination, fail-safe or agent number (as by a receiving or tracking number, routing.test.ts) is
 * not dialled again, nor is a call placed from a number we are ringing right now; the Worker's own
 * fail-safe answer, given when the Switchboard is out of reach, does not dial the number that
 * forwarded the call either. Refusing such numbers when they are saved: routing-api.test.ts.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { trackingNumbers } from "../../schema/db.ts";
import { app } from "../../worker/app.ts";
import { db, login } from "./helpers.ts";
import { apiJson, dialEnds, dialled, receiving, route, routingTenant, startCall, useRoute, type RoutingTenant } from "./routing-helpers.ts";
import { hexId, postTwilio, sdkSignature, switchboardOf, uniqueNumber, voiceParams } from "./twilio-helpers.ts";

const HANGUP = '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>';

async function forwardedBy(t: RoutingTenant, forwardedFrom: string, from = "+14155551001") {
  const res = await postTwilio("/webhooks/twilio/voice", { ...voiceParams(t, from), ForwardedFrom: forwardedFrom }, { token: t.token });
  return res.text();
}

describe("a call forwarded back to us is not dialled again", () => {
  it("by the termination number", async () => {
    const t = await routingTenant();
    // No route: the tracking number rings its termination number.
    expect(dialled((await startCall(t, "+14155551000")).xml)).toEqual([t.terminationNumber]);
    expect(await forwardedBy(t, t.terminationNumber)).toBe(HANGUP);
  });

  it("by the fail-safe number, though the route never rings it", async () => {
    const t = await routingTenant();
    const a = await receiving(t, "Office");
    await useRoute(t, (await route(t, { kind: "dial", name: "Office", config: { receivingNumberIds: [a.id] } })).id);
    expect(await forwardedBy(t, t.failsafeNumber)).toBe(HANGUP);
  });

  it("by an agent's number", async () => {
    const t = await routingTenant();
    const agent = { cookie: await login(t.agentEmail) };
    const agentNumber = uniqueNumber();
    expect((await apiJson(agent, "PATCH", "/api/profile", { agentNumber })).status).toBe(200);
    const me = await apiJson<{ id: string }>(agent, "GET", "/api/profile");
    await useRoute(t, (await route(t, { kind: "agent", name: "Agent", config: { userId: me.body.id } })).id);
    expect(dialled((await startCall(t, "+14155551000")).xml)).toEqual([agentNumber]);
    expect(await forwardedBy(t, agentNumber)).toBe(HANGUP);
  });

  it("by the termination or fail-safe number of another of the tenant's tracking numbers", async () => {
    const t = await routingTenant();
    const [termination, failsafe] = [uniqueNumber(), uniqueNumber()];
    await db().insert(trackingNumbers).values({ id: crypto.randomUUID(), tenantId: t.id, number: uniqueNumber(), label: "Second line", terminationNumber: termination, failsafeNumber: failsafe });
    await switchboardOf(t).routingChanged();
    expect(await forwardedBy(t, termination)).toBe(HANGUP);
    expect(await forwardedBy(t, failsafe)).toBe(HANGUP);
  });

  it("while a call forwarded by a number we never ring is routed as usual", async () => {
    const t = await routingTenant();
    expect(dialled(await forwardedBy(t, uniqueNumber()))).toEqual([t.terminationNumber]);
  });
});

describe("a call placed from a number we are ringing right now is not dialled again", () => {
  it("the termination number, until its dial is over", async () => {
    const t = await routingTenant();
    const first = await startCall(t, "+14155551001");
    expect(dialled(first.xml)).toEqual([t.terminationNumber]);
    expect((await startCall(t, t.terminationNumber)).xml).toBe(HANGUP);
    await dialEnds(t, first.callSid, "no-answer");
    expect(dialled((await startCall(t, t.terminationNumber)).xml)).toEqual([t.terminationNumber]);
  });

  it("the fail-safe number, while a call the Worker answered with the fail-safe rings it", async () => {
    const t = await routingTenant();
    const route = { trackingNumber: t.trackingNumber, routeId: null, terminationNumber: t.terminationNumber, failsafeNumber: t.failsafeNumber, whisper: null, record: false };
    // As the Worker registers a call it answered with the fail-safe (the Switchboard was late).
    const late = await switchboardOf(t).registerCall({
      provider: "twilio",
      providerCallId: hexId("CA"),
      callerNumber: "+14155551002",
      trackingNumber: t.trackingNumber,
      trackingNumberId: t.trackingNumberId,
      trackingLabel: "Main line",
      campaignId: null,
      campaignName: null,
      startedAt: Date.now(),
      route,
      failsafe: true,
    });
    expect("call" in late && late.call.terminationNumber).toBe(t.failsafeNumber);
    expect((await startCall(t, t.failsafeNumber)).xml).toBe(HANGUP);
  });
});

describe("the Worker's fail-safe answer, when the Switchboard is out of reach", () => {
  async function withoutSwitchboard(t: RoutingTenant, forwardedFrom: string) {
    const url = "http://switchboard.test/webhooks/twilio/voice";
    const params = { ...voiceParams(t, "+14155551003"), ForwardedFrom: forwardedFrom };
    const down = { getByName: () => ({ registerCall: () => Promise.reject(new Error("Durable Object reset")) }) } as unknown as Env["Switchboard"];
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": await sdkSignature(t.token, url, params) }, body: new URLSearchParams(params).toString() }),
      { ...env, Switchboard: down },
      ctx,
    );
    const xml = await res.text();
    await waitOnExecutionContext(ctx);
    return xml;
  }

  it("does not dial the fail-safe number when it forwarded the call, and dials it otherwise", async () => {
    const t = await routingTenant();
    expect(await withoutSwitchboard(t, t.failsafeNumber)).toBe(HANGUP);
    expect(dialled(await withoutSwitchboard(t, uniqueNumber()))).toEqual([t.failsafeNumber]);
  });
});
