/**
 * Dynamic number insertion: a website's visits get pool numbers (POST /dni/visits, public, CORS for
 * the business's origins, throttled per client), leases live in the tenant's Switchboard and end at
 * its alarm, a visit keeps its number, an exhausted pool takes over its least recently used lease and
 * counts it; a call to a pool number carries the visit that held it (retries change nothing) into the
 * live call, the call log, its filter and CSV, and the source report; pools are tracking numbers'
 * business (numbers scopes, audited), one pool per number, one tenant's alone.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { trackingNumbers } from "../../schema/db.ts";
import type { VisitAnswer } from "../../schema/dni.ts";
import type { LiveCall } from "../../schema/calls.ts";
import { VISITS_PER_CLIENT } from "../../worker/auth/queries.ts";
import { readSource } from "../../worker/dni/source.ts";
import type { Switchboard } from "../../worker/index.ts";
import { call, db, login } from "./helpers.ts";
import { apiJson } from "./routing-helpers.ts";
import { createTwilioTenant, parentStatus, postTwilio, startCall, switchboardOf, uniqueNumber, voiceParams, type TwilioTenant } from "./twilio-helpers.ts";

const SITE = "https://plumbing.example";
const ADS = `${SITE}/water-heaters?utm_source=google&utm_medium=cpc&utm_campaign=spring&utm_term=water+heater`;

type Pool = { id: string; name: string; trackingNumberIds: string[]; trackingNumbers: { id: string; number: string }[]; leased: number; reused: number; leaseMinutes: number; campaignName: string | null };

type Site = TwilioTenant & { cookie: string; numbers: { id: string; number: string }[] };

let clients = 0;
/** A browser of its own: the throttle counts per client address. */
const client = () => `198.51.100.${++clients % 250}`;

/** A tenant with a website origin and `count` more tracking numbers (none in a pool yet). */
async function site(name: string, count: number): Promise<Site> {
  const t = await createTwilioTenant(name);
  const cookie = await login(t.adminEmail);
  const numbers = Array.from({ length: count }, () => ({ id: crypto.randomUUID(), number: uniqueNumber() }));
  // On the tenant's Twilio account, as the fixture's own number, so their webhooks are signed by it.
  const account = await env.DB.prepare("select id from provider_accounts where tenant_id = ?").bind(t.id).first<{ id: string }>();
  if (count) await db().insert(trackingNumbers).values(numbers.map((n, i) => ({ ...n, tenantId: t.id, label: `Web ${i + 1}`, terminationNumber: t.terminationNumber, providerAccountId: account!.id })));
  const set = await apiJson({ cookie }, "PATCH", "/api/tenant", { siteOrigins: [`${SITE}/`] });
  expect(set.status, JSON.stringify(set.body)).toBe(200);
  expect(set.body.siteOrigins).toEqual([SITE]);
  return { ...t, cookie, numbers };
}

