/**
 * Isolation and roles as a matrix, not examples. Every route the app registers (read from Hono's
 * `app.routes`) is classified in ROUTES below, and a route missing from it fails the first test: a
 * route added later is classified, and so covered, the day it is added. Then for every route:
 * without credentials it is refused (401, or the webhook's 403) unless public; each role (admin,
 * manager, agent, reporting) is let through exactly where the README's roles table lets it, and
 * refused (403) elsewhere; a key is held to its role and its scopes; every id in its path that names
 * another tenant's object gets 404; and nothing of the other tenant changes. A business that signed
 * itself up is tried on every route too, naming the other tenant's ids: 404, nothing of theirs in any
 * answer, nothing of theirs changed.
 */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ORDINARY_SCOPES, USER_ROLES, type ApiScope, type UserRole } from "../../schema/constants.ts";
import { scopeNeeded } from "../../worker/auth/scopes.ts";
import { adapterOf } from "../../worker/providers/index.ts";
import { BASE, call } from "./helpers.ts";
import { freshCookie, fullTenant, paramsOf, registeredRoutes, rowsOf, type FullTenant } from "./app-routes.ts";
import { openSocket } from "./socket.ts";
import { createPlivoTenant, plivoWebhookForm, postPlivo, type PlivoTenant } from "./plivo-helpers.ts";
import { createPbxTenant, pbxCallId, postPbx } from "./pbx-helpers.ts";
import { createTelnyxTenant, postTelnyx, telnyxWebhookForm, type TelnyxTenant } from "./telnyx-helpers.ts";
import { hexId, postTwilio, switchboardOf } from "./twilio-helpers.ts";
import { createSignalWireTenant, postSignalWire, signalwireWebhookForm, type SignalWireTenant } from "./signalwire-helpers.ts";
import { postVonageAs } from "./vonage-helpers.ts";

type IdKind = keyof FullTenant["ids"];

type Access =
  /** Anyone: no credentials needed (and none checked). */
  | "public"
  /** The deep health checks: the HEALTH_KEY as a bearer key. */
  | "health-key"
  /** A provider's webhook: its signature, checked against the tenant's account at that provider. */
  | "webhook"
  /** The realtime socket: a dashboard session of the slug's own tenant. */
  | "socket"
  /** Anyone signed in: a session of any role, or an API key. */
  | "signed-in"
  /** A logged-in user's own things (a profile): a session of any role; not an API key. */
  | "session"
  /** What needs this scope: a session whose role grants it, or a key that holds it and whose role grants it. */
  | ApiScope;

/**
 * The README's roles table, written out here rather than read from ROLE_SCOPES, so that a change to
 * what a role may do is a change to this test too.
 */
const ROLES_TABLE: Record<UserRole, "all" | ApiScope[]> = {
  admin: "all",
  manager: [...ORDINARY_SCOPES],
  agent: ["calls:read", "calls:write", "contacts:read", "contacts:write", "settings:read"],
  reporting: ["calls:read", "marketing:read", "settings:read"],
};
const roleMay = (role: UserRole, access: Access) => access === "signed-in" || access === "session" || ROLES_TABLE[role] === "all" || (ROLES_TABLE[role] as string[]).includes(access);
const COOKIE_OF: Record<UserRole, keyof FullTenant> = { admin: "adminCookie", manager: "managerCookie", agent: "agentCookie", reporting: "reportingCookie" };
/** What the fixture's weaker key may do: an agent's role, and every ordinary scope. */
const agentKeyMay = (access: Access) => access === "signed-in" || (access !== "session" && (ORDINARY_SCOPES as readonly string[]).includes(access) && roleMay("agent", access));

type Route = {
  access: Access;
  /** Each path parameter that names an object of the tenant, and which kind of object (alternatives: each is tried). */
  ids?: Record<string, IdKind | IdKind[]>;
  /** A body the route accepts (with the tenant's own ids where it names any), so a 404 is the id's and not the body's. */
  body?: (own: FullTenant) => unknown;
  /** Why a path parameter is not an id of the tenant's. */
  note?: string;
};

/** A provider's webhook routes from its adapter's paths: each verified, and its fallback public (it dials only what it sealed). */
function providerWebhooks(id: string): Record<string, Route> {
  const adapter = adapterOf(id)!;
  const paths = [adapter.paths.voice, ...adapter.paths.callbacks.filter((p) => p !== adapter.paths.voice)];
  return { ...Object.fromEntries(paths.map((p) => [`POST /webhooks/${id}/${p}`, { access: "webhook" } as Route])), [`POST /webhooks/${id}/fallback`]: { access: "public" } };
}

