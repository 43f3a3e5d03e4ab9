/**
 * The sandbox's test call: a business that signed itself up buys a sandbox number, presses "make a
 * test call", and sees the popup; nobody answers and the call ends by itself (the Switchboard's
 * alarm), logged once. Only sandbox numbers take test calls, only the tenant's own, only for those
 * who may edit numbers.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Switchboard } from "../../party/switchboard.ts";
import { providerAccounts } from "../../schema/db.ts";
import { encryptSecret } from "../../worker/lib/crypto.ts";
import { TEST_CALL_RING_SECONDS, TEST_CALLER } from "../../worker/numbers/test-call.ts";
import { call, db, login } from "./helpers.ts";
import { buySandboxNumber, signUp } from "./sandbox.ts";
import { Dashboard } from "./socket.ts";
import { createTwilioTenant, hexId, switchboardOf } from "./twilio-helpers.ts";

type Placed = { callId: string | null; providerCallId: string; from: string; to: string; endsAt: number };

const testCall = (cookie: string, id: string, json?: unknown) => call(`/api/tracking-numbers/${id}/test-call`, { method: "POST", cookie, ...(json === undefined ? {} : { json }) });

/** What the dashboard saw, as `call:<status>` and `notification:<kind>`. */
const seen = (d: Dashboard) => d.messages.map((m) => (m.type === "call" ? `call:${m.call.status}` : m.type === "notification" ? `notification:${m.notification.kind}` : m.type));

async function loggedRows(tenantId: string, providerCallId: string) {
  const { results } = await env.DB.prepare("select status, from_number, to_number, caller_name, duration_seconds from calls where tenant_id = ? and provider_call_id = ?").bind(tenantId, providerCallId).all();
  return results;
}

/** Time passes for the Switchboard: its test calls are due now. */
async function ringOut(tenantId: string) {
  await runInDurableObject(switchboardOf({ id: tenantId }), (_: Switchboard, state) => {
    state.storage.sql.exec("update sandbox_calls set ends_at = ?", Date.now() - 1);
  });
}