async function pool(t: Site, body: Record<string, unknown>) {
  const res = await apiJson<Pool>(t, "POST", "/api/pools", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** A page view as the snippet sends it: JSON as text/plain (no preflight), from the site's origin. */
async function visit(t: { slug: string }, page: { url?: string; referrer?: string; visitId?: string | null; landingPage?: string }, opts: { origin?: string | null; ip?: string } = {}) {
  const headers = new Headers({ "Content-Type": "text/plain;charset=UTF-8", "CF-Connecting-IP": opts.ip ?? client() });
  if (opts.origin !== null) headers.set("Origin", opts.origin ?? SITE);
  const res = await call("/dni/visits", { method: "POST", headers, body: JSON.stringify({ tenant: t.slug, url: page.url ?? `${SITE}/`, referrer: page.referrer ?? "", visitId: page.visitId ?? null, landingPage: page.landingPage ?? page.url ?? `${SITE}/` }) });
  return { res, body: (await res.json()) as VisitAnswer & { error?: string } };
}

const liveCalls = async (t: { id: string }) => (await switchboardOf(t).snapshot()).calls as LiveCall[];

describe("where a visit came from", () => {
  it("reads utm parameters, click ids, and the referrer's kind", () => {
    expect(readSource({ url: ADS, referrer: "https://www.google.com/" }).facts).toEqual({ source: "google", medium: "cpc", campaign: "spring", keyword: "water heater", landingPage: `${SITE}/water-heaters`, referrer: "https://www.google.com/", gclid: null });
    expect(readSource({ url: `${SITE}/?gclid=abc123` }).facts).toMatchObject({ source: "google", medium: "cpc", gclid: "abc123" });
    expect(readSource({ url: `${SITE}/?msclkid=x` }).facts).toMatchObject({ source: "bing", medium: "cpc" });
    expect(readSource({ url: `${SITE}/`, referrer: "https://www.bing.com/search?q=plumber" }).facts).toMatchObject({ source: "bing", medium: "organic", referrer: "https://www.bing.com/search" });
    expect(readSource({ url: `${SITE}/`, referrer: "https://l.facebook.com/" }).facts).toMatchObject({ source: "facebook", medium: "social" });
    expect(readSource({ url: `${SITE}/`, referrer: "https://www.yelp-like.test/biz/1" }).facts).toMatchObject({ source: "yelp-like.test", medium: "referral" });
    // The site's own page as referrer is no source: a direct visit, and not a new touch.
    expect(readSource({ url: `${SITE}/b`, referrer: `${SITE}/a` })).toEqual({ facts: expect.objectContaining({ source: "direct", medium: "none", referrer: null }), explicit: false });
    // A second page of a tagged visit: the landing page's parameters still say where it came from.
    expect(readSource({ url: `${SITE}/contact`, landingPage: ADS, referrer: `${SITE}/water-heaters` }).facts).toMatchObject({ source: "google", keyword: "water heater", landingPage: `${SITE}/water-heaters` });
  });
});

describe("POST /dni/visits", () => {
  let t: Site;
  let p: Pool;
  beforeAll(async () => {
    t = await site("Visits", 3);
    p = await pool(t, { name: "Website", trackingNumberIds: t.numbers.map((n) => n.id) });
  });

  it("gives a visit a pool number, with CORS for the site; the visit keeps it while it browses", async () => {
    const first = await visit(t, { url: ADS, referrer: "https://www.google.com/" });
    expect(first.res.status, JSON.stringify(first.body)).toBe(200);
    expect(first.res.headers.get("Access-Control-Allow-Origin")).toBe(SITE);
    expect(first.body.visitId).toMatch(/^v_[\w-]{22}$/);
    expect(t.numbers.map((n) => n.number)).toContain(first.body.number);
    expect(first.body.display).toMatch(/^\(415\) \d{3}-\d{4}$/);
    for (const page of ["/contact", "/about", "/water-heaters"]) {
      const next = await visit(t, { url: `${SITE}${page}`, referrer: `${SITE}/`, visitId: first.body.visitId, landingPage: ADS });
      expect(next.body).toEqual(first.body);
    }
    const other = await visit(t, { url: `${SITE}/` });
    expect(other.body.number).not.toBe(first.body.number);
    expect(other.body.visitId).not.toBe(first.body.visitId);
    expect((await apiJson<Pool>(t, "GET", `/api/pools/${p.id}`)).body).toMatchObject({ leased: 2, reused: 0 });
  });

  it("answers a preflight, and refuses other origins, unknown businesses and bad input with 4xx, leasing nothing", async () => {
    const preflight = await call("/dni/visits", { method: "OPTIONS", headers: { Origin: SITE, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe(SITE);
    expect(preflight.headers.get("Access-Control-Allow-Headers")).toBe("Content-Type");
    const leased = (await apiJson<Pool>(t, "GET", `/api/pools/${p.id}`)).body.leased;
    const evil = await visit(t, { url: ADS }, { origin: "https://evil.example" });
    expect([evil.res.status, evil.res.headers.get("Access-Control-Allow-Origin")]).toEqual([403, null]);
    expect(evil.body.error).toMatch(/not one of the business's website origins/);
    expect((await visit(t, { url: ADS }, { origin: null })).res.status).toBe(403);
    expect((await visit({ slug: `no-such-${crypto.randomUUID()}` }, { url: ADS })).res.status).toBe(404);
    const bad = [
      "not json",
      JSON.stringify({ tenant: t.slug }),
      JSON.stringify({ tenant: t.slug, url: "javascript:alert(1)" }),
      JSON.stringify({ tenant: t.slug, url: ADS, visitId: "../../etc" }),
      JSON.stringify({ tenant: t.slug, url: ADS, referrer: "x".repeat(3000) }),
      JSON.stringify({ tenant: t.slug, url: `${SITE}/${"x".repeat(9000)}` }),
    ];
    for (const body of bad) {
      const res = await call("/dni/visits", { method: "POST", headers: { Origin: SITE, "Content-Type": "text/plain" }, body });
      expect(res.status, body.slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect((await res.json<{ error: string }>()).error).toMatch(/\w/);
    }
    expect((await apiJson<Pool>(t, "GET", `/api/pools/${p.id}`)).body.leased).toBe(leased);
  });

  it("throttles a client that asks too often (429 with Retry-After); other clients go on", async () => {
    const ip = client();
    await env.DB.prepare("insert into login_throttle (key, failures, window_started_at) values (?, ?, ?)").bind(`visit:${ip}`, VISITS_PER_CLIENT, Date.now()).run();
    const refused = await visit(t, { url: ADS }, { ip });
    expect(refused.res.status).toBe(429);
    expect(Number(refused.res.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await visit(t, { url: ADS })).res.status).toBe(200);
  });

  it("leaves the page alone when no pool serves the visit: a visit id, no number", async () => {
    const u = await site("No pool", 1);
    const answer = await visit(u, { url: ADS });
    expect(answer.res.status).toBe(200);
    expect(answer.body).toEqual({ visitId: expect.stringMatching(/^v_/), number: null, display: null });
  });
});

describe("leases", () => {
  it("when every number is leased, the least recently used lease is taken over and counted", async () => {
    const t = await site("Small pool", 2);
    const p = await pool(t, { name: "Two numbers", trackingNumberIds: t.numbers.map((n) => n.id) });
    const a = await visit(t, { url: ADS });
    const b = await visit(t, { url: `${SITE}/` });
    // A browses again: B's lease is now the least recently used.
    await visit(t, { url: `${SITE}/more`, visitId: a.body.visitId, landingPage: ADS });
    const c = await visit(t, { url: `${SITE}/` });
    expect(c.body.number).toBe(b.body.number);
    expect((await apiJson<Pool>(t, "GET", `/api/pools/${p.id}`)).body).toMatchObject({ leased: 2, reused: 1 });
    // A keeps its number; B, whose number went to C, gets one back (another takeover).
    expect((await visit(t, { url: `${SITE}/x`, visitId: a.body.visitId })).body.number).toBe(a.body.number);
    const again = await visit(t, { url: `${SITE}/y`, visitId: b.body.visitId });
    expect(again.body.visitId).toBe(b.body.visitId);
    expect((await apiJson<Pool[]>(t, "GET", `/api/pools`)).body).toMatchObject({ items: [{ id: p.id, reused: 2 }] });
  });

  it("end at the Switchboard's alarm; a call just after still finds the visit, and the number goes to the next visit", async () => {
    const t = await site("Expiry", 1);
    await pool(t, { name: "One", trackingNumberIds: [t.numbers[0]!.id], leaseMinutes: 5 });
    const a = await visit(t, { url: ADS });
    // Thirty seconds ago the lease ran out (its clock moved back, as if its five minutes passed).
    await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => {
      state.storage.sql.exec("update dni_leases set leased_at = leased_at - 330000, expires_at = ?", Date.now() - 30_000);
    });
    expect(await runDurableObjectAlarm(switchboardOf(t))).toBe(true);
    const lease = await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => state.storage.sql.exec<{ visit_id: string | null }>("select visit_id from dni_leases").one());
    expect(lease.visit_id).toBeNull();
    const ended = await startCall({ ...t, trackingNumber: a.body.number! }, "+14155550133");
    expect(ended.res.status).toBe(200);
    expect((await liveCalls(t)).find((c) => c.providerCallId === ended.callSid)?.visit).toMatchObject({ id: a.body.visitId, source: "google", keyword: "water heater" });
    // The number is free: the next visit gets it, with no takeover.
    const b = await visit(t, { url: `${SITE}/` });
    expect(b.body.number).toBe(a.body.number);
    expect((await apiJson<Pool[]>(t, "GET", `/api/pools`)).body).toMatchObject({ items: [{ leased: 1, reused: 0 }] });
  });
});

describe("a call to a pool number", () => {
  let t: Site;
  beforeAll(async () => {
    t = await site("Attribution", 2);
    const campaign = await apiJson<{ id: string }>(t, "POST", "/api/campaigns", { name: "Website pool", channel: "website" });
    await pool(t, { name: "Ads", trackingNumberIds: [t.numbers[0]!.id], campaignId: campaign.body.id, sourceRules: [{ source: "Google", medium: "cpc" }] });
  });

  it("carries the visit that held the number, once: a retried webhook after the lease moved keeps it", async () => {
    const a = await visit(t, { url: ADS, referrer: "https://www.google.com/" });
    expect(a.body.number).toBe(t.numbers[0]!.number);
    // A visit the rules do not name gets no number.
    expect((await visit(t, { url: `${SITE}/` })).body.number).toBeNull();
    const caller = "+14155550177";
    const tracked = { ...t, trackingNumber: a.body.number! };
    const first = await startCall(tracked, caller);
    const live = (await liveCalls(t)).find((c) => c.providerCallId === first.callSid)!;
    expect(live.visit).toEqual({ id: a.body.visitId, source: "google", medium: "cpc", campaign: "spring", keyword: "water heater", landingPage: `${SITE}/water-heaters`, referrer: "https://www.google.com/", gclid: null });
    expect(live.campaignName).toBe("Website pool");
    // Another Google Ads visit takes the number over (the pool has one); then the provider retries the first webhook.
    const b = await visit(t, { url: `${SITE}/?utm_source=google&utm_medium=cpc&utm_term=boiler` });
    expect(b.body.number).toBe(a.body.number);
    const retry = await postTwilio("/webhooks/twilio/voice", voiceParams(tracked, caller, first.callSid), { token: t.token });
    expect(retry.status).toBe(200);
    const calls = (await liveCalls(t)).filter((c) => c.providerCallId === first.callSid);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.visit?.id).toBe(a.body.visitId);
    // A status that arrives twice, out of order, changes nothing of it either.
    await parentStatus(tracked, first.callSid, "completed", { CallDuration: "40" });
    await parentStatus(tracked, first.callSid, "in-progress");
    await switchboardOf(t).flushCallLog();
    const row = await env.DB.prepare("select visit_id, visit_source, visit_medium, visit_campaign, visit_keyword, campaign_id from calls where tenant_id = ? and provider_call_id = ?").bind(t.id, first.callSid).first();
    expect(row).toEqual({ visit_id: a.body.visitId, visit_source: "google", visit_medium: "cpc", visit_campaign: "spring", visit_keyword: "water heater", campaign_id: expect.any(String) });
    // A call from B's time is B's.
    const second = await startCall(tracked, "+14155550178");
    expect((await liveCalls(t)).find((c) => c.providerCallId === second.callSid)?.visit?.keyword).toBe("boiler");
  });

  it("is in the call log with its visit, filtered by source, in the CSV and in the source report", async () => {
    const fixed = await startCall(t, "+14155550179");
    await parentStatus(t, fixed.callSid, "completed", { CallDuration: "5" });
    const all = await apiJson<{ items: { providerCallId: string; visit: { source: string; keyword: string | null } | null }[] }>(t, "GET", "/api/calls?limit=50");
    expect(all.body.items.find((c) => c.providerCallId === fixed.callSid)?.visit).toBeNull();
    const google = await apiJson<{ items: { visit: { source: string; keyword: string | null } }[]; total: number }>(t, "GET", "/api/calls?source=Google");
    expect(google.body.items.map((c) => c.visit.source)).toEqual(["google"]);
    expect(google.body.items[0]!.visit.keyword).toBe("water heater");
    expect((await apiJson<{ total: number }>(t, "GET", "/api/calls?source=bing")).body.total).toBe(0);
    expect((await apiJson<{ total: number }>(t, "GET", "/api/calls?source=none")).body.total).toBe(1);
    const csv = await (await call("/api/calls.csv", { cookie: t.cookie })).text();
    expect(csv.split("\r\n")[0]).toMatch(/,visit_source,visit_medium,visit_campaign,visit_keyword,landing_page,referrer$/);
    expect(csv).toContain(",google,cpc,spring,water heater,https://plumbing.example/water-heaters,https://www.google.com/");
    const from = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const report = await apiJson<{ sources: { source: string | null; name: string; medium: string | null; campaign: string | null; keyword: string | null; calls: number; answered: number }[] }>(t, "GET", `/api/reports/sources?from=${from}&to=${to}`);
    expect(report.status).toBe(200);
    expect(report.body.sources.find((l) => l.keyword === "water heater")).toMatchObject({ source: "google", name: "Google", medium: "cpc", campaign: "spring", calls: 1, firstTimeCallers: 1 });
    expect(report.body.sources.at(-1)).toMatchObject({ source: null, name: "No website visit", calls: 1 });
    const sourcesCsv = await (await call(`/api/reports/sources.csv?from=${from}&to=${to}`, { cookie: t.cookie })).text();
    expect(sourcesCsv).toContain("google,cpc,spring,water heater,1,");
    // The reporting role reads the report; an agent does not.
    const reporting = await login(t.reportingEmail);
    expect((await call(`/api/reports/sources?from=${from}&to=${to}`, { cookie: reporting })).status).toBe(200);
    expect((await call(`/api/reports/sources?from=${from}&to=${to}`, { cookie: await login(t.agentEmail) })).status).toBe(403);
  });
});

describe("/api/pools", () => {
  let t: Site;
  let other: Site;
  beforeAll(async () => {
    [t, other] = [await site("Pools", 3), await site("Other pools", 1)];
  });

  it("is the numbers roles' (admin, manager; keys by scope); agents and reporting get 403", async () => {
    const manager = await login(t.managerEmail);
    const created = await apiJson<Pool>({ cookie: manager }, "POST", "/api/pools", { name: "Manager's", trackingNumberIds: [t.numbers[0]!.id] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Manager's", leaseMinutes: 30, trackingNumbers: [{ id: t.numbers[0]!.id, number: t.numbers[0]!.number }], reused: 0 });
    for (const email of [t.agentEmail, t.reportingEmail]) {
      const cookie = await login(email);
      expect((await call("/api/pools", { cookie })).status).toBe(403);
      expect((await call("/api/pools", { method: "POST", cookie, json: { name: "No" } })).status).toBe(403);
    }
    const audit = await env.DB.prepare("select action, summary from audit_events where tenant_id = ? and action like 'pool.%'").bind(t.id).all();
    expect(audit.results).toEqual([{ action: "pool.created", summary: `Created pool "Manager's" with 1 number, leases of 30 minutes` }]);
  });

  it("keeps a number in one pool, refuses another tenant's numbers and campaigns, and validates", async () => {
    const taken = await apiJson<{ error: string }>(t, "POST", "/api/pools", { name: "Second", trackingNumberIds: [t.numbers[0]!.id, t.numbers[1]!.id] });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatch(/is in the pool "Manager's"/);
    expect((await apiJson(t, "POST", "/api/pools", { name: "Theirs", trackingNumberIds: [other.numbers[0]!.id] })).status).toBe(400);
    expect((await apiJson(t, "POST", "/api/pools", { name: "Theirs", campaignId: other.campaignId })).status).toBe(400);
    for (const body of [{ name: "" }, { name: "Short", leaseMinutes: 1 }, { name: "Rules", sourceRules: [{}] }, { name: "Days", leaseMinutes: 100_000 }]) {
      const res = await apiJson<{ error: string }>(t, "POST", "/api/pools", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await apiJson(t, "POST", "/api/pools", { name: "Manager's" })).status).toBe(409);
    const count = await env.DB.prepare("select count(*) as n from number_pools where tenant_id = ?").bind(t.id).first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it("edits and deletes one tenant's pools only; a deleted pool's numbers are fixed numbers again", async () => {
    const mine = (await apiJson<{ items: Pool[] }>(t, "GET", "/api/pools")).body.items[0]!;
    const theirs = await pool(other, { name: "Theirs", trackingNumberIds: [other.numbers[0]!.id] });
    expect((await apiJson(t, "GET", `/api/pools/${theirs.id}`)).status).toBe(404);
    expect((await apiJson(t, "PATCH", `/api/pools/${theirs.id}`, { name: "Mine now" })).status).toBe(404);
    expect((await apiJson(t, "DELETE", `/api/pools/${theirs.id}`)).status).toBe(404);
    expect((await apiJson<{ items: Pool[] }>(t, "GET", "/api/pools")).body.items.map((x) => x.id)).toEqual([mine.id]);
    const changed = await apiJson<Pool>(t, "PATCH", `/api/pools/${mine.id}`, { leaseMinutes: 45, trackingNumberIds: [t.numbers[1]!.id, t.numbers[2]!.id] });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ leaseMinutes: 45, trackingNumberIds: [t.numbers[1]!.id, t.numbers[2]!.id].sort((a, b) => (t.numbers.find((n) => n.id === a)!.number < t.numbers.find((n) => n.id === b)!.number ? -1 : 1)) });
    // Number 1 is free again: another pool may take it.
    expect((await apiJson(t, "POST", "/api/pools", { name: "Other", trackingNumberIds: [t.numbers[0]!.id] })).status).toBe(201);
    expect((await apiJson(t, "DELETE", `/api/pools/${mine.id}`)).status).toBe(204);
    // Its numbers take calls as fixed numbers, with no visit.
    const fixed = await startCall({ ...t, trackingNumber: t.numbers[1]!.number }, "+14155550181");
    expect(fixed.res.status).toBe(200);
    expect((await liveCalls(t)).find((c) => c.providerCallId === fixed.callSid)).toMatchObject({ trackingNumber: t.numbers[1]!.number });
    expect((await liveCalls(t)).find((c) => c.providerCallId === fixed.callSid)?.visit ?? null).toBeNull();
    expect((await liveCalls(other)).length).toBe(0);
  });

  it("visits are the tenant's own: another tenant's visit id is a new visit there, on its own numbers", async () => {
    const mine = await visit(t, { url: ADS });
    expect(mine.body.number).not.toBeNull();
    const there = await visit(other, { url: ADS, visitId: mine.body.visitId });
    expect(there.res.status).toBe(200);
    expect(there.body.visitId).not.toBe(mine.body.visitId);
    expect(there.body.number).toBe(other.numbers[0]!.number);
  });
});

describe("the business's website origins", () => {
  it("are origins only (no path), at most 20, normalised; settings:write", async () => {
    const t = await site("Origins", 0);
    for (const bad of [["https://example.com/page"], ["ftp://example.com"], ["example.com"], Array.from({ length: 21 }, (_, i) => `https://s${i}.example`)]) {
      expect((await apiJson(t, "PATCH", "/api/tenant", { siteOrigins: bad })).status, JSON.stringify(bad).slice(0, 60)).toBe(400);
    }
    const ok = await apiJson<{ siteOrigins: string[] }>(t, "PATCH", "/api/tenant", { siteOrigins: ["https://Example.com", "http://localhost:4700", "https://example.com/"] });
    expect(ok.body.siteOrigins).toEqual(["https://example.com", "http://localhost:4700"]);
    expect((await call("/api/tenant", { method: "PATCH", cookie: await login(t.agentEmail), json: { siteOrigins: [] } })).status).toBe(403);
  });
});