const ROUTES: Record<string, Route> = {
  "GET /health": { access: "public" },
  "GET /health/durable-object": { access: "health-key" },
  "GET /health/d1": { access: "health-key" },
  "POST /health/switchboard/:slug/reset": { access: "health-key", note: "a tenant's slug; refused unless SWITCHBOARD_RESETS=allow (npm run dev)" },
  "GET /health/switchboard/:slug/storage": { access: "health-key", note: "a tenant's slug; the benchmark's soak reads it" },

  "POST /api/auth/login": { access: "public", body: () => ({ email: "nobody@matrix.test", password: "wrong" }) },
  "POST /api/auth/logout": { access: "signed-in" },
  "GET /api/auth/me": { access: "signed-in" },
  // No body: a valid one (with the right current password) would end the fixtures' other sessions.
  "POST /api/auth/password": { access: "session" },
  "POST /api/signup": { access: "public", body: () => ({ business: "Matrix", name: "M", email: "not-an-email", password: "x" }) },

  "POST /api/contacts/import": { access: "contacts:import" },
  "GET /api/contacts": { access: "contacts:read" },
  "POST /api/contacts": { access: "contacts:write", body: () => ({ kind: "lead", name: "Matrix Lead" }) },
  "GET /api/contacts/:id": { access: "contacts:read", ids: { id: "contact" } },
  "PATCH /api/contacts/:id": { access: "contacts:write", ids: { id: "contact" }, body: () => ({ name: "Renamed" }) },
  "POST /api/contacts/:id/phones": { access: "contacts:write", ids: { id: "contact" }, body: () => ({ label: "work", number: "+14155550177" }) },
  "DELETE /api/contacts/:id": { access: "contacts:write", ids: { id: "contact" } },

  "GET /api/calls.csv": { access: "calls:read" },
  "GET /api/calls": { access: "calls:read" },
  "GET /api/calls/:id": { access: "calls:read", ids: { id: ["liveCall", "loggedCall"] } },
  "PATCH /api/calls/:id": { access: "calls:write", ids: { id: ["liveCall", "loggedCall"] }, body: () => ({ subject: "Matrix" }) },

  "GET /api/campaigns": { access: "marketing:read" },
  "GET /api/campaigns/:id": { access: "marketing:read", ids: { id: "campaign" } },
  "POST /api/campaigns": { access: "marketing:write", body: () => ({ name: `Matrix ${crypto.randomUUID()}` }) },
  "PATCH /api/campaigns/:id": { access: "marketing:write", ids: { id: "campaign" }, body: () => ({ channel: "radio" }) },
  "DELETE /api/campaigns/:id": { access: "marketing:write", ids: { id: "campaign" } },
  "POST /api/campaigns/:id/costs": { access: "marketing:write", ids: { id: "campaign" }, body: () => ({ spentOn: "2026-11-05", amountCents: 100 }) },
  "DELETE /api/campaigns/:id/costs/:costId": { access: "marketing:write", ids: { id: "campaign", costId: "cost" } },

  "GET /api/income": { access: "marketing:read" },
  "POST /api/income": { access: "marketing:write", body: (own) => ({ contactId: own.ids.contact, amountCents: 100, receivedOn: "2026-11-03" }) },
  "PATCH /api/income/:id": { access: "marketing:write", ids: { id: "income" }, body: () => ({ reference: `MATRIX-${crypto.randomUUID()}` }) },
  "DELETE /api/income/:id": { access: "marketing:write", ids: { id: "income" } },
  "POST /api/income/import": { access: "marketing:write" },

  "GET /api/reports/campaigns": { access: "marketing:read" },
  "GET /api/reports/campaigns.csv": { access: "marketing:read" },
  "GET /api/reports/sources": { access: "marketing:read" },
  "GET /api/reports/sources.csv": { access: "marketing:read" },
  "GET /api/tenant": { access: "settings:read" },
  "PATCH /api/tenant": { access: "settings:write", body: () => ({ attributionWindowDays: 30 }) },

  "GET /api/provider-accounts": { access: "providers:manage" },
  "GET /api/provider-accounts/:provider": { access: "providers:manage", note: "names a provider, not an object: the account is always the session's tenant's" },
  "PUT /api/provider-accounts/:provider": { access: "providers:manage", note: "names a provider, not an object", body: (own) => ({ accountSid: own.accountSid, authToken: own.token }) },
  "DELETE /api/provider-accounts/:provider": { access: "providers:manage", note: "names a provider, not an object" },
  "POST /api/provider-accounts/:provider/test": { access: "providers:manage", note: "names a provider, not an object", body: (own) => ({ accountSid: own.accountSid, authToken: own.token }) },

  "GET /api/keys": { access: "keys:manage" },
  "POST /api/keys": { access: "keys:manage", body: () => ({ name: "matrix" }) },
  "DELETE /api/keys/:id": { access: "keys:manage", ids: { id: "apiKey" } },

  "GET /api/users": { access: "users:manage" },
  "PATCH /api/users/:id": { access: "users:manage", ids: { id: "user" }, body: () => ({ role: "reporting" }) },
  "POST /api/users/:id/reset-link": { access: "users:manage", ids: { id: "user" } },
  "GET /api/invitations": { access: "users:manage" },
  "POST /api/invitations": { access: "users:manage", body: () => ({ email: `matrix-${crypto.randomUUID()}@matrix.test`, role: "agent" }) },
  "DELETE /api/invitations/:id": { access: "users:manage", ids: { id: "invitation" } },
  // Public: the token in the body or query is all the credential there is; an unknown one is 404.
  "GET /api/invitations/accept": { access: "public" },
  "POST /api/invitations/accept": { access: "public" },
  "GET /api/auth/reset": { access: "public" },
  "POST /api/auth/reset": { access: "public" },

  "GET /api/receiving-numbers": { access: "routing:read" },
  "GET /api/receiving-numbers/:id": { access: "routing:read", ids: { id: "receivingNumber" } },
  "POST /api/receiving-numbers": { access: "routing:write", body: () => ({ number: "+14155550188", label: "Matrix" }) },
  "PATCH /api/receiving-numbers/:id": { access: "routing:write", ids: { id: "receivingNumber" }, body: () => ({ label: "Renamed" }) },
  "DELETE /api/receiving-numbers/:id": { access: "routing:write", ids: { id: "receivingNumber" } },

  "GET /api/routes": { access: "routing:read" },
  "GET /api/routes/agents": { access: "routing:read" },
  "GET /api/routes/:id": { access: "routing:read", ids: { id: "route" } },
  "GET /api/routes/:id/tree": { access: "routing:read", ids: { id: "route" } },
  "POST /api/routes": { access: "routing:write", body: (own) => ({ kind: "dial", name: "Matrix", config: { receivingNumberIds: [own.ids.receivingNumber] } }) },
  "PUT /api/routes/:id": { access: "routing:write", ids: { id: "route" }, body: (own) => ({ kind: "dial", name: "Matrix", config: { receivingNumberIds: [own.ids.receivingNumber] } }) },
  "DELETE /api/routes/:id": { access: "routing:write", ids: { id: "route" } },

  "GET /api/business-hours": { access: "routing:read" },
  "PUT /api/business-hours": { access: "routing:write", body: (own) => ({ weekly: [{ day: 1, from: "09:00", to: "17:00" }], afterHoursTarget: { kind: "route", id: own.ids.route } }) },
  "DELETE /api/business-hours": { access: "routing:write" },

  "GET /api/tracking-numbers": { access: "numbers:read" },
  "GET /api/tracking-numbers/available": { access: "numbers:read" },
  "GET /api/tracking-numbers/providers": { access: "numbers:read" },
  "POST /api/tracking-numbers": { access: "numbers:write" },
  "PATCH /api/tracking-numbers/:id": { access: "numbers:write", ids: { id: "trackingNumber" }, body: () => ({ label: "Renamed" }) },
  "DELETE /api/tracking-numbers/:id": { access: "numbers:write", ids: { id: "trackingNumber" } },
  "POST /api/tracking-numbers/failsafe": { access: "numbers:write" },
  // The fixture's number is a real Twilio one: the tenant's own is 409, another's 404.
  "POST /api/tracking-numbers/:id/test-call": { access: "numbers:write", ids: { id: "trackingNumber" }, body: () => ({}) },

  "GET /api/pools": { access: "numbers:read" },
  "GET /api/pools/:id": { access: "numbers:read", ids: { id: "pool" } },
  "POST /api/pools": { access: "numbers:write", body: () => ({ name: `Matrix ${crypto.randomUUID()}` }) },
  "PATCH /api/pools/:id": { access: "numbers:write", ids: { id: "pool" }, body: () => ({ leaseMinutes: 45 }) },
  "DELETE /api/pools/:id": { access: "numbers:write", ids: { id: "pool" } },

  // Dynamic number insertion: the snippet any website loads, and what it asks (a business's own origins only; dni.test.ts).
  "GET /dni.js": { access: "public" },
  "OPTIONS /dni/visits": { access: "public" },
  "POST /dni/visits": { access: "public" },

  "GET /api/setup": { access: "settings:read" },

  "GET /api/audit": { access: "audit:read" },

  "GET /api/webhooks": { access: "webhooks:manage" },
  // Made turned off, so nothing is ever sent to it.
  "POST /api/webhooks": { access: "webhooks:manage", body: () => ({ url: "https://hooks.test/matrix", events: ["call.ended"], enabled: false }) },
  "GET /api/webhooks/:id": { access: "webhooks:manage", ids: { id: "webhook" } },
  "PATCH /api/webhooks/:id": { access: "webhooks:manage", ids: { id: "webhook" }, body: () => ({ description: "Matrix" }) },
  "DELETE /api/webhooks/:id": { access: "webhooks:manage", ids: { id: "webhook" } },
  "POST /api/webhooks/:id/rotate-secret": { access: "webhooks:manage", ids: { id: "webhook" } },
  // The fixture's endpoint is off: its own tenant's test and redelivery are 409, another's 404.
  "POST /api/webhooks/:id/test": { access: "webhooks:manage", ids: { id: "webhook" } },
  "GET /api/webhooks/:id/deliveries": { access: "webhooks:manage", ids: { id: "webhook" } },
  "POST /api/webhooks/:id/deliveries/:deliveryId/redeliver": { access: "webhooks:manage", ids: { id: "webhook", deliveryId: "delivery" } },

  "GET /api/profile": { access: "session" },
  "PATCH /api/profile": { access: "session", body: () => ({ popupOn: "answer" }) },

  "POST /webhooks/twilio/voice": { access: "webhook" },
  "POST /webhooks/twilio/status": { access: "webhook" },
  "POST /webhooks/twilio/leg-status": { access: "webhook" },
  "POST /webhooks/twilio/dial-action": { access: "webhook" },
  "POST /webhooks/twilio/gather": { access: "webhook" },
  "POST /webhooks/twilio/recording": { access: "webhook" },
  "POST /webhooks/twilio/voicemail-done": { access: "webhook" },
  "POST /webhooks/twilio/whisper": { access: "webhook" },
  // Dials only a number sealed in its own URL under SECRETS_KEY; anything else hears the apology.
  "POST /webhooks/twilio/fallback": { access: "public" },
  ...providerWebhooks("signalwire"),
  // Every event of a PBX's call: the tenant is the dialled number's, the secret its PBX account's.
  "POST /webhooks/pbx/events": { access: "webhook" },
  // Telnyx's: tried below with Telnyx's own signature (test/workers/telnyx-helpers.ts).
  "POST /webhooks/telnyx/voice": { access: "webhook" },
  "POST /webhooks/telnyx/status": { access: "webhook" },
  "POST /webhooks/telnyx/leg-status": { access: "webhook" },
  "POST /webhooks/telnyx/dial-action": { access: "webhook" },
  "POST /webhooks/telnyx/gather": { access: "webhook" },
  "POST /webhooks/telnyx/recording": { access: "webhook" },
  "POST /webhooks/telnyx/voicemail-done": { access: "webhook" },
  "POST /webhooks/telnyx/whisper": { access: "webhook" },
  "POST /webhooks/telnyx/fallback": { access: "public" },
  "POST /webhooks/vonage/answer": { access: "webhook" },
  "POST /webhooks/vonage/event": { access: "webhook" },
  "POST /webhooks/vonage/dial-ended": { access: "webhook" },
  "POST /webhooks/vonage/gather": { access: "webhook" },
  "POST /webhooks/vonage/recording": { access: "webhook" },
  "POST /webhooks/vonage/voicemail-done": { access: "webhook" },
  "POST /webhooks/vonage/whisper": { access: "webhook" },
  "POST /webhooks/vonage/fallback": { access: "public" },

  "GET /parties/switchboard/:slug": { access: "socket", note: "the tenant's slug: another tenant's is 403" },

  "POST /webhooks/plivo/voice": { access: "webhook" },
  "POST /webhooks/plivo/status": { access: "webhook" },
  "POST /webhooks/plivo/leg-status": { access: "webhook" },
  "POST /webhooks/plivo/dial-action": { access: "webhook" },
  "POST /webhooks/plivo/gather": { access: "webhook" },
  "POST /webhooks/plivo/recording": { access: "webhook" },
  "POST /webhooks/plivo/voicemail-done": { access: "webhook" },
  "POST /webhooks/plivo/whisper": { access: "webhook" },
  "POST /webhooks/plivo/fallback": { access: "public" },
};

