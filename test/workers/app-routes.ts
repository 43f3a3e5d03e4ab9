/**
 * The routes the app registers, read from Hono itself (`app.routes`), and a tenant that owns one of
 * everything a route can name by id. The fuzz suite and the route matrix both start here, so a route
 * added to the app is in both the day it is added.
 */
import { API_SCOPES, type UserRole } from "../../schema/constants.ts";
import { env } from "cloudflare:workers";
import { api, app, webhooks } from "../../worker/app.ts";
import { SESSION_COOKIE } from "../../worker/auth/middleware.ts";
import { createSession } from "../../worker/auth/queries.ts";
import { db } from "./helpers.ts";
import { login } from "./helpers.ts";
import { apiJson } from "./routing-helpers.ts";
import { createTwilioTenant, parentStatus, startCall, switchboardOf, type TwilioTenant } from "./twilio-helpers.ts";

/**
 * "METHOD path" of every handler the app registers, the API's and the webhooks' apps included (the
 * app hands /api/* and /webhooks/* to them). `routes` lists middleware too (`.use()` is method ALL)
 * and one entry per handler of a chain (validators, requireAdmin): kept once each.
 */
export function registeredRoutes(): string[] {
  return [...new Set([app, api, webhooks].flatMap((a) => a.routes).filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`))];
}

/** The path parameters of a route pattern, in order (`/api/campaigns/:id/costs/:costId` → id, costId). */
export function paramsOf(path: string) {
  return [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
}

export type FullTenant = TwilioTenant & {
  adminCookie: string;
  agentCookie: string;
  managerCookie: string;
  reportingCookie: string;
  /** An API key of the tenant's (the key itself, for `Authorization: Bearer`). */
  apiKey: string;
  /** A key with an agent's role and every ordinary scope (the default a key is made with). */
  agentKey: string;
  ids: {
    contact: string;
    liveCall: string;
    loggedCall: string;
    campaign: string;
    cost: string;
    income: string;
    receivingNumber: string;
    route: string;
    trackingNumber: string;
    /** A second API key of the tenant's, not the one in `apiKey`. */
    apiKey: string;
    /** The tenant's agent. */
    user: string;
    /** An invitation not yet accepted. */
    invitation: string;
    /** A number pool (empty: the fixture's number stays a fixed one). */
    pool: string;
    provider: "twilio";
    /** A webhook endpoint, turned off once its test event was delivered (so nothing more reaches it), and that delivery. */
    webhook: string;
    delivery: string;
  };
};

async function created<T = { id: string }>(t: { cookie: string }, path: string, json: unknown) {
  const res = await apiJson<T>(t, "POST", path, json);
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A tenant with a contact, a live and a logged call, a campaign with a cost, income, routing and API keys. */
export async function fullTenant(name = "Full"): Promise<FullTenant> {
  const t = await createTwilioTenant(name);
  const [adminCookie, agentCookie, managerCookie, reportingCookie] = [await login(t.adminEmail), await login(t.agentEmail), await login(t.managerEmail), await login(t.reportingEmail)];
  const admin = { cookie: adminCookie };
  const contact = await created(admin, "/api/contacts", { kind: "customer", name: `${name} Customer`, phones: [{ label: "mobile", number: "+14155550124" }] });
  const campaign = await created(admin, "/api/campaigns", { name: `${name} Print`, channel: "print" });
  const cost = await created(admin, `/api/campaigns/${campaign.id}/costs`, { spentOn: "2026-11-01", amountCents: 5000 });
  const receivingNumber = await created(admin, "/api/receiving-numbers", { number: "+14155550150", label: "Office" });
  const route = await created(admin, "/api/routes", { kind: "dial", name: "Office", config: { receivingNumberIds: [receivingNumber.id] } });
  // An admin's key with every scope and both powers: the strongest a key can be (api-keys.test.ts holds the weaker ones to their limits).
  const { key: apiKey } = await created<{ key: string }>(admin, "/api/keys", { name: "fuzz", role: "admin", scopes: [...API_SCOPES] });
  const otherKey = await created(admin, "/api/keys", { name: "accounting" });
  const { key: agentKey } = await created<{ key: string }>(admin, "/api/keys", { name: "agent's" });
  const pool = await created(admin, "/api/pools", { name: `${name} Website visitors` });
  const invitation = await created(admin, "/api/invitations", { email: `invited-${crypto.randomUUID()}@${t.slug}.test`, role: "agent" });
  const agent = await db().query.users.findFirst({ where: (u, { eq }) => eq(u.email, t.agentEmail) });

  // A call that ended (written to the call log), and one still ringing.
  const ended = await startCall(t, "+14155550124");
  await parentStatus(t, ended.callSid, "completed", { CallDuration: "30" });
  await switchboardOf(t).flushCallLog();
  const logged = await env.DB.prepare("select id from calls where tenant_id = ? and provider_call_id = ?").bind(t.id, ended.callSid).first<{ id: string }>();
  if (!logged) throw new Error("the ended call was not logged");
  await startCall(t, "+14155550125");
  const live = (await switchboardOf(t).snapshot()).calls.find((c) => c.status === "ringing");
  if (!live) throw new Error("no live call");
  const income = await created(admin, "/api/income", { contactId: contact.id, amountCents: 12_500, receivedOn: "2026-11-02", reference: `INV-${name}`, callId: logged.id });
  const webhook = await created(admin, "/api/webhooks", { url: `https://hooks.test/${crypto.randomUUID()}`, events: ["call.ended"], description: `${name}'s CRM` });
  const delivery = await apiJson<{ id: string }>(admin, "POST", `/api/webhooks/${webhook.id}/test`);
  // Delivered before the endpoint is turned off: nothing of the fixture changes behind a test's back.
  for (let i = 0; i < 100; i++) {
    const row = await env.DB.prepare("select status from webhook_deliveries where id = ?").bind(delivery.body.id).first<{ status: string }>();
    if (row?.status !== "pending") break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await apiJson(admin, "PATCH", `/api/webhooks/${webhook.id}`, { enabled: false });

  return {
    ...t,
    adminCookie,
    agentCookie,
    managerCookie,
    reportingCookie,
    agentKey,
    apiKey,
    ids: {
      contact: contact.id,
      liveCall: live.id,
      loggedCall: logged.id,
      campaign: campaign.id,
      cost: cost.id,
      income: income.id,
      receivingNumber: receivingNumber.id,
      route: route.id,
      trackingNumber: t.trackingNumberId,
      apiKey: otherKey.id,
      user: agent!.id,
      invitation: invitation.id,
      pool: pool.id,
      provider: "twilio",
      webhook: webhook.id,
      delivery: delivery.body.id,
    },
  };
}

/**
 * A new session cookie of the tenant's user of this role, made in D1 directly (logging in hashes a
 * password): for requests that end the session they carry, such as logging out.
 */
export async function freshCookie(t: { id: string }, role: UserRole) {
  const user = await db().query.users.findFirst({ where: (u, { and, eq }) => and(eq(u.tenantId, t.id), eq(u.role, role)) });
  if (!user) throw new Error(`tenant ${t.id} has no ${role}`);
  return `${SESSION_COOKIE}=${await createSession(db(), user)}`;
}

/** Tables whose rows belong to a tenant (a `tenant_id` column), and the one table that is the tenant. */
const TENANT_TABLES = ["contacts", "contact_phones", "calls", "campaigns", "campaign_costs", "income", "receiving_numbers", "routes", "tracking_numbers", "business_hours", "number_pools", "pool_numbers", "provider_accounts", "api_keys", "users", "sessions", "invitations", "password_resets", "webhook_endpoints", "webhook_deliveries", "sms_alerts"];

/** Every row a tenant owns in D1, as text, to compare before and after. */
export async function rowsOf(tenantId: string) {
  const statements = [env.DB.prepare("select * from tenants where id = ?").bind(tenantId), ...TENANT_TABLES.map((t) => env.DB.prepare(`select * from ${t} where tenant_id = ? order by rowid`).bind(tenantId))];
  const results = await env.DB.batch(statements);
  return Object.fromEntries(["tenants", ...TENANT_TABLES].map((name, i) => [name, results[i]!.results]));
}
