/**
 * What an API key may do: the scope each request needs, read from its path and method, against the
 * scopes the key holds. A user's session is not limited here (roles are, by requireAdmin); a key is
 * limited by both its role and its scopes.
 */
import { createMiddleware } from "hono/factory";
import type { ApiScope } from "../../schema/constants.ts";
import type { AppEnv } from "../env.ts";
import { apiError } from "../lib/errors.ts";

type Resource = "calls" | "contacts" | "routing" | "numbers" | "marketing" | "settings";

/** The first segment of /api/<segment>/… → what it is about. */
const RESOURCES: Record<string, Resource | ApiScope | "anyone" | "users only"> = {
  auth: "anyone",
  signup: "anyone",
  calls: "calls",
  "calls.csv": "calls",
  contacts: "contacts",
  campaigns: "marketing",
  income: "marketing",
  reports: "marketing",
  tenant: "settings",
  "receiving-numbers": "routing",
  routes: "routing",
  "tracking-numbers": "numbers",
  keys: "keys:manage",
  "provider-accounts": "providers:manage",
  profile: "users only",
};

/** The scope a request needs; "anyone" for what every caller may ask, null for what no key may. */
export function scopeNeeded(method: string, path: string): ApiScope | "anyone" | null {
  const segment = /^\/api\/([^/]+)/.exec(path)?.[1];
  const resource = segment ? RESOURCES[segment] : undefined;
  // An unknown path is not ours to refuse: it gets its 404.
  if (resource === undefined || resource === "anyone") return "anyone";
  if (resource === "users only") return null;
  if (resource.includes(":")) return resource as ApiScope;
  return `${resource as Resource}:${/^(GET|HEAD)$/.test(method) ? "read" : "write"}`;
}

/** Refuses an API key the scope of the request, naming it. */
export function requireKeyScope() {
  return createMiddleware<AppEnv>(async function requireKeyScope(c, next) {
    const auth = c.get("auth");
    if (auth?.via !== "api-key") return next();
    const needed = scopeNeeded(c.req.method, c.req.path);
    if (needed === null) return apiError(c, 403, "This route is for a user's session, not an API key");
    if (needed !== "anyone" && !auth.apiKey.scopes.includes(needed)) return apiError(c, 403, `This API key does not have the ${needed} scope`);
    await next();
  });
}
