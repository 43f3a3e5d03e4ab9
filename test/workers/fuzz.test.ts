/**
 * No 5xx on any input. Property-based: every route the app registers (from `app.routes`) and every
 * webhook gets generated path ids (real ones of this tenant and of another, huge, unicode, `%`
 * escapes), queries (the route's own keys with values out of range), bodies (shaped by the route's
 * zod schema, or anything; mangled, empty, not UTF-8, of the wrong type, too big) and headers (a
 * session of either role, an API key, bad ones, none; the app's Origin, a foreign one, none). For
 * every case: no 5xx; a 4xx says why (`{ error }` from the API, plain text from a webhook); a 4xx
 * wrote nothing (every row of D1 and each Switchboard's event counter, compared before and after,
 * on every case); another tenant's id never gets a 2xx.
 *
 * The seed is fixed so CI runs the same cases every time; `FUZZ_SEED=n` varies it and `FUZZ_RUNS=n`
 * the number of cases (10,000 by default, spread over the routes). fast-check prints the seed and
 * the path of a failing case: `FUZZ_SEED=<seed>` runs it again.
 */
import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { z } from "zod";
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeyCreate, callListQuery, callUpdate, campaignCostInput, campaignCreate, campaignUpdate, contactCreate, contactListQuery, contactUpdate, incomeInput, incomeListQuery, incomeUpdate, invitationAccept, invitationCreate, linkQuery, loginBody, passwordChange, passwordReset, userUpdate, phoneInput, reportQuery, signupBody, tenantUpdate } from "../../schema/api.ts";
import { receivingNumberInput, receivingNumberUpdate, routeSave } from "../../schema/routing.ts";
import { businessHoursInput, trackingAfterHours } from "../../schema/hours.ts";
import { poolInput, poolUpdate, visitRequest } from "../../schema/dni.ts";
import { twilioCredentials } from "../../worker/providers/twilio/adapter.ts";
import { auditQuery } from "../../worker/audit/routes.ts";
import { dialActionForm, gatherForm, recordingForm, statusForm, voiceForm, whisperForm } from "../../worker/providers/twilio/forms.ts";
import { fallbackKey } from "../../worker/webhooks/fallback.ts";
import { deliveryListQuery, webhookCreate, webhookUpdate } from "../../schema/webhooks.ts";
import { pbxEvent } from "../../worker/providers/pbx/events.ts";
import { createPbxTenant, signedHeaders, type PbxTenant } from "./pbx-helpers.ts";
import { freshCookie, fullTenant, registeredRoutes, type FullTenant } from "./app-routes.ts";
import { arbitraryOf, keysOf, nastyString } from "./fuzz-arbitraries.ts";
import { BASE } from "./helpers.ts";
import { addPlivoAccount, isPlivo, PLIVO_FORMS, signPlivoCase, type PlivoAccount } from "./plivo-fuzz.ts";
import { sdkSignature, switchboardOf } from "./twilio-helpers.ts";
import { sdkJwt, vonageAccountOf, vonageWebhookBody } from "./vonage-helpers.ts";

const SEED = Number(env.FUZZ_SEED) || 20261121;
const RUNS = Number(env.FUZZ_RUNS) || 10_000;
/** Of the cases, the webhooks' share (their signed cases go through Twilio's SDK in Node: slower). */
const WEBHOOK_SHARE = 0.2;
const FOREIGN = "https://evil.test";
/**
 * Writes are checked on one case in CHECK_WRITES_EVERY (drawn with the case, so the same ones each
 * run): reading every row of D1 and both Switchboards before and after costs ~10 ms a case, three
 * times the request itself; on every case, 10,000 cases took 148 s here (2 cores, shared).
 */
const CHECK_WRITES_EVERY = Number(env.FUZZ_CHECK_EVERY) || 4;

