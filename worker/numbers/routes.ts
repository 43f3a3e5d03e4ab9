/**
 * Tracking numbers: list (with this month's calls), search the provider's available numbers, buy one
 * (its voice webhook, status callback and fallback pointed at us), edit where it rings and what it
 * tracks, and delete it (routing and tracking stop; a number we bought is released at the provider).
 * The number shop is the tenant's provider account's, through its adapter, or the sandbox, whose
 * numbers also take test calls; a provider that sells none here (a PBX) has its numbers added by hand.
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { and, asc, count, eq, gte, inArray } from "drizzle-orm";
import * as z from "zod/mini";
import { calls, campaigns, providerAccounts, routes, trackingNumbers } from "../../schema/db.ts";
import type { AppEnv } from "../env.ts";
import { chunks, getDb, type Db } from "../../schema/d1.ts";
import { formatPhone } from "../../schema/phone.ts";
import { apiError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { localDate, startOfDay } from "../../schema/zoned.ts";
import { invalid, phoneOrIssue, refuseLoops, routingChanged, type Issue } from "../routing/checks.ts";
import { missingTarget } from "../routing/business-hours.ts";
import { loadGraph, whatDials } from "../routing/queries.ts";
import { trackingAfterHours, type TrackingAfterHours } from "../../schema/hours.ts";
import { ProviderError, ringsSomewhere, type NumberShop, type NumberWebhooks } from "../../telephony/contract.ts";
import { adapterOf, credentialsOf, providerIds } from "../providers/index.ts";
import { BroughtNumbers } from "../providers/brought/numbers.ts";
import { SandboxNumbers } from "../providers/sandbox/numbers.ts";
import { numberWebhooks } from "../webhooks/inbound.ts";
import { placeTestCall, testCallBody } from "./test-call.ts";
import { changesOf, noteAudit, plural } from "../audit/note.ts";
import { lazy } from "../../schema/lazy.ts";

type C = Context<AppEnv>;
const idParam = lazy(() => z.object({ id: z.string().check(z.minLength(1), z.maxLength(100)) }));
const nullablePhone = lazy(() => z.nullable(z.string().check(z.trim(), z.minLength(1), z.maxLength(40))));
const nullableId = lazy(() => z.nullable(z.string().check(z.minLength(1), z.maxLength(100))));

const searchQuery = lazy(() => z.object({
    areaCode: z.optional(z.string().check(z.regex(/^\d{3}$/, "must be a three-digit area code"))),
    near: z.optional(z.string().check(z.trim(), z.minLength(3), z.maxLength(40))),
    region: z.optional(z.string().check(z.regex(/^[A-Z]{2}$/, "must be a two-letter region like CA"))),
    limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(50)), 20),
    provider: z.optional(z.enum(providerIds)),
  }).check(z.refine((q) => q.areaCode || q.near || q.region, "search by areaCode, near or region")));

const buyBody = lazy(() => z.object({
  number: z.string().check(z.trim(), z.minLength(3), z.maxLength(40)),
  /** Which of the tenant's provider accounts buys it; by default the first the tenant set up. */
  provider: z.optional(z.enum(providerIds)),
  label: z._default(z.string().check(z.trim(), z.maxLength(100)), ""),
  campaignId: z.optional(nullableId),
  routeId: z.optional(nullableId),
  terminationNumber: z.optional(nullablePhone),
  failsafeNumber: z.optional(nullablePhone),
  record: z._default(z.boolean(), false),
  /** Where its calls go while the business is closed, as PATCH takes it; absent or null: the business hours' own. */
  afterHoursTarget: z.optional(trackingAfterHours),
}));