const routes = registeredRoutes();
const entries = routes.map((r) => [r, ROUTES[r]] as const).filter((e): e is readonly [string, Route] => e[1] !== undefined);

/** The path with each parameter replaced: by the tenant's ids of the kinds given, else a made-up id. */
function fill(path: string, values: Record<string, string>) {
  return path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(values[name] ?? "no-such-id"));
}

/** Every combination of the route's id parameters, each of one tenant or the other (at least one the other's). */
function idCombos(route: Route, own: FullTenant, other: FullTenant): { values: Record<string, string>; foreign: string[] }[] {
  const params = Object.entries(route.ids ?? {});
  let combos: { values: Record<string, string>; foreign: string[] }[] = [{ values: {}, foreign: [] }];
  for (const [param, kinds] of params) {
    const next: typeof combos = [];
    for (const combo of combos) {
      for (const kind of [kinds].flat()) {
        next.push({ values: { ...combo.values, [param]: own.ids[kind] }, foreign: combo.foreign });
        next.push({ values: { ...combo.values, [param]: other.ids[kind] }, foreign: [...combo.foreign, `${param}=${kind}`] });
      }
    }
    combos = next;
  }
  return combos.filter((c) => c.foreign.length > 0);
}

/** The signed request a webhook route would accept from `signer`, about the other tenant where it can name one. */
function webhookForm(path: string, signer: FullTenant, target: FullTenant) {
  const endpoint = path.split("/").pop()!;
  const base = { AccountSid: signer.accountSid, CallSid: hexId("CA") };
  const forms: Record<string, Record<string, string>> = {
    voice: { ...base, From: "+14155550124", To: target.trackingNumber, CallStatus: "ringing" },
    status: { ...base, CallStatus: "completed", To: target.trackingNumber },
    "leg-status": { ...base, ParentCallSid: hexId("CA"), CallStatus: "completed" },
    "dial-action": { ...base, DialCallStatus: "no-answer" },
    gather: { ...base, Digits: "1" },
    recording: { ...base, RecordingUrl: "https://api.twilio.com/rec/RE1", RecordingStatus: "completed" },
    "voicemail-done": { ...base, RecordingUrl: "https://api.twilio.com/rec/RE1" },
    whisper: base,
  };
  const query = endpoint === "voice" ? "" : `?tenant=${encodeURIComponent(target.id)}${endpoint === "whisper" ? "&text=Hi" : ""}`;
  return { path: `${path}${query}`, form: forms[endpoint]! };
}