// Bodies of the routes whose schemas live inside their route files: the same fields, for generating only.
const nullablePhone = z.string().trim().min(1).max(40).nullable();
const nullableId = z.string().min(1).max(100).nullable();
const trackingFields = { label: z.string().max(100), campaignId: nullableId, routeId: nullableId, terminationNumber: nullablePhone, failsafeNumber: nullablePhone, record: z.boolean() };
const buyBody = z.object({ number: z.string().min(3).max(40), provider: z.enum(["twilio"]).optional(), ...trackingFields, afterHoursTarget: z.optional(trackingAfterHours) });
const trackingUpdate = z.object({ ...trackingFields, whisper: z.string().min(1).max(500).nullable(), afterHoursTarget: trackingAfterHours }).partial();
const failsafeBulk = z.object({ trackingNumberIds: z.array(z.string().min(1).max(100)).max(5), failsafeNumber: nullablePhone });
const testCallBody = z.object({ from: z.string().max(20) }).partial();
const profileUpdate = z.object({ name: z.string().min(1).max(100), agentNumber: nullablePhone, popupOn: z.enum(["ring", "answer"]), popupCloseSeconds: z.literal([0, 5, 10, 30, 60]), smsAlerts: z.enum(["off", "mine", "all"]) }).partial();
const accountBody = z.intersection(twilioCredentials, z.object({ sandbox: z.boolean() }));
const searchQuery = z.object({ areaCode: z.string(), near: z.string(), region: z.string(), limit: z.coerce.number().int().min(1).max(50), provider: z.string() });
const socketQuery = z.object({ since: z.coerce.number().int().min(0), _pk: z.string().max(100) });

type Spec = { body?: z.core.$ZodType; query?: z.core.$ZodType; csv?: string[] };
/** What each route reads, by "METHOD path"; a route not named here is sent anything at all. */
const SPECS: Record<string, Spec> = {
  "POST /api/auth/login": { body: loginBody },
  "POST /api/auth/password": { body: passwordChange },
  "POST /api/signup": { body: signupBody },
  "POST /api/contacts/import": { csv: ["name", "kind", "company", "email", "notes", "tags", "phone", "main", "mobile", "work", "other"], query: z.object({ atomic: z.enum(["true"]) }) },
  "GET /api/contacts": { query: contactListQuery },
  "POST /api/contacts": { body: contactCreate },
  "PATCH /api/contacts/:id": { body: contactUpdate },
  "POST /api/contacts/:id/phones": { body: phoneInput },
  "GET /api/calls.csv": { query: callListQuery },
  "GET /api/calls": { query: callListQuery },
  "PATCH /api/calls/:id": { body: callUpdate },
  "POST /api/campaigns": { body: campaignCreate },
  "PATCH /api/campaigns/:id": { body: campaignUpdate },
  "POST /api/campaigns/:id/costs": { body: campaignCostInput },
  "GET /api/income": { query: incomeListQuery },
  "POST /api/income": { body: incomeInput },
  "PATCH /api/income/:id": { body: incomeUpdate },
  "POST /api/income/import": { csv: ["contact_id", "phone", "email", "amount", "date", "reference"], query: z.object({ atomic: z.enum(["true", "false"]) }) },
  "GET /api/reports/campaigns": { query: reportQuery },
  "GET /api/reports/campaigns.csv": { query: reportQuery },
  "GET /api/reports/sources": { query: reportQuery },
  "GET /api/reports/sources.csv": { query: reportQuery },
  "POST /api/pools": { body: poolInput },
  "PATCH /api/pools/:id": { body: poolUpdate },
  "POST /dni/visits": { body: visitRequest },
  "PATCH /api/tenant": { body: tenantUpdate },
  "PUT /api/provider-accounts/:provider": { body: accountBody },
  "POST /api/provider-accounts/:provider/test": { body: accountBody },
  "GET /api/audit": { query: auditQuery },
  "POST /api/keys": { body: apiKeyCreate },
  "POST /api/receiving-numbers": { body: receivingNumberInput },
  "PATCH /api/receiving-numbers/:id": { body: receivingNumberUpdate },
  "POST /api/routes": { body: routeSave },
  "PUT /api/routes/:id": { body: routeSave },
  "PUT /api/business-hours": { body: businessHoursInput },
  "GET /api/tracking-numbers/available": { query: searchQuery },
  "POST /api/tracking-numbers": { body: buyBody },
  "PATCH /api/tracking-numbers/:id": { body: trackingUpdate },
  "POST /api/tracking-numbers/failsafe": { body: failsafeBulk },
  "POST /api/tracking-numbers/:id/test-call": { body: testCallBody },
  "PATCH /api/profile": { body: profileUpdate },
  "PATCH /api/users/:id": { body: userUpdate },
  "POST /api/invitations": { body: invitationCreate },
  "GET /api/invitations/accept": { query: linkQuery },
  "POST /api/invitations/accept": { body: invitationAccept },
  "GET /api/auth/reset": { query: linkQuery },
  "POST /api/auth/reset": { body: passwordReset },
  "GET /parties/switchboard/:slug": { query: socketQuery },
  "POST /api/webhooks": { body: webhookCreate },
  "PATCH /api/webhooks/:id": { body: webhookUpdate },
  "GET /api/webhooks/:id/deliveries": { query: deliveryListQuery },
};

