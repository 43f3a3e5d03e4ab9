/**
 * The team, run by its admins: invitations (single-use, seven days, only a hash kept), roles that
 * change what a user may do at once, disabling (sessions, sockets and keys end now), the last admin
 * kept, and password links for whoever forgot theirs.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { INVITATION_TTL_MS } from "../../worker/auth/links.ts";
import { LINK_USES_PER_CLIENT } from "../../worker/auth/queries.ts";
import { call, createTenant, db, login, PASSWORD, type TestTenant } from "./helpers.ts";
import { Dashboard } from "./socket.ts";

const NEW_PASSWORD = "a quiet lighthouse at dusk";
let clients = 0;
/** Each public request from an address of its own, so the per-client limit is tested only where meant. */
const from = () => ({ "CF-Connecting-IP": `198.51.100.${++clients % 250}` });

async function json<T = Record<string, unknown>>(res: Response) {
  return { status: res.status, body: (await res.json()) as T & { error?: string }, cookie: res.headers.get("Set-Cookie")?.split(";")[0] ?? "" };
}
async function invite(t: TestTenant, cookie: string, fields: { email?: string; role?: string } = {}) {
  const email = fields.email ?? `new-${crypto.randomUUID()}@${t.slug}.test`;
  return json<{ id: string; url: string; expiresAt: number; email: string; role: string }>(await call("/api/invitations", { method: "POST", cookie, json: { email, role: fields.role ?? "agent" } }));
}
const tokenOf = (url: string) => url.split("/").pop()!;
const accept = async (token: string, name = "Nia Newcomer", password = NEW_PASSWORD) => json<{ user: { id: string; role: string; email: string }; tenant: { id: string } }>(await call("/api/invitations/accept", { method: "POST", json: { token, name, password }, headers: from() }));
async function userId(email: string) {
  return (await db().query.users.findFirst({ where: (u, { eq }) => eq(u.email, email) }))!.id;
}
const patchUser = async (cookie: string | { bearer: string }, id: string, body: unknown) =>
  json<{ role: string; disabled: boolean }>(await call(`/api/users/${id}`, { method: "PATCH", json: body, ...(typeof cookie === "string" ? { cookie } : cookie) }));

