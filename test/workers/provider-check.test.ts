/**
 * `POST /api/provider-accounts/:provider/test`: credentials tried at the provider (the local Twilio
 * fake, in Twilio's shapes), the ones sent or the saved account's, answered in words a business owner
 * understands; a sandbox account is never called; nothing is saved and nothing is audited.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { providerAccounts } from "../../schema/db.ts";
import { encryptSecret } from "../../worker/lib/crypto.ts";
import { checkTwilioAccount } from "../../worker/providers/twilio/account.ts";
import { db } from "./helpers.ts";
import { apiJson, routingTenant, type RoutingTenant } from "./routing-helpers.ts";
import { hexId } from "./twilio-helpers.ts";
import { eq } from "drizzle-orm";

type Check = { ok: boolean; account?: string; error?: string };
let t: RoutingTenant;
const test = (body?: unknown) => apiJson<Check>(t, "POST", "/api/provider-accounts/twilio/test", body);

beforeAll(async () => {
  t = await routingTenant("Check");
});

describe("testing credentials that are sent", () => {
  it("right ones: ok, with the account's friendly name", async () => {
    expect(await test({ accountSid: hexId("AC"), authToken: "right-token-value" })).toEqual({ status: 200, body: { ok: true, account: "Acme Plumbing main account" } });
  });

  it("a wrong auth token: not ok, saying which fields to check, and never the token", async () => {
    const res = await test({ accountSid: hexId("AC"), authToken: "bad-token-value" });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.error).toMatch(/Account SID and the Auth Token/);
    expect(JSON.stringify(res.body)).not.toContain("bad-token-value");
  });

  it("a suspended or closed account: not ok, saying so", async () => {
    const suspended = await test({ accountSid: hexId("AC"), authToken: "suspended-token" });
    expect(suspended.body).toEqual({ ok: false, error: expect.stringMatching(/"Acme Plumbing main account" is suspended/) });
    const closed = await test({ accountSid: hexId("AC"), authToken: "closed-token-1" });
    expect(closed.body).toEqual({ ok: false, error: expect.stringMatching(/is closed/) });
  });

  it("Twilio in trouble, or not reachable at all: not ok, try again later", async () => {
    const down = await test({ accountSid: hexId("AC"), authToken: "down-token-1" });
    expect(down).toEqual({ status: 200, body: { ok: false, error: expect.stringMatching(/^Twilio could not answer \(HTTP 503, error 20500\); try again/) } });
    // miniflare answers 500 for an outbound fake that throws: the connection failing is the adapter's own test.
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockRejectedValueOnce(new TypeError("Network connection lost"));
    try {
      expect(await checkTwilioAccount(hexId("AC"), "any-token-value")).toEqual({ ok: false, error: "Could not reach Twilio (the connection failed); try again in a few minutes" });
    } finally {
      fetchSpy.mockRestore();
    }
  });

  it("sandbox credentials are not called: ok", async () => {
    // The token would be refused by Twilio: ok all the same, since nothing is asked of Twilio.
    const res = await test({ accountSid: hexId("AC"), authToken: "bad-but-sandbox", sandbox: true });
    expect(res.body).toMatchObject({ ok: true, account: expect.stringMatching(/sandbox/) });
  });

  it("credentials that are not Twilio's shape: 400 naming the field; malformed JSON: 400", async () => {
    const res = await apiJson<{ error: string }>(t, "POST", "/api/provider-accounts/twilio/test", { accountSid: "nope", authToken: "x" });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/accountSid/);
    const bad = await apiJson<{ error: string }>(t, "POST", "/api/provider-accounts/twilio/test", "{");
    expect(bad.status).toBe(400);
    expect((await apiJson(t, "POST", "/api/provider-accounts/plivo/test", {})).status).toBe(400);
  });
});

describe("testing the saved account (no body)", () => {
  it("uses the saved credentials; saves nothing and writes no audit event", async () => {
    const before = await db().select().from(providerAccounts).where(eq(providerAccounts.tenantId, t.id));
    const events = await env.DB.prepare("select count(*) as n from audit_events where tenant_id = ?").bind(t.id).first<{ n: number }>();
    expect(await test()).toEqual({ status: 200, body: { ok: true, account: "Acme Plumbing main account" } });
    expect(await db().select().from(providerAccounts).where(eq(providerAccounts.tenantId, t.id))).toEqual(before);
    expect(await env.DB.prepare("select count(*) as n from audit_events where tenant_id = ?").bind(t.id).first<{ n: number }>()).toEqual(events);
  });

  it("a saved account whose token Twilio refuses: not ok", async () => {
    const u = await routingTenant("Check refused");
    await db().update(providerAccounts).set({ credentialsEncrypted: await encryptSecret(JSON.stringify({ accountSid: u.accountSid, authToken: "bad-saved-token" }), env.SECRETS_KEY) }).where(eq(providerAccounts.tenantId, u.id));
    const res = await apiJson<Check>(u, "POST", "/api/provider-accounts/twilio/test");
    expect(res.body).toMatchObject({ ok: false, error: expect.stringMatching(/did not accept/) });
  });

  it("a saved sandbox account: ok without calling Twilio", async () => {
    const u = await routingTenant("Check sandbox");
    await db().update(providerAccounts).set({ sandbox: true, credentialsEncrypted: await encryptSecret(JSON.stringify({ accountSid: u.accountSid, authToken: "bad-sandbox-token" }), env.SECRETS_KEY) }).where(eq(providerAccounts.tenantId, u.id));
    expect((await apiJson<Check>(u, "POST", "/api/provider-accounts/twilio/test")).body).toEqual({ ok: true, account: `${u.accountSid} (sandbox: not called)` });
  });

  it("no saved account: 404 that says to send credentials", async () => {
    const u = await routingTenant("Check none");
    await db().delete(providerAccounts).where(eq(providerAccounts.tenantId, u.id));
    const res = await apiJson<{ error: string }>(u, "POST", "/api/provider-accounts/twilio/test");
    expect(res).toEqual({ status: 404, body: { error: "No Twilio account saved: send the credentials to test" } });
  });
});