let own: FullTenant;
let other: FullTenant;

beforeAll(async () => {
  [own, other] = [await fullTenant("Own"), await fullTenant("Other")];
}, 60_000);

describe("the route table", () => {
  it("classifies every route the app registers, and names none it does not", () => {
    const unclassified = routes.filter((r) => !(r in ROUTES));
    expect(unclassified, "routes missing from ROUTES in route-matrix.test.ts: classify them").toEqual([]);
    expect(Object.keys(ROUTES).filter((r) => !routes.includes(r)), "ROUTES names routes the app does not register").toEqual([]);
  });

  it("names an object kind for every path parameter but a provider's name and the socket's slug", () => {
    for (const [r, route] of entries) {
      const unnamed = paramsOf(r.split(" ")[1]!).filter((p) => !route.ids?.[p]);
      if (unnamed.length) expect(route.note, `${r}: ${unnamed.join(", ")}`).toBeTruthy();
    }
  });

  it("agrees with the server's own reading: each route needs the scope named here", () => {
    for (const [r, route] of entries) {
      if (["public", "health-key", "webhook", "socket"].includes(route.access)) continue;
      const [method, path] = r.split(" ") as [string, string];
      const expected = route.access === "signed-in" ? "anyone" : route.access === "session" ? null : route.access;
      expect(scopeNeeded(method, fill(path, {})), r).toBe(expected);
    }
  });
});

