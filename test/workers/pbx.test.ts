/**
 * The PBX webhook through the real Worker and the tenant's Switchboard: the PBX routes its calls
 * itself and posts each event of a call, signed per Standard Webhooks (with the reference library
 * here too). Switchboard answers with the caller, shows the call ringing, answered and ended, and
 * logs it once, however the PBX retries or reorders its events; a request outside the five-minute
 * window, or signed for another tenant, is refused; a slow or failing Switchboard answers "unknown"
 * in time rather than fail.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { providerAccounts } from "../../schema/db.ts";
import { app } from "../../worker/app.ts";
import { fromBase64, toBase64 } from "../../worker/lib/crypto.ts";
import { call, db, login } from "./helpers.ts";
import { createPbxTenant, pbxCallId, PBX_URL, postPbx, signedHeaders, type PbxEventBody, type PbxTenant } from "./pbx-helpers.ts";
import { createTwilioTenant, switchboardOf } from "./twilio-helpers.ts";

type Answer = { caller: { type: string; name: string | null; contactId: string | null } };
const UNKNOWN: Answer = { caller: { type: "unknown", name: null, contactId: null } };

async function withContact(t: PbxTenant, name: string, number: string) {
  const cookie = await login(t.adminEmail);
  const res = await call("/api/contacts", { method: "POST", cookie, json: { kind: "customer", name, phones: [{ label: "mobile", number }] } });
  expect(res.status).toBe(201);
  return (await res.json<{ id: string }>()).id;
}

function events(t: PbxTenant, from = "+14155550177", callId = pbxCallId()) {
  const at = Date.now();
  const event = (type: PbxEventBody["type"], offset: number): PbxEventBody => ({ type, callId, from, to: t.trackingNumber, extension: "201", at: at + offset });
  return { callId, ringing: event("call.ringing", 0), answered: event("call.answered", 4000), ended: event("call.ended", 64_000) };
}

async function send(t: PbxTenant, event: PbxEventBody, opts: { id?: string } = {}) {
  const res = await postPbx(event, { secret: t.secret, ...opts });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
  return res.json<Answer>();
}

async function logged(t: PbxTenant) {
  await switchboardOf(t).flushCallLog();
  const { results } = await env.DB.prepare("select provider, provider_call_id, status, caller_name, contact_id, termination_number, answered_at, talk_seconds, duration_seconds from calls where tenant_id = ?").bind(t.id).all();
  return results;
}

const live = async (t: PbxTenant, callId: string) => (await switchboardOf(t).snapshot()).calls.find((c) => c.providerCallId === callId);

describe("the PBX webhook", () => {
  it("answers with the caller, shows the call ringing, answered, ended, and logs it once", async () => {
    const t = await createPbxTenant();
    const contactId = await withContact(t, "Ann Archer", "(415) 555-0177");
    const e = events(t);

    expect(await send(t, e.ringing)).toEqual({ caller: { type: "customer", name: "Ann Archer", contactId } });
    expect(await live(t, e.callId)).toMatchObject({ provider: "pbx", status: "ringing", callerName: "Ann Archer", trackingNumber: t.trackingNumber, startedAt: e.ringing.at, terminationNumber: null, failsafe: false });
    const notifications = (await switchboardOf(t).snapshot()).notifications;
    expect(notifications.map((n) => [n.kind, n.title])).toEqual([["incoming-call", "Incoming call: Ann Archer"]]);

    expect(await send(t, e.answered)).toEqual({ caller: { type: "customer", name: "Ann Archer", contactId } });
    expect(await live(t, e.callId)).toMatchObject({ status: "in-progress", answeredAt: e.answered.at });
    expect(await logged(t)).toEqual([]);

    await send(t, e.ended);
    expect(await live(t, e.callId)).toBeUndefined();
    expect(await logged(t)).toEqual([
      { provider: "pbx", provider_call_id: e.callId, status: "completed", caller_name: "Ann Archer", contact_id: contactId, termination_number: null, answered_at: e.answered.at, talk_seconds: 60, duration_seconds: 64 },
    ]);
  });

  it("an unknown caller is answered as unknown; a call ended unanswered is a missed call", async () => {
    const t = await createPbxTenant();
    const e = events(t, "+14155550178");
    expect(await send(t, e.ringing)).toEqual(UNKNOWN);
    expect(await send(t, e.ended)).toEqual(UNKNOWN);
    expect(await logged(t)).toMatchObject([{ status: "canceled", answered_at: null, talk_seconds: null }]);
    expect((await switchboardOf(t).snapshot()).notifications.map((n) => n.kind).sort()).toEqual(["incoming-call", "missed-call"]);
  });

  it("retries (the same webhook-id) change nothing and log nothing twice", async () => {
    const t = await createPbxTenant();
    const e = events(t);
    for (const [event, id] of [[e.ringing, "msg_r"], [e.ringing, "msg_r"], [e.answered, "msg_a"], [e.answered, "msg_a"], [e.ended, "msg_e"], [e.ended, "msg_e"], [e.answered, "msg_a"]] as const) {
      await send(t, event, { id: `${id}_${e.callId}` });
    }
    expect(await logged(t)).toMatchObject([{ status: "completed", answered_at: e.answered.at, talk_seconds: 60 }]);
    expect((await switchboardOf(t).snapshot()).notifications.map((n) => n.kind).sort()).toEqual(["call-activity", "incoming-call"]);
  });

  it("out of order: whichever event comes first registers the call, and its status only moves forward", async () => {
    const t = await createPbxTenant();
    // Ended before answered: a missed call, until the answer proves otherwise.
    const late = events(t);
    await send(t, late.ringing);
    await send(t, late.ended);
    expect(await logged(t)).toMatchObject([{ provider_call_id: late.callId, status: "canceled" }]);
    await send(t, late.answered);
    await send(t, late.answered);
    expect(await logged(t)).toMatchObject([{ provider_call_id: late.callId, status: "completed", answered_at: late.answered.at }]);

    // Ended first of all: the call is registered and ended; ringing and answered after it move nothing back.
    const t2 = await createPbxTenant();
    const first = events(t2);
    await send(t2, first.answered);
    expect(await live(t2, first.callId)).toMatchObject({ status: "in-progress" });
    await send(t2, first.ended);
    await send(t2, first.ringing);
    await send(t2, first.answered);
    expect(await live(t2, first.callId)).toBeUndefined();
    expect(await logged(t2)).toMatchObject([{ provider_call_id: first.callId, status: "completed" }]);
  });

  it("refuses what it cannot vouch for: unsigned, outside the five-minute window, another tenant's secret, a number of another provider", async () => {
    const t = await createPbxTenant();
    const other = await createPbxTenant("Other PBX");
    const twilio = await createTwilioTenant("Twilio calls");
    const e = events(t);
    const refused = async (res: Response) => expect([res.status, await res.text()]).toEqual([403, "Not a verified webhook for a number here"]);
    await refused(await postPbx(e.ringing, { secret: null }));
    await refused(await postPbx(e.ringing, { secret: t.secret, sentAt: new Date(Date.now() - 6 * 60_000) }));
    await refused(await postPbx(e.ringing, { secret: t.secret, sentAt: new Date(Date.now() + 6 * 60_000) }));
    await refused(await postPbx(e.ringing, { secret: other.secret }));
    await refused(await postPbx({ ...e.ringing, to: twilio.trackingNumber }, { secret: t.secret }));
    // A signature over another body.
    const headers = signedHeaders(t.secret, JSON.stringify(e.answered));
    await refused(await postPbx(e.ringing, { secret: t.secret, headers }));
    // Inside the window, a little late or early, it is accepted.
    expect((await postPbx(e.ringing, { secret: t.secret, sentAt: new Date(Date.now() - 4 * 60_000) })).status).toBe(200);
    expect(await logged(t)).toEqual([]);
    expect((await switchboardOf(twilio).snapshot()).calls).toEqual([]);
    // Bad JSON is a 400 that says why.
    const bad = await postPbx("{", { secret: t.secret });
    expect([bad.status, await bad.text()]).toEqual([400, "Invalid PBX event: the body must be a JSON object"]);
  });

  it("answers an unknown caller in time when the Switchboard fails or is slow, and shows the call late", async () => {
    const t = await createPbxTenant();
    await withContact(t, "Bob Baker", "+14155550179");
    const e = events(t, "+14155550179");
    const asked: unknown[] = [];
    const through = async (registerCall: (input: unknown) => Promise<unknown>) => {
      const ns = { getByName: () => ({ registerCall: (input: unknown) => (asked.push(input), registerCall(input)) }) } as unknown as Env["Switchboard"];
      const body = JSON.stringify(e.ringing);
      const ctx = createExecutionContext();
      const res = await app.fetch(new Request(PBX_URL, { method: "POST", headers: signedHeaders(t.secret, body), body }), { ...env, Switchboard: ns, VOICE_BUDGET_MS: "300" }, ctx);
      const answer = [res.status, await res.json()];
      await waitOnExecutionContext(ctx);
      return answer;
    };
    expect(await through(() => Promise.reject(new Error("Durable Object reset")))).toEqual([200, UNKNOWN]);
    // Asked once to identify, then once more after answering (the late registration), unrouted both times.
    expect(asked).toHaveLength(2);
    expect(asked).toMatchObject([{ unrouted: true, report: { status: "ringing" } }, { unrouted: true }]);
    expect(asked[1]).not.toHaveProperty("failsafe");

    asked.length = 0;
    const started = Date.now();
    // Slow, then the real Switchboard: the answer does not wait, and the call shows anyway.
    expect(await through((input) => new Promise((r) => setTimeout(r, 1000)).then(async (): Promise<unknown> => switchboardOf(t).registerCall(input as never)))).toEqual([200, UNKNOWN]);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await live(t, e.callId)).toMatchObject({ status: "ringing", callerName: "Bob Baker" });
  });

  it("signs as the Standard Webhooks specification says: the library agrees with an HMAC-SHA256 made here with WebCrypto", async () => {
    const secret = "whsec_ZGVtby1wYngtd2ViaG9vay1zZWNyZXQtMzJieXRlcyE=";
    const body = '{"type":"call.ringing"}';
    const headers = signedHeaders(secret, body, { id: "msg_demo_1", sentAt: new Date(1_700_000_000_000) });
    const key = await crypto.subtle.importKey("raw", fromBase64(secret.slice("whsec_".length)), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const mac = toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`msg_demo_1.1700000000.${body}`))));
    expect(headers.get("webhook-signature")).toBe(`v1,${mac}`);
    // The research brief's vector for the demo secret.
    expect(mac).toBe("8RnrAzxV/Y/O0dH2IKoytVtYym+pIfocfYKT4W2jPHk=");
  });
});

describe("a PBX's numbers", () => {
  it("are brought, not bought: added by number with nothing to ring here; there is nothing to search", async () => {
    const t = await createPbxTenant();
    const cookie = await login(t.adminEmail);
    const number = `+1503555${String(Math.floor(Math.random() * 9000) + 1000)}`;
    const added = await call("/api/tracking-numbers", { method: "POST", cookie, json: { number, provider: "pbx", label: "Second DID" } });
    expect(added.status, await added.clone().text()).toBe(201);
    expect(await added.json()).toMatchObject({ number, label: "Second DID", bought: false, terminationNumber: null, routeId: null });
    const search = await call("/api/tracking-numbers/available?areaCode=503&provider=pbx", { cookie });
    expect([search.status, await search.json()]).toEqual([400, { error: "PBX numbers are set up at the provider: add yours by its number" }]);
    // Its calls are the PBX's like the first number's.
    const e = events({ ...t, trackingNumber: number });
    expect(await send(t, e.ringing)).toEqual(UNKNOWN);
    // Deleting releases nothing at the provider.
    const id = (await db().query.trackingNumbers.findFirst({ where: (n, { eq }) => eq(n.number, number) }))!.id;
    const gone = await call(`/api/tracking-numbers/${id}`, { method: "DELETE", cookie });
    expect(await gone.json()).toMatchObject({ deleted: number, released: false });
  });

  it("a sandbox PBX number takes a test call: the PBX's own signed events ring it, as the test caller", async () => {
    const t = await createPbxTenant();
    await db().update(providerAccounts).set({ sandbox: true }).where(eq(providerAccounts.id, t.accountId));
    const cookie = await login(t.adminEmail);
    const res = await call(`/api/tracking-numbers/${t.trackingNumberId}/test-call`, { method: "POST", cookie, json: {} });
    expect(res.status, await res.clone().text()).toBe(202);
    const placed = await res.json<{ providerCallId: string }>();
    expect(await live(t, placed.providerCallId)).toMatchObject({ provider: "pbx", status: "ringing", callerName: "Test caller" });
  });

  it("a PBX account's secret is checked when it is saved", async () => {
    const t = await createPbxTenant();
    const cookie = await login(t.adminEmail);
    const put = (secret: string) => call("/api/provider-accounts/pbx", { method: "PUT", cookie, json: { secret, currentPassword: "correct horse battery staple" } });
    const bad = await put("not-a-secret");
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/whsec_/);
    const secret = `whsec_${btoa("a-new-secret-of-thirty-two-bytes")}`;
    const good = await put(secret);
    expect(good.status, await good.clone().text()).toBe(200);
    expect(await good.json()).toMatchObject({ provider: "pbx", accountId: "pbx" });
    expect(JSON.stringify(await (await call("/api/provider-accounts/pbx", { cookie })).json())).not.toContain(secret.slice(6, 20));
  });
});
