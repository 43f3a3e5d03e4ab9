/**
 * What a request may do, in one place: the scope each request needs, read from its path and method,
 * against what the caller holds. A user's session holds what the user's role grants (ROLE_SCOPES); an
 * API key holds its own scopes and a role, and may do only what both allow. Every /api/ route passes
 * here after requireAuth, so no route can forget its check.
 */
import { createMiddleware } from "hono/factory";
import { mayDo, type ApiScope, type UserRole } from "../../schema/constants.ts";
import type { AppEnv } from "../env.ts";
import { apiError } from "../lib/errors.ts";
import type { AuthContext } from "./middleware.ts";

type Resource = "calls" | "contacts" | "routing" | "numbers" | "marketing" | "settings";
type Need = Resource | ApiScope | "anyone" | "users only";

/** The first segment of /api/<segment>/… → what it is about. */
const RESOURCES: Record<string, Need> = {
  auth: "anyone",
  signup: "anyone",
  calls: "calls",
  "calls.csv": "calls",
  contacts: "contacts",
  campaigns: "marketing",
  income: "marketing",
  reports: "marketing",
  tenant: "settings",
  // The first-run checklist: every role reads what the business still has to set up.
  setup: "settings",
  "receiving-numbers": "routing",
  routes: "routing",
  // Who edits routes edits the hours they read.
  "business-hours": "routing",
  "tracking-numbers": "numbers",
  // Number pools are tracking numbers shown to website visitors.
  pools: "numbers",
  keys: "keys:manage",
  "provider-accounts": "providers:manage",
  users: "users:manage",
  invitations: "users:manage",
  audit: "audit:read",
  profile: "users only",
  // Where the business's events go, signed with secrets only an admin sees.
  webhooks: "webhooks:manage",
};

/**
 * What anyone may ask without a session or key: how a newcomer gets one (logging in, signing up,
 * accepting an invitation, setting a password from a link). Method and path, exactly.
 */
export const PUBLIC_ROUTES = ["POST /api/auth/login", "POST /api/signup", "GET /api/invitations/accept", "POST /api/invitations/accept", "GET /api/auth/reset", "POST /api/auth/reset"];
export const isPublic = (method: string, path: string) => PUBLIC_ROUTES.includes(`${method} ${path.replace(/\/$/, "")}`);

/** Paths that differ from their first segment's resource. */
const EXCEPTIONS: [RegExp, Need][] = [
  // A password is a user's own.
  [/^\/api\/auth\/password\/?$/, "users only"],
  // A bulk import is a manager's work, not an agent's who edits one contact at a time.
  [/^\/api\/contacts\/import\/?$/, "contacts:import"],
];

/** The scope a request needs; "anyone" for what every caller may ask, null for a user's own things (no key). */
export function scopeNeeded(method: string, path: string): ApiScope | "anyone" | null {
  if (isPublic(method, path)) return "anyone";
  const segment = /^\/api\/([^/]+)/.exec(path)?.[1];
  const resource = EXCEPTIONS.find(([pattern]) => pattern.test(path))?.[1] ?? (segment ? RESOURCES[segment] : undefined);
  // An unknown path is not ours to refuse: it gets its 404.
  if (resource === undefined || resource === "anyone") return "anyone";
  if (resource === "users only") return null;
  if (resource.includes(":")) return resource as ApiScope;
  return `${resource as Resource}:${/^(GET|HEAD)$/.test(method) ? "read" : "write"}`;
}

const ARTICLE: Record<UserRole, string> = { admin: "An admin", manager: "A manager", agent: "An agent", reporting: "A reporting user" };

/** Why the caller may not do what needs `needed`; undefined when they may. */
export function refusal(auth: AuthContext, needed: ApiScope | "anyone" | null): string | undefined {
  if (needed === "anyone") return undefined;
  if (auth.via === "session") {
    if (needed === null) return undefined;
    return mayDo(auth.user.role, needed) ? undefined : `${ARTICLE[auth.user.role]} may not do this`;
  }
  if (needed === null) return "This route is for a user's session, not an API key";
  if (!auth.apiKey.scopes.includes(needed)) return `This API key does not have the ${needed} scope`;
  if (!mayDo(auth.apiKey.role, needed)) return `This API key has the ${auth.apiKey.role} role, which may not do this`;
  return undefined;
}

/** Refuses the request what the caller's role (and a key's scopes) do not allow: 403, naming why. */
export function authorize() {
  return createMiddleware<AppEnv>(async function authorize(c, next) {
    const why = refusal(c.get("auth"), scopeNeeded(c.req.method, c.req.path));
    if (why) return apiError(c, 403, why);
    await next();
  });
}
