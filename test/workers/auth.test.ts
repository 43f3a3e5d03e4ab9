import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { loginThrottle, sessions, users } from "../../schema/db.ts";
import { createSession, SESSION_TTL_MS, CLIENT_MAX_FAILURES, THROTTLE_WINDOW_MS } from "../../worker/auth/queries.ts";
import { call, createTenant, db, login, PASSWORD, tableCounts } from "./helpers.ts";

describe("login", () => {
  it("sets an HttpOnly, SameSite=Lax session cookie and says who logged in", async () => {
    const t = await createTenant("Acme");
    const res = await call("/api/auth/login", { method: "POST", json: { email: t.adminEmail, password: PASSWORD } });
    expect(res.status).toBe(200);
    const cookie = res.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/^sb_session=[\w-]{40,};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).not.toContain("Secure"); // plain http, as on a laptop
    const body = await res.json<{ user: { email: string; role: string }; tenant: { slug: string } }>();
    expect(body.user).toMatchObject({ email: t.adminEmail, role: "admin" });
    expect(body.tenant.slug).toBe(t.slug);
  });

  it("marks the cookie Secure over https", async () => {
    const t = await createTenant();
    const { exports } = await import("cloudflare:workers");
    const res = await exports.default.fetch(
      new Request("https://switchboard.test/api/auth/login", {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: "https://switchboard.test" },
        body: JSON.stringify({ email: t.agentEmail, password: PASSWORD }),
      }),
    );
    expect(res.headers.get("Set-Cookie")).toContain("Secure");
  });

  it("accepts the email in any case", async () => {
    const t = await createTenant();
    expect(await login(t.adminEmail.toUpperCase())).toMatch(/^sb_session=/);
  });

  it("answers a wrong password and an unknown email alike: 401, one message, no cookie", async () => {
    const t = await createTenant();
    for (const body of [
      { email: t.adminEmail, password: "wrong" },
      { email: "nobody@nowhere.test", password: PASSWORD },
    ]) {
      const res = await call("/api/auth/login", { method: "POST", json: body });
      expect(res.status).toBe(401);
      expect(res.headers.get("Set-Cookie")).toBeNull();
      expect(await res.json()).toEqual({ error: "Wrong email or password" });
    }
  });

  it("words zod's own checks in English (zod/mini brings no locale; the Worker's entry sets it)", async () => {
    const res = await call("/api/auth/login", { method: "POST", json: { email: "someone@example.com", password: 5 } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: "Invalid json: password: Invalid input: expected string, received number",
      issues: [{ path: "password", message: "Invalid input: expected string, received number" }],
    });
  });

  const attempt = (email: string, password: string, client = "203.0.113.7") =>
    call("/api/auth/login", { method: "POST", json: { email, password }, headers: { "CF-Connecting-IP": client } });

  it("slows a guesser down account by account, a growing wait that says when to retry, and never locks the owner out for long", async () => {
    const t = await createTenant();
    // Two failures cost nothing; from the third on, the next attempt waits 1 s, then 2 s, 4 s … (each
    // from another client, so that no client's own limit comes into it).
    for (let i = 0; i < 3; i++) expect((await attempt(t.agentEmail, `guess-${i}`, `198.51.100.${i}`)).status).toBe(401);
    const waiting = await attempt(t.agentEmail, PASSWORD, "198.51.100.4");
    expect(waiting.status).toBe(429);
    expect(Number(waiting.headers.get("Retry-After"))).toBe(1);
    expect((await waiting.json<{ error: string }>()).error).toBe("Too many failed logins for this account; try again in 1 second");
    // However many failures pile up, the wait stops at a minute: the owner is slowed, not locked out.
    await db().update(loginThrottle).set({ failures: 500, nextAttemptAt: null }).where(eq(loginThrottle.key, `account:${t.agentEmail}`));
    expect((await attempt(t.agentEmail, "guess-501", "198.51.100.5")).status).toBe(401);
    const capped = await attempt(t.agentEmail, PASSWORD, "198.51.100.6");
    expect(Number(capped.headers.get("Retry-After"))).toBe(60);
    // Once the wait is over the right password works, and clears the account's failures.
    await db().update(loginThrottle).set({ nextAttemptAt: Date.now() - 1 }).where(eq(loginThrottle.key, `account:${t.agentEmail}`));
    expect((await attempt(t.agentEmail, PASSWORD, "198.51.100.7")).status).toBe(200);
    expect(await db().query.loginThrottle.findFirst({ where: eq(loginThrottle.key, `account:${t.agentEmail}`) })).toBeUndefined();
    // Per account: the admin of the same tenant never waited.
    expect(await login(t.adminEmail)).toMatch(/^sb_session=/);
  });

  it("stops a client that fails too often, for every account, and only that client", async () => {
    const others = await Promise.all(Array.from({ length: 6 }, () => createTenant()));
    // Spread over twelve accounts, two failures each at most: no account's own wait comes into it.
    const emails = others.flatMap((o) => [o.agentEmail, o.adminEmail]);
    for (let i = 0; i < CLIENT_MAX_FAILURES; i++) expect((await attempt(emails[i % emails.length]!, `guess-${i}`, "192.0.2.66")).status, `failure ${i}`).toBe(401);
    const stopped = await attempt(others[0]!.agentEmail, PASSWORD, "192.0.2.66");
    expect(stopped.status).toBe(429);
    expect((await stopped.json<{ error: string }>()).error).toMatch(/^Too many failed logins from here; try again in 1[45] minutes$/);
    expect((await attempt(others[0]!.agentEmail, PASSWORD, "192.0.2.67")).status).toBe(200);
  });

  it("forgets failures whose window is over, so the table does not grow with every unknown email", async () => {
    const before = Date.now() - THROTTLE_WINDOW_MS - 1000;
    await db().insert(loginThrottle).values([{ key: "account:old-1@example.test", failures: 2, windowStartedAt: before }, { key: "client:old", failures: 4, windowStartedAt: before }]);
    await attempt(`nobody-${crypto.randomUUID()}@example.test`, "x", "192.0.2.1");
    const keys = (await db().select({ key: loginThrottle.key }).from(loginThrottle)).map((r) => r.key);
    expect(keys).not.toContain("account:old-1@example.test");
    expect(keys).not.toContain("client:old");
  });

  it("forgets earlier failures after a successful login", async () => {
    const t = await createTenant();
    await attempt(t.agentEmail, "nope");
    await login(t.agentEmail);
    expect(await db().query.loginThrottle.findFirst({ where: eq(loginThrottle.key, `account:${t.agentEmail}`) })).toBeUndefined();
  });

  it("refuses bad bodies with 400 and a message, writing nothing", async () => {
    const before = await tableCounts();
    const cases: [unknown, RegExp][] = [
      [{}, /email/],
      [{ email: "admin@demo.test" }, /password/],
      [{ email: "not-an-email", password: "x" }, /email: must be an email address/],
      [{ email: 42, password: "x" }, /email/],
      [{ email: "a@b.test", password: "" }, /password: must not be empty/],
    ];
    for (const [body, message] of cases) {
      const res = await call("/api/auth/login", { method: "POST", json: body });
      expect(res.status).toBe(400);
      expect((await res.json<{ error: string }>()).error).toMatch(message);
    }
    const malformed = await call("/api/auth/login", { method: "POST", body: "{not json", headers: { "Content-Type": "application/json" } });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: "Malformed JSON in request body" });
    expect(await tableCounts()).toEqual(before);
  });
});