const FORMS: Record<string, z.core.$ZodType> = {
  voice: voiceForm,
  status: statusForm,
  "leg-status": statusForm,
  "dial-action": dialActionForm,
  gather: gatherForm,
  recording: recordingForm,
  "voicemail-done": recordingForm,
  whisper: whisperForm,
  fallback: whisperForm,
  // The PBX's JSON event (its cases are JSON, signed per Standard Webhooks: pbxCase below).
  events: pbxEvent,
};

let own: FullTenant;
let other: FullTenant;
/** Real ids of both tenants, slugs and numbers: the strings most worth putting where an id goes. */
let pool: fc.Arbitrary<string>;
let otherIds: Set<string>;
/** A real fallback URL's query, sealed for this tenant's fail-safe number. */
let sealed: { dial: string; key: string };
/** The fuzzed tenant's Plivo account and number (the Plivo webhooks are signed with it). */
let plivoOwn: PlivoAccount;
/** The fuzzed tenant's PBX account and its number. */
let ownPbx: PbxTenant;
/** The tenant's Vonage application, which signs its Vonage webhooks. */
let ownVonage: { applicationId: string; secret: string };

beforeAll(async () => {
  [own, other] = [await fullTenant("Fuzz"), await fullTenant("Bystander")];
  otherIds = new Set([...Object.values(other.ids), other.slug, other.id].filter((v) => v !== "twilio"));
  const strings = [...Object.values(own.ids), ...otherIds, own.slug, own.id, own.trackingNumber, other.trackingNumber, own.accountSid, other.accountSid];
  pool = fc.constantFrom(...strings);
  sealed = { dial: own.failsafeNumber, key: await fallbackKey("twilio", own.failsafeNumber, env.SECRETS_KEY) };
  plivoOwn = await addPlivoAccount(own.id);
  ownPbx = await createPbxTenant("Fuzz PBX", own);
  ownVonage = await vonageAccountOf(own.id);
  // Dates are read in the tenant's zone: the fuzzed tenant's is 14 hours ahead of UTC, so its first
  // days begin before 1970 (negative epoch ms) and its last ones after 2199 ends in UTC.
  await env.DB.prepare("update tenants set time_zone = 'Pacific/Kiritimati' where id = ?").bind(own.id).run();
  // The app's own origin is the fuzzed tenant's website: the snippet's requests from it get numbers (a pool of its own number).
  await env.DB.prepare("update tenants set site_origins = ? where id = ?").bind(JSON.stringify([BASE]), own.id).run();
  await env.DB.prepare("insert into pool_numbers (tracking_number_id, tenant_id, pool_id) values (?, ?, ?)").bind(own.ids.trackingNumber, own.id, own.ids.pool).run();
  await switchboardOf(own).routingChanged();
}, 60_000);