const trackingUpdate = lazy(() => z.partial(z.object({
    label: z.string().check(z.trim(), z.maxLength(100)),
    campaignId: nullableId,
    routeId: nullableId,
    terminationNumber: nullablePhone,
    failsafeNumber: nullablePhone,
    whisper: z.nullable(z.string().check(z.trim(), z.minLength(1), z.maxLength(500))),
    record: z.boolean(),
    /** Where its calls go while the business is closed; null: the business hours' own; "ignore": as usual. */
    afterHoursTarget: trackingAfterHours,
  })).check(z.refine((v) => Object.values(v).some((x) => x !== undefined), "nothing to update")));

const failsafeBulk = lazy(() => z.object({
  trackingNumberIds: z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.minLength(1, "name at least one tracking number"), z.maxLength(500)),
  failsafeNumber: nullablePhone,
}));

type Account = typeof providerAccounts.$inferSelect;
type Shop = {
  shop: NumberShop;
  account: Account | null;
  webhooks: (t: { number: string; failsafeNumber: string | null; terminationNumber: string | null }) => Promise<NumberWebhooks>;
  /** The account's provider routes its calls itself (a PBX): its numbers ring nothing of ours. */
  routesItself: boolean;
};

/**
 * Where the tenant's numbers come from: the provider account `provider` names, or the one with id
 * `accountId` (a number's own), else the first one set up, through its adapter's number shop; the
 * sandbox when the account is a sandbox or there is none; numbers brought by hand where the provider
 * sells none here. `error` when the tenant has no account at that provider.
 */
async function numberShop(c: C, db: Db, pick: { provider?: string | undefined; accountId?: string | null } = {}): Promise<Shop | { error: string }> {
  const { tenant } = c.get("auth");
  const { provider, accountId } = pick;
  const accounts = await db.select().from(providerAccounts).where(eq(providerAccounts.tenantId, tenant.id)).orderBy(asc(providerAccounts.createdAt));
  const account = (provider ? accounts.find((a) => a.provider === provider) : accounts.find((a) => a.id === accountId) ?? accounts[0]) ?? null;
  if (provider && !account) return { error: `No ${adapterOf(provider)?.name ?? provider} account: add one under provider accounts first` };
  const adapter = account ? adapterOf(account.provider) : undefined;
  const origin = new URL(c.req.url).origin;
  const webhooks: Shop["webhooks"] = (t) => (adapter ? numberWebhooks(adapter, origin, tenant.id, t, c.env.SECRETS_KEY) : Promise.resolve({ voiceUrl: "", statusCallbackUrl: "", fallbackUrl: "" }));
  const routesItself = adapter?.routesItself === true;
  if (!account || account.sandbox) {
    const taken = async (numbers: string[]) => {
      const found = await Promise.all(chunks(numbers).map((part) => db.select({ n: trackingNumbers.number }).from(trackingNumbers).where(inArray(trackingNumbers.number, part))));
      return new Set(found.flat().map((r) => r.n));
    };
    return { shop: new SandboxNumbers(taken), account, webhooks, routesItself };
  }
  // Bring your own number: it is set up at the provider, and only recorded here.
  if (!adapter?.numbers) return { shop: new BroughtNumbers(adapter?.name ?? account.provider), account, webhooks, routesItself };
  return { shop: adapter.numbers(await credentialsOf(adapter, account, c.env.SECRETS_KEY)), account, webhooks, routesItself };
}

function providerFailure(c: C, err: unknown) {
  if (err instanceof ProviderError) return apiError(c, err.status >= 400 && err.status < 500 ? 400 : 502, err.message);
  throw err;
}

/** Reads the number fields of a body, refusing what is not a number or would ring back into us. */
async function readNumbers(db: Db, country: string, body: { terminationNumber?: string | null | undefined; failsafeNumber?: string | null | undefined }, issues: Issue[]) {
  const found: { path: string; number: string }[] = [];
  const read = (field: "terminationNumber" | "failsafeNumber") => {
    const raw = body[field];
    if (raw === undefined || raw === null) return raw;
    const n = phoneOrIssue(raw, country, field, issues);
    if (n) found.push({ path: field, number: n });
    return n;
  };
  const out = { terminationNumber: read("terminationNumber"), failsafeNumber: read("failsafeNumber") };
  await refuseLoops(db, found, issues);
  return out;
}