describe("sessions", () => {
  it("/me tells who is logged in; logout ends the session", async () => {
    const t = await createTenant("Beta");
    const cookie = await login(t.agentEmail);
    const me = await call("/api/auth/me", { cookie });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ via: "session", user: { email: t.agentEmail, role: "agent" }, tenant: { slug: t.slug } });

    const out = await call("/api/auth/logout", { method: "POST", cookie });
    expect(out.status).toBe(200);
    expect(out.headers.get("Set-Cookie")).toMatch(/sb_session=;.*Max-Age=0/);
    const after = await call("/api/auth/me", { cookie });
    expect(after.status).toBe(401);
  });

  it("refuses a missing, unknown or expired session with 401", async () => {
    expect((await call("/api/auth/me")).status).toBe(401);
    expect(await (await call("/api/auth/me", { cookie: "sb_session=made-up" })).json()).toEqual({ error: "Not logged in" });

    const t = await createTenant();
    const user = (await db().query.users.findFirst({ where: eq(users.email, t.adminEmail) }))!;
    const token = await createSession(db(), user, Date.now() - SESSION_TTL_MS - 1000);
    const res = await call("/api/auth/me", { cookie: `sb_session=${token}` });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "Session expired; log in again" });
    // The expired session is gone from D1.
    expect(await db().select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
  });

  it("stores only a hash of the session token", async () => {
    const t = await createTenant();
    const cookie = await login(t.adminEmail);
    const token = cookie.split("=")[1]!;
    const rows = await db().select({ id: sessions.id }).from(sessions);
    expect(rows.some((r) => r.id === token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.id))).toBe(true);
  });
});