/** Everything a 4xx must leave as it was (the audit log too: a refused change is no event): every row of D1 but the login throttle's (a failed login counts, by design) and keys' last use, and each Switchboard's event counter. */
async function state() {
  const tables = ["tenants", "users", "sessions", "api_keys", "contacts", "contact_phones", "campaigns", "campaign_costs", "income", "provider_accounts", "routes", "tracking_numbers", "receiving_numbers", "business_hours", "number_pools", "pool_numbers", "calls", "audit_events", "webhook_endpoints"];
  const results = await env.DB.batch(tables.map((t) => env.DB.prepare(`select * from ${t} order by rowid`)));
  // What changes by itself: a key's last use, and whether an endpoint is failing (its deliveries run on the queue, between cases).
  const unset: Record<string, string> = { api_keys: "last_used_at", webhook_endpoints: "failing_since" };
  const rows = results.map((r, i) => (unset[tables[i]!] ? r.results.map((k) => ({ ...(k as Record<string, unknown>), [unset[tables[i]!]!]: null })) : r.results));
  const seqs = await Promise.all([own, other].map(async (t) => (await switchboardOf(t).snapshot()).seq));
  return JSON.stringify({ rows, seqs });
}

/** Settles what the Switchboards write by themselves a moment after a call ends, so it is not taken for the next case's write. */
async function settled() {
  await Promise.all([own, other].map((t) => switchboardOf(t).flushCallLog()));
  return state();
}

type Case = { method: string; url: string; headers: Headers; body: BodyInit | null; foreign: boolean; note: string };

async function send(c: Case, checkWrites: boolean) {
  const before = checkWrites ? await settled() : null;
  const res = await exports.default.fetch(new Request(c.url, { method: c.method, headers: c.headers, body: c.body }));
  // A socket that did open is closed at once: the case is about the answer.
  if (res.webSocket) {
    res.webSocket.accept();
    res.webSocket.close(1000, "fuzz");
  }
  const text = await res.text();
  const where = `${c.method} ${c.url} (${c.note}) → ${res.status} ${text.slice(0, 300)}`;
  expect(res.status, where).toBeLessThan(500);
  if (c.foreign) expect(res.status >= 200 && res.status < 300, `another tenant's id got a ${res.status}: ${where}`).toBe(false);
  // A HEAD answer has no body to read: its status and the writes are still checked.
  if (res.status >= 400 && c.method !== "HEAD") {
    const type = res.headers.get("Content-Type") ?? "";
    if (type.startsWith("application/json")) {
      const body = JSON.parse(text) as { error?: unknown };
      expect(typeof body.error === "string" && body.error.trim().length > 0, `a 4xx without { error }: ${where}`).toBe(true);
    } else {
      expect(new URL(c.url).pathname.startsWith("/webhooks/"), `only webhooks answer a 4xx in plain text: ${where}`).toBe(true);
      expect(type, where).toMatch(/^text\/plain/);
      expect(text.trim().length, `an empty 4xx: ${where}`).toBeGreaterThan(0);
    }
  }
  if (before !== null && res.status >= 400) expect(await state(), `a ${res.status} wrote something: ${where}`).toBe(before);
}

// Requests ----------------------------------------------------------------------------------------

/** encodeURIComponent, but a lone surrogate (which it refuses) goes as the bytes a careless client would send. */
const encode = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, "\uFFFD")).replace(/%EF%BF%BD/g, "%ED%A0%80");
  }
};

const segment = () =>
  fc.oneof(
    { weight: 4, arbitrary: pool.map((v) => ({ value: encode(v), raw: v })) },
    { weight: 3, arbitrary: nastyString.filter((s) => s.length > 0).map((v) => ({ value: encode(v), raw: v })) },
    { weight: 1, arbitrary: fc.constantFrom("%", "%zz", "%E0%A4%A", "%00", "%C0%AF", "..", "%2e%2e", "a%2Fb", `${"x".repeat(5000)}`).map((v) => ({ value: v, raw: v })) },
  );