/** Routes whose callers are not the tenant's users or keys: tested apart, below. */
const NOT_USERS: Access[] = ["public", "health-key", "webhook", "socket"];
describe.each(entries.filter(([, r]) => !NOT_USERS.includes(r.access)))("%s", (r, route) => {
  const [method, path] = r.split(" ") as [string, string];
  const send = async (init: { cookie?: string; bearer?: string; values?: Record<string, string>; body?: unknown }) =>
    call(fill(path, init.values ?? {}), {
      method,
      // Logging out ends the session it carries: it gets one of its own.
      ...(init.cookie ? { cookie: path === "/api/auth/logout" ? await freshCookie(own, USER_ROLES.find((role) => own[COOKIE_OF[role]] === init.cookie)!) : init.cookie } : {}),
      ...(init.bearer ? { bearer: init.bearer } : {}),
      ...(method === "GET" || method === "DELETE" ? {} : { json: init.body ?? route.body?.(own) ?? {} }),
    });
  const idsOf = (t: FullTenant) => Object.fromEntries(Object.entries(route.ids ?? {}).map(([p, k]) => [p, t.ids[[k].flat()[0]!]]));

  it("is refused without a session or key: 401 with a message", async () => {
    const res = await send({ values: idsOf(own) });
    expect(res.status).toBe(401);
    expect((await res.json<{ error: string }>()).error).toMatch(/\w/);
  });

  it.each(USER_ROLES)(`to a session of each role: as the roles table says (%s)`, async (role) => {
    // Writes name an object that does not exist, so a role that gets through changes nothing here.
    const values = method === "GET" ? idsOf(own) : {};
    const res = await send({ cookie: own[COOKIE_OF[role]] as string, values });
    if (roleMay(role, route.access)) {
      expect([401, 403], await res.clone().text()).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    } else {
      expect(res.status).toBe(403);
      expect((await res.json<{ error: string }>()).error).toMatch(/^An? [\w ]+ may not do this$/);
    }
  });

  it(agentKeyMay(route.access) ? "is open to a key with an agent's role, within its scopes" : "is refused to a key with an agent's role: 403", async () => {
    const values = method === "GET" ? idsOf(own) : {};
    const res = await send({ bearer: own.agentKey, values });
    if (agentKeyMay(route.access)) {
      expect([401, 403], await res.clone().text()).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    } else {
      expect(res.status).toBe(403);
      // Its scopes refuse it (the powers, which only an admin's session grants), or else its role.
      expect((await res.json<{ error: string }>()).error).toMatch(/^(This API key has the agent role, which may not do this|This API key does not have the [a-z]+:[a-z]+ scope|This route is for a user's session, not an API key)$/);
    }
  });

  it(route.access === "session" ? "is refused to an API key: 403" : "is open to an API key", async () => {
    const res = await send({ bearer: own.apiKey, values: method === "GET" ? idsOf(own) : {} });
    if (route.access === "session") expect(res.status).toBe(403);
    else {
      expect([401, 403], await res.clone().text()).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    }
  });

  it("acts on the caller's tenant only: another tenant's ids are 404, and nothing of theirs changes", async () => {
    const before = await rowsOf(other.id);
    const liveBefore = (await switchboardOf(other).snapshot()).calls;
    const combos = idCombos(route, own, other);
    for (const { values, foreign } of combos) {
      for (const [who, credentials] of [
        ["admin", { cookie: own.adminCookie }],
        ["key", { bearer: own.apiKey }],
      ] as const) {
        const res = await send({ ...credentials, values });
        expect(res.status, `${who} with the other tenant's ${foreign.join(", ")}: ${await res.clone().text()}`).toBe(404);
        expect((await res.json<{ error: string }>()).error).toMatch(/^No such /);
      }
    }
    if (!combos.length) {
      // No id in the path: the route still acts on the caller's tenant alone, whatever it does.
      const res = await send({ cookie: own.adminCookie, values: { provider: "twilio" } });
      expect(res.status).toBeLessThan(500);
    }
    expect(await rowsOf(other.id)).toEqual(before);
    expect((await switchboardOf(other).snapshot()).calls).toEqual(liveBefore);
  });
});

describe("a business that signed itself up", () => {
  let newcomer: { id: string; slug: string };
  beforeAll(async () => {
    const res = await call("/api/signup", { method: "POST", headers: { "CF-Connecting-IP": "192.0.2.77" }, json: { business: "Newcomer Plumbing", name: "Nova", email: `nova-${crypto.randomUUID()}@newcomer.test`, password: "a brand new business at last" } });
    if (res.status !== 201) throw new Error(`sign-up: ${res.status} ${await res.text()}`);
    newcomer = (await res.json<{ tenant: { id: string; slug: string } }>()).tenant;
  });
  /** What of the other tenant a leak would show: its ids, slug and numbers. */
  const secretsOf = (t: FullTenant) => [...Object.values(t.ids).filter((v) => v !== "twilio"), t.id, t.slug, t.trackingNumber, t.accountSid];

  it.each(entries.filter(([, r]) => !NOT_USERS.includes(r.access)))("%s: sees nothing of another tenant and changes nothing of theirs", async (r, route) => {
    const [method, path] = r.split(" ") as [string, string];
    const before = await rowsOf(other.id);
    const liveBefore = (await switchboardOf(other).snapshot()).calls;
    // Its admin's own session each time (logging out ends the one it carries), naming the other tenant's ids everywhere.
    const cookie = await freshCookie(newcomer, "admin");
    const values = Object.fromEntries(Object.entries(route.ids ?? {}).map(([p, k]) => [p, other.ids[[k].flat()[0]!]]));
    const url = fill(path, { provider: "twilio", ...values });
    const body = method === "GET" || method === "DELETE" ? undefined : (route.body?.(other) ?? {});
    const res = await call(url, { method, cookie, ...(body === undefined ? {} : { json: body }) });
    expect(res.status, await res.clone().text()).toBeLessThan(500);
    if (route.ids) expect(res.status).toBe(404);
    const text = await res.text();
    // An id the request itself sent may be named back ("no such receiving number …"); nothing else of theirs.
    const sent = `${url} ${JSON.stringify(body)}`;
    for (const secret of secretsOf(other).filter((x) => !sent.includes(x))) expect(text, `${r} answered with the other tenant's ${secret}`).not.toContain(secret);
    expect(await rowsOf(other.id)).toEqual(before);
    expect((await switchboardOf(other).snapshot()).calls).toEqual(liveBefore);
  });

  it("its dashboards' socket reaches its own tenant only", async () => {
    const cookie = await freshCookie(newcomer, "admin");
    const theirs = await openSocket(other.slug, { cookie });
    expect([theirs.status, await theirs.json()]).toEqual([403, { error: "Not your tenant" }]);
    const mine = await openSocket(newcomer.slug, { cookie });
    expect(mine.status).toBe(101);
    mine.webSocket!.accept();
    mine.webSocket!.close(1000, "done");
  });
});

describe("health checks", () => {
  it.each(entries.filter(([, r]) => r.access === "health-key" || r.access === "public").filter(([r]) => r.startsWith("GET /health") && !r.includes(":")))("%s", async (r, route) => {
    const path = r.split(" ")[1]!;
    const bare = await exports.default.fetch(new Request(`${BASE}${path}`));
    const keyed = await exports.default.fetch(new Request(`${BASE}${path}`, { headers: { Authorization: "Bearer test-health-key" } }));
    const session = await call(path, { cookie: own.adminCookie });
    if (route.access === "public") expect(bare.status).toBe(200);
    else {
      expect(bare.status).toBe(401);
      expect(session.status, "a dashboard session is not the health key").toBe(401);
      expect(keyed.status).toBe(200);
    }
  });
});

describe("a Switchboard's storage (the benchmark's soak)", () => {
  it("takes the health key, not a session, and gives the tenant's storage size, rows per table and open sockets", async () => {
    const path = `/health/switchboard/${own.slug}/storage`;
    expect((await exports.default.fetch(new Request(`${BASE}${path}`))).status).toBe(401);
    expect((await call(path, { cookie: own.adminCookie })).status, "a dashboard session is not the health key").toBe(401);
    const keyed = await exports.default.fetch(new Request(`${BASE}${path}`, { headers: { Authorization: "Bearer test-health-key" } }));
    expect(keyed.status).toBe(200);
    const body = (await keyed.json()) as { ok: boolean; databaseSize: number; rows: Record<string, number>; sockets: number; startedAt: number };
    expect(body.ok).toBe(true);
    expect(body.databaseSize).toBeGreaterThan(0);
    // The fixture's live call is in the Switchboard's own tables, with its events.
    expect(body.rows.calls).toBeGreaterThanOrEqual(1);
    expect(body.rows.events).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(body.sockets)).toBe(true);
    expect(body.startedAt).toBeLessThanOrEqual(Date.now());
    const unknown = await exports.default.fetch(new Request(`${BASE}/health/switchboard/no-such-tenant/storage`, { headers: { Authorization: "Bearer test-health-key" } }));
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: "No such tenant" }]);
  });
});

