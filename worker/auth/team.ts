/**
 * The team, managed by its admins (users:manage): `GET /api/users`, `PATCH /api/users/:id`,
 * `POST /api/users/:id/reset-link`, and invitations (`GET|POST /api/invitations`,
 * `DELETE /api/invitations/:id`). Accepting an invitation is public: `GET|POST /api/invitations/accept`.
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { and, desc, eq, isNull, max, sql } from "drizzle-orm";
import * as z from "zod/mini";
import { invitationAccept, invitationCreate, linkQuery, passwordReset, userUpdate } from "../../schema/api.ts";
import { getDb, type Db } from "../../schema/d1.ts";
import { invitations, passwordResets, sessions, tenants, users } from "../../schema/db.ts";
import type { UserRole } from "../../schema/constants.ts";
import { noteAudit } from "../audit/note.ts";
import type { AppEnv } from "../env.ts";
import { hashPassword } from "../lib/crypto.ts";
import { apiError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { revokeKeysOfUser } from "./keys.ts";
import { INVITATION_TTL_MS, RESET_TTL_MS, newLink, tokenHashOf } from "./links.ts";
import { findUserByEmail } from "./queries.ts";
import { overLimit, startSession } from "./routes.ts";
import { closeSessionSockets, reconnectUserSockets } from "./sessions.ts";
import { lazy } from "../../schema/lazy.ts";

type C = Context<AppEnv>;
const idParam = lazy(() => z.object({ id: z.string().check(z.minLength(1), z.maxLength(100)) }));

/** Who acts, as the team screens and the audit log name them. */
export function actorName(c: C) {
  const auth = c.get("auth");
  return auth.via === "session" ? auth.user.name : `API key ${auth.apiKey.name}`;
}

const LAST_ADMIN = "This is the business's last admin: make someone else an admin first";

/** A user as the team screen shows them; never a password hash. */
function present(u: typeof users.$inferSelect, lastSignInAt?: number | null) {
  return { id: u.id, email: u.email, name: u.name, role: u.role, disabled: u.disabledAt !== null, disabledAt: u.disabledAt, createdAt: u.createdAt, lastSignInAt: lastSignInAt ?? null };
}

/**
 * Changes a user's role or whether they are disabled, in one statement that refuses to leave the
 * tenant without an active admin: two admins demoting each other at once cannot both succeed.
 */
async function updateUser(db: Db, tenantId: string, user: typeof users.$inferSelect, change: { role?: UserRole | undefined; disabledAt?: number | null | undefined }) {
  const role = change.role ?? user.role;
  const disabledAt = change.disabledAt === undefined ? user.disabledAt : change.disabledAt;
  const staysActiveAdmin = role === "admin" && disabledAt === null;
  const guard = staysActiveAdmin
    ? sql`1`
    : sql`(${users.role} <> 'admin' or ${users.disabledAt} is not null or (select count(*) from ${users} others where others.tenant_id = ${tenantId} and others.role = 'admin' and others.disabled_at is null and others.id <> ${user.id}) > 0)`;
  const [updated] = await db
    .update(users)
    .set({ role, disabledAt })
    .where(and(eq(users.tenantId, tenantId), eq(users.id, user.id), guard))
    .returning();
  return updated;
}