function queryArb(spec: Spec | undefined) {
  const keys = [...(spec?.query ? keysOf(spec.query) : [])];
  const known = spec?.query ? (arbitraryOf(spec.query, pool) as fc.Arbitrary<Record<string, unknown>>) : fc.constant({});
  const pairs = fc.tuple(
    known,
    fc.array(fc.tuple(fc.oneof(fc.constantFrom(...keys, "limit", "offset", "q", "from", "to"), nastyString), fc.oneof(nastyString, pool)), { maxLength: 3 }),
  );
  return fc.oneof(
    { weight: 8, arbitrary: pairs.map(([obj, extra]) => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(obj ?? {})) for (const one of [v].flat()) if (one !== undefined) q.append(k, typeof one === "object" ? JSON.stringify(one) : String(one));
      for (const [k, v] of extra) q.append(k, v);
      const s = q.toString();
      return s ? `?${s}` : "";
    }) },
    { weight: 1, arbitrary: fc.constantFrom("?%zz=1&&=&limit=%", "?limit=1&limit=2&offset=-0", "?from=9999-12-31&to=9999-12-31", "?to=0001-01-01", "?q=%00", `?q=${"9".repeat(400)}`) },
  );
}

type Body = { body: BodyInit | null; type?: string; note: string };

function csvArb(columns: string[]): fc.Arbitrary<Body> {
  const cell = fc.oneof(nastyString, pool, fc.constantFrom("12.50", "-3", "2026-11-01", "customer", "lead", "x;y", '"', '""', "\n", "=1+1"));
  const header = fc.shuffledSubarray(columns, { minLength: 1 }).chain((cols) => fc.tuple(fc.constant(cols), fc.array(fc.array(cell, { minLength: cols.length, maxLength: cols.length }), { maxLength: 6 })));
  return fc.tuple(header, fc.constantFrom("text/csv", "text/plain; charset=utf-8", "application/json", "text/csv")).map(([[cols, rows], type]) => ({
    body: [cols.join(","), ...rows.map((r) => r.map((v) => `"${v.replace(/"/g, '""')}"`).join(","))].join("\r\n"),
    type,
    note: `csv ${rows.length} rows`,
  }));
}

function bodyArb(spec: Spec | undefined): fc.Arbitrary<Body> {
  const shaped = spec?.body ? arbitraryOf(spec.body, pool) : fc.jsonValue({ maxDepth: 3 });
  const json = (v: unknown) => JSON.stringify(v === undefined ? null : v);
  const variants: fc.WeightedArbitrary<Body>[] = [
    { weight: 10, arbitrary: shaped.map((v) => ({ body: json(v), type: "application/json", note: "json" })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => ({ body: json(v), type: "application/json", note: "any json" })) },
    { weight: 2, arbitrary: fc.tuple(shaped, fc.nat()).map(([v, n]) => { const s = json(v); return { body: s.slice(0, n % (s.length + 1)), type: "application/json", note: "cut json" }; }) },
    { weight: 1, arbitrary: fc.tuple(shaped, fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "")).map(([v, type]) => ({ body: json(v), type, note: `json as ${type}` })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({ body: new Uint8Array([0xff, 0xfe, 0xc0, ...b]), type: "application/json", note: "not utf-8" })) },
    { weight: 1, arbitrary: fc.constantFrom<Body>({ body: null, note: "no body" }, { body: "", type: "application/json", note: "empty" }, { body: "null", type: "application/json", note: "null" }, { body: JSON.stringify({ pad: "x".repeat(70_000) }), type: "application/json", note: "70 KB" }) },
  ];
  if (spec?.csv) variants.push({ weight: 12, arbitrary: csvArb(spec.csv) });
  return fc.oneof(...variants);
}

type Who = "admin" | "agent" | "key" | "bad cookie" | "bad key" | "nobody" | "fresh admin";
const whoArb = fc.constantFrom<Who>("admin", "admin", "admin", "admin", "agent", "agent", "key", "key", "bad cookie", "bad key", "nobody");
const originArb = fc.constantFrom<string | null | "same-origin">(BASE, BASE, BASE, BASE, BASE, BASE, FOREIGN, null, "same-origin");