describe("resetting a Switchboard (the benchmark's eviction, npm run dev only)", () => {
  it("takes the health key, and is refused where SWITCHBOARD_RESETS is not allow, as in a deployment", async () => {
    const reset = (headers: Record<string, string> = {}) => exports.default.fetch(new Request(`${BASE}/health/switchboard/${own.slug}/reset`, { method: "POST", headers }));
    expect((await reset()).status).toBe(401);
    const keyed = await reset({ Authorization: "Bearer test-health-key" });
    expect([keyed.status, await keyed.json()]).toEqual([404, { error: "Switchboard resets are for local servers (SWITCHBOARD_RESETS=allow)" }]);
  });
});

describe("logging in", () => {
  it("is open to anyone: a wrong password is the 401 of a wrong password, not of a missing session", async () => {
    const res = await call("/api/auth/login", { method: "POST", json: ROUTES["POST /api/auth/login"]!.body!(own) });
    expect([res.status, await res.json()]).toEqual([401, { error: "Wrong email or password" }]);
  });
});

describe.each(entries.filter(([path, r]) => r.access === "webhook" && path.includes("/webhooks/twilio/")))("%s", (r) => {
  const path = r.split(" ")[1]!;

  it("is refused unsigned, with a plain-text reason, and nothing changes", async () => {
    const before = await rowsOf(own.id);
    const { path: url, form } = webhookForm(path, own, own);
    const res = path.startsWith("/webhooks/vonage/") ? await postVonageAs(url, own, own, null) : await postTwilio(url, form, { token: own.token, signature: null });
    expect(res.status).toBe(403);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/plain/);
    expect(await res.text()).toBe("Not a verified webhook for a number here");
    expect(await rowsOf(own.id)).toEqual(before);
  });

  it("signed by one tenant, about another tenant (its id or its number): 403, and nothing of theirs changes", async () => {
    const before = await rowsOf(other.id);
    const liveBefore = (await switchboardOf(other).snapshot()).calls;
    const { path: url, form } = webhookForm(path, own, other);
    const res = path.startsWith("/webhooks/vonage/") ? await postVonageAs(url, own, other, "signed") : await postTwilio(url, form, { token: own.token });
    expect([res.status, await res.text()]).toEqual([403, "Not a verified webhook for a number here"]);
    expect(await rowsOf(other.id)).toEqual(before);
    expect((await switchboardOf(other).snapshot()).calls).toEqual(liveBefore);
  });
});

