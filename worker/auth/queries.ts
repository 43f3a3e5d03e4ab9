/** Auth records in D1: sessions, API keys and the per-account login throttle. */
import { and, eq, gt, isNull } from "drizzle-orm";
import { apiKeys, loginThrottle, sessions, tenants, users } from "../../schema/db.ts";
import type { Db } from "../../schema/d1.ts";
import type { ApiScope, UserRole } from "../../schema/constants.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";

export const SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const THROTTLE_MAX_FAILURES = 5;

export async function findUserByEmail(db: Db, email: string) {
  return db.query.users.findFirst({ where: eq(users.email, email) });
}

/** Creates a session and returns the cookie token; only its hash is stored. */
export async function createSession(db: Db, user: { id: string; tenantId: string }, now = Date.now()) {
  const token = randomToken();
  await db.insert(sessions).values({
    id: await sha256Hex(token),
    tenantId: user.tenantId,
    userId: user.id,
    expiresAt: now + SESSION_TTL_MS,
    createdAt: now,
  });
  return token;
}

export async function deleteSession(db: Db, token: string) {
  await db.delete(sessions).where(eq(sessions.id, await sha256Hex(token)));
}

/** The session's user and tenant, or why there is none. One D1 query. */
export async function resolveSession(db: Db, token: string, now = Date.now()) {
  const id = await sha256Hex(token);
  const row = await db
    .select({
      expiresAt: sessions.expiresAt,
      user: { id: users.id, email: users.email, name: users.name, role: users.role, popupOn: users.popupOn },
      tenant: { id: tenants.id, slug: tenants.slug, name: tenants.name, timeZone: tenants.timeZone, defaultCountry: tenants.defaultCountry },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(tenants, eq(tenants.id, sessions.tenantId))
    .where(eq(sessions.id, id))
    .get();
  if (!row) return { ok: false as const, reason: "unknown" as const };
  if (row.expiresAt <= now) {
    await db.delete(sessions).where(eq(sessions.id, id));
    return { ok: false as const, reason: "expired" as const };
  }
  return { ok: true as const, user: row.user, tenant: row.tenant, session: { id, expiresAt: row.expiresAt } };
}

type NewKey = { name: string; role: UserRole; scopes: ApiScope[]; createdByUserId?: string; createdByKeyId?: string };

export async function createApiKey(db: Db, tenantId: string, fields: NewKey) {
  const key = `sb_${randomToken(24)}`;
  const id = crypto.randomUUID();
  const prefix = key.slice(0, 10);
  await db.insert(apiKeys).values({ id, tenantId, ...fields, prefix, keyHash: await sha256Hex(key), createdAt: Date.now() });
  return { id, name: fields.name, prefix, role: fields.role, scopes: fields.scopes, key };
}

export async function resolveApiKey(db: Db, key: string) {
  return db
    .select({
      apiKey: { id: apiKeys.id, name: apiKeys.name, lastUsedAt: apiKeys.lastUsedAt, role: apiKeys.role, scopes: apiKeys.scopes },
      tenant: { id: tenants.id, slug: tenants.slug, name: tenants.name, timeZone: tenants.timeZone, defaultCountry: tenants.defaultCountry },
    })
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .where(and(eq(apiKeys.keyHash, await sha256Hex(key)), isNull(apiKeys.revokedAt)))
    .get();
}

export async function touchApiKey(db: Db, id: string, now = Date.now()) {
  await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, id));
}

/** Milliseconds until this account may try again, or 0. */
export async function loginLockedFor(db: Db, email: string, now = Date.now()) {
  const row = await db.query.loginThrottle.findFirst({ where: and(eq(loginThrottle.email, email), gt(loginThrottle.lockedUntil, now)) });
  return row?.lockedUntil ? row.lockedUntil - now : 0;
}

/** Counts a failed login; the fifth failure inside the window locks the account for a window. */
export async function recordLoginFailure(db: Db, email: string, now = Date.now()) {
  const row = await db.query.loginThrottle.findFirst({ where: eq(loginThrottle.email, email) });
  const fresh = !row || now - row.windowStartedAt > THROTTLE_WINDOW_MS;
  const failures = fresh ? 1 : row.failures + 1;
  const lockedUntil = failures >= THROTTLE_MAX_FAILURES ? now + THROTTLE_WINDOW_MS : null;
  const values = { email, failures, windowStartedAt: fresh ? now : row.windowStartedAt, lockedUntil };
  await db.insert(loginThrottle).values(values).onConflictDoUpdate({ target: loginThrottle.email, set: values });
}

export async function clearLoginFailures(db: Db, email: string) {
  await db.delete(loginThrottle).where(eq(loginThrottle.email, email));
}