async function credentials(headers: Headers, who: Who, path: string) {
  // Logging out ends the session it carries: it gets one of its own, so the others' stay.
  const logout = path === "/api/auth/logout";
  if (who === "admin") headers.set("Cookie", logout ? await freshCookie(own, "admin") : own.adminCookie);
  if (who === "agent") headers.set("Cookie", logout ? await freshCookie(own, "agent") : own.agentCookie);
  if (who === "key") headers.set("Authorization", `Bearer ${own.apiKey}`);
  if (who === "bad cookie") headers.set("Cookie", "sb_session=forged; sb_session=");
  if (who === "bad key") headers.set("Authorization", "Bearer sb_forged");
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

function apiCase(route: string) {
  const [method, path] = route.split(" ") as [string, string];
  const spec = SPECS[route];
  const params = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  return fc
    .record({
      segments: fc.tuple(...params.map(() => segment())),
      query: queryArb(spec),
      body: bodyArb(spec),
      who: whoArb,
      origin: originArb,
      upgrade: fc.boolean(),
      method: fc.oneof({ weight: 12, arbitrary: fc.constant(method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
    })
    .map((r) => ({ ...r, route, path, params }));
}

type Drawn<A> = A extends fc.Arbitrary<infer T> ? T : never;

async function apiRequest(r: Drawn<ReturnType<typeof apiCase>>): Promise<Case> {
  let i = 0;
  let foreign = false;
  const path = r.path.replace(/:(\w+)/g, (_, name: string) => {
    const s = r.segments[i++]!;
    // The socket's slug, and a provider's name, are not ids: another tenant's slug is a 403, never a 2xx, all the same.
    if (otherIds.has(s.raw) && name !== "provider") foreign = true;
    return s.value;
  });
  const headers = new Headers();
  await credentials(headers, r.who, r.path);
  if (r.origin === "same-origin") headers.set("Sec-Fetch-Site", "same-origin");
  else if (r.origin) headers.set("Origin", r.origin);
  if (r.upgrade || r.path.startsWith("/parties/")) headers.set("Upgrade", "websocket");
  const hasBody = !["GET", "HEAD"].includes(r.method);
  if (hasBody && r.body.type !== undefined) headers.set("Content-Type", r.body.type);
  return { method: r.method, url: `${BASE}${path}${r.query}`, headers, body: hasBody ? r.body.body : null, foreign, note: `${r.who}, origin ${r.origin}, ${hasBody ? r.body.note : "no body"}` };
}

// Webhooks ----------------------------------------------------------------------------------------

function webhookCase(path: string) {
  const endpoint = path.split("/").pop()!;
  const form = (isPlivo(path) ? PLIVO_FORMS[endpoint] : FORMS[endpoint]) ?? whisperForm;
  const overrides = endpoint === "events" ? pbxOverrides() : fc.record(
    {
      CallSid: fc.oneof(fc.constant(`CA${"0".repeat(32)}`), fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 32, maxLength: 32 }).map((h) => `CA${h}`), nastyString),
      AccountSid: fc.oneof({ weight: 6, arbitrary: fc.constant(own.accountSid) }, { weight: 1, arbitrary: fc.constant(other.accountSid) }, { weight: 1, arbitrary: nastyString }),
      To: fc.oneof({ weight: 6, arbitrary: fc.constant(own.trackingNumber) }, { weight: 1, arbitrary: fc.constant(other.trackingNumber) }, { weight: 2, arbitrary: nastyString }),
    },
    { requiredKeys: [] },
  );
  const tenant = fc.oneof({ weight: 6, arbitrary: fc.constant(own.id) }, { weight: 1, arbitrary: fc.constant(other.id) }, { weight: 2, arbitrary: nastyString }, { weight: 2, arbitrary: fc.constant(undefined) });
  const fallback = fc.oneof(fc.constant(sealed), fc.record({ dial: fc.oneof(nastyString, fc.constant(sealed.dial)), key: fc.oneof(nastyString, fc.constant(sealed.key)) }), fc.constant(undefined));
  return fc.record({
    fields: arbitraryOf(form, pool) as fc.Arbitrary<Record<string, unknown> | null>,
    overrides,
    extra: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...keysOf(form)), nastyString), nastyString), { maxLength: 3 }),
    tenant,
    text: fc.option(nastyString, { nil: undefined }),
    fallback,
    signed: fc.oneof({ weight: 1, arbitrary: fc.constant("sdk" as const) }, { weight: 3, arbitrary: fc.constantFrom("none" as const, "forged" as const) }),
    encoding: fc.oneof({ weight: 12, arbitrary: fc.constant("form" as const) }, { weight: 1, arbitrary: fc.constantFrom("json" as const, "bytes" as const, "empty" as const, "huge" as const) }),
    bytes: fc.uint8Array({ maxLength: 64 }),
    method: fc.oneof({ weight: 20, arbitrary: fc.constant("POST") }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
  }).map((r) => ({ ...r, path, endpoint }));
}

