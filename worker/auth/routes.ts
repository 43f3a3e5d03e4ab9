import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { deleteCookie, setCookie } from "hono/cookie";
import { loginBody, passwordChange } from "../../schema/api.ts";
import type { AppEnv } from "../env.ts";
import { noteAudit, plural } from "../audit/note.ts";
import { getDb, type Db } from "../../schema/d1.ts";
import { hashPassword, verifyPassword } from "../lib/crypto.ts";
import { apiError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { SESSION_COOKIE } from "./middleware.ts";
import { closeSessionSockets } from "./sessions.ts";
import { SESSION_TTL_MS, clearLoginFailures, countAttempt, createSession, deleteSession, findUserByEmail, loginWait, recordLoginFailure } from "./queries.ts";
import { sessions, tenants, users } from "../../schema/db.ts";
import { and, eq, ne } from "drizzle-orm";
import { lazy } from "../../schema/lazy.ts";

/** The client asking: the address Cloudflare saw (`CF-Connecting-IP`); locally, there is one client. */
export function clientOf(c: { req: { header(name: string): string | undefined } }) {
  return c.req.header("CF-Connecting-IP") ?? "local";
}

/**
 * Counts one attempt of the client at something public (signing up, using a link): the 429, with
 * Retry-After, once it is over its limit; undefined while it may go on.
 */
export async function overLimit(c: Context<AppEnv>, db: Db, kind: "signup" | "link", message: string) {
  const wait = await countAttempt(db, kind, clientOf(c));
  if (wait <= 0) return undefined;
  c.header("Retry-After", String(Math.ceil(wait / 1000)));
  return apiError(c, 429, message);
}

/**
 * Logs the user in: a new session, its cookie on the answer, and what the dashboard shows of who is
 * in. Logging in and signing up answer alike.
 */
export async function startSession(c: Context<AppEnv>, db: Db, user: typeof users.$inferSelect) {
  const token = await createSession(db, user);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: new URL(c.req.url).protocol === "https:",
    path: "/",
    maxAge: SESSION_TTL_MS / 1000,
  });
  const tenant = await db.query.tenants.findFirst({ where: eq(tenants.id, user.tenantId) });
  return {
    user: { id: user.id, email: user.email, name: user.name, role: user.role, popupOn: user.popupOn, popupCloseSeconds: user.popupCloseSeconds },
    tenant: tenant && { id: tenant.id, slug: tenant.slug, name: tenant.name },
  };
}

// Verified when the email is unknown, so that a wrong email costs as long as a wrong password.
const DUMMY_HASH = "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

export const authRoutes = lazy(() => new Hono<AppEnv>()
  .post("/login", validate("json", loginBody), async (c) => {
    const { email, password } = c.req.valid("json");
    const db = getDb(c.env.DB);
    const client = clientOf(c);
    const wait = await loginWait(db, email, client);
    if (wait.ms > 0) {
      const seconds = Math.ceil(wait.ms / 1000);
      c.header("Retry-After", String(seconds));
      const when = seconds > 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} second${seconds === 1 ? "" : "s"}`;
      return apiError(c, 429, wait.who === "account" ? `Too many failed logins for this account; try again in ${when}` : `Too many failed logins from here; try again in ${when}`);
    }
    const user = await findUserByEmail(db, email);
    const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !valid) {
      await recordLoginFailure(db, email, client);
      return apiError(c, 401, "Wrong email or password");
    }
    await clearLoginFailures(db, email);
    // Told only to whoever knows the password: the account exists, and an admin has turned it off.
    if (user.disabledAt !== null) return apiError(c, 403, "This account is disabled; ask an admin of your business");
    return c.json(await startSession(c, db, user));
  })
  // Logging out, the password and `me` are behind the API router's requireAuth and authorize, as every non-public route is.
  .post("/logout", async (c) => {
    const auth = c.get("auth");
    if (auth.via === "session") {
      await deleteSession(getDb(c.env.DB), auth.sessionToken);
      // The dashboards open with this session stop receiving calls now, not when they next reconnect.
      await closeSessionSockets(c.env, auth.tenant.id, { sessionId: auth.session.id }, "logged out");
    }
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.json({ ok: true });
  })
  .post("/password", validate("json", passwordChange), async (c) => {
    const auth = c.get("auth");
    if (auth.via !== "session") throw new Error("unreachable: authorize lets no API key change a password");
    const { current, next } = c.req.valid("json");
    const db = getDb(c.env.DB);
    const client = clientOf(c);
    // Whoever holds a stolen session guesses the password here as at the login: the same throttle.
    const wait = await loginWait(db, auth.user.email, client);
    if (wait.ms > 0) {
      c.header("Retry-After", String(Math.ceil(wait.ms / 1000)));
      return apiError(c, 429, "Too many wrong passwords; try again later");
    }
    const user = await db.query.users.findFirst({ columns: { passwordHash: true }, where: eq(users.id, auth.user.id) });
    if (!user || !(await verifyPassword(current, user.passwordHash))) {
      await recordLoginFailure(db, auth.user.email, client);
      return apiError(c, 403, "Wrong current password");
    }
    const [, ended] = await db.batch([
      db.update(users).set({ passwordHash: await hashPassword(next) }).where(eq(users.id, auth.user.id)),
      // Every other session of the user ends: whoever else held one must now know the new password.
      db
        .delete(sessions)
        .where(and(eq(sessions.userId, auth.user.id), ne(sessions.id, auth.session.id)))
        .returning({ id: sessions.id }),
    ]);
    await clearLoginFailures(db, auth.user.email);
    // Their sockets close now, session by session, so this dashboard's own stay open.
    await Promise.all(ended.map((s) => closeSessionSockets(c.env, auth.tenant.id, { sessionId: s.id }, "password changed")));
    noteAudit(c, {
      action: "user.password_changed",
      targetType: "user",
      targetId: auth.user.id,
      summary: `${auth.user.name} changed their password${ended.length ? ` (${plural(ended.length, "other session")} ended)` : ""}`,
      details: { endedSessions: ended.length },
    });
    return c.json({ ok: true, endedSessions: ended.length });
  })
  .get("/me", (c) => {
    const auth = c.get("auth");
    // The country is how the dashboard writes phone numbers: nationally for the tenant's own, internationally for others.
    // crmUrlTemplate: the popup's "Open in CRM" link (schema/webhooks.ts crmUrl fills it in), or null for none.
    const tenant = { id: auth.tenant.id, slug: auth.tenant.slug, name: auth.tenant.name, timeZone: auth.tenant.timeZone, country: auth.tenant.defaultCountry, crmUrlTemplate: auth.tenant.crmUrlTemplate };
    return auth.via === "session" ? c.json({ via: auth.via, user: auth.user, tenant }) : c.json({ via: auth.via, apiKey: auth.apiKey, tenant });
  }));
