/**
 * The audit log. Every mutating /api/ route the app registers (read from Hono, as the route matrix
 * does) is either audited, with a request here that makes it succeed, or listed as not audited with
 * why: a route added later fails the first test until it is one or the other. Each audited route
 * writes exactly one event when it succeeds and none when it is refused; the actor is the session's
 * user or the key; another tenant's events never show; pages follow each other without a gap or a
 * repeat, even when events share a millisecond; the table refuses UPDATE and DELETE; and no secret
 * (a token, a password, a key, a credential) is ever written into an event.
 */
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeys, providerAccounts, trackingNumbers, users } from "../../schema/db.ts";
import { appendAuditEvent, auditedThing, auditLog, genericNote } from "../../worker/audit/log.ts";
import { noteAudit } from "../../worker/audit/note.ts";
import type { AppEnv } from "../../worker/env.ts";
import { SESSION_COOKIE } from "../../worker/auth/middleware.ts";
import { createSession } from "../../worker/auth/queries.ts";
import { hashPassword } from "../../worker/lib/crypto.ts";
import { fullTenant, registeredRoutes, type FullTenant } from "./app-routes.ts";
import { call, createTenant, db, login, PASSWORD } from "./helpers.ts";
import { uniqueNumber } from "./twilio-helpers.ts";

/** A request: as the tenant's admin unless it names a cookie or a key, or is `anonymous` (a public route). */
type Sent = { method: string; path: string; json?: unknown; csv?: string; cookie?: string; bearer?: string; anonymous?: boolean };
type Recipe = {
  /** The event's action. */
  action: string;
  /** Makes what the request needs (a fresh object to delete), then the request; by default as the tenant's admin. */
  request: (t: FullTenant) => Promise<Sent> | Sent;
  /** The same request, refused (a 4xx); by default sent as the tenant's agent, whom none of these routes admit. */
  refused?: (sent: Sent) => Sent;
};

let own: FullTenant;
let other: Awaited<ReturnType<typeof createTenant>> & { cookie: string };
/** Secrets sent in the requests below: none may appear in any event. */
const secrets: string[] = [PASSWORD];

const post = async <T = { id: string }>(path: string, json: unknown) => {
  const res = await call(path, { method: "POST", cookie: own.adminCookie, json });
  if (res.status !== 201) throw new Error(`setup: POST ${path}: ${res.status} ${await res.text()}`);
  return res.json<T>();
};
const freshCampaign = () => post("/api/campaigns", { name: `Audit ${crypto.randomUUID()}` });
const freshReceiving = () => post("/api/receiving-numbers", { number: uniqueNumber(), label: "Audit desk" });
/** A fictional 555-01xx number no other tenant has, which the sandbox and the Twilio fake both sell. */
const sellable = () => `+1${["206", "312", "512", "617", "303"][Math.floor(Math.random() * 5)]}55501${String(Math.floor(Math.random() * 100)).padStart(2, "0")}`;

/** A teammate of the tenant's, made in D1, for a route to act on. */
async function teammate(t: FullTenant, role: "agent" | "manager" = "agent") {
  const id = `usr_${crypto.randomUUID()}`;
  await db().insert(users).values({ id, tenantId: t.id, email: `mate-${id}@audit.test`, name: `Mate ${id.slice(-4)}`, role, passwordHash: "none" });
  return id;
}
/** The token of a link a route answered with (`…/#/invite/<token>`). */
const tokenOf = (url: string) => url.split("/").pop()!;
const noSuchToken = (sent: Sent): Sent => ({ ...sent, json: { ...(sent.json as object), token: "no-such-token-0123456789abcdefghijklmnopqrstuv" } });

