/**
 * Self-service: a business signs itself up (a tenant, its admin, a sandbox Twilio account that
 * buys numbers offline), sees nothing of anyone else's, and a user changes their password, which
 * ends their other sessions.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { providerAccounts, users } from "../../schema/db.ts";
import { app } from "../../worker/app.ts";
import { SIGNUPS_PER_CLIENT } from "../../worker/auth/queries.ts";
import { slugOf } from "../../worker/auth/signup.ts";
import { BASE, call, db } from "./helpers.ts";
import { openSocket } from "./socket.ts";

const PASSWORD = "plumb the depths of winter";
type Signed = { status: number; cookie: string; body: { user: { id: string; email: string; role: string }; tenant: { id: string; slug: string; name: string }; error?: string } };

let clients = 0;
/** Each sign-up from an address of its own, so the per-client limit is tested only where meant. */
async function signup(fields: Record<string, unknown>, client = `203.0.113.${++clients}`): Promise<Signed> {
  const res = await call("/api/signup", { method: "POST", json: fields, headers: { "CF-Connecting-IP": client } });
  return { status: res.status, cookie: res.headers.get("Set-Cookie")?.split(";")[0] ?? "", body: await res.json() };
}
const fresh = (business = "Acme Plumbing") => ({ business, name: "Pat Owner", email: `pat-${crypto.randomUUID()}@example.test`, password: PASSWORD });

async function loginAs(email: string, password: string) {
  const res = await call("/api/auth/login", { method: "POST", json: { email, password } });
  return { status: res.status, cookie: res.headers.get("Set-Cookie")?.split(";")[0] ?? "" };
}

describe("POST /api/signup", () => {
  it("makes a tenant, its admin and a sandbox account, logs in, and buys a sandbox number", async () => {
    const fields = { ...fresh("Acmé Plumbing & Heating"), timeZone: "America/New_York", country: "US" };
    const res = await signup(fields);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.user).toMatchObject({ email: fields.email, role: "admin" });
    expect(res.body.tenant.slug).toMatch(/^acme-plumbing-heating(-\d+)?$/);
    expect(res.cookie).toMatch(/^sb_session=/);

    const me = await call("/api/auth/me", { cookie: res.cookie });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ via: "session", user: { email: fields.email, role: "admin" }, tenant: { id: res.body.tenant.id, timeZone: "America/New_York" } });

    const admins = await db().select().from(users).where(eq(users.tenantId, res.body.tenant.id));
    expect(admins.map((u) => u.role)).toEqual(["admin"]);
    expect(admins[0]!.passwordHash).not.toContain(PASSWORD);
    const [account] = await db().select().from(providerAccounts).where(eq(providerAccounts.tenantId, res.body.tenant.id));
    expect(account).toMatchObject({ provider: "twilio", sandbox: true });
    expect(account!.externalId).toMatch(/^AC[0-9a-f]{32}$/);
    expect(account!.credentialsEncrypted).not.toContain(account!.externalId);
    const shown = await (await call("/api/provider-accounts/twilio", { cookie: res.cookie })).json<Record<string, unknown>>();
    expect(shown).toMatchObject({ accountId: account!.externalId, sandbox: true });
    expect(JSON.stringify(shown)).not.toMatch(/authToken/);

    const available = await call("/api/tracking-numbers/available?areaCode=503", { cookie: res.cookie });
    expect(available.status).toBe(200);
    const [pick] = (await available.json<{ items: { number: string }[] }>()).items;
    expect(pick).toBeDefined();
    const bought = await call("/api/tracking-numbers", { method: "POST", cookie: res.cookie, json: { number: pick!.number, label: "Website", terminationNumber: "(503) 555-0150" } });
    expect(bought.status, await bought.clone().text()).toBe(201);
    expect(await bought.json()).toMatchObject({ number: pick!.number, terminationNumber: "+15035550150" });
  });

  it("makes the slug unique: acme-plumbing, then acme-plumbing-2", async () => {
    expect(slugOf("  Acme  Plumbing!! ")).toBe("acme-plumbing");
    expect(slugOf("???")).toBe("tenant");
    const business = `Dup Slug ${crypto.randomUUID().slice(0, 8)}`;
    const first = await signup(fresh(business));
    const second = await signup(fresh(business));
    expect(first.body.tenant.slug).toBe(slugOf(business));
    expect(second.body.tenant.slug).toBe(`${slugOf(business)}-2`);
  });

  it("refuses an email any user has already, whatever its case: 409 with a message", async () => {
    const fields = fresh();
    expect((await signup(fields)).status).toBe(201);
    const again = await signup({ ...fresh("Other Biz"), email: fields.email.toUpperCase() });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/already exists/);
    expect(again.cookie).toBe("");
  });

  it.each([
    ["short", "Sh0rt!pw", /at least 10 characters/],
    ["common", "password123", /most common passwords/],
    ["common, in another case", "QwertyUIOP", /most common passwords/],
  ])("refuses a %s password: 400 with the reason, nothing made", async (_, password, reason) => {
    const fields = { ...fresh(), password };
    const res = await signup(fields);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(reason);
    expect(await db().query.users.findFirst({ where: eq(users.email, fields.email) })).toBeUndefined();
  });

  it("is open to no session, but still to the dashboard's origin only", async () => {
    const res = await call("/api/signup", { method: "POST", json: fresh(), headers: { Origin: "https://evil.test", "CF-Connecting-IP": "203.0.113.250" } });
    expect([res.status, await res.json()]).toEqual([403, { error: "Cross-site request refused" }]);
  });

  it("is 403 when SIGNUP is closed", async () => {
    const fields = fresh();
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(`${BASE}/api/signup`, { method: "POST", headers: { "Content-Type": "application/json", Origin: BASE }, body: JSON.stringify(fields) }),
      { ...env, SIGNUP: "closed" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(403);
    expect((await res.json<{ error: string }>()).error).toMatch(/closed/);
    expect(await db().query.users.findFirst({ where: eq(users.email, fields.email) })).toBeUndefined();
  });

  it(`lets a client try ${SIGNUPS_PER_CLIENT} sign-ups in the window, then 429`, async () => {
    const client = "198.51.100.7";
    // Taken emails count too (they would list accounts otherwise), and cost no hashing.
    const taken = fresh();
    expect((await signup(taken, client)).status).toBe(201);
    for (let i = 1; i < SIGNUPS_PER_CLIENT; i++) expect((await signup(taken, client)).status).toBe(409);
    const over = await signup(fresh(), client);
    expect(over.status).toBe(429);
    expect(over.body.error).toMatch(/Too many sign-ups/);
  });
});