describe("SignalWire's webhooks", () => {
  let mine: SignalWireTenant;
  let theirs: SignalWireTenant;
  beforeAll(async () => {
    [mine, theirs] = [await createSignalWireTenant("Own SignalWire"), await createSignalWireTenant("Other SignalWire")];
  });

  it.each(entries.filter(([r, route]) => route.access === "webhook" && r.includes("/webhooks/signalwire/")).map(([r]) => r))("%s: refused unsigned, and signed by one tenant about another, changing nothing", async (r) => {
    const path = r.split(" ")[1]!;
    for (const [signer, target, signature] of [[mine, mine, null], [mine, theirs, undefined]] as const) {
      const before = await rowsOf(target.id);
      const { path: url, form } = signalwireWebhookForm(path, signer, target);
      const res = await postSignalWire(url, form, { signingKey: signer.signingKey, signature });
      expect([res.status, await res.text()], `${signature === null ? "unsigned" : "about another tenant"}`).toEqual([403, "Not a verified webhook for a number here"]);
      expect(await rowsOf(target.id)).toEqual(before);
    }
  });
});

describe("POST /webhooks/pbx/events", () => {
  it("is refused unsigned, or signed by one tenant's PBX about another's number: 403, and nothing of theirs changes", async () => {
    const [mine, theirs] = [await createPbxTenant("Own PBX"), await createPbxTenant("Other PBX")];
    const event = (to: string) => ({ type: "call.ringing" as const, callId: pbxCallId(), from: "+14155550124", to, at: Date.now() });
    for (const [who, res] of [
      ["unsigned", await postPbx(event(mine.trackingNumber), { secret: null })],
      ["another tenant's secret", await postPbx(event(theirs.trackingNumber), { secret: mine.secret })],
    ] as const) {
      expect(res.headers.get("Content-Type"), who).toMatch(/^text\/plain/);
      expect([res.status, await res.text()], who).toEqual([403, "Not a verified webhook for a number here"]);
    }
    for (const t of [mine, theirs]) {
      await switchboardOf(t).flushCallLog();
      expect((await rowsOf(t.id)).calls).toEqual([]);
      expect((await switchboardOf(t).snapshot()).calls).toEqual([]);
    }
  });
});

describe("the public routes of single-use links", () => {
  it.each(["GET /api/invitations/accept", "POST /api/invitations/accept", "GET /api/auth/reset", "POST /api/auth/reset"])("%s: an unknown token is 404 without a session, and changes nothing", async (r) => {
    const [method, path] = r.split(" ") as [string, string];
    const token = "A".repeat(43);
    const before = await rowsOf(own.id);
    const res =
      method === "GET"
        ? await call(`${path}?token=${token}`)
        : await call(path, { method, json: path.endsWith("accept") ? { token, name: "Nobody", password: "a long enough passphrase" } : { token, password: "a long enough passphrase" } });
    expect(res.status, await res.clone().text()).toBe(404);
    expect((await res.json<{ error: string }>()).error).toMatch(/not valid/);
    expect(await rowsOf(own.id)).toEqual(before);
  });
});

