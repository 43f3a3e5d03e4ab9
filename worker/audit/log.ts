/**
 * The audit log: who changed what, and when. One middleware on the API router writes an event for
 * every change that succeeds on an audited resource (users, invitations, keys, provider accounts,
 * numbers, routes, campaigns, income, the tenant's settings, contact imports, passwords, webhooks), in the
 * route's own words when it noted them (noteAudit), else in words made from the method and the
 * route. The high-volume daily work (calls, single contacts, a profile, logging in) is not audited.
 * Events are rows of `audit_events`, which the database keeps append-only.
 */
import { matchedRoutes } from "hono/route";
import { createMiddleware } from "hono/factory";
import { auditEvents } from "../../schema/db.ts";
import { getDb, type Db } from "../../schema/d1.ts";
import type { AuthContext } from "../auth/middleware.ts";
import type { AppEnv } from "../env.ts";
import type { AuditActor, AuditNote } from "./note.ts";

/** Audited paths, each with what its generic summary calls the thing (`Changed route <id>`). */
const AUDITED: [RegExp, string][] = [
  [/^\/api\/users(\/|$)/, "user"],
  [/^\/api\/invitations\/accept\/?$/, "invitation"],
  [/^\/api\/invitations(\/|$)/, "invitation"],
  [/^\/api\/keys(\/|$)/, "API key"],
  [/^\/api\/provider-accounts(\/|$)/, "provider account"],
  [/^\/api\/tracking-numbers(\/|$)/, "tracking number"],
  [/^\/api\/pools(\/|$)/, "number pool"],
  [/^\/api\/receiving-numbers(\/|$)/, "receiving number"],
  [/^\/api\/routes(\/|$)/, "route"],
  [/^\/api\/business-hours\/?$/, "business hours"],
  [/^\/api\/campaigns\/[^/]+\/costs(\/|$)/, "campaign cost"],
  [/^\/api\/campaigns(\/|$)/, "campaign"],
  [/^\/api\/income(\/|$)/, "income"],
  [/^\/api\/tenant\/?$/, "settings"],
  [/^\/api\/contacts\/import\/?$/, "contacts"],
  [/^\/api\/auth\/password\/?$/, "password"],
  [/^\/api\/auth\/reset\/?$/, "password"],
  [/^\/api\/webhooks(\/|$)/, "webhook"],
];

/** Under an audited resource, but changing nothing: asked often, and nothing to account for. */
const NOT_CHANGES: RegExp[] = [
  // Trying credentials against the provider stores nothing.
  /^\/api\/provider-accounts\/[^/]+\/test\/?$/,
  // A test call is a call (daily work, in the call log), not a change to how calls are handled.
  /^\/api\/tracking-numbers\/[^/]+\/test-call\/?$/,
  // A test event is one delivery to the receiver, like trying a provider's credentials.
  /^\/api\/webhooks\/[^/]+\/test\/?$/,
];

const READS = /^(GET|HEAD|OPTIONS)$/;

/** What a request changes, if it is an audited change: the thing, as the generic summary names it. */
export function auditedThing(method: string, path: string): string | null {
  if (READS.test(method) || NOT_CHANGES.some((p) => p.test(path))) return null;
  return AUDITED.find(([pattern]) => pattern.test(path))?.[1] ?? null;
}

const VERBS: Record<string, [action: string, words: string]> = {
  POST: ["created", "Created"],
  PUT: ["updated", "Changed"],
  PATCH: ["updated", "Changed"],
  DELETE: ["deleted", "Deleted"],
};

/**
 * What an event says when its route noted nothing: from the method and the route's pattern
 * (`PATCH /api/routes/:id` → `routes.updated`, "Changed route <id>").
 */
export function genericNote(method: string, pattern: string, path: string, thing: string): AuditNote {
  const [verb, words] = VERBS[method] ?? [method.toLowerCase(), method];
  const patternParts = pattern.split("/");
  const pathParts = path.split("/");
  const ids = patternParts.flatMap((part, i) => (part.startsWith(":") && pathParts[i] ? [decodeURIComponent(pathParts[i]!)] : []));
  // `/api/campaigns/:id/costs` → `campaigns.costs`: the pattern's words, without the ids.
  const resource = patternParts.filter((p) => p && p !== "api" && !p.startsWith(":"));
  const targetId = ids.at(-1);
  return {
    action: `${resource.join(".")}.${verb}`,
    summary: `${words} ${thing}${targetId ? ` ${targetId}` : ""}`,
    ...(targetId ? { targetType: thing, targetId } : {}),
  };
}

/** The caller as the audit log names them: a user by session, or an API key. */
function actorOf(auth: AuthContext | undefined): AuditActor | null {
  if (!auth) return null;
  return auth.via === "session"
    ? { tenantId: auth.tenant.id, type: "user", id: auth.user.id, name: auth.user.name }
    : { tenantId: auth.tenant.id, type: "api-key", id: auth.apiKey.id, name: `API key ${auth.apiKey.name}` };
}

/** Appends one event. The table refuses every UPDATE and DELETE (migration 0004): this is the only write. */
export async function appendAuditEvent(db: Db, actor: AuditActor, note: AuditNote, at = Date.now()) {
  await db.insert(auditEvents).values({
    id: `aud_${crypto.randomUUID()}`,
    tenantId: actor.tenantId,
    at,
    actorType: actor.type,
    actorId: actor.id,
    actorName: actor.name,
    action: note.action,
    targetType: note.targetType ?? null,
    targetId: note.targetId ?? null,
    summary: note.summary,
    details: note.details ?? null,
  });
}

/** After the route answers: one event for a change that succeeded (2xx) on an audited resource. */
export function auditLog() {
  return createMiddleware<AppEnv>(async function auditLog(c, next) {
    await next();
    if (c.res.status < 200 || c.res.status >= 300) return;
    const thing = auditedThing(c.req.method, c.req.path);
    if (!thing) return;
    const note = c.get("audit");
    // A public route (an invitation accepted, a reset link used) has no auth: its note names the actor.
    const actor = note?.actor ?? actorOf(c.get("auth") as AuthContext | undefined);
    if (!actor) {
      // A public route that changed something and named no one: a bug of that route, said loudly.
      console.error("audit: no actor for", c.req.method, c.req.path);
      return;
    }
    // The handler's pattern: the last matched route that is not middleware.
    const pattern = matchedRoutes(c).filter((r) => r.method !== "ALL").at(-1)?.path ?? c.req.path;
    const said = note ?? genericNote(c.req.method, pattern, c.req.path, thing);
    try {
      // Awaited, so the event is there when the caller hears the change is made.
      await appendAuditEvent(getDb(c.env.DB), actor, said);
    } catch (err) {
      // The change is made; answering 500 would tell the caller it was not. Logged for the operator.
      console.error("audit: could not append the event", said.action, err);
    }
  });
}