export const userRoutes = lazy(() => new Hono<AppEnv>()
  .get("/", async (c) => {
    const db = getDb(c.env.DB);
    const tenantId = c.get("auth").tenant.id;
    const [rows, signIns] = await Promise.all([
      db.select().from(users).where(eq(users.tenantId, tenantId)).orderBy(users.name),
      // A session is made at each sign-in: the newest is when the user last signed in.
      db.select({ userId: sessions.userId, at: max(sessions.createdAt) }).from(sessions).where(eq(sessions.tenantId, tenantId)).groupBy(sessions.userId),
    ]);
    const last = new Map(signIns.map((s) => [s.userId, s.at]));
    return c.json({ items: rows.map((u) => present(u, last.get(u.id))) });
  })
  .patch("/:id", validate("param", idParam), validate("json", userUpdate), async (c) => {
    const auth = c.get("auth");
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const user = await db.query.users.findFirst({ where: and(eq(users.tenantId, auth.tenant.id), eq(users.id, id)) });
    if (!user) return apiError(c, 404, "No such user");
    if (body.disabled && auth.via === "session" && auth.user.id === id) return apiError(c, 409, "You cannot disable yourself; another admin can");
    const disabling = body.disabled === true && user.disabledAt === null;
    const updated = await updateUser(db, auth.tenant.id, user, {
      role: body.role,
      disabledAt: body.disabled === undefined ? undefined : body.disabled ? (user.disabledAt ?? Date.now()) : null,
    });
    if (!updated) return apiError(c, 409, LAST_ADMIN);
    if (disabling) {
      // Out at once: their sessions and unused links end, their open dashboards close, their keys stop working.
      await db.batch([db.delete(sessions).where(eq(sessions.userId, id)), db.delete(passwordResets).where(and(eq(passwordResets.userId, id), isNull(passwordResets.usedAt)))]);
      await closeSessionSockets(c.env, auth.tenant.id, { userId: id }, "account disabled");
      await revokeKeysOfUser(db, auth.tenant.id, id);
    } else if (updated.role !== user.role) await reconnectUserSockets(c.env, auth.tenant.id, id);
    const changes: string[] = [];
    if (body.role !== undefined && body.role !== user.role) changes.push(`role from ${user.role} to ${body.role}`);
    if (body.disabled !== undefined && body.disabled !== (user.disabledAt !== null)) changes.push(body.disabled ? "disabled the account" : "enabled the account");
    if (changes.length) {
      noteAudit(c, {
        action: body.disabled === true ? "user.disabled" : body.disabled === false ? "user.enabled" : "user.role_changed",
        targetType: "user",
        targetId: id,
        summary: `${user.name} (${user.email}): ${changes.join("; ")}`,
        details: { before: { role: user.role, disabled: user.disabledAt !== null }, after: { role: updated.role, disabled: updated.disabledAt !== null } },
      });
    }
    return c.json(present(updated));
  })
  .post("/:id/reset-link", validate("param", idParam), async (c) => {
    const auth = c.get("auth");
    const db = getDb(c.env.DB);
    const user = await db.query.users.findFirst({ where: and(eq(users.tenantId, auth.tenant.id), eq(users.id, c.req.valid("param").id)) });
    if (!user) return apiError(c, 404, "No such user");
    if (user.disabledAt !== null) return apiError(c, 409, "This account is disabled; enable it first");
    const link = await newLink(c, "reset");
    const expiresAt = Date.now() + RESET_TTL_MS;
    await db.batch([
      // One link at a time: a new one withdraws those not yet used.
      db.delete(passwordResets).where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt))),
      db.insert(passwordResets).values({ id: `rst_${crypto.randomUUID()}`, tenantId: auth.tenant.id, userId: user.id, tokenHash: link.tokenHash, createdBy: actorName(c), expiresAt }),
    ]);
    noteAudit(c, { action: "user.reset_link_created", targetType: "user", targetId: user.id, summary: `Made a password link for ${user.name} (${user.email})` });
    return c.json({ url: link.url, expiresAt }, 201);
  }));

/** Where an invitation stands; undefined when it can still be accepted. */
function unusable(inv: typeof invitations.$inferSelect | undefined, now = Date.now()) {
  if (!inv) return { status: 404 as const, error: "This invitation link is not valid; ask for a new one" };
  if (inv.acceptedAt !== null) return { status: 410 as const, error: "This invitation has been used; log in instead" };
  if (inv.expiresAt <= now) return { status: 410 as const, error: "This invitation has expired; ask for a new one" };
  return undefined;
}

const EMAIL_TAKEN = "This email already has a Switchboard account";

