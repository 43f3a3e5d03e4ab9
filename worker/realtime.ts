/**
 * The realtime socket, /parties/switchboard/<tenant-slug>. Everything is checked here, in the
 * Worker, before the tenant's Durable Object is reached: a WebSocket upgrade, from an allowed
 * Origin (browsers send it; a page on another site must not ride on the cookie), with a valid
 * session, for the session's own tenant. The Switchboard is told the user and the session (its id
 * and expiry), so the socket closes when the session ends.
 */
import { Hono } from "hono/tiny";
import * as z from "zod/mini";
import { ROLE_HEADER, SESSION_EXPIRES_HEADER, SESSION_HEADER, USER_HEADER } from "../party/switchboard.ts";
import { authenticate } from "./auth/middleware.ts";
import type { AppEnv } from "./env.ts";
import { apiError } from "./lib/errors.ts";
import { originAllowed } from "./lib/origin.ts";
import { validate } from "./lib/validate.ts";
import { lazy } from "../schema/lazy.ts";

const query = lazy(() => z.object({
  since: z.optional(z.coerce.number().check(z.int(), z.minimum(0))),
  frames: z.optional(z.literal("many")),
  // partysocket names each connection; kept as it is.
  _pk: z.optional(z.string().check(z.maxLength(100))),
}));

export const realtimeRoutes = new Hono<AppEnv>().get("/switchboard/:slug", validate("query", query), async (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") return apiError(c, 426, "Expected a WebSocket upgrade");
  if (!originAllowed(c.req.header("Origin"), c.req.url, c.env.ALLOWED_ORIGINS)) return apiError(c, 403, "Origin not allowed");
  const result = await authenticate(c);
  if (!result.ok) return apiError(c, 401, result.error);
  const { auth } = result;
  if (auth.via !== "session") return apiError(c, 403, "The realtime socket takes a dashboard session");
  if (auth.tenant.slug !== c.req.param("slug")) return apiError(c, 403, "Not your tenant");

  // Only what the Worker vouches for reaches the Durable Object: client-sent internal headers are dropped.
  const headers = new Headers(c.req.raw.headers);
  const internal: string[] = [];
  headers.forEach((_, name) => {
    if (name.startsWith("x-partykit-") || name.startsWith("x-switchboard-")) internal.push(name);
  });
  for (const name of internal) headers.delete(name);
  // The socket lives no longer than this session: the Switchboard keeps its id and expiry to close it.
  headers.set(USER_HEADER, auth.user.id);
  headers.set(SESSION_HEADER, auth.session.id);
  headers.set(SESSION_EXPIRES_HEADER, String(auth.session.expiresAt));
  headers.set(ROLE_HEADER, auth.user.role);
  return c.env.Switchboard.getByName(auth.tenant.id).fetch(new Request(c.req.url, { headers }));
});