/** Each audited route, and a request that makes it succeed. */
const AUDITED: Record<string, Recipe> = {
  "PATCH /api/users/:id": { action: "user.role_changed", request: async (t) => ({ method: "PATCH", path: `/api/users/${await teammate(t)}`, json: { role: "manager" } }) },
  "POST /api/users/:id/reset-link": { action: "user.reset_link_created", request: async (t) => ({ method: "POST", path: `/api/users/${await teammate(t)}/reset-link`, json: {} }) },
  "POST /api/invitations": { action: "invitation.created", request: () => ({ method: "POST", path: "/api/invitations", json: { email: `invitee-${crypto.randomUUID()}@audit.test`, role: "agent" } }) },
  "DELETE /api/invitations/:id": {
    action: "invitation.withdrawn",
    request: async () => ({ method: "DELETE", path: `/api/invitations/${(await post("/api/invitations", { email: `withdrawn-${crypto.randomUUID()}@audit.test`, role: "agent" })).id}` }),
  },
  "POST /api/invitations/accept": {
    action: "invitation.accepted",
    // Public: the newcomer is the actor, named by the route.
    request: async () => {
      const { url } = await post<{ url: string }>("/api/invitations", { email: `newcomer-${crypto.randomUUID()}@audit.test`, role: "agent" });
      const password = `newcomer passphrase ${crypto.randomUUID()}`;
      secrets.push(password, tokenOf(url));
      return { method: "POST", path: "/api/invitations/accept", json: { token: tokenOf(url), name: "Nia Newcomer", password }, anonymous: true };
    },
    refused: noSuchToken,
  },
  "POST /api/auth/reset": {
    action: "user.password_set",
    request: async (t) => {
      const { url } = await post<{ url: string }>(`/api/users/${await teammate(t)}/reset-link`, {});
      const password = `reset passphrase ${crypto.randomUUID()}`;
      secrets.push(password, tokenOf(url));
      return { method: "POST", path: "/api/auth/reset", json: { token: tokenOf(url), password }, anonymous: true };
    },
    refused: noSuchToken,
  },
  "POST /api/auth/password": {
    action: "user.password_changed",
    // A user of its own: a changed password must not end the sessions the other cases use.
    request: async (t) => {
      const id = `usr_${crypto.randomUUID()}`;
      await db().insert(users).values({ id, tenantId: t.id, email: `pw-${id}@audit.test`, name: "Pat Password", role: "agent", passwordHash: await hashPassword(PASSWORD) });
      const next = `a new passphrase ${crypto.randomUUID()}`;
      secrets.push(next);
      return { method: "POST", path: "/api/auth/password", json: { current: PASSWORD, next }, cookie: `${SESSION_COOKIE}=${await createSession(db(), { id, tenantId: t.id })}` };
    },
  },
  "POST /api/contacts/import": { action: "contacts.imported", request: () => ({ method: "POST", path: "/api/contacts/import", csv: "name,phone\nAudit Import,+14155550133\n" }) },
  "POST /api/campaigns": { action: "campaign.created", request: () => ({ method: "POST", path: "/api/campaigns", json: { name: `Audit ${crypto.randomUUID()}`, channel: "radio" } }) },
  "PATCH /api/campaigns/:id": { action: "campaign.updated", request: (t) => ({ method: "PATCH", path: `/api/campaigns/${t.ids.campaign}`, json: { channel: "radio" } }) },
  "DELETE /api/campaigns/:id": { action: "campaign.deleted", request: async () => ({ method: "DELETE", path: `/api/campaigns/${(await freshCampaign()).id}` }) },
  "POST /api/campaigns/:id/costs": { action: "campaign.cost_added", request: (t) => ({ method: "POST", path: `/api/campaigns/${t.ids.campaign}/costs`, json: { spentOn: "2026-11-05", amountCents: 2500 } }) },
  "DELETE /api/campaigns/:id/costs/:costId": {
    action: "campaign.cost_deleted",
    request: async (t) => ({ method: "DELETE", path: `/api/campaigns/${t.ids.campaign}/costs/${(await post(`/api/campaigns/${t.ids.campaign}/costs`, { spentOn: "2026-11-06", amountCents: 700 })).id}` }),
  },
  "POST /api/income": { action: "income.recorded", request: (t) => ({ method: "POST", path: "/api/income", json: { contactId: t.ids.contact, amountCents: 4200, receivedOn: "2026-11-03" } }) },
  "PATCH /api/income/:id": { action: "income.updated", request: async (t) => ({ method: "PATCH", path: `/api/income/${(await post("/api/income", { contactId: t.ids.contact, amountCents: 300, receivedOn: "2026-11-04" })).id}`, json: { amountCents: 350 } }) },
  "DELETE /api/income/:id": { action: "income.deleted", request: async (t) => ({ method: "DELETE", path: `/api/income/${(await post("/api/income", { contactId: t.ids.contact, amountCents: 100, receivedOn: "2026-11-04" })).id}` }) },
  "POST /api/income/import": { action: "income.imported", request: (t) => ({ method: "POST", path: "/api/income/import", csv: `contact_id,amount,date\n${t.ids.contact},12.50,2026-11-01\n` }) },
  "PATCH /api/tenant": { action: "tenant.updated", request: () => ({ method: "PATCH", path: "/api/tenant", json: { attributionWindowDays: 45, timeZone: "America/Chicago" } }) },
  "PUT /api/provider-accounts/:provider": {
    action: "provider_account.changed",
    request: (t) => {
      const authToken = `s3cret-${crypto.randomUUID()}`;
      secrets.push(authToken, t.token);
      return { method: "PUT", path: "/api/provider-accounts/twilio", json: { accountSid: t.accountSid, authToken, currentPassword: PASSWORD } };
    },
  },
  "DELETE /api/provider-accounts/:provider": {
    action: "provider_account.removed",
    // An account still carrying numbers is refused (409): its numbers let go of it first.
    request: async (t) => {
      await db().update(trackingNumbers).set({ providerAccountId: null }).where(eq(trackingNumbers.tenantId, t.id));
      return { method: "DELETE", path: "/api/provider-accounts/twilio" };
    },
  },
  "POST /api/keys": { action: "key.created", request: () => ({ method: "POST", path: "/api/keys", json: { name: "Audited key", role: "manager" } }) },
  "DELETE /api/keys/:id": { action: "key.revoked", request: async () => ({ method: "DELETE", path: `/api/keys/${(await post("/api/keys", { name: "Short-lived" })).id}` }) },
  "POST /api/receiving-numbers": { action: "receiving_number.created", request: () => ({ method: "POST", path: "/api/receiving-numbers", json: { number: uniqueNumber(), label: "Audit line" } }) },
  "PATCH /api/receiving-numbers/:id": { action: "receiving_number.updated", request: (t) => ({ method: "PATCH", path: `/api/receiving-numbers/${t.ids.receivingNumber}`, json: { label: "Front desk", ringSeconds: 25 } }) },
  "DELETE /api/receiving-numbers/:id": { action: "receiving_number.deleted", request: async () => ({ method: "DELETE", path: `/api/receiving-numbers/${(await freshReceiving()).id}` }) },
  "POST /api/routes": { action: "route.created", request: (t) => ({ method: "POST", path: "/api/routes", json: { kind: "dial", name: "Audit route", config: { receivingNumberIds: [t.ids.receivingNumber] } } }) },
  "PUT /api/routes/:id": { action: "route.updated", request: (t) => ({ method: "PUT", path: `/api/routes/${t.ids.route}`, json: { kind: "dial", name: "Office hours", config: { receivingNumberIds: [t.ids.receivingNumber] } } }) },
  "DELETE /api/routes/:id": {
    action: "route.deleted",
    request: async (t) => ({ method: "DELETE", path: `/api/routes/${(await post("/api/routes", { kind: "dial", name: "Doomed", config: { receivingNumberIds: [t.ids.receivingNumber] } })).id}` }),
  },
  "PUT /api/business-hours": {
    action: "business_hours.updated",
    request: async (t) => {
      await send({ method: "PUT", path: "/api/business-hours", json: { weekly: [] } });
      return { method: "PUT", path: "/api/business-hours", json: { weekly: [{ day: 1, from: "09:00", to: "17:00" }], exceptions: [{ date: "2026-12-25", name: "Christmas Day" }], afterHoursTarget: { kind: "route", id: t.ids.route } } };
    },
  },
  "DELETE /api/business-hours": {
    action: "business_hours.cleared",
    request: async () => {
      await send({ method: "PUT", path: "/api/business-hours", json: { weekly: [] } });
      return { method: "DELETE", path: "/api/business-hours" };
    },
  },
  "POST /api/tracking-numbers": { action: "tracking_number.bought", request: () => ({ method: "POST", path: "/api/tracking-numbers", json: { number: sellable(), label: "Yard signs", terminationNumber: uniqueNumber() } }) },
  "PATCH /api/tracking-numbers/:id": { action: "tracking_number.updated", request: (t) => ({ method: "PATCH", path: `/api/tracking-numbers/${t.ids.trackingNumber}`, json: { label: "Main line (renamed)", record: true } }) },
  "DELETE /api/tracking-numbers/:id": {
    action: "tracking_number.released",
    request: async () => ({ method: "DELETE", path: `/api/tracking-numbers/${(await post("/api/tracking-numbers", { number: sellable(), label: "Short run", terminationNumber: uniqueNumber() })).id}` }),
  },
  "POST /api/pools": { action: "pool.created", request: () => ({ method: "POST", path: "/api/pools", json: { name: `Audit pool ${crypto.randomUUID()}` } }) },
  "PATCH /api/pools/:id": { action: "pool.updated", request: (t) => ({ method: "PATCH", path: `/api/pools/${t.ids.pool}`, json: { leaseMinutes: 40 } }) },
  "DELETE /api/pools/:id": { action: "pool.deleted", request: async () => ({ method: "DELETE", path: `/api/pools/${(await post("/api/pools", { name: `Short-lived ${crypto.randomUUID()}` })).id}` }) },
  "POST /api/webhooks": { action: "webhook.created", request: () => ({ method: "POST", path: "/api/webhooks", json: { url: "https://hooks.test/audit", events: ["call.ended"], enabled: false } }) },
  "PATCH /api/webhooks/:id": { action: "webhook.updated", request: async () => ({ method: "PATCH", path: `/api/webhooks/${(await post("/api/webhooks", { url: "https://hooks.test/audit", events: ["call.ended"], enabled: false })).id}`, json: { events: ["call.missed"] } }) },
  "DELETE /api/webhooks/:id": { action: "webhook.deleted", request: async () => ({ method: "DELETE", path: `/api/webhooks/${(await post("/api/webhooks", { url: "https://hooks.test/audit", events: ["call.ended"], enabled: false })).id}` }) },
  "POST /api/webhooks/:id/rotate-secret": {
    action: "webhook.secret_rotated",
    request: async () => {
      const made = await post<{ id: string; secret: string }>("/api/webhooks", { url: "https://hooks.test/audit", events: ["call.ended"], enabled: false });
      secrets.push(made.secret);
      return { method: "POST", path: `/api/webhooks/${made.id}/rotate-secret` };
    },
  },
  "POST /api/webhooks/:id/deliveries/:deliveryId/redeliver": {
    action: "webhook.redelivered",
    request: async () => {
      const made = await post<{ id: string; secret: string }>("/api/webhooks", { url: `https://hooks.test/${crypto.randomUUID()}`, events: ["call.ended"] });
      secrets.push(made.secret);
      const test = await send({ method: "POST", path: `/api/webhooks/${made.id}/test` });
      return { method: "POST", path: `/api/webhooks/${made.id}/deliveries/${(await test.json<{ id: string }>()).id}/redeliver` };
    },
  },
  "POST /api/tracking-numbers/failsafe": { action: "tracking_number.failsafe_set", request: (t) => ({ method: "POST", path: "/api/tracking-numbers/failsafe", json: { trackingNumberIds: [t.ids.trackingNumber], failsafeNumber: uniqueNumber() } }) },
};