describe("two signed-up tenants", () => {
  it("see nothing of each other's", async () => {
    const first = await signup(fresh("First Co"));
    const second = await signup(fresh("Second Co"));
    expect((await call("/api/contacts", { method: "POST", cookie: first.cookie, json: { kind: "customer", name: "Only First's" } })).status).toBe(201);
    expect((await (await call("/api/contacts", { cookie: first.cookie })).json<{ total: number }>()).total).toBe(1);
    for (const path of ["/api/contacts", "/api/calls", "/api/tracking-numbers"]) {
      const res = await call(path, { cookie: second.cookie });
      expect(res.status, path).toBe(200);
      expect((await res.json<{ items: unknown[] }>()).items, path).toEqual([]);
    }
    const socket = await openSocket(first.body.tenant.slug, { cookie: second.cookie });
    expect([socket.status, await socket.json()]).toEqual([403, { error: "Not your tenant" }]);
    const own = await openSocket(second.body.tenant.slug, { cookie: second.cookie });
    expect(own.status).toBe(101);
    own.webSocket!.accept();
    own.webSocket!.close(1000, "done");
  });
});

describe("POST /api/auth/password", () => {
  it("checks the current password and the new one, then ends every other session of the user", async () => {
    const fields = fresh("Password Co");
    const { cookie } = await signup(fields);
    const other = await loginAs(fields.email, PASSWORD);
    expect(other.status).toBe(200);

    const wrong = await call("/api/auth/password", { method: "POST", cookie, json: { current: "not my password", next: "a brand new passphrase" } });
    expect([wrong.status, await wrong.json()]).toEqual([403, { error: "Wrong current password" }]);
    for (const next of ["tooShort1", "iloveyou123"]) {
      const weak = await call("/api/auth/password", { method: "POST", cookie, json: { current: PASSWORD, next } });
      expect(weak.status, next).toBe(400);
      expect(await weak.text()).toMatch(/at least 10 characters|most common passwords/);
    }
    expect((await call("/api/auth/me", { cookie: other.cookie })).status, "a refused change ends nothing").toBe(200);

    const done = await call("/api/auth/password", { method: "POST", cookie, json: { current: PASSWORD, next: "a brand new passphrase" } });
    expect([done.status, await done.json()]).toEqual([200, { ok: true, endedSessions: 1 }]);
    expect((await call("/api/auth/me", { cookie: other.cookie })).status, "the other login's session is over").toBe(401);
    expect((await call("/api/auth/me", { cookie })).status, "this one goes on").toBe(200);
    expect((await loginAs(fields.email, "a brand new passphrase")).status).toBe(200);
    expect((await loginAs(fields.email, PASSWORD)).status).toBe(401);
  });

  it("closes the other sessions' sockets now, and keeps this session's open", async () => {
    const fields = fresh("Socket Co");
    const { cookie, body } = await signup(fields);
    const other = await loginAs(fields.email, PASSWORD);
    const mine = await openSocket(body.tenant.slug, { cookie });
    const theirs = await openSocket(body.tenant.slug, { cookie: other.cookie });
    expect([mine.status, theirs.status]).toEqual([101, 101]);
    const closed: Record<string, number> = {};
    for (const [name, res] of [["mine", mine], ["theirs", theirs]] as const) {
      res.webSocket!.accept();
      res.webSocket!.addEventListener("close", (e) => {
        closed[name] = e.code;
      });
    }
    expect((await call("/api/auth/password", { method: "POST", cookie, json: { current: PASSWORD, next: "another long passphrase" } })).status).toBe(200);
    await expect.poll(() => closed.theirs).toBeDefined();
    expect(closed.mine).toBeUndefined();
    mine.webSocket!.close(1000, "done");
  });

  it("is refused to an API key: 403", async () => {
    const { cookie } = await signup(fresh("Key Co"));
    const made = await call("/api/keys", { method: "POST", cookie, json: { name: "k", role: "admin" } });
    const { key } = await made.json<{ key: string }>();
    for (const json of [{ current: PASSWORD, next: "a brand new passphrase" }, {}]) {
      const res = await call("/api/auth/password", { method: "POST", bearer: key, json });
      expect([res.status, await res.json()]).toEqual([403, { error: "This route is for a user's session, not an API key" }]);
    }
  });
});