async function checkRefs(db: Db, tenantId: string, body: { campaignId?: string | null | undefined; routeId?: string | null | undefined; afterHoursTarget?: TrackingAfterHours | undefined }, issues: Issue[]) {
  if (body.afterHoursTarget) missingTarget(await loadGraph(db, tenantId), body.afterHoursTarget, "afterHoursTarget", issues);
  if (body.routeId && !(await db.query.routes.findFirst({ columns: { id: true }, where: and(eq(routes.tenantId, tenantId), eq(routes.id, body.routeId)) }))) issues.push({ path: "routeId", message: `route ${body.routeId} does not exist` });
  if (body.campaignId && !(await db.query.campaigns.findFirst({ columns: { id: true }, where: and(eq(campaigns.tenantId, tenantId), eq(campaigns.id, body.campaignId)) }))) issues.push({ path: "campaignId", message: `campaign ${body.campaignId} does not exist` });
}

/** The shop of the account a number was bought through. */
function shopOf(c: C, db: Db, row: typeof trackingNumbers.$inferSelect) {
  return numberShop(c, db, { accountId: row.providerAccountId });
}

function dropUndefined<T extends object>(o: T) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/**
 * Points the fallback of the numbers we bought at their new fail-safe (or termination) number,
 * before the change is saved: a provider that refuses leaves both as they were. The response
 * refusing it, or null.
 */
async function repointFallbacks(c: C, db: Db, rows: (typeof trackingNumbers.$inferSelect)[], after: (t: typeof trackingNumbers.$inferSelect) => typeof trackingNumbers.$inferSelect) {
  const changed = rows.filter((t) => {
    const next = after(t);
    return t.providerNumberId && (next.failsafeNumber !== t.failsafeNumber || next.terminationNumber !== t.terminationNumber);
  });
  try {
    for (const t of changed) {
      const shop = await shopOf(c, db, t);
      if ("error" in shop) throw new ProviderError(shop.error, 400);
      await shop.shop.configure(t.providerNumberId!, await shop.webhooks(after(t)));
    }
  } catch (err) {
    return providerFailure(c, err);
  }
  return null;
}

/** A tracking number's settings as an audit event names them. */
const TRACKING_FIELDS = { label: "label", campaignId: "campaign", routeId: "route", terminationNumber: "termination number", failsafeNumber: "fail-safe number", whisper: "whisper", record: "recording", afterHoursTarget: "after hours" } as const;

export function presentTracking(t: typeof trackingNumbers.$inferSelect) {
  return {
    id: t.id,
    number: t.number,
    label: t.label,
    campaignId: t.campaignId,
    routeId: t.routeId,
    terminationNumber: t.terminationNumber,
    failsafeNumber: t.failsafeNumber,
    whisper: t.whisper,
    record: t.record,
    afterHoursTarget: (t.afterHoursTarget as TrackingAfterHours) ?? null,
    bought: t.providerNumberId !== null,
    createdAt: t.createdAt,
  };
}

