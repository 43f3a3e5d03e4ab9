import { eq } from "drizzle-orm";
import type { ErrorHandler, NotFoundHandler } from "hono";
import { Hono } from "hono/tiny";
import { bodyLimit } from "hono/body-limit";
import { except } from "hono/combine";
import { HTTPException } from "hono/http-exception";
import { mount } from "hono/mount";
import { secureHeaders } from "hono/secure-headers";
import { auditLog } from "./audit/log.ts";
import { auditRoutes } from "./audit/routes.ts";
import { requireAuth } from "./auth/middleware.ts";
import { sameOrigin } from "./auth/same-origin.ts";
import { authorize, isPublic } from "./auth/scopes.ts";
import { apiKeyRoutes } from "./auth/keys.ts";
import { authRoutes } from "./auth/routes.ts";
import { signupRoutes } from "./auth/signup.ts";
import { invitationRoutes, resetRoutes, userRoutes } from "./auth/team.ts";
import { callCsvRoutes, callRoutes } from "./calls/routes.ts";
import { providerAccountRoutes } from "./accounts/routes.ts";
import { campaignRoutes, contactImportRoutes, incomeRoutes, MAX_IMPORT_BYTES, reportRoutes, tenantRoutes } from "./marketing/routes.ts";
import { contactRoutes } from "./contacts/routes.ts";
import { realtimeRoutes } from "./realtime.ts";
import { profileRoutes, receivingNumberRoutes, routeRoutes } from "./routing/routes.ts";
import { businessHoursRoutes } from "./routing/business-hours.ts";
import { trackingNumberRoutes } from "./numbers/routes.ts";
import { setupRoutes } from "./setup/routes.ts";
import { poolRoutes } from "./dni/pools.ts";
import { sourceReportRoutes } from "./dni/report.ts";
import { snippet, visitRoutes } from "./dni/visits.ts";
import { inboundWebhooks } from "./webhooks/inbound.ts";
import { webhookRoutes } from "./outbound/routes.ts";
import { ADAPTERS } from "./providers/index.ts";
import type { AppEnv } from "./env.ts";
import { timingSafeEqualText } from "./lib/crypto.ts";
import { apiError } from "./lib/errors.ts";
import { getDb } from "../schema/d1.ts";
import { tenants } from "../schema/db.ts";
import { lazy } from "../schema/lazy.ts";

export const MAX_BODY_BYTES = 64 * 1024;
/** A Switchboard no tenant uses, for health checks. */
const HEALTH_OBJECT = "health-check";

/** Unmatched paths, in the API's words. */
const notFound: NotFoundHandler<AppEnv> = (c) => apiError(c, 404, `No route for ${c.req.method} ${new URL(c.req.url).pathname}`);

const onError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof HTTPException) {
    // Hono raises these for malformed bodies and the like: the client's fault, said plainly.
    const fallback = err.status === 403 ? "Cross-site request refused" : "Bad request";
    return apiError(c, err.status as 400, err.message || fallback);
  }
  console.error("unhandled error", err);
  return apiError(c, 500, "Internal error");
};

// Paths here are tested as patterns, not given to `except` as route paths: those make it build
// a router of its own when the app is made, at start-up (README, Performance: "The sixth part").
/** The CSV imports (`/api/<list>/import`, with or without a trailing slash, as the router takes them), which may be larger than any JSON body. */
const IMPORT_PATH = /^\/api\/[^/]*\/import\/?$/;

/**
 * The REST API and the providers' webhooks are apps of their own, each made at its first request
 * (schema/lazy.ts): an isolate that starts for a call makes the webhooks' routes and none of the
 * API's, one that serves only the dashboard the reverse, and a Durable Object's isolate neither. Each
 * answers an unmatched path and an error as the app does.
 */
export const api = lazy(() =>
  new Hono<AppEnv>()
    .basePath("/api")
    .use(
      // CSV imports may be larger than any JSON body.
      except((c) => IMPORT_PATH.test(c.req.path), bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => apiError(c, 413, `Request body is larger than ${MAX_BODY_BYTES / 1024} KB`) })),
      // Cookies ride along on cross-site requests; a bearer key does not, so only cookie requests need the check.
      except((c) => c.req.header("Authorization") !== undefined, sameOrigin()),
      // Everything but what gets a newcomer in needs a session or an API key, and what it asks must be
      // within the user's role (a key: its role and its scopes).
      except((c) => isPublic(c.req.method, c.req.path), requireAuth(), authorize()),
      // After the checks, so what they refuse is never logged; around every route, so none can forget.
      auditLog(),
    )
    .route("/auth/reset", resetRoutes)
    .route("/auth", authRoutes)
    .route("/signup", signupRoutes)
    .use("/*/import", bodyLimit({ maxSize: MAX_IMPORT_BYTES, onError: (c) => apiError(c, 413, `File is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB`) }))
    .route("/contacts/import", contactImportRoutes)
    .route("/contacts", contactRoutes)
    .route("/calls.csv", callCsvRoutes)
    .route("/calls", callRoutes)
    .route("/campaigns", campaignRoutes)
    .route("/income", incomeRoutes)
    .route("/reports", sourceReportRoutes)
    .route("/reports", reportRoutes)
    .route("/tenant", tenantRoutes)
    .route("/provider-accounts", providerAccountRoutes)
    .route("/keys", apiKeyRoutes)
    .route("/users", userRoutes)
    .route("/invitations", invitationRoutes)
    .route("/receiving-numbers", receivingNumberRoutes)
    .route("/routes", routeRoutes)
    .route("/business-hours", businessHoursRoutes)
    .route("/tracking-numbers", trackingNumberRoutes)
    .route("/pools", poolRoutes)
    .route("/profile", profileRoutes)
    .route("/setup", setupRoutes)
    .route("/audit", auditRoutes)
    .route("/webhooks", webhookRoutes)
    .notFound(notFound)
    .onError(onError),
);

