/**
 * The public side of dynamic number insertion: `/dni.js`, the snippet a business pastes into its
 * website, and `POST /dni/visits`, which it asks for the number to show this visit. Anyone may ask,
 * but only from a page of one of the business's own website origins (CORS, Settings › Business), and
 * each client only so often (the login throttle's table and window). The visit's lease is the
 * tenant's Switchboard's; the Worker reads where the visit came from (./source.ts).
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { bodyLimit } from "hono/body-limit";
import { visitRequest, type VisitAnswer } from "../../schema/dni.ts";
import { formatPhone } from "../../schema/phone.ts";
import type { AppEnv } from "../env.ts";
import { clientOf } from "../auth/routes.ts";
import { countVisitStatement, forgetOldWindows, THROTTLE_WINDOW_MS, VISITS_PER_CLIENT } from "../auth/queries.ts";
import { getDb } from "../../schema/d1.ts";
import { apiError } from "../lib/errors.ts";
import { refuseInvalid } from "../lib/validate.ts";
import { readSource } from "./source.ts";

/** A snippet's request is a few URLs: anything larger is not one. */
export const MAX_VISIT_BYTES = 8 * 1024;

/** What a page of an allowed origin may read, and send (a preflight is answered for any origin: the POST is what is checked). */
function allowOrigin(c: Context<AppEnv>, origin: string) {
  c.header("Access-Control-Allow-Origin", origin);
  c.header("Vary", "Origin");
}

type TenantRow = { id: string; default_country: string; site_origins: string };

export const visitRoutes = new Hono<AppEnv>()
  .options("/visits", (c) => {
    const origin = c.req.header("Origin");
    if (origin) allowOrigin(c, origin);
    c.header("Access-Control-Allow-Methods", "POST");
    c.header("Access-Control-Allow-Headers", "Content-Type");
    c.header("Access-Control-Max-Age", "86400");
    return c.body(null, 204);
  })
  .post("/visits", bodyLimit({ maxSize: MAX_VISIT_BYTES, onError: (c) => apiError(c, 413, `Request body is larger than ${MAX_VISIT_BYTES / 1024} KB`) }), async (c) => {
    // Any content type: the snippet sends its JSON as text/plain, which needs no preflight round trip.
    let raw: unknown;
    try {
      raw = JSON.parse(await c.req.text());
    } catch {
      return apiError(c, 400, "Invalid json: the body must be a JSON object like { tenant, url, referrer, landingPage }");
    }
    const parsed = visitRequest.safeParse(raw);
    if (!parsed.success) return refuseInvalid(c, "json", parsed.error);
    const body = parsed.data;
    const now = Date.now();
    // The business and the client's count, in one round trip to D1.
    const [tenants, counted] = await c.env.DB.batch([
      c.env.DB.prepare("select id, default_country, site_origins from tenants where slug = ?").bind(body.tenant),
      countVisitStatement(c.env.DB, clientOf(c), now),
    ]);
    const tenant = (tenants!.results as TenantRow[])[0];
    if (!tenant) return apiError(c, 404, "No such business: check the snippet's data-switchboard attribute");
    const origin = c.req.header("Origin");
    const origins = JSON.parse(tenant.site_origins) as string[];
    if (!origin || !origins.includes(origin)) {
      return apiError(c, 403, origin ? `${origin.slice(0, 200)} is not one of the business's website origins (Settings › Business)` : "Only a page of the business's website may ask (no Origin header)");
    }
    allowOrigin(c, origin);
    const count = (counted!.results as { failures: number; window_started_at: number }[])[0];
    if (count && count.failures === 1) c.executionCtx.waitUntil(forgetOldWindows(getDb(c.env.DB), now).catch((err: unknown) => console.error("could not forget old throttle windows", err)));
    if (count && count.failures > VISITS_PER_CLIENT) {
      c.header("Retry-After", String(Math.max(1, Math.ceil((count.window_started_at + THROTTLE_WINDOW_MS - now) / 1000))));
      return apiError(c, 429, "Too many visits from here; try again later");
    }
    const { facts, explicit } = readSource(body);
    const leased = await c.env.Switchboard.getByName(tenant.id).dniVisit({ visitId: body.visitId ?? null, facts, explicit });
    const answer: VisitAnswer = { visitId: leased.visitId, number: leased.number, display: leased.number ? formatPhone(leased.number, tenant.default_country) : null };
    c.header("Cache-Control", "no-store");
    return c.json(answer);
  });

/**
 * `/dni.js`, built from client/dni/ into the static assets: served here so that any website may load
 * it (the dashboard's own files may not be embedded elsewhere), and cached for five minutes.
 */
export async function snippet(c: Context<AppEnv>) {
  const asset = await c.env.ASSETS.fetch(new Request(new URL("/dni.js", c.req.url)));
  // The assets answer a missing file with the dashboard's page (single-page fallback): that is no script.
  if (!asset.ok || !(asset.headers.get("Content-Type") ?? "").includes("javascript")) return apiError(c, 404, "dni.js is not built here: run npm run build");
  return new Response(asset.body, {
    headers: {
      "Content-Type": "text/javascript; charset=utf-8",
      "Cache-Control": "public, max-age=300",
      "X-Content-Type-Options": "nosniff",
      "Cross-Origin-Resource-Policy": "cross-origin",
      "Access-Control-Allow-Origin": "*",
    },
  });
}
