/**
 * The source report, beside the campaign report: calls against money per website source — source,
 * medium, campaign and keyword of the visit each call to a pool number came from — for a date
 * range in the tenant's calendar. Income is attributed as the campaign report attributes it (first
 * touch, within the tenant's attribution window): to the source of the contact's first call. Calls
 * from no visit (fixed numbers) are one line of their own, so the lines add up to every call.
 */
import { Hono } from "hono/tiny";
import { and, eq, gte, lt, lte, sql } from "drizzle-orm";
import { reportQuery } from "../../schema/api.ts";
import { calls, contacts, income, tenants } from "../../schema/db.ts";
import { getDb, type Db } from "../../schema/d1.ts";
import { localDate, nextDay, startOfDay } from "../../schema/zoned.ts";
import { NO_VISIT, sourceName } from "../../schema/visits.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../lib/validate.ts";
import { settledCallLog } from "../calls/routes.ts";
import { toCsv } from "../marketing/csv.ts";
import { lazy } from "../../schema/lazy.ts";

export type SourceLine = {
  /** Null for calls that came from no website visit. */
  source: string | null;
  /** The source as people name it ("Google"), or "No website visit". */
  name: string;
  medium: string | null;
  campaign: string | null;
  keyword: string | null;
  calls: number;
  uniqueCallers: number;
  firstTimeCallers: number;
  answered: number;
  answeredRate: number | null;
  newContacts: number;
  newCustomers: number;
  incomeCents: number;
};

type Key = { source: string | null; medium: string | null; campaign: string | null; keyword: string | null };
const keyOf = (k: Key) => JSON.stringify([k.source, k.medium, k.campaign, k.keyword]);