describe("POST /api/tracking-numbers/:id/test-call", () => {
  it("rings a sandbox number through the provider's webhooks: the popup shows it, it ends by itself when the alarm fires, logged once", async () => {
    const t = await signUp();
    const number = await buySandboxNumber(t);
    const dashboard = await Dashboard.connect(t.tenant.slug, t.cookie);
    await dashboard.waitFor(1);

    const before = Date.now();
    const res = await testCall(t.cookie, number.id);
    expect(res.status, await res.clone().text()).toBe(202);
    const placed = await res.json<Placed>();
    expect(placed).toMatchObject({ from: TEST_CALLER, to: number.number });
    expect(placed.providerCallId).toMatch(/^CA[0-9a-f]{32}$/);
    expect(placed.endsAt).toBeGreaterThanOrEqual(before + TEST_CALL_RING_SECONDS * 1000);

    // The popup: the call rings at the number's termination number, from the test caller.
    await dashboard.waitFor(3);
    expect(seen(dashboard)).toEqual(["snapshot", "call:ringing", "notification:incoming-call"]);
    const ringing = dashboard.messages[1]!;
    expect(ringing.type === "call" && ringing.call).toMatchObject({
      id: placed.callId,
      provider: "twilio",
      providerCallId: placed.providerCallId,
      callerNumber: TEST_CALLER,
      callerName: "Test caller",
      trackingNumber: number.number,
      terminationNumber: number.terminationNumber,
      failsafe: false,
    });

    // One at a time per number, until it ends.
    const again = await testCall(t.cookie, number.id);
    expect(again.status).toBe(409);
    expect(Number(again.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await again.json<{ error: string }>()).error).toMatch(/ringing already/);

    // The alarm before its time ends nothing.
    expect(await runDurableObjectAlarm(switchboardOf(t.tenant))).toBe(true);
    expect(await dashboard.settle()).toHaveLength(3);
    expect(await loggedRows(t.tenant.id, placed.providerCallId)).toEqual([]);

    await ringOut(t.tenant.id);
    expect(await runDurableObjectAlarm(switchboardOf(t.tenant))).toBe(true);
    await dashboard.waitFor(5);
    expect(seen(dashboard)).toEqual(["snapshot", "call:ringing", "notification:incoming-call", "call:no-answer", "notification:missed-call"]);
    expect(await loggedRows(t.tenant.id, placed.providerCallId)).toEqual([{ status: "no-answer", from_number: TEST_CALLER, to_number: number.number, caller_name: "Test caller", duration_seconds: TEST_CALL_RING_SECONDS }]);

    // Nothing more comes of it: later alarms neither end it again nor log it twice.
    await runDurableObjectAlarm(switchboardOf(t.tenant));
    expect(await dashboard.settle()).toHaveLength(5);
    expect(await loggedRows(t.tenant.id, placed.providerCallId)).toHaveLength(1);
    expect((await call("/api/calls", { cookie: t.cookie }).then((r) => r.json<{ items: { providerCallId?: string }[] }>())).items).toHaveLength(1);

    // The number is free again.
    const next = await testCall(t.cookie, number.id);
    expect(next.status).toBe(202);
    dashboard.close();
  });

  it("its end is verified like any webhook: signed for credentials the account no longer has, it is refused and changes nothing", async () => {
    const t = await signUp();
    const number = await buySandboxNumber(t);
    const dashboard = await Dashboard.connect(t.tenant.slug, t.cookie);
    await dashboard.waitFor(1);
    const placed = await (await testCall(t.cookie, number.id)).json<Placed>();
    await dashboard.waitFor(3);

    // The account's credentials change while the call rings: the end was signed with the old ones.
    const accountSid = hexId("AC");
    await db()
      .update(providerAccounts)
      .set({ externalId: accountSid, credentialsEncrypted: await encryptSecret(JSON.stringify({ accountSid, authToken: `token-${crypto.randomUUID()}` }), env.SECRETS_KEY) })
      .where(eq(providerAccounts.tenantId, t.tenant.id));
    await ringOut(t.tenant.id);
    await runDurableObjectAlarm(switchboardOf(t.tenant));
    expect(seen(dashboard)).toEqual(["snapshot", "call:ringing", "notification:incoming-call"]);
    expect(await loggedRows(t.tenant.id, placed.providerCallId)).toEqual([]);
    // A refusal is not tried again: the sweep ends the call, as it ends any call whose end was lost.
    expect(await runInDurableObject(switchboardOf(t.tenant), (_: Switchboard, state) => state.storage.sql.exec("select count(*) as n from sandbox_calls").one().n)).toBe(0);
    dashboard.close();
  });

  it("comes from the number given, shown as the contact it is when there is one", async () => {
    const t = await signUp();
    const number = await buySandboxNumber(t);
    const contact = await call("/api/contacts", { method: "POST", cookie: t.cookie, json: { kind: "customer", name: "Dana Caller", phones: [{ label: "mobile", number: "+14155550123" }] } });
    expect(contact.status, await contact.clone().text()).toBe(201);
    const dashboard = await Dashboard.connect(t.tenant.slug, t.cookie);
    await dashboard.waitFor(1);

    const res = await testCall(t.cookie, number.id, { from: "+14155550123" });
    expect(res.status, await res.clone().text()).toBe(202);
    expect(await res.json<Placed>()).toMatchObject({ from: "+14155550123", to: number.number });
    await dashboard.waitFor(2);
    const ringing = dashboard.messages[1]!;
    expect(ringing.type === "call" && ringing.call).toMatchObject({ callerNumber: "+14155550123", callerName: "Dana Caller", callerType: "customer" });
    dashboard.close();
  });

  it("refuses a from that is not an E.164 number: 400, and nothing rings", async () => {
    const t = await signUp();
    const number = await buySandboxNumber(t);
    for (const from of ["555", "4155550123", "+1 415 555 0123", 14155550123, "+10000000000"]) {
      const res = await testCall(t.cookie, number.id, { from });
      expect(res.status, String(from)).toBe(400);
      expect((await res.json<{ error: string }>()).error).toMatch(/^Invalid json: from: /);
    }
    expect(await switchboardOf(t.tenant).hasCalls()).toBe(false);
  });

  it("is for sandbox numbers only: a real number is 409, and no webhook is sent", async () => {
    const t = await createTwilioTenant("Real");
    const res = await testCall(await login(t.adminEmail), t.trackingNumberId);
    expect(res.status).toBe(409);
    expect((await res.json<{ error: string }>()).error).toMatch(/Test calls are for sandbox numbers.*calling it/);
    expect(await switchboardOf(t).hasCalls()).toBe(false);
  });

  it("another tenant's number is 404; a made-up id is 404", async () => {
    const mine = await signUp();
    const theirs = await signUp("Other Business");
    const number = await buySandboxNumber(theirs);
    for (const id of [number.id, "no-such-number"]) {
      const res = await testCall(mine.cookie, id);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: "No such tracking number" });
    }
    expect(await switchboardOf(theirs.tenant).hasCalls()).toBe(false);
  });

  it("needs numbers:write: an agent is 403, as is a reporting user", async () => {
    const t = await createTwilioTenant("Roles");
    for (const email of [t.agentEmail, t.reportingEmail]) {
      const res = await testCall(await login(email), t.trackingNumberId);
      expect(res.status).toBe(403);
    }
  });
});