describe("invitations", () => {
  it("an admin invites; the newcomer sees where they are going, sets a name and password, and is in with that role", async () => {
    const t = await createTenant("Invite Co");
    const admin = await login(t.adminEmail);
    const made = await invite(t, admin, { role: "manager" });
    expect(made.status).toBe(201);
    expect(made.body.url).toMatch(/^http:\/\/switchboard\.test\/#\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(made.body.expiresAt - Date.now()).toBeGreaterThan(INVITATION_TTL_MS - 60_000);

    const listed = await json<{ items: { id: string; email: string; role: string; expired: boolean }[] }>(await call("/api/invitations", { cookie: admin }));
    expect(listed.body.items).toEqual([expect.objectContaining({ id: made.body.id, email: made.body.email, role: "manager", expired: false })]);
    // Only the token's hash is kept: the token itself is nowhere in D1.
    const stored = await env.DB.prepare("select * from invitations where id = ?").bind(made.body.id).first();
    expect(JSON.stringify(stored)).not.toContain(tokenOf(made.body.url));

    const preview = await json(await call(`/api/invitations/accept?token=${tokenOf(made.body.url)}`, { headers: from() }));
    expect(preview.body).toEqual({ business: "Invite Co", email: made.body.email, role: "manager", expiresAt: made.body.expiresAt });

    const joined = await accept(tokenOf(made.body.url));
    expect(joined.status).toBe(201);
    expect(joined.body.user).toMatchObject({ email: made.body.email, role: "manager" });
    expect(joined.body.tenant.id).toBe(t.id);
    const me = await json<{ user: { role: string } }>(await call("/api/auth/me", { cookie: joined.cookie }));
    expect(me.body.user.role).toBe("manager");
    // A manager runs routing but not the team.
    expect((await call("/api/routes", { cookie: joined.cookie })).status).toBe(200);
    expect((await call("/api/users", { cookie: joined.cookie })).status).toBe(403);
    // The new password logs in; the invitation is gone from the pending list and cannot be used again.
    expect((await call("/api/auth/login", { method: "POST", json: { email: made.body.email, password: NEW_PASSWORD } })).status).toBe(200);
    expect((await json<{ items: unknown[] }>(await call("/api/invitations", { cookie: admin }))).body.items).toEqual([]);
    const again = await accept(tokenOf(made.body.url), "Someone Else");
    expect([again.status, again.body.error]).toEqual([410, "This invitation has been used; log in instead"]);
  });

  it("two tabs accepting one invitation at once make one user", async () => {
    const t = await createTenant("Race Co");
    const made = await invite(t, await login(t.adminEmail));
    const results = await Promise.all([accept(tokenOf(made.body.url), "Tab One"), accept(tokenOf(made.body.url), "Tab Two")]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 410]);
    const rows = await env.DB.prepare("select count(*) as n from users where email = ?").bind(made.body.email).first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });

  it("is refused once expired, once withdrawn, and once replaced by a new invitation of the same email", async () => {
    const t = await createTenant("Stale Co");
    const admin = await login(t.adminEmail);
    const expired = await invite(t, admin);
    await env.DB.prepare("update invitations set expires_at = ? where id = ?").bind(Date.now() - 1, expired.body.id).run();
    expect(await accept(tokenOf(expired.body.url))).toMatchObject({ status: 410, body: { error: "This invitation has expired; ask for a new one" } });
    expect((await json<{ items: { expired: boolean }[] }>(await call("/api/invitations", { cookie: admin }))).body.items[0]?.expired).toBe(true);

    const withdrawn = await invite(t, admin);
    expect((await call(`/api/invitations/${withdrawn.body.id}`, { method: "DELETE", cookie: admin })).status).toBe(204);
    expect((await call(`/api/invitations/${withdrawn.body.id}`, { method: "DELETE", cookie: admin })).status).toBe(404);
    expect((await accept(tokenOf(withdrawn.body.url))).status).toBe(404);

    const first = await invite(t, admin, { email: `twice@${t.slug}.test` });
    const second = await invite(t, admin, { email: `twice@${t.slug}.test`, role: "reporting" });
    expect((await accept(tokenOf(first.body.url))).status).toBe(404);
    expect((await accept(tokenOf(second.body.url))).body.user?.role).toBe("reporting");
  });

  it("refuses an email that already has an account, here or anywhere", async () => {
    const t = await createTenant("Taken Co");
    const other = await createTenant("Elsewhere");
    const admin = await login(t.adminEmail);
    expect(await invite(t, admin, { email: t.agentEmail })).toMatchObject({ status: 409, body: { error: "This person is already on your team" } });
    expect(await invite(t, admin, { email: other.agentEmail })).toMatchObject({ status: 409, body: { error: "This email already has a Switchboard account" } });
    // An account made between the invitation and its acceptance: the invitation stays unused.
    const made = await invite(t, admin);
    await env.DB.prepare("update users set email = ? where email = ?").bind(made.body.email, other.reportingEmail).run();
    expect(await accept(tokenOf(made.body.url))).toMatchObject({ status: 409, body: { error: "This email already has a Switchboard account" } });
    expect((await json<{ items: unknown[] }>(await call("/api/invitations", { cookie: admin }))).body.items).toHaveLength(1);
  });

  it("refuses bad input with a 400 that names the field, and writes nothing", async () => {
    const t = await createTenant("Strict Co");
    const admin = await login(t.adminEmail);
    const bad = await json(await call("/api/invitations", { method: "POST", cookie: admin, json: { email: "not an email", role: "owner" } }));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/email|role/);
    const made = await invite(t, admin);
    const weak = await accept(tokenOf(made.body.url), "Weak", "password123");
    expect(weak.status).toBe(400);
    expect((await accept(tokenOf(made.body.url))).status).toBe(201);
  });
});