export const invitationRoutes = lazy(() => new Hono<AppEnv>()
  // Public: the newcomer holds the token and nothing else.
  .get("/accept", validate("query", linkQuery), async (c) => {
    const db = getDb(c.env.DB);
    const refused = await overLimit(c, db, "link", "Too many tries from here; try again later");
    if (refused) return refused;
    const inv = await db.query.invitations.findFirst({ where: eq(invitations.tokenHash, await tokenHashOf(c.req.valid("query").token)) });
    const why = unusable(inv);
    if (why || !inv) return apiError(c, why!.status, why!.error);
    const tenant = await db.query.tenants.findFirst({ columns: { name: true }, where: eq(tenants.id, inv.tenantId) });
    return c.json({ business: tenant?.name ?? "", email: inv.email, role: inv.role, expiresAt: inv.expiresAt });
  })
  .post("/accept", validate("json", invitationAccept), async (c) => {
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const refused = await overLimit(c, db, "link", "Too many tries from here; try again later");
    if (refused) return refused;
    const inv = await db.query.invitations.findFirst({ where: eq(invitations.tokenHash, await tokenHashOf(body.token)) });
    const why = unusable(inv);
    if (why || !inv) return apiError(c, why!.status, why!.error);
    if (await findUserByEmail(db, inv.email)) return apiError(c, 409, EMAIL_TAKEN);
    const now = Date.now();
    const userId = `usr_${crypto.randomUUID()}`;
    const passwordHash = await hashPassword(body.password);
    // One transaction: the invitation is claimed only by the request whose user is made, and a user is
    // made only from an invitation this request claimed (two tabs accepting at once make one user).
    try {
      await c.env.DB.batch([
        c.env.DB.prepare("update invitations set accepted_at = ?, accepted_user_id = ? where id = ? and accepted_at is null and expires_at > ?").bind(now, userId, inv.id, now),
        c.env.DB.prepare("insert into users (id, tenant_id, email, name, role, password_hash, created_at) select ?, tenant_id, email, ?, role, ?, ? from invitations where id = ? and accepted_user_id = ?").bind(
          userId,
          body.name,
          passwordHash,
          now,
          inv.id,
          userId,
        ),
      ]);
    } catch (err) {
      if (/UNIQUE/i.test(`${String(err)} ${String((err as { cause?: unknown }).cause)}`)) return apiError(c, 409, EMAIL_TAKEN);
      throw err;
    }
    const user = await db.query.users.findFirst({ where: eq(users.id, userId) });
    if (!user) return apiError(c, 410, "This invitation has just been used; log in instead");
    noteAudit(c, {
      action: "invitation.accepted",
      targetType: "user",
      targetId: user.id,
      summary: `${user.name} (${user.email}) joined as ${user.role}`,
      actor: { type: "user", id: user.id, name: user.name, tenantId: user.tenantId },
    });
    return c.json(await startSession(c, db, user), 201);
  })
  .get("/", async (c) => {
    const rows = await getDb(c.env.DB)
      .select({ id: invitations.id, email: invitations.email, role: invitations.role, createdAt: invitations.createdAt, expiresAt: invitations.expiresAt, createdBy: invitations.createdBy })
      .from(invitations)
      .where(and(eq(invitations.tenantId, c.get("auth").tenant.id), isNull(invitations.acceptedAt)))
      .orderBy(desc(invitations.createdAt));
    const now = Date.now();
    return c.json({ items: rows.map((r) => ({ ...r, expired: r.expiresAt <= now })) });
  })
  .post("/", validate("json", invitationCreate), async (c) => {
    const auth = c.get("auth");
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const existing = await findUserByEmail(db, body.email);
    if (existing) return apiError(c, 409, existing.tenantId === auth.tenant.id ? "This person is already on your team" : EMAIL_TAKEN);
    const link = await newLink(c, "invitation");
    const row = {
      id: `inv_${crypto.randomUUID()}`,
      tenantId: auth.tenant.id,
      email: body.email,
      role: body.role,
      tokenHash: link.tokenHash,
      createdByUserId: auth.via === "session" ? auth.user.id : null,
      createdBy: actorName(c),
      expiresAt: Date.now() + INVITATION_TTL_MS,
    };
    await db.batch([
      // Inviting the same email again replaces the link not yet used (a lost link is simply made anew).
      db.delete(invitations).where(and(eq(invitations.tenantId, auth.tenant.id), eq(invitations.email, body.email), isNull(invitations.acceptedAt))),
      db.insert(invitations).values(row),
    ]);
    noteAudit(c, { action: "invitation.created", targetType: "invitation", targetId: row.id, summary: `Invited ${body.email} as ${body.role}`, details: { email: body.email, role: body.role } });
    // The link is shown here, once; only its hash is kept.
    return c.json({ id: row.id, url: link.url, expiresAt: row.expiresAt, email: body.email, role: body.role }, 201);
  })
  .delete("/:id", validate("param", idParam), async (c) => {
    const db = getDb(c.env.DB);
    const [gone] = await db
      .delete(invitations)
      .where(and(eq(invitations.tenantId, c.get("auth").tenant.id), eq(invitations.id, c.req.valid("param").id), isNull(invitations.acceptedAt)))
      .returning();
    if (!gone) return apiError(c, 404, "No such invitation");
    noteAudit(c, { action: "invitation.withdrawn", targetType: "invitation", targetId: gone.id, summary: `Withdrew the invitation of ${gone.email} (${gone.role})` });
    return c.body(null, 204);
  }));

