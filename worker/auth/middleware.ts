import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { ApiScope, UserRole } from "../../schema/constants.ts";
import type { AppEnv } from "../env.ts";
import { getDb } from "../../schema/d1.ts";
import { apiError } from "../lib/errors.ts";
import { resolveApiKey, resolveSession, touchApiKey } from "./queries.ts";

export const SESSION_COOKIE = "sb_session";

export type AuthTenant = { id: string; slug: string; name: string; timeZone: string; defaultCountry: string; crmUrlTemplate: string | null };
export type AuthUser = { id: string; email: string; name: string; role: UserRole; popupOn: "ring" | "answer"; popupCloseSeconds: number };

/** Who is asking: a logged-in user (session cookie) or a program (API key). Always one tenant. */
export type AuthContext =
  | { via: "session"; tenant: AuthTenant; user: AuthUser; sessionToken: string; session: { id: string; expiresAt: number } }
  | { via: "api-key"; tenant: AuthTenant; apiKey: { id: string; name: string; role: UserRole; scopes: ApiScope[] } };

const BEARER = /^Bearer\s+(\S+)$/i;

/** Resolves the caller from an API key or the session cookie; null when neither is valid. */
export async function authenticate(c: Context<AppEnv>): Promise<{ ok: true; auth: AuthContext } | { ok: false; error: string }> {
  const db = getDb(c.env.DB);
  const header = c.req.header("Authorization");
  if (header) {
    const key = BEARER.exec(header)?.[1];
    const found = key ? await resolveApiKey(db, key) : undefined;
    if (!found) return { ok: false, error: "Invalid API key" };
    // Recording use once a minute at most keeps a write off most requests.
    if (!found.apiKey.lastUsedAt || Date.now() - found.apiKey.lastUsedAt > 60_000) {
      c.executionCtx.waitUntil(touchApiKey(db, found.apiKey.id).catch(() => undefined));
    }
    const { id, name, role, scopes } = found.apiKey;
    return { ok: true, auth: { via: "api-key", tenant: found.tenant, apiKey: { id, name, role, scopes } } };
  }
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return { ok: false, error: "Not logged in" };
  const session = await resolveSession(db, token);
  if (!session.ok) return { ok: false, error: { expired: "Session expired; log in again", disabled: "This account is disabled; ask an admin of your business", unknown: "Not logged in" }[session.reason] };
  return { ok: true, auth: { via: "session", tenant: session.tenant, user: session.user, sessionToken: token, session: session.session } };
}

/** Every /api/ route behind this acts on the tenant of the session or key, never one the client names. */
export function requireAuth() {
  return createMiddleware<AppEnv>(async function requireAuth(c, next) {
    const result = await authenticate(c);
    if (!result.ok) return apiError(c, 401, result.error);
    c.set("auth", result.auth);
    await next();
  });
}