describe("the team", () => {
  it("lists the tenant's users with their roles, never a password hash, and nobody else's", async () => {
    const t = await createTenant("List Co");
    await createTenant("Not Listed");
    const admin = await login(t.adminEmail);
    const res = await json<{ items: { email: string; role: string; disabled: boolean; lastSignInAt: number | null }[] }>(await call("/api/users", { cookie: admin }));
    expect(res.body.items.map((u) => [u.email, u.role]).sort()).toEqual(
      [
        [t.adminEmail, "admin"],
        [t.agentEmail, "agent"],
        [t.managerEmail, "manager"],
        [t.reportingEmail, "reporting"],
      ].sort(),
    );
    expect(JSON.stringify(res.body)).not.toMatch(/pbkdf2|passwordHash|password_hash/);
    expect(res.body.items.find((u) => u.email === t.adminEmail)?.lastSignInAt).toBeGreaterThan(0);
    expect(res.body.items.find((u) => u.email === t.agentEmail)?.lastSignInAt).toBeNull();
  });

  it("a new role takes effect on the user's next request, without signing in again", async () => {
    const t = await createTenant("Promote Co");
    const admin = await login(t.adminEmail);
    const agent = await login(t.agentEmail);
    expect((await call("/api/routes", { cookie: agent })).status).toBe(403);
    expect(await patchUser(admin, await userId(t.agentEmail), { role: "manager" })).toMatchObject({ status: 200, body: { role: "manager", disabled: false } });
    expect((await call("/api/routes", { cookie: agent })).status).toBe(200);
  });

  it("disabling a user ends their sessions, closes their dashboards and revokes their keys at once; enabling lets them log in again", async () => {
    const t = await createTenant("Disable Co");
    const admin = await login(t.adminEmail);
    // The manager is made an admin, so that they may make a key, then is disabled.
    const id = await userId(t.managerEmail);
    await patchUser(admin, id, { role: "admin" });
    const theirs = await login(t.managerEmail);
    const { key } = await (await call("/api/keys", { method: "POST", cookie: theirs, json: { name: "their script" } })).json<{ key: string }>();
    const dashboard = await Dashboard.connect(t.slug, theirs);

    const done = await patchUser(admin, id, { disabled: true });
    expect(done).toMatchObject({ status: 200, body: { disabled: true } });
    await expect.poll(() => dashboard.closed).toBe(true);
    expect(dashboard.closeReason).toBe("account disabled");
    expect(await json(await call("/api/auth/me", { cookie: theirs }))).toMatchObject({ status: 401, body: { error: "Not logged in" } });
    expect((await call("/api/auth/me", { bearer: key })).status).toBe(401);
    const revoked = await db().query.apiKeys.findFirst({ where: (k, { eq }) => eq(k.createdByUserId, id) });
    expect(revoked?.revokedAt).toBeGreaterThan(0);
    expect(await json(await call("/api/auth/login", { method: "POST", json: { email: t.managerEmail, password: PASSWORD } }))).toMatchObject({
      status: 403,
      body: { error: "This account is disabled; ask an admin of your business" },
    });
    // A wrong password is still only a wrong password: being disabled is told to whoever knows the password.
    expect((await call("/api/auth/login", { method: "POST", json: { email: t.managerEmail, password: "not the password at all" } })).status).toBe(401);

    expect(await patchUser(admin, id, { disabled: false })).toMatchObject({ status: 200, body: { disabled: false } });
    expect((await call("/api/auth/login", { method: "POST", json: { email: t.managerEmail, password: PASSWORD } })).status).toBe(200);
    // Revoked keys stay revoked.
    expect((await call("/api/auth/me", { bearer: key })).status).toBe(401);
  });

  it("keeps the last admin: they cannot be demoted or disabled, and an admin cannot disable themselves", async () => {
    const t = await createTenant("Last Co");
    const admin = await login(t.adminEmail);
    const adminId = await userId(t.adminEmail);
    expect(await patchUser(admin, adminId, { role: "manager" })).toMatchObject({ status: 409, body: { error: "This is the business's last admin: make someone else an admin first" } });
    expect(await patchUser(admin, adminId, { disabled: true })).toMatchObject({ status: 409, body: { error: "You cannot disable yourself; another admin can" } });
    // Through a key (which acts for no one user), the last admin still cannot be disabled.
    const { key } = await (await call("/api/keys", { method: "POST", cookie: admin, json: { name: "ops", role: "admin", scopes: ["users:manage"] } })).json<{ key: string }>();
    expect(await patchUser({ bearer: key }, adminId, { disabled: true })).toMatchObject({ status: 409 });
    expect((await db().query.users.findFirst({ where: (u, { eq }) => eq(u.id, adminId) }))?.role).toBe("admin");
    // With a second admin, the first may step down.
    await patchUser(admin, await userId(t.managerEmail), { role: "admin" });
    expect(await patchUser(admin, adminId, { role: "manager" })).toMatchObject({ status: 200, body: { role: "manager" } });
  });

  it("two admins demoting each other at once: one of them stays admin", async () => {
    const t = await createTenant("Coup Co");
    const admin = await login(t.adminEmail);
    const [a, b] = [await userId(t.adminEmail), await userId(t.managerEmail)];
    await patchUser(admin, b, { role: "admin" });
    const other = await login(t.managerEmail);
    const results = await Promise.all([patchUser(admin, b, { role: "agent" }), patchUser(other, a, { role: "agent" })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const admins = await env.DB.prepare("select count(*) as n from users where tenant_id = ? and role = 'admin' and disabled_at is null").bind(t.id).first<{ n: number }>();
    expect(admins?.n).toBe(1);
  });

  it("another tenant's user is 404 for every team route", async () => {
    const t = await createTenant("Mine");
    const other = await createTenant("Theirs");
    const admin = await login(t.adminEmail);
    const theirs = await userId(other.agentEmail);
    expect((await patchUser(admin, theirs, { disabled: true })).status).toBe(404);
    expect((await call(`/api/users/${theirs}/reset-link`, { method: "POST", cookie: admin })).status).toBe(404);
    expect((await db().query.users.findFirst({ where: (u, { eq }) => eq(u.id, theirs) }))?.disabledAt).toBeNull();
  });
});

describe("the public routes of links", () => {
  it(`let a client try ${LINK_USES_PER_CLIENT} times in the window, then answer 429 with Retry-After, reading or using a link alike`, async () => {
    const headers = { "CF-Connecting-IP": "198.51.100.251" };
    const token = "B".repeat(43);
    for (let i = 0; i < LINK_USES_PER_CLIENT; i++) expect((await call(`/api/auth/reset?token=${token}`, { headers })).status).toBe(404);
    for (const res of [
      await call(`/api/invitations/accept?token=${token}`, { headers }),
      await call("/api/invitations/accept", { method: "POST", headers, json: { token, name: "Nobody", password: NEW_PASSWORD } }),
      await call(`/api/auth/reset?token=${token}`, { headers }),
      await call("/api/auth/reset", { method: "POST", headers, json: { token, password: NEW_PASSWORD } }),
    ]) {
      expect([res.status, await res.json()]).toEqual([429, { error: "Too many tries from here; try again later" }]);
      expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    }
  });
});

describe("password links", () => {
  async function resetLink(t: TestTenant, email: string) {
    return json<{ url: string; expiresAt: number }>(await call(`/api/users/${await userId(email)}/reset-link`, { method: "POST", cookie: await login(t.adminEmail) }));
  }
  const reset = async (token: string, password = NEW_PASSWORD) => json<{ user: { email: string } }>(await call("/api/auth/reset", { method: "POST", json: { token, password }, headers: from() }));

  it("an admin makes a link; the user sets a new password with it once, and every old session ends", async () => {
    const t = await createTenant("Forgot Co");
    const before = await login(t.agentEmail);
    const dashboard = await Dashboard.connect(t.slug, before);
    const link = await resetLink(t, t.agentEmail);
    expect(link.status).toBe(201);
    expect(link.body.url).toMatch(/\/#\/reset\/[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(link.body.url);
    expect(await json(await call(`/api/auth/reset?token=${token}`, { headers: from() }))).toMatchObject({ status: 200, body: { name: "Agent", email: t.agentEmail } });

    const done = await reset(token);
    expect(done.status).toBe(200);
    expect(done.body.user.email).toBe(t.agentEmail);
    expect((await call("/api/auth/me", { cookie: done.cookie })).status).toBe(200);
    expect((await call("/api/auth/me", { cookie: before })).status).toBe(401);
    await expect.poll(() => dashboard.closed).toBe(true);
    expect((await call("/api/auth/login", { method: "POST", json: { email: t.agentEmail, password: PASSWORD } })).status).toBe(401);
    expect((await call("/api/auth/login", { method: "POST", json: { email: t.agentEmail, password: NEW_PASSWORD } })).status).toBe(200);
    expect(await reset(token, "yet another long passphrase")).toMatchObject({ status: 410, body: { error: "This password link has been used; ask an admin for a new one" } });
  });

  it("a new link withdraws the old; an expired link is refused; a disabled user gets no link", async () => {
    const t = await createTenant("Links Co");
    const first = await resetLink(t, t.agentEmail);
    const second = await resetLink(t, t.agentEmail);
    expect((await reset(tokenOf(first.body.url))).status).toBe(404);
    await env.DB.prepare("update password_resets set expires_at = ?").bind(Date.now() - 1).run();
    expect(await reset(tokenOf(second.body.url))).toMatchObject({ status: 410, body: { error: "This password link has expired; ask an admin for a new one" } });

    const admin = await login(t.adminEmail);
    await patchUser(admin, await userId(t.reportingEmail), { disabled: true });
    expect(await resetLink(t, t.reportingEmail)).toMatchObject({ status: 409, body: { error: "This account is disabled; enable it first" } });
  });

  it("a link made before the user was disabled no longer works", async () => {
    const t = await createTenant("Late Co");
    const link = await resetLink(t, t.agentEmail);
    await patchUser(await login(t.adminEmail), await userId(t.agentEmail), { disabled: true });
    expect((await reset(tokenOf(link.body.url))).status).toBe(404);
    expect((await call("/api/auth/login", { method: "POST", json: { email: t.agentEmail, password: NEW_PASSWORD } })).status).toBe(401);
  });
});