/** Mutating routes that are not audited, and why. */
const NOT_AUDITED: Record<string, string> = {
  "POST /api/auth/login": "logging in is daily work (failed logins are throttled, not logged)",
  "POST /api/auth/logout": "daily work",
  "POST /api/signup": "makes a tenant whose log starts empty; no one of a tenant acted",
  "POST /api/contacts": "single contacts are daily work",
  "PATCH /api/contacts/:id": "single contacts are daily work",
  "POST /api/contacts/:id/phones": "single contacts are daily work",
  "DELETE /api/contacts/:id": "single contacts are daily work",
  "PATCH /api/calls/:id": "call notes are daily work",
  "PATCH /api/profile": "a user's own popup and number",
  "POST /api/provider-accounts/:provider/test": "tries credentials; changes nothing",
  "POST /api/tracking-numbers/:id/test-call": "a test call is a call (in the call log), not a change to any setting",
  "POST /api/webhooks/:id/test": "one test delivery to the receiver; changes no setting",
};

const mutating = registeredRoutes().filter((r) => /^(POST|PUT|PATCH|DELETE) \/api\//.test(r));
const fill = (path: string) => path.replace(/:(\w+)/g, (_, name: string) => (name === "provider" ? "twilio" : "some-id"));

async function eventsOf(tenantId: string) {
  const { results } = await env.DB.prepare("select * from audit_events where tenant_id = ? order by at desc, id desc").bind(tenantId).all<Record<string, unknown>>();
  return results;
}

async function send(r: Sent) {
  const headers = r.csv !== undefined ? { "Content-Type": "text/csv" } : undefined;
  const auth = r.anonymous ? {} : r.bearer ? { bearer: r.bearer } : { cookie: r.cookie ?? own.adminCookie };
  return call(r.path, { method: r.method, ...auth, ...(r.json !== undefined ? { json: r.json } : {}), ...(r.csv !== undefined ? { body: r.csv, headers } : {}) });
}

beforeAll(async () => {
  own = await fullTenant("Audited");
  const t = await createTenant("Elsewhere");
  other = { ...t, cookie: await login(t.adminEmail) };
}, 60_000);

describe("which routes are audited", () => {
  it("every mutating /api/ route is audited (with a request here that succeeds) or listed as not audited, and the server agrees", () => {
    const unclassified = mutating.filter((r) => !(r in AUDITED) && !(r in NOT_AUDITED));
    expect(unclassified, "mutating routes missing from AUDITED or NOT_AUDITED in audit.test.ts").toEqual([]);
    expect([...Object.keys(AUDITED), ...Object.keys(NOT_AUDITED)].filter((r) => !mutating.includes(r)), "names routes the app does not register").toEqual([]);
    for (const r of mutating) {
      const [method, path] = r.split(" ") as [string, string];
      expect(auditedThing(method, fill(path)) !== null, r).toBe(r in AUDITED);
    }
  });

  it("covers the team's routes by their paths, before they are built: users, invitations, accepting one, a reset link", () => {
    for (const [method, path] of [
      ["POST", "/api/users"],
      ["PATCH", "/api/users/usr_1"],
      ["DELETE", "/api/users/usr_1"],
      ["POST", "/api/invitations"],
      ["DELETE", "/api/invitations/inv_1"],
      ["POST", "/api/invitations/accept"],
      ["POST", "/api/auth/reset"],
    ] as const) {
      expect(auditedThing(method, path), `${method} ${path}`).not.toBeNull();
    }
    expect(auditedThing("GET", "/api/users")).toBeNull();
    expect(auditedThing("POST", "/api/contacts")).toBeNull();
    expect(auditedThing("PATCH", "/api/profile")).toBeNull();
  });
});

describe.each(Object.entries(AUDITED))("%s", (route, recipe) => {
  it("writes exactly one event when it succeeds, naming the user who did it", async () => {
    const sent = await recipe.request(own);
    const before = await eventsOf(own.id);
    const res = await send(sent);
    expect(res.status, await res.clone().text()).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(300);
    const after = await eventsOf(own.id);
    expect(after.length - before.length, route).toBe(1);
    const event = after.find((e) => !before.some((b) => b.id === e.id))!;
    expect(event.action).toBe(recipe.action);
    expect(event.actor_type).toBe("user");
    const actor = await db().query.users.findFirst({ where: eq(users.id, String(event.actor_id)) });
    expect(actor?.tenantId).toBe(own.id);
    expect(event.actor_name).toBe(actor?.name);
    expect(String(event.summary)).toMatch(/\w/);
  });

  it("writes none when it is refused", async () => {
    const sent = await recipe.request(own);
    const before = await eventsOf(own.id);
    // An agent may not do any of these, but change their own password: that one, with a wrong current password.
    const refused = recipe.refused?.(sent) ?? (route === "POST /api/auth/password" ? { ...sent, json: { current: "not the password", next: "another new passphrase" } } : { ...sent, cookie: own.agentCookie });
    const res = await send(refused);
    expect(res.status, await res.clone().text()).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    // And the route's last id, one that is not the tenant's: 404, nothing written.
    const pattern = route.split(" ")[1]!.split("/");
    const last = pattern.findLastIndex((part) => part.startsWith(":") && part !== ":provider");
    if (last > 0) {
      const path = sent.path.split("/").map((part, i) => (i === last ? "no-such-id" : part)).join("/");
      const res = await send({ ...sent, path });
      expect([res.status, (await res.json<{ error: string }>()).error], path).toEqual([404, expect.stringMatching(/^No such /)]);
    }
    expect(await eventsOf(own.id)).toEqual(before);
  });
});

describe("who acted", () => {
  it("an API key: its id, and its name as the dashboard shows it", async () => {
    const key = await db().query.apiKeys.findFirst({ where: and(eq(apiKeys.tenantId, own.id), eq(apiKeys.name, "fuzz")) });
    const res = await send({ method: "POST", path: "/api/campaigns", json: { name: `By key ${crypto.randomUUID()}` }, bearer: own.apiKey });
    expect(res.status).toBe(201);
    const [event] = await eventsOf(own.id);
    expect(event).toMatchObject({ actor_type: "api-key", actor_id: key!.id, actor_name: "API key fuzz", action: "campaign.created" });
  });

  it("a public route names the actor in its note; a route that notes nothing gets words from its pattern", async () => {
    const tenantId = own.id;
    const app = new Hono<AppEnv>()
      .use(auditLog())
      .post("/api/invitations/accept", (c) => {
        noteAudit(c, { action: "invitation.accepted", summary: "Sam Lee accepted the invitation", actor: { tenantId, type: "user", id: "usr_sam", name: "Sam Lee" } });
        return c.json({ ok: true });
      })
      .use("/api/users/*", async (c, next) => {
        c.set("auth", { via: "api-key", tenant: { id: tenantId, slug: "s", name: "n", timeZone: "UTC", defaultCountry: "US", crmUrlTemplate: null }, apiKey: { id: "key_1", name: "ops", role: "admin", scopes: [] } });
        await next();
      })
      .delete("/api/users/:id", (c) => c.body(null, 204));
    expect((await app.request("/api/invitations/accept", { method: "POST" }, env)).status).toBe(200);
    expect((await eventsOf(own.id))[0]).toMatchObject({ actor_type: "user", actor_id: "usr_sam", actor_name: "Sam Lee", action: "invitation.accepted" });
    expect((await app.request("/api/users/usr_9", { method: "DELETE" }, env)).status).toBe(204);
    expect((await eventsOf(own.id))[0]).toMatchObject({ actor_type: "api-key", actor_name: "API key ops", action: "users.deleted", summary: "Deleted user usr_9", target_id: "usr_9" });
    expect(genericNote("PATCH", "/api/routes/:id", "/api/routes/r1", "route")).toEqual({ action: "routes.updated", summary: "Changed route r1", targetType: "route", targetId: "r1" });
  });
});

describe("GET /api/audit", () => {
  type Page = { items: { id: string; at: number; action: string; summary: string; actorName: string; tenantId?: string }[]; next: string | null };
  const page = async (cookie: string, query = "") => {
    const res = await call(`/api/audit${query}`, { cookie });
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json<Page>();
  };

  it("pages newest first without a gap or a repeat, even through events of the same millisecond", async () => {
    // Five events in one millisecond, in the middle of the log.
    const at = Date.now();
    for (let i = 0; i < 5; i++) await appendAuditEvent(db(), { tenantId: own.id, type: "operator", id: null, name: "Operator" }, { action: "test.tied", summary: `Tied ${i}` }, at);
    const seen: Page["items"] = [];
    let next: string | null = "";
    for (let n = 0; next !== null && n < 100; n++) {
      const p: Page = await page(own.adminCookie, `?limit=3${next ? `&before=${encodeURIComponent(next)}` : ""}`);
      expect(p.items.length).toBeLessThanOrEqual(3);
      seen.push(...p.items);
      next = p.next;
    }
    const all = await eventsOf(own.id);
    expect(seen.map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect(seen.filter((e) => e.action === "test.tied")).toHaveLength(5);
    expect(seen[0]).not.toHaveProperty("tenantId");
    // The default page is 50.
    expect((await page(own.adminCookie)).items).toHaveLength(Math.min(50, all.length));
  });

  it("shows only the caller's tenant: another tenant sees none of these events", async () => {
    const res = await call("/api/tenant", { method: "PATCH", cookie: other.cookie, json: { name: "Elsewhere Ltd" } });
    expect(res.status).toBe(200);
    const theirs = await page(other.cookie, "?limit=200");
    expect(theirs.items.map((e) => e.summary)).toEqual(['Changed settings: business name "Elsewhere" → "Elsewhere Ltd"']);
    const mine = new Set((await eventsOf(own.id)).map((e) => e.id));
    expect(theirs.items.filter((e) => mine.has(e.id))).toEqual([]);
  });

  it("refuses a bad query with a 400 that says why", async () => {
    for (const q of ["?limit=0", "?limit=201", "?limit=ten", "?before=yesterday", "?before=1.2.3"]) {
      const res = await call(`/api/audit${q}`, { cookie: own.adminCookie });
      expect(res.status, q).toBe(400);
      expect((await res.json<{ error: string }>()).error, q).toMatch(/^Invalid query: (limit|before)/);
    }
    expect((await call("/api/audit", { cookie: own.managerCookie })).status).toBe(403);
  });
});

describe("the log itself", () => {
  it("is append-only: UPDATE and DELETE fail in the database", async () => {
    const [event] = await eventsOf(own.id);
    await expect(env.DB.prepare("update audit_events set summary = 'rewritten' where id = ?").bind(event!.id).run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("delete from audit_events where id = ?").bind(event!.id).run()).rejects.toThrow(/append-only/);
    expect((await eventsOf(own.id)).find((e) => e.id === event!.id)).toEqual(event);
  });

  it("holds no secret: no password, auth token or API key in any event", async () => {
    const made = await call("/api/keys", { method: "POST", cookie: own.adminCookie, json: { name: "Secret keeper" } });
    secrets.push((await made.json<{ key: string }>()).key, own.apiKey, own.agentKey);
    const account = await db().query.providerAccounts.findFirst({ where: eq(providerAccounts.tenantId, own.id) });
    if (account) secrets.push(account.credentialsEncrypted);
    const text = JSON.stringify(await eventsOf(own.id));
    expect(text).toContain("provider_account.changed");
    expect(text).toContain("key.created");
    for (const secret of secrets) expect(text.includes(secret), `a secret (${secret.slice(0, 6)}…) is in the audit log`).toBe(false);
  });
});