describe("API keys", () => {
  it("an admin creates a key; the key acts for that tenant as a bearer token; revoking ends it", async () => {
    const t = await createTenant("Keys");
    const cookie = await login(t.adminEmail);
    const created = await call("/api/keys", { method: "POST", cookie, json: { name: "Accounting" } });
    expect(created.status).toBe(201);
    const { id, key, prefix } = await created.json<{ id: string; key: string; prefix: string }>();
    expect(key.startsWith(prefix)).toBe(true);

    const me = await call("/api/auth/me", { bearer: key });
    expect(await me.json()).toMatchObject({ via: "api-key", apiKey: { name: "Accounting" }, tenant: { slug: t.slug } });

    const list = await call("/api/keys", { cookie });
    const listed = await list.json<{ items: Record<string, unknown>[] }>();
    expect(listed.items).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(key); // the key is shown once, at creation

    expect((await call(`/api/keys/${id}`, { method: "DELETE", cookie })).status).toBe(204);
    const revoked = await call("/api/auth/me", { bearer: key });
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toEqual({ error: "Invalid API key" });
  });

  it("refuses a malformed or unknown bearer token even with a valid cookie beside it", async () => {
    const t = await createTenant();
    const cookie = await login(t.adminEmail);
    for (const header of ["Bearer sb_unknown", "Basic abc", "Bearer"]) {
      const res = await call("/api/auth/me", { cookie, headers: { Authorization: header } });
      expect(res.status).toBe(401);
    }
  });

  it("an agent may not create keys, and a key made by one tenant cannot be revoked by another", async () => {
    const a = await createTenant("A");
    const b = await createTenant("B");
    const agent = await login(a.agentEmail);
    const refused = await call("/api/keys", { method: "POST", cookie: agent, json: { name: "x" } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: "An agent may not do this" });

    const { id, key } = await (await call("/api/keys", { method: "POST", cookie: await login(a.adminEmail), json: { name: "A's" } })).json<{ id: string; key: string }>();
    const otherAdmin = await login(b.adminEmail);
    expect((await call(`/api/keys/${id}`, { method: "DELETE", cookie: otherAdmin })).status).toBe(404);
    expect((await call("/api/auth/me", { bearer: key })).status).toBe(200);
  });
});

describe("the API as a whole", () => {
  it("refuses a body over 64 KB with 413 and a message", async () => {
    const t = await createTenant();
    const cookie = await login(t.adminEmail);
    const before = await tableCounts();
    const res = await call("/api/contacts", { method: "POST", cookie, json: { kind: "customer", name: "x".repeat(70 * 1024) } });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: "Request body is larger than 64 KB" });
    expect(await tableCounts()).toEqual(before);
  });

  it("answers an unknown API path with a JSON 404", async () => {
    const t = await createTenant();
    const res = await call("/api/nothing-here", { cookie: await login(t.adminEmail) });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "No route for GET /api/nothing-here" });
  });

  it("refuses cross-site requests that ride on the session cookie", async () => {
    const form = await call("/api/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.test" },
      body: "email=a@b.test&password=x",
    });
    expect(form.status).toBe(403);
    const t = await createTenant();
    const cookie = await login(t.adminEmail);
    const before = await tableCounts();
    const logout = await call("/api/auth/logout", { method: "POST", cookie, headers: { Origin: "https://evil.test" } });
    expect(logout.status).toBe(403);
    expect(await logout.json()).toEqual({ error: "Cross-site request refused" });
    expect(await tableCounts()).toEqual(before);
  });

  it("refuses cookie requests from another origin, or naming none, whatever the body's type; a bearer key and the dashboard's own origin pass", async () => {
    const t = await createTenant();
    const cookie = await login(t.adminEmail);
    const before = await tableCounts();
    const attempts: [string, RequestInit][] = [
      ["/api/contacts", { method: "POST", headers: { "Content-Type": "application/json", Origin: "https://evil.test" }, body: JSON.stringify({ kind: "lead", name: "Mallory", phones: [] }) }],
      ["/api/contacts", { method: "POST", headers: { "Content-Type": "application/json", Origin: "null" }, body: JSON.stringify({ kind: "lead", name: "Mallory", phones: [] }) }],
      ["/api/contacts/import", { method: "POST", headers: { "Content-Type": "text/csv", Origin: "https://evil.test" }, body: "name,kind,phone\nMallory,lead,+14155550999\n" }],
      ["/api/contacts", { method: "POST", headers: { "Content-Type": "application/json", "Sec-Fetch-Site": "cross-site" }, body: JSON.stringify({ kind: "lead", name: "Mallory", phones: [] }) }],
    ];
    for (const [path, init] of attempts) {
      const headers = new Headers(init.headers);
      headers.set("Cookie", cookie);
      const { exports } = await import("cloudflare:workers");
      const res = await exports.default.fetch(new Request(`http://switchboard.test${path}`, { ...init, headers }));
      expect(res.status, JSON.stringify(init.headers)).toBe(403);
      expect(await res.json()).toEqual({ error: "Cross-site request refused" });
    }
    expect(await tableCounts()).toEqual(before);
    // The dashboard's own origin, or a same-origin fetch that names none, is let through.
    expect((await call("/api/contacts", { method: "POST", cookie, json: { kind: "lead", name: "Ours", phones: [] } })).status).toBe(201);
    const sameSite = await call("/api/contacts", { method: "POST", cookie, json: { kind: "lead", name: "Ours too", phones: [] }, headers: { Origin: "", "Sec-Fetch-Site": "same-origin" } });
    expect(sameSite.status).toBe(201);
    // An API key is not a cookie a browser attaches by itself: another origin does not matter.
    const key = (await (await call("/api/keys", { method: "POST", cookie, json: { name: "CRM" } })).json<{ key: string }>()).key;
    const withKey = await call("/api/contacts", { method: "POST", bearer: key, json: { kind: "lead", name: "From the CRM", phones: [] }, headers: { Origin: "https://crm.example" } });
    expect(withKey.status).toBe(201);
  });
});
