/**
 * The first-run checklist, `GET /api/setup`: each step ticks itself as the business does the thing,
 * wherever it was done, and every role may read it.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { invitations, users } from "../../schema/db.ts";
import { formatPhone } from "../../schema/phone.ts";
import { call, createTenant, db, login } from "./helpers.ts";
import { buySandboxNumber, signUp, type SignedUp } from "./sandbox.ts";
import { createPbxTenant } from "./pbx-helpers.ts";
import { createTwilioTenant } from "./twilio-helpers.ts";

type Step = { id: string; done: boolean; detail: string } & Record<string, unknown>;
type Setup = { steps: Step[]; done: boolean };

async function setup(cookie: string) {
  const res = await call("/api/setup", { cookie });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<Setup>();
}

const ticks = (s: Setup) => Object.fromEntries(s.steps.map((step) => [step.id, step.done]));
const step = (s: Setup, id: string) => s.steps.find((x) => x.id === id)!;

async function invite(tenantId: string, expiresAt: number) {
  await db().insert(invitations).values({ id: crypto.randomUUID(), tenantId, email: `new-${crypto.randomUUID()}@example.test`, role: "agent", tokenHash: crypto.randomUUID(), createdBy: "Pat Owner", expiresAt });
}

describe("GET /api/setup", () => {
  it("a new business has kept the sandbox and nothing else; each step ticks as it is done, in any order", async () => {
    const t: SignedUp = await signUp("Checklist Plumbing");
    let s = await setup(t.cookie);
    expect(s.steps.map((x) => x.id)).toEqual(["provider", "number", "routing", "test-call", "team"]);
    expect(ticks(s)).toEqual({ provider: true, number: false, routing: false, "test-call": false, team: false });
    expect(s.done).toBe(false);
    expect(step(s, "provider")).toMatchObject({ provider: "twilio", sandbox: true, detail: expect.stringMatching(/sandbox/) });
    expect(step(s, "test-call")).toMatchObject({ trackingNumberId: null });
    expect(step(s, "team")).toMatchObject({ users: 1, pendingInvitations: 0 });

    const number = await buySandboxNumber(t);
    s = await setup(t.cookie);
    expect(ticks(s)).toEqual({ provider: true, number: true, routing: true, "test-call": false, team: false });
    expect(step(s, "number")).toMatchObject({ count: 1 });
    // The checklist names the number its test-call button rings.
    expect(step(s, "test-call")).toMatchObject({ trackingNumberId: number.id, detail: expect.stringContaining(formatPhone(number.number, "US")) });

    // A number that rings nowhere un-ticks routing, and says which.
    const cleared = await call(`/api/tracking-numbers/${number.id}`, { method: "PATCH", cookie: t.cookie, json: { terminationNumber: null, failsafeNumber: null } });
    expect(cleared.status).toBe(200);
    s = await setup(t.cookie);
    expect(step(s, "routing")).toMatchObject({ done: false, unrouted: [{ id: number.id, number: number.number }] });
    expect(step(s, "test-call")).toMatchObject({ trackingNumberId: null });
    // A fail-safe number alone is somewhere to ring.
    await call(`/api/tracking-numbers/${number.id}`, { method: "PATCH", cookie: t.cookie, json: { failsafeNumber: number.terminationNumber } });
    s = await setup(t.cookie);
    expect(step(s, "routing")).toMatchObject({ done: true, unrouted: [] });

    // A test call ticks it while it still rings (the call log has it only once it ends).
    expect((await call(`/api/tracking-numbers/${number.id}/test-call`, { method: "POST", cookie: t.cookie })).status).toBe(202);
    s = await setup(t.cookie);
    expect(ticks(s)["test-call"]).toBe(true);
    expect(s.done).toBe(false);

    const invited = await call("/api/invitations", { method: "POST", cookie: t.cookie, json: { email: `sam-${crypto.randomUUID()}@example.test`, role: "agent" } });
    expect(invited.status, await invited.clone().text()).toBe(201);
    s = await setup(t.cookie);
    expect(step(s, "team")).toMatchObject({ done: true, users: 1, pendingInvitations: 1 });
    expect(s.done).toBe(true);
  });

  it("team: a second user ticks it; an expired or accepted invitation does not, nor a disabled user", async () => {
    const t = await signUp("Team Plumbing");
    await invite(t.tenant.id, Date.now() - 1);
    await db().insert(invitations).values({ id: crypto.randomUUID(), tenantId: t.tenant.id, email: "done@example.test", role: "agent", tokenHash: crypto.randomUUID(), createdBy: "Pat", expiresAt: Date.now() + 86_400_000, acceptedAt: Date.now() });
    await db().insert(users).values({ id: `usr_${crypto.randomUUID()}`, tenantId: t.tenant.id, email: `gone-${crypto.randomUUID()}@example.test`, name: "Gone", role: "agent", passwordHash: "x", disabledAt: Date.now() });
    expect(step(await setup(t.cookie), "team")).toMatchObject({ done: false, users: 1, pendingInvitations: 0 });
    await db().insert(users).values({ id: `usr_${crypto.randomUUID()}`, tenantId: t.tenant.id, email: `sam-${crypto.randomUUID()}@example.test`, name: "Sam", role: "agent", passwordHash: "x" });
    expect(step(await setup(t.cookie), "team")).toMatchObject({ done: true, users: 2 });
  });

  it("a real provider account counts as connected; its calls tick the test call; every role may read it", async () => {
    const t = await createTwilioTenant("Connected");
    for (const email of [t.adminEmail, t.managerEmail, t.agentEmail, t.reportingEmail]) {
      const s = await setup(await login(email));
      expect(step(s, "provider")).toMatchObject({ done: true, provider: "twilio", sandbox: false, detail: "Twilio account connected" });
      expect(ticks(s)).toEqual({ provider: true, number: true, routing: true, "test-call": false, team: true });
      // A real number is tested by calling it: no test-call button.
      expect(step(s, "test-call")).toMatchObject({ trackingNumberId: null });
    }
    await env.DB.prepare("insert into calls (id, tenant_id, provider, provider_call_id, from_number, to_number, status, started_at) values (?, ?, 'twilio', 'CA1', '+14155550124', ?, 'completed', ?)")
      .bind(crypto.randomUUID(), t.id, t.trackingNumber, Date.now())
      .run();
    expect(ticks(await setup(await login(t.adminEmail)))["test-call"]).toBe(true);
  });

  it("a PBX's number rings where the PBX routes it: nothing to set here", async () => {
    const t = await createPbxTenant("PBX Office");
    const s = await setup(await login(t.adminEmail));
    expect(step(s, "routing")).toMatchObject({ done: true, unrouted: [] });
  });

  it("a tenant with no provider account has that step to do", async () => {
    const t = await createTenant("Bare");
    const s = await setup(await login(t.adminEmail));
    expect(step(s, "provider")).toMatchObject({ done: false, provider: null, sandbox: false });
    expect(ticks(s)).toEqual({ provider: false, number: false, routing: false, "test-call": false, team: true });
  });

  it("needs a session or a key", async () => {
    expect((await call("/api/setup")).status).toBe(401);
  });
});