export const trackingNumberRoutes = lazy(() => new Hono<AppEnv>()
  .get("/", async (c) => {
    const { tenant } = c.get("auth");
    const db = getDb(c.env.DB);
    const monthStart = startOfDay(`${localDate(Date.now(), tenant.timeZone).slice(0, 8)}01`, tenant.timeZone);
    const [rows, counts, campaignRows, routeRows] = await db.batch([
      db.select().from(trackingNumbers).where(eq(trackingNumbers.tenantId, tenant.id)).orderBy(trackingNumbers.number),
      db.select({ id: calls.trackingNumberId, n: count() }).from(calls).where(and(eq(calls.tenantId, tenant.id), gte(calls.startedAt, monthStart))).groupBy(calls.trackingNumberId),
      db.select({ id: campaigns.id, name: campaigns.name }).from(campaigns).where(eq(campaigns.tenantId, tenant.id)),
      db.select({ id: routes.id, name: routes.name }).from(routes).where(eq(routes.tenantId, tenant.id)),
    ]);
    const byId = <T extends { id: string | null }>(list: T[]) => new Map(list.map((x) => [x.id, x]));
    const callCounts = byId(counts);
    const campaignNames = byId(campaignRows);
    const routeNames = byId(routeRows);
    return c.json({
      items: rows.map((t) => ({
        ...presentTracking(t),
        campaignName: t.campaignId ? (campaignNames.get(t.campaignId)?.name ?? null) : null,
        routeName: t.routeId ? (routeNames.get(t.routeId)?.name ?? null) : null,
        callsThisMonth: callCounts.get(t.id)?.n ?? 0,
      })),
    });
  })
  // Where numbers can come from: the tenant's provider accounts, as whoever buys numbers needs to
  // choose among them (a manager, who may not read the accounts themselves): no credentials, no ids.
  .get("/providers", async (c) => {
    const rows = await getDb(c.env.DB)
      .select({ provider: providerAccounts.provider, sandbox: providerAccounts.sandbox })
      .from(providerAccounts)
      .where(eq(providerAccounts.tenantId, c.get("auth").tenant.id))
      .orderBy(asc(providerAccounts.createdAt));
    return c.json({
      items: rows.map((r) => {
        const adapter = adapterOf(r.provider);
        return { provider: r.provider, name: adapter?.name ?? r.provider, sandbox: r.sandbox, sells: r.sandbox || Boolean(adapter?.numbers) };
      }),
    });
  })
  .get("/available", validate("query", searchQuery), async (c) => {
    const db = getDb(c.env.DB);
    const { provider, ...q } = c.req.valid("query");
    const shop = await numberShop(c, db, { provider });
    if ("error" in shop) return apiError(c, 400, shop.error);
    let near = q.near;
    if (near) {
      const issues: Issue[] = [];
      near = phoneOrIssue(near, c.get("auth").tenant.defaultCountry, "near", issues) ?? undefined;
      if (issues.length) return apiError(c, 400, `Invalid query: near: ${issues[0]!.message}`, issues);
    }
    try {
      return c.json({ items: await shop.shop.search({ ...q, near }) });
    } catch (err) {
      return providerFailure(c, err);
    }
  })
  .post("/", validate("json", buyBody), async (c) => {
    const { tenant } = c.get("auth");
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const issues: Issue[] = [];
    const number = phoneOrIssue(body.number, tenant.defaultCountry, "number", issues);
    const numbers = await readNumbers(db, tenant.defaultCountry, body, issues);
    await checkRefs(db, tenant.id, body, issues);
    const shop = await numberShop(c, db, { provider: body.provider });
    // A number whose provider routes its calls itself needs nothing to ring here.
    const routesItself = !("error" in shop) && shop.routesItself;
    if (!ringsSomewhere({ routeId: body.routeId, ...numbers }, routesItself)) {
      issues.push({ path: "terminationNumber", message: "give a termination number, a route or a fail-safe number: without one, every call to this number would hang up" });
    }
    for (const field of ["terminationNumber", "failsafeNumber"] as const) {
      if (number && numbers[field] === number) issues.push({ path: field, message: `${number} is the number being bought: it cannot ring itself` });
    }
    if (issues.length) return invalid(c, issues);
    const taken = await db.query.trackingNumbers.findFirst({ columns: { tenantId: true }, where: eq(trackingNumbers.number, number!) });
    // Whose number it is stays theirs to know: another tenant's number is only "not available".
    if (taken) return apiError(c, 409, taken.tenantId === tenant.id ? `${number} is one of your tracking numbers already` : `${number} is not available`);
    // A number the tenant dials, made a tracking number, would send its calls back into us.
    const dialledBy = await whatDials(db, tenant.id, number!);
    if (dialledBy.length) {
      const message = `${number} is dialled by ${dialledBy.join(", ")}: as a tracking number, calls there would ring back into Switchboard (a ring loop); change those first`;
      return apiError(c, 409, message, [{ path: "number", message }]);
    }
    if ("error" in shop) return apiError(c, 400, shop.error);
    const id = crypto.randomUUID();
    let purchase;
    try {
      const webhooks = await shop.webhooks({ number: number!, failsafeNumber: numbers.failsafeNumber ?? null, terminationNumber: numbers.terminationNumber ?? null });
      purchase = await shop.shop.buy(number!, body.label, webhooks);
    } catch (err) {
      return providerFailure(c, err);
    }
    const [row] = await db
      .insert(trackingNumbers)
      .values({
        id,
        tenantId: tenant.id,
        number: purchase.number,
        label: body.label,
        campaignId: body.campaignId ?? null,
        routeId: body.routeId ?? null,
        terminationNumber: numbers.terminationNumber ?? null,
        failsafeNumber: numbers.failsafeNumber ?? null,
        record: body.record,
        afterHoursTarget: body.afterHoursTarget ?? null,
        providerAccountId: shop.account?.id ?? null,
        providerNumberId: purchase.providerNumberId,
      })
      .returning();
    await routingChanged(c);
    const from = !shop.account || shop.account.sandbox ? "the sandbox" : (adapterOf(shop.account.provider)?.name ?? shop.account.provider);
    noteAudit(c, {
      action: "tracking_number.bought",
      targetType: "tracking-number",
      targetId: id,
      summary: `Bought tracking number ${purchase.number}${body.label ? ` "${body.label}"` : ""} from ${from}`,
      details: { number: purchase.number, label: body.label, provider: shop.account?.provider ?? null, sandbox: !shop.account || shop.account.sandbox },
    });
    return c.json(presentTracking(row!), 201);
  })
  .patch("/:id", validate("param", idParam), validate("json", trackingUpdate), async (c) => {
    const { tenant } = c.get("auth");
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const scope = and(eq(trackingNumbers.tenantId, tenant.id), eq(trackingNumbers.id, id));
    const before = await db.query.trackingNumbers.findFirst({ where: scope });
    if (!before) return apiError(c, 404, "No such tracking number");
    const issues: Issue[] = [];
    const numbers = await readNumbers(db, tenant.defaultCountry, body, issues);
    await checkRefs(db, tenant.id, body, issues);
    if (issues.length) return invalid(c, issues);
    const refused = await repointFallbacks(c, db, [before], (t) => ({ ...t, ...dropUndefined(numbers) }));
    if (refused) return refused;
    const [row] = await db
      .update(trackingNumbers)
      .set({
        ...body,
        ...(numbers.terminationNumber !== undefined ? { terminationNumber: numbers.terminationNumber } : {}),
        ...(numbers.failsafeNumber !== undefined ? { failsafeNumber: numbers.failsafeNumber } : {}),
      })
      .where(scope)
      .returning();
    await routingChanged(c);
    const { changes, text } = changesOf(before, row!, TRACKING_FIELDS);
    noteAudit(c, { action: "tracking_number.updated", targetType: "tracking-number", targetId: id, summary: `Changed tracking number ${before.number}: ${text}`, details: { number: before.number, changes } });
    return c.json(presentTracking(row!));
  })
  .delete("/:id", validate("param", idParam), async (c) => {
    const { tenant } = c.get("auth");
    const db = getDb(c.env.DB);
    const scope = and(eq(trackingNumbers.tenantId, tenant.id), eq(trackingNumbers.id, c.req.valid("param").id));
    const row = await db.query.trackingNumbers.findFirst({ where: scope });
    if (!row) return apiError(c, 404, "No such tracking number");
    if (row.providerNumberId) {
      const shop = await shopOf(c, db, row);
      try {
        if ("error" in shop) throw new ProviderError(shop.error, 400);
        await shop.shop.release(row.providerNumberId);
      } catch (err) {
        // Already gone at the provider: nothing left to release.
        if (!(err instanceof ProviderError && err.status === 404)) return providerFailure(c, err);
      }
    }
    await db.delete(trackingNumbers).where(scope);
    await routingChanged(c);
    noteAudit(c, {
      action: "tracking_number.released",
      targetType: "tracking-number",
      targetId: row.id,
      summary: row.providerNumberId ? `Released tracking number ${row.number}${row.label ? ` "${row.label}"` : ""} at the provider` : `Deleted tracking number ${row.number}${row.label ? ` "${row.label}"` : ""}`,
      details: { number: row.number, label: row.label, releasedAtProvider: row.providerNumberId !== null },
    });
    return c.json({ deleted: row.number, released: row.providerNumberId !== null, message: `${formatPhone(row.number, c.get("auth").tenant.defaultCountry)} no longer routes or tracks calls` });
  })
  // The sandbox rings the number as its provider would (./test-call.ts).
  .post("/:id/test-call", validate("param", idParam), validate("json", testCallBody), (c) => placeTestCall(c, c.req.valid("param").id, c.req.valid("json")))
  .post("/failsafe", validate("json", failsafeBulk), async (c) => {
    const { tenant } = c.get("auth");
    const { trackingNumberIds, failsafeNumber: raw } = c.req.valid("json");
    const db = getDb(c.env.DB);
    const issues: Issue[] = [];
    const { failsafeNumber } = await readNumbers(db, tenant.defaultCountry, { failsafeNumber: raw }, issues);
    const ids = [...new Set(trackingNumberIds)];
    const found = await Promise.all(chunks(ids).map((part) => db.select({ id: trackingNumbers.id }).from(trackingNumbers).where(and(eq(trackingNumbers.tenantId, tenant.id), inArray(trackingNumbers.id, part)))));
    const known = new Set(found.flat().map((f) => f.id));
    ids.forEach((id, i) => {
      if (!known.has(id)) issues.push({ path: `trackingNumberIds.${i}`, message: `tracking number ${id} does not exist` });
    });
    if (issues.length) return invalid(c, issues);
    const rows = (await Promise.all(chunks(ids).map((part) => db.select().from(trackingNumbers).where(and(eq(trackingNumbers.tenantId, tenant.id), inArray(trackingNumbers.id, part)))))).flat();
    const refused = await repointFallbacks(c, db, rows, (t) => ({ ...t, failsafeNumber: failsafeNumber ?? null }));
    if (refused) return refused;
    const updates = chunks(ids).map((part) => db.update(trackingNumbers).set({ failsafeNumber: failsafeNumber ?? null }).where(and(eq(trackingNumbers.tenantId, tenant.id), inArray(trackingNumbers.id, part))));
    // One batch: every number gets the new fail-safe number, or none does.
    await db.batch(updates as [(typeof updates)[number], ...typeof updates]);
    await routingChanged(c);
    const numbers = rows.map((r) => r.number).sort();
    const which = numbers.length <= 5 ? numbers.join(", ") : plural(numbers.length, "tracking number");
    noteAudit(c, {
      action: "tracking_number.failsafe_set",
      targetType: "tracking-number",
      ...(ids.length === 1 ? { targetId: ids[0]! } : {}),
      summary: failsafeNumber ? `Set the fail-safe number of ${which} to ${failsafeNumber}` : `Cleared the fail-safe number of ${which}`,
      details: { failsafeNumber: failsafeNumber ?? null, trackingNumberIds: ids, numbers, previous: Object.fromEntries(rows.map((r) => [r.number, r.failsafeNumber])) },
    });
    return c.json({ updated: ids.length, failsafeNumber: failsafeNumber ?? null });
  }));