/** Where a password link stands; undefined when it can still be used. */
function unusableReset(row: { usedAt: number | null; expiresAt: number; disabledAt: number | null } | undefined, now = Date.now()) {
  if (!row) return { status: 404 as const, error: "This password link is not valid; ask an admin for a new one" };
  if (row.usedAt !== null) return { status: 410 as const, error: "This password link has been used; ask an admin for a new one" };
  if (row.expiresAt <= now) return { status: 410 as const, error: "This password link has expired; ask an admin for a new one" };
  if (row.disabledAt !== null) return { status: 403 as const, error: "This account is disabled; ask an admin of your business" };
  return undefined;
}

async function findReset(db: Db, token: string) {
  return db
    .select({ id: passwordResets.id, usedAt: passwordResets.usedAt, expiresAt: passwordResets.expiresAt, userId: users.id, name: users.name, email: users.email, tenantId: users.tenantId, disabledAt: users.disabledAt })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(eq(passwordResets.tokenHash, await tokenHashOf(token)))
    .get();
}

/** Public, like the login: `GET|POST /api/auth/reset` sets a password from a single-use link. */
export const resetRoutes = lazy(() => new Hono<AppEnv>()
  .get("/", validate("query", linkQuery), async (c) => {
    const db = getDb(c.env.DB);
    const refused = await overLimit(c, db, "link", "Too many tries from here; try again later");
    if (refused) return refused;
    const row = await findReset(db, c.req.valid("query").token);
    const why = unusableReset(row);
    if (why || !row) return apiError(c, why!.status, why!.error);
    return c.json({ name: row.name, email: row.email, expiresAt: row.expiresAt });
  })
  .post("/", validate("json", passwordReset), async (c) => {
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const refused = await overLimit(c, db, "link", "Too many tries from here; try again later");
    if (refused) return refused;
    const row = await findReset(db, body.token);
    const why = unusableReset(row);
    if (why || !row) return apiError(c, why!.status, why!.error);
    const now = Date.now();
    const passwordHash = await hashPassword(body.password);
    // One transaction: the link is used once, the password changes only with it, and every session
    // the user had ends (whoever held one no longer knows the password).
    const [claimed, , ended] = await db.batch([
      db
        .update(passwordResets)
        .set({ usedAt: now })
        .where(and(eq(passwordResets.id, row.id), isNull(passwordResets.usedAt), sql`${passwordResets.expiresAt} > ${now}`))
        .returning({ id: passwordResets.id }),
      db
        .update(users)
        .set({ passwordHash })
        .where(and(eq(users.id, row.userId), isNull(users.disabledAt), sql`exists (select 1 from ${passwordResets} where ${passwordResets.id} = ${row.id} and ${passwordResets.usedAt} = ${now})`)),
      db
        .delete(sessions)
        .where(and(eq(sessions.userId, row.userId), sql`exists (select 1 from ${passwordResets} where ${passwordResets.id} = ${row.id} and ${passwordResets.usedAt} = ${now})`))
        .returning({ id: sessions.id }),
    ]);
    if (!claimed.length) return apiError(c, 410, "This password link has just been used; ask an admin for a new one");
    if (ended.length) await closeSessionSockets(c.env, row.tenantId, { userId: row.userId }, "password set from a link");
    const user = await db.query.users.findFirst({ where: eq(users.id, row.userId) });
    noteAudit(c, { action: "user.password_set", targetType: "user", targetId: row.userId, summary: `${row.name} (${row.email}) set a password from a link`, actor: { type: "user", id: row.userId, name: row.name, tenantId: row.tenantId } });
    return c.json(await startSession(c, db, user!));
  }));
