/** Auth records in D1: sessions, API keys and the login throttle (per account and per client). */
import { and, eq, inArray, isNull, lt } from "drizzle-orm";
import { apiKeys, loginThrottle, sessions, tenants, users } from "../../schema/db.ts";
import type { Db } from "../../schema/d1.ts";
import type { ApiScope, UserRole } from "../../schema/constants.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";

export const SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;

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
      disabledAt: users.disabledAt,
      user: { id: users.id, email: users.email, name: users.name, role: users.role, popupOn: users.popupOn, popupCloseSeconds: users.popupCloseSeconds },
      tenant: { id: tenants.id, slug: tenants.slug, name: tenants.name, timeZone: tenants.timeZone, defaultCountry: tenants.defaultCountry, crmUrlTemplate: tenants.crmUrlTemplate },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(tenants, eq(tenants.id, sessions.tenantId))
    .where(eq(sessions.id, id))
    .get();
  if (!row) return { ok: false as const, reason: "unknown" as const };
  // Disabling a user deletes their sessions; this holds even for one made in the same instant.
  if (row.disabledAt !== null) return { ok: false as const, reason: "disabled" as const };
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
      tenant: { id: tenants.id, slug: tenants.slug, name: tenants.name, timeZone: tenants.timeZone, defaultCountry: tenants.defaultCountry, crmUrlTemplate: tenants.crmUrlTemplate },
    })
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .where(and(eq(apiKeys.keyHash, await sha256Hex(key)), isNull(apiKeys.revokedAt)))
    .get();
}

export async function touchApiKey(db: Db, id: string, now = Date.now()) {
  await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, id));
}

/**
 * Login throttling that slows a guesser without locking anyone out: an account's failures make each
 * next attempt wait longer (from the fourth failure on: 1 s, 2 s, 4 s … at most a minute), and a
 * client that fails too often (20 in the window, whatever the accounts) waits out the window.
 */
const ACCOUNT_FREE_FAILURES = 3;
const ACCOUNT_MAX_DELAY_MS = 60_000;
export const CLIENT_MAX_FAILURES = 20;

const accountKey = (email: string) => `account:${email.toLowerCase()}`;
const clientKey = (client: string) => `client:${client}`;

/** How long an account waits after `failures` failures in the window. */
export function accountDelayMs(failures: number) {
  return failures < ACCOUNT_FREE_FAILURES ? 0 : Math.min(1000 * 2 ** (failures - ACCOUNT_FREE_FAILURES), ACCOUNT_MAX_DELAY_MS);
}

/** Milliseconds until this account may be tried again from this client, and which of the two waits; 0 when it may now. */
export async function loginWait(db: Db, email: string, client: string, now = Date.now()) {
  const rows = await db.select().from(loginThrottle).where(inArray(loginThrottle.key, [accountKey(email), clientKey(client)]));
  let wait = { ms: 0, who: "account" as "account" | "client" };
  for (const row of rows) {
    const ms = (row.nextAttemptAt ?? 0) - now;
    if (now - row.windowStartedAt <= THROTTLE_WINDOW_MS && ms > wait.ms) wait = { ms, who: row.key.startsWith("client:") ? "client" : "account" };
  }
  return wait;
}

/** Counts a failed login against the account and the client, and forgets windows that are over. */
export async function recordLoginFailure(db: Db, email: string, client: string, now = Date.now()) {
  const rows = await db.select().from(loginThrottle).where(inArray(loginThrottle.key, [accountKey(email), clientKey(client)]));
  const next = (key: string, nextAttemptAt: (failures: number, windowStartedAt: number) => number | null) => {
    const row = rows.find((r) => r.key === key);
    const fresh = !row || now - row.windowStartedAt > THROTTLE_WINDOW_MS;
    const failures = fresh ? 1 : row.failures + 1;
    const windowStartedAt = fresh ? now : row.windowStartedAt;
    const values = { key, failures, windowStartedAt, nextAttemptAt: nextAttemptAt(failures, windowStartedAt) };
    return db.insert(loginThrottle).values(values).onConflictDoUpdate({ target: loginThrottle.key, set: values });
  };
  await db.batch([
    next(accountKey(email), (failures) => (accountDelayMs(failures) ? now + accountDelayMs(failures) : null)),
    next(clientKey(client), (failures, windowStartedAt) => (failures >= CLIENT_MAX_FAILURES ? windowStartedAt + THROTTLE_WINDOW_MS : null)),
    db.delete(loginThrottle).where(lt(loginThrottle.windowStartedAt, now - THROTTLE_WINDOW_MS)),
  ]);
}

/** A right password clears the account's failures (not the client's: a guesser may know one password). */
export async function clearLoginFailures(db: Db, email: string) {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, accountKey(email)));
}

/**
 * Attempts per client at what anyone may try without an account (signing up, accepting an
 * invitation, setting a password from a link), in the login throttle's table and window
 * (`<kind>:<address>`). Every attempt that reaches a check counts, so a 409 of a taken email cannot
 * list accounts faster than the limit, and no client makes the Worker hash passwords without end.
 */
export const SIGNUPS_PER_CLIENT = 10;
export const LINK_USES_PER_CLIENT = 20;

/** Counts an attempt; the milliseconds to wait when the client is over its limit, else 0. */
export async function countAttempt(db: Db, kind: "signup" | "link", client: string, now = Date.now()) {
  const key = `${kind}:${client}`;
  const limit = kind === "signup" ? SIGNUPS_PER_CLIENT : LINK_USES_PER_CLIENT;
  const row = await db.query.loginThrottle.findFirst({ where: eq(loginThrottle.key, key) });
  const fresh = !row || now - row.windowStartedAt > THROTTLE_WINDOW_MS;
  if (!fresh && row.failures >= limit) return row.windowStartedAt + THROTTLE_WINDOW_MS - now;
  const values = { key, failures: fresh ? 1 : row.failures + 1, windowStartedAt: fresh ? now : row.windowStartedAt, nextAttemptAt: null };
  await db.insert(loginThrottle).values(values).onConflictDoUpdate({ target: loginThrottle.key, set: values });
  return 0;
}

/**
 * Requests per client to what the business's website snippet asks (POST /dni/visits) in the throttle's
 * window: every page view of every visitor behind one address (an office, a school) counts, so the
 * limit is high; it stops one client from cycling a pool's numbers without end.
 */
export const VISITS_PER_CLIENT = 600;

/**
 * Counts a request of the client in the login throttle's table and window (`visit:<address>`), in one
 * statement, for a D1 batch beside the request's own read: the answer's row has the count so far in
 * the window (`failures`) and when the window started.
 */
export function countVisitStatement(d1: D1Database, client: string, now = Date.now()) {
  return d1
    .prepare(
      `insert into login_throttle (key, failures, window_started_at, next_attempt_at) values (?1, 1, ?2, null)
       on conflict (key) do update set
         failures = case when ?2 - window_started_at > ?3 then 1 else failures + 1 end,
         window_started_at = case when ?2 - window_started_at > ?3 then ?2 else window_started_at end
       returning failures, window_started_at`,
    )
    .bind(`visit:${client}`, now, THROTTLE_WINDOW_MS);
}

/** Forgets the throttle's windows that are over (a new client's first visit does it, off the answer's path). */
export async function forgetOldWindows(db: Db, now = Date.now()) {
  await db.delete(loginThrottle).where(lt(loginThrottle.windowStartedAt, now - THROTTLE_WINDOW_MS));
}