/**
 * A Vonage webhook from the same drawn case: its JSON body for the path (about the drawn tracking
 * number), the drawn extra pairs as JSON fields, signed by the tenant's Vonage application (a JWT
 * made by Vonage's own JWT code), forged, or not at all.
 */
async function vonageRequest(r: Drawn<ReturnType<typeof webhookCase>>, url: string): Promise<Case> {
  const drawn = (r.overrides ?? {}) as { To?: unknown };
  const to = typeof drawn.To === "string" ? drawn.To : own.trackingNumber;
  const payload = { ...(vonageWebhookBody(r.endpoint, to) as Record<string, unknown>), ...Object.fromEntries(r.extra) };
  let body: BodyInit = JSON.stringify(payload);
  if (r.encoding === "form") body = new URLSearchParams(r.extra).toString();
  if (r.encoding === "bytes") body = new Uint8Array([0xff, 0xc3, 0x28, ...r.bytes]);
  if (r.encoding === "empty") body = "";
  if (r.encoding === "huge") body = JSON.stringify({ ...payload, pad: "x".repeat(70_000) });
  const headers = new Headers({ "Content-Type": "application/json" });
  if (r.signed === "sdk" && typeof body === "string") headers.set("Authorization", `Bearer ${await sdkJwt(ownVonage.secret, ownVonage.applicationId, body)}`);
  else if (r.signed === "forged") headers.set("Authorization", "Bearer e30.e30.c2lnbmF0dXJl");
  return { method: r.method, url, headers, body: ["GET", "HEAD"].includes(r.method) ? null : body, foreign: false, note: `${r.signed} signature, ${r.encoding} (Vonage)` };
}

async function webhookRequest(r: Drawn<ReturnType<typeof webhookCase>>): Promise<Case> {
  const pairs: [string, string][] = [];
  const fields = { ...(r.fields && typeof r.fields === "object" && !Array.isArray(r.fields) ? r.fields : {}), ...r.overrides };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) pairs.push([k, typeof v === "string" ? v : JSON.stringify(v)]);
  pairs.push(...r.extra);
  const query = new URLSearchParams();
  if (r.endpoint === "fallback") {
    if (r.fallback) for (const [k, v] of Object.entries(r.fallback)) query.set(k, v);
  } else if (r.tenant !== undefined) query.set("tenant", r.tenant);
  if (r.text !== undefined) query.set("text", r.text);
  if (isPlivo(r.path) && r.endpoint !== "fallback") {
    // Plivo's URLs name the account; its forms write our number as digits.
    query.set("auth_id", plivoOwn.authId);
    for (const pair of pairs) if (pair[0] === "To" && pair[1] === own.trackingNumber) pair[1] = plivoOwn.trackingNumber.slice(1);
  }
  const url = `${BASE}${r.path}${query.size ? `?${query}` : ""}`;
  if (r.endpoint === "events") return pbxCase(r, fields, url);
  if (r.path.startsWith("/webhooks/vonage/")) return vonageRequest(r, url);
  const headers = new Headers({ "Content-Type": "application/x-www-form-urlencoded" });
  let body: BodyInit | null = new URLSearchParams(pairs).toString();
  if (r.encoding === "json") body = JSON.stringify(fields);
  if (r.encoding === "bytes") body = new Uint8Array([0xff, 0xc3, 0x28, ...r.bytes]);
  if (r.encoding === "empty") body = "";
  if (r.encoding === "huge") body = `Pad=${"x".repeat(70_000)}`;
  if (isPlivo(r.path) && r.signed !== "none" && r.encoding === "form") {
    await signPlivoCase(headers, plivoOwn, url, body as string, r.signed);
  } else if (r.signed === "sdk" && r.encoding === "form") {
    // As Twilio's SDK takes them: a repeated name carries its values as a list.
    const params: Record<string, string | string[]> = {};
    for (const [k, v] of pairs) params[k] = k in params ? [params[k]!].flat().concat(v) : v;
    headers.set("X-Twilio-Signature", await sdkSignature(own.token, url, params));
  } else if (r.signed === "forged") headers.set("X-Twilio-Signature", "c2lnbmF0dXJl");
  return { method: r.method, url, headers, body: ["GET", "HEAD"].includes(r.method) ? null : body, foreign: false, note: `${r.signed} signature, ${r.encoding}` };
}