describe("signing up", () => {
  it("is open to anyone: a bad body is the 400 of the body, not the 401 of a missing session", async () => {
    const res = await call("/api/signup", { method: "POST", json: ROUTES["POST /api/signup"]!.body!(own) });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toMatch(/\w/);
  });
});

describe("POST /webhooks/twilio/fallback", () => {
  it("is public but dials nothing it did not seal: the apology, not a number", async () => {
    const res = await postTwilio(`/webhooks/twilio/fallback?dial=${encodeURIComponent(other.terminationNumber)}&key=forged`, { AccountSid: own.accountSid, CallSid: hexId("CA") }, { token: own.token, signature: null });
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).not.toContain(other.terminationNumber);
    expect(xml).not.toContain("<Dial");
  });
});

describe("GET /parties/switchboard/:slug", () => {
  it("upgrades for the session's own tenant; another tenant's slug is 403; no session is 401; an API key is 403", async () => {
    const mine = await openSocket(own.slug, { cookie: own.adminCookie });
    expect(mine.status).toBe(101);
    mine.webSocket!.accept();
    mine.webSocket!.close(1000, "done");
    for (const cookie of [own.adminCookie, own.agentCookie]) {
      const theirs = await openSocket(other.slug, { cookie });
      expect([theirs.status, await theirs.json()]).toEqual([403, { error: "Not your tenant" }]);
    }
    expect((await openSocket(other.slug, {})).status).toBe(401);
    const keyed = await exports.default.fetch(new Request(`${BASE}/parties/switchboard/${other.slug}`, { headers: { Upgrade: "websocket", Origin: BASE, Authorization: `Bearer ${own.apiKey}` } }));
    expect(keyed.status).toBe(403);
    const agent = await openSocket(own.slug, { cookie: own.agentCookie });
    expect(agent.status).toBe(101);
    agent.webSocket!.accept();
    agent.webSocket!.close(1000, "done");
  });
});

describe.each(entries.filter(([path, r]) => r.access === "webhook" && path.includes("/webhooks/plivo/")))("%s", (r) => {
  const endpoint = r.split("/").pop()!;
  let mine: PlivoTenant;
  let theirs: PlivoTenant;
  beforeAll(async () => {
    [mine, theirs] = [await createPlivoTenant("Own Plivo"), await createPlivoTenant("Other Plivo")];
  });

  it("is refused unsigned, with a plain-text reason, and nothing changes", async () => {
    const before = await rowsOf(mine.id);
    const { path, form } = plivoWebhookForm(endpoint, mine, mine);
    const res = await postPlivo(path, form, { token: mine.token, signed: false });
    expect([res.status, res.headers.get("Content-Type"), await res.text()]).toEqual([403, "text/plain; charset=UTF-8", "Not a verified webhook for a number here"]);
    expect(await rowsOf(mine.id)).toEqual(before);
  });

  it("signed by one tenant's Plivo account, about another tenant (its id or its number): 403, and nothing of theirs changes", async () => {
    const before = await rowsOf(theirs.id);
    const { path, form } = plivoWebhookForm(endpoint, mine, theirs);
    const res = await postPlivo(path, form, { token: mine.token });
    expect([res.status, await res.text()]).toEqual([403, "Not a verified webhook for a number here"]);
    expect(await rowsOf(theirs.id)).toEqual(before);
    expect((await switchboardOf(theirs).snapshot()).calls).toEqual([]);
  });
});

describe.each(entries.filter(([r, route]) => route.access === "webhook" && r.includes("/webhooks/telnyx/")))("%s", (r) => {
  const endpoint = r.split("/").pop()!;
  let telnyxOwn: TelnyxTenant;
  let telnyxOther: TelnyxTenant;
  beforeAll(async () => {
    [telnyxOwn, telnyxOther] = [await createTelnyxTenant(), await createTelnyxTenant()];
  });

  it("is refused unsigned, with a plain-text reason, and nothing changes", async () => {
    const before = await rowsOf(telnyxOwn.id);
    const { path, form } = telnyxWebhookForm(endpoint, telnyxOwn, telnyxOwn);
    const res = await postTelnyx(path, telnyxOwn.credentials, form, { signed: false });
    expect(res.status).toBe(403);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/plain/);
    expect(await res.text()).toBe("Not a verified webhook for a number here");
    expect(await rowsOf(telnyxOwn.id)).toEqual(before);
  });

  it("signed by one tenant, about another tenant (its id or its number): 403, and nothing of theirs changes", async () => {
    const before = await rowsOf(telnyxOther.id);
    const liveBefore = (await switchboardOf(telnyxOther).snapshot()).calls;
    const { path, form } = telnyxWebhookForm(endpoint, telnyxOwn, telnyxOther);
    const res = await postTelnyx(path, telnyxOwn.credentials, form);
    expect([res.status, await res.text()]).toEqual([403, "Not a verified webhook for a number here"]);
    expect(await rowsOf(telnyxOther.id)).toEqual(before);
    expect((await switchboardOf(telnyxOther).snapshot()).calls).toEqual(liveBefore);
  });
});