export const webhooks = lazy(() => {
  const app = new Hono<AppEnv>().basePath("/webhooks").use(bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.text(`Request body is larger than ${MAX_BODY_BYTES / 1024} KB`, 413) }));
  // Each provider's webhooks under /webhooks/<provider id>/, all through the one inbound flow.
  for (const adapter of ADAPTERS) app.route(`/${adapter.id}`, inboundWebhooks(adapter));
  return app.notFound(notFound).onError(onError);
});

/** Hands a request to one of those apps as it came (its path whole), with the same bindings and context. */
const handOver = (to: { fetch: Hono<AppEnv>["fetch"] }) => mount((request: Request, env: Env, ctx: ExecutionContext | undefined) => to.fetch(request, env, ctx), { replaceRequest: false });

/**
 * What every answer of the Worker says to a browser (the dashboard's own files get the same from
 * client/public/_headers): run no script and load nothing but our own, never inside another site's
 * frame, send no referrer to other sites, and https only once seen over https.
 */
/** Where a call's recording may play from: the providers' hosts, as their adapters accept them (client/public/_headers says the same). */
export const RECORDING_SOURCES = ["'self'", "https://*.twilio.com", "https://*.signalwire.com", "https://*.telnyx.com", "https://*.amazonaws.com", "https://*.plivo.com", "https://*.nexmo.com", "https://*.vonage.com"] as const;

export const SECURITY_HEADERS = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    // Recordings and voicemails play inline from the providers' own hosts (the adapters let no other through).
    mediaSrc: [...RECORDING_SOURCES],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: "DENY",
  referrerPolicy: "same-origin",
  strictTransportSecurity: "max-age=31536000; includeSubDomains",
  crossOriginResourcePolicy: "same-origin",
});

/** The deep health checks reach D1 and a Durable Object: only for those who hold HEALTH_KEY. */
function healthKeyHeld(c: { env: Env; req: { header(name: string): string | undefined } }) {
  const key = c.env.HEALTH_KEY;
  return Boolean(key) && timingSafeEqualText(c.req.header("Authorization") ?? "", `Bearer ${key}`);
}

/**
 * What carries no security headers: the realtime socket (`/parties/*`), the webhooks (`/webhooks/*`)
 * and the website snippet. A trailing slash as the router takes it (hono's pattern router matches a
 * route's path with or without one).
 */
const WITHOUT_SECURITY_HEADERS = /^\/(parties|webhooks)(\/|$)|^\/dni\.js\/?$/;

export const app = new Hono<AppEnv>()
  // For browsers: a provider reads the webhooks' answers, and a WebSocket upgrade's answer is the
  // Durable Object's own (its headers immutable), so neither carries them.
  // The website snippet is loaded by the business's own pages, on their origin: it sets its own headers.
  .use(except((c) => WITHOUT_SECURITY_HEADERS.test(c.req.path), SECURITY_HEADERS))
  .get("/health", (c) => c.json({ ok: true }))
  .use("/health/*", async (c, next) => (healthKeyHeld(c) ? next() : apiError(c, 401, "The deep health checks take the HEALTH_KEY as a bearer key")))
  // The floors the benchmark measures against: one Durable Object round trip, one D1 query.
  .get("/health/durable-object", async (c) => c.json({ ok: true, at: await c.env.Switchboard.getByName(HEALTH_OBJECT).ping() }))
  .get("/health/d1", async (c) => c.json({ ok: true, one: (await c.env.DB.prepare("select 1 as one").first<{ one: number }>())?.one }))
  // The benchmark's cold rounds, on a local server only (SWITCHBOARD_RESETS=allow in .dev.vars): a
  // tenant's Switchboard is reset as an eviction would; the answer says when the instance it ended began.
  .post("/health/switchboard/:slug/reset", async (c) => {
    if (c.env.SWITCHBOARD_RESETS !== "allow") return apiError(c, 404, "Switchboard resets are for local servers (SWITCHBOARD_RESETS=allow)");
    const tenant = await getDb(c.env.DB).select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, c.req.param("slug"))).get();
    if (!tenant) return apiError(c, 404, "No such tenant");
    const switchboard = c.env.Switchboard.getByName(tenant.id);
    const startedAt = await switchboard.startedAt();
    // The reset ends the instance inside the call, which therefore fails: that is the reset succeeding.
    await switchboard.reset().catch(() => undefined);
    return c.json({ ok: true, startedAt });
  })
  // The benchmark's soak and scale passes: a tenant's Switchboard's storage (SQLite size, rows per table), open sockets and when its instance began. Reads only.
  .get("/health/switchboard/:slug/storage", async (c) => {
    const tenant = await getDb(c.env.DB).select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, c.req.param("slug"))).get();
    if (!tenant) return apiError(c, 404, "No such tenant");
    return c.json({ ok: true, ...(await c.env.Switchboard.getByName(tenant.id).storageStats()) });
  })
  .all("/api/*", handOver(api))
  .all("/webhooks/*", handOver(webhooks))
  .route("/parties", realtimeRoutes)
  // Dynamic number insertion: the snippet websites load, and the number it asks for each visit.
  .get("/dni.js", snippet)
  .route("/dni", visitRoutes)
  .notFound(notFound)
  .onError(onError);

export type App = typeof app;