/** The PBX event's fields worth aiming: its own number mostly, the call id, the time. */
function pbxOverrides() {
  return fc.record(
    {
      to: fc.oneof({ weight: 6, arbitrary: fc.constant(ownPbx.trackingNumber) }, { weight: 1, arbitrary: fc.constant(other.trackingNumber) }, { weight: 2, arbitrary: nastyString }),
      callId: fc.oneof(fc.constant("1700000000.1"), nastyString),
      at: fc.oneof(fc.constant(Date.now()), fc.integer(), fc.double(), nastyString),
    },
    { requiredKeys: [] },
  );
}

/** A PBX case: the fields as JSON (extra pairs as extra keys), signed with the PBX's secret by the reference library, forged, or not at all. */
function pbxCase(r: Drawn<ReturnType<typeof webhookCase>>, fields: Record<string, unknown>, url: string): Case {
  let body: string | Uint8Array<ArrayBuffer> = JSON.stringify({ ...fields, ...Object.fromEntries(r.extra) });
  if (r.encoding === "bytes") body = new Uint8Array([0xff, 0xc3, 0x28, ...r.bytes]);
  if (r.encoding === "empty") body = "";
  if (r.encoding === "huge") body = JSON.stringify({ ...fields, pad: "x".repeat(70_000) });
  const headers =
    r.signed === "sdk" && typeof body === "string"
      ? signedHeaders(ownPbx.secret, body)
      : new Headers({ "Content-Type": "application/json", ...(r.signed === "forged" ? { "webhook-id": "msg_1", "webhook-timestamp": String(Math.floor(Date.now() / 1000)), "webhook-signature": "v1,c2lnbmF0dXJl" } : {}) });
  return { method: r.method, url, headers, body: ["GET", "HEAD"].includes(r.method) ? null : body, foreign: false, note: `${r.signed} signature, ${r.encoding}` };
}

// The properties ------------------------------------------------------------------------------------

const all = registeredRoutes();
const webhooks = all.filter((r) => r.startsWith("POST /webhooks/"));
const others = all.filter((r) => !webhooks.includes(r));
const perWebhook = Math.ceil((RUNS * WEBHOOK_SHARE) / webhooks.length);
const perRoute = Math.ceil((RUNS * (1 - WEBHOOK_SHARE)) / others.length);

describe(`fuzz (seed ${SEED}, ${perRoute * others.length + perWebhook * webhooks.length} cases)`, () => {
  it.each(others.map((r, i) => [r, i] as const))("%s", async (route, i) => {
    await fc.assert(
      fc.asyncProperty(apiCase(route), fc.nat(CHECK_WRITES_EVERY - 1), async (r, k) => send(await apiRequest(r), k === 0)),
      { numRuns: perRoute, seed: SEED + i, endOnFailure: true },
    );
    // The endpoints this route's cases made would receive every later case's events (and retry them for a day): gone.
    if (route === "POST /api/webhooks") await env.DB.prepare("delete from webhook_endpoints where tenant_id in (?, ?) and id not in (?, ?)").bind(own.id, other.id, own.ids.webhook, other.ids.webhook).run();
  }, 120_000);

  it.each(webhooks.map((r, i) => [r, i] as const))("%s", async (route, i) => {
    const path = route.split(" ")[1]!;
    await fc.assert(
      fc.asyncProperty(webhookCase(path), fc.nat(CHECK_WRITES_EVERY - 1), async (r, k) => send(await webhookRequest(r), k === 0)),
      { numRuns: perWebhook, seed: SEED + 1000 + i, endOnFailure: true },
    );
  }, 120_000);
});