export async function sourceReport(db: Db, tenantId: string, from: string, to: string) {
  const tenant = (await db.query.tenants.findFirst({ where: eq(tenants.id, tenantId) }))!;
  const tz = tenant.timeZone;
  const start = startOfDay(from, tz);
  const end = startOfDay(nextDay(to), tz);
  const inRange = and(eq(calls.tenantId, tenantId), gte(calls.startedAt, start), lt(calls.startedAt, end));
  const fields = { source: calls.visitSource, medium: calls.visitMedium, campaign: calls.visitCampaign, keyword: calls.visitKeyword };

  // Each contact's first call, as the campaign report finds it, with that call's visit.
  const firstCalls = sql`
    select contact_id, visit_source, visit_medium, visit_campaign, visit_keyword, started_at from (
      select k.id as contact_id, c.visit_source, c.visit_medium, c.visit_campaign, c.visit_keyword, c.started_at,
        row_number() over (partition by k.id order by c.started_at, c.id) as rn
      from contacts k
      join calls c on c.tenant_id = k.tenant_id
        and (c.contact_id = k.id or c.from_number in (select p.number from contact_phones p where p.contact_id = k.id))
      where k.tenant_id = ${tenantId}
    ) where rn = 1`;

  const [stats, created, received] = await Promise.all([
    db
      .select({
        ...fields,
        calls: sql<number>`count(*)`,
        unique: sql<number>`count(distinct ${calls.fromNumber})`,
        firstTime: sql<number>`coalesce(sum(${calls.firstTime}), 0)`,
        answered: sql<number>`coalesce(sum(${calls.answeredAt} is not null), 0)`,
      })
      .from(calls)
      .where(inRange)
      .groupBy(calls.visitSource, calls.visitMedium, calls.visitCampaign, calls.visitKeyword),
    db
      .select({ ...fields, kind: contacts.kind, n: sql<number>`count(*)` })
      .from(contacts)
      .innerJoin(calls, eq(calls.id, contacts.createdFromCallId))
      .where(and(eq(contacts.tenantId, tenantId), inRange))
      .groupBy(calls.visitSource, calls.visitMedium, calls.visitCampaign, calls.visitKeyword, contacts.kind),
    db
      .select({
        amountCents: income.amountCents,
        receivedOn: income.receivedOn,
        firstCallAt: sql<number | null>`fc.started_at`,
        source: sql<string | null>`fc.visit_source`,
        medium: sql<string | null>`fc.visit_medium`,
        campaign: sql<string | null>`fc.visit_campaign`,
        keyword: sql<string | null>`fc.visit_keyword`,
      })
      .from(income)
      .leftJoin(sql`(${firstCalls}) as fc`, sql`fc.contact_id = ${income.contactId}`)
      .where(and(eq(income.tenantId, tenantId), gte(income.receivedOn, from), lte(income.receivedOn, to))),
  ]);

  const lines = new Map<string, SourceLine>();
  const at = (k: Key) => {
    const id = keyOf(k);
    let line = lines.get(id);
    if (!line) {
      line = { ...k, name: k.source === null ? NO_VISIT : sourceName(k.source), calls: 0, uniqueCallers: 0, firstTimeCallers: 0, answered: 0, answeredRate: null, newContacts: 0, newCustomers: 0, incomeCents: 0 };
      lines.set(id, line);
    }
    return line;
  };
  for (const s of stats) Object.assign(at(s), { calls: s.calls, uniqueCallers: s.unique, firstTimeCallers: s.firstTime, answered: s.answered, answeredRate: s.calls ? s.answered / s.calls : null });
  for (const n of created) {
    const line = at(n);
    line.newContacts += n.n;
    if (n.kind === "customer") line.newCustomers += n.n;
  }
  const windowMs = tenant.attributionWindowDays * 86_400_000;
  for (const row of received) {
    if (row.firstCallAt === null) continue;
    const receivedAt = startOfDay(row.receivedOn, tz);
    const firstDay = startOfDay(localDate(row.firstCallAt, tz), tz);
    if (receivedAt < firstDay || receivedAt - firstDay > windowMs) continue;
    at(row).incomeCents += row.amountCents;
  }
  // The busiest sources first; calls from no visit last.
  const sorted = [...lines.values()].sort((a, b) => Number(a.source === null) - Number(b.source === null) || b.calls - a.calls || b.incomeCents - a.incomeCents || a.name.localeCompare(b.name));
  return { from, to, timeZone: tz, attributionWindowDays: tenant.attributionWindowDays, sources: sorted };
}

const pct = (x: number | null) => (x === null ? "" : (x * 100).toFixed(1));
const money = (cents: number) => (cents / 100).toFixed(2);

export const sourceReportRoutes = lazy(() => new Hono<AppEnv>()
  .get("/sources", validate("query", reportQuery), async (c) => {
    const { from, to } = c.req.valid("query");
    await settledCallLog(c.env, c.get("auth").tenant.id);
    return c.json(await sourceReport(getDb(c.env.DB), c.get("auth").tenant.id, from, to));
  })
  .get("/sources.csv", validate("query", reportQuery), async (c) => {
    const { from, to } = c.req.valid("query");
    await settledCallLog(c.env, c.get("auth").tenant.id);
    const report = await sourceReport(getDb(c.env.DB), c.get("auth").tenant.id, from, to);
    const columns = ["source", "medium", "campaign", "keyword", "calls", "unique_callers", "first_time_callers", "answered_rate_pct", "new_contacts", "new_customers", "income"];
    const rows = report.sources.map((l) => ({
      source: l.source ?? NO_VISIT,
      medium: l.medium,
      campaign: l.campaign,
      keyword: l.keyword,
      calls: l.calls,
      unique_callers: l.uniqueCallers,
      first_time_callers: l.firstTimeCallers,
      answered_rate_pct: pct(l.answeredRate),
      new_contacts: l.newContacts,
      new_customers: l.newCustomers,
      income: money(l.incomeCents),
    }));
    return c.body(await toCsv(rows, columns), 200, { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="sources-${from}-to-${to}.csv"` });
  }));
