/**
 * Requests that change something and ride on the dashboard's session cookie must come from the
 * dashboard's own origin (or one listed in ALLOWED_ORIGINS), whatever their body's type: Hono's csrf()
 * checks only the content types a plain HTML form can send, and counts on the browser's preflight for
 * the rest. Browsers send `Origin` on every such request; one without it is taken as same-origin only
 * when the browser says so (`Sec-Fetch-Site: same-origin`). Requests with an API key are not subject
 * to this: no browser attaches a bearer key by itself.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { apiError } from "../lib/errors.ts";
import { originAllowed } from "../lib/origin.ts";

const SAFE = /^(GET|HEAD|OPTIONS)$/;

export function sameOrigin() {
  return createMiddleware<AppEnv>(async function sameOrigin(c, next) {
    if (SAFE.test(c.req.method)) return next();
    const origin = c.req.header("Origin");
    const allowed = origin ? originAllowed(origin, c.req.url, c.env.ALLOWED_ORIGINS) : c.req.header("Sec-Fetch-Site") === "same-origin";
    if (!allowed) return apiError(c, 403, "Cross-site request refused");
    await next();
  });
}
