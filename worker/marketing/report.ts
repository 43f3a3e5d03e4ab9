/**
 * The campaign report: calls against money for a date range, per campaign and per tracking number.
 *
 * Attribution is first touch: a contact's income belongs to the campaign (and tracking number) of
 * their first call to the tenant (the earliest call linked to them or made from one of their
 * numbers), when the income was received on or after that call's day and within the tenant's
 * attribution window (90 days unless set). Income outside the window, or from a contact who never
 * called, is reported as unattributed.
 */
import { and, eq, gte, lt, lte, sql, type SQL } from "drizzle-orm";
import { calls, campaignCosts, campaigns, contacts, income, tenants, trackingNumbers } from "../../schema/db.ts";
import type { Db } from "../../schema/d1.ts";
import { daysInMonth, localDate, nextDay, startOfDay } from "../../schema/zoned.ts";

export type Figures = {
  calls: number;
  uniqueCallers: number;
  firstTimeCallers: number;
  answered: number;
  answeredRate: number | null;
  averageTalkSeconds: number | null;
  newContacts: number;
  newCustomers: number;
  incomeCents: number;
};
export type CampaignLine = Figures & {
  campaignId: string | null;
  name: string;
  channel: string | null;
  costCents: number;
  roi: number | null;
  costPerCallCents: number | null;
  costPerNewCustomerCents: number | null;
};
export type TrackingLine = Figures & { trackingNumberId: string | null; number: string | null; label: string | null; campaignId: string | null; campaignName: string | null };

const empty = (): Figures => ({ calls: 0, uniqueCallers: 0, firstTimeCallers: 0, answered: 0, answeredRate: null, averageTalkSeconds: null, newContacts: 0, newCustomers: 0, incomeCents: 0 });

/** What a campaign cost over [from, to] (dates): its monthly cost day by day while it ran, plus its one-off spend. */
export function campaignCost(c: { monthlyCostCents: number; startsOn: string | null; endsOn: string | null }, oneOffCents: number, from: string, to: string) {
  let total = 0;
  for (let day = from; day <= to; day = nextDay(day)) {
    if (c.startsOn && day < c.startsOn) continue;
    if (c.endsOn && day > c.endsOn) continue;
    total += c.monthlyCostCents / daysInMonth(day);
  }
  return Math.round(total) + oneOffCents;
}

type CallStats = { key: string | null; calls: number; unique_callers: number; first_time: number; answered: number; avg_talk: number | null };

export async function campaignReport(db: Db, tenantId: string, from: string, to: string) {
  const tenant = (await db.query.tenants.findFirst({ where: eq(tenants.id, tenantId) }))!;
  const tz = tenant.timeZone;
  const start = startOfDay(from, tz);
  const end = startOfDay(nextDay(to), tz);
  const inRange = and(eq(calls.tenantId, tenantId), gte(calls.startedAt, start), lt(calls.startedAt, end));

  const stats = (key: SQL<string | null> | typeof calls.trackingNumberId) =>
    db
      .select({
        key,
        calls: sql<number>`count(*)`,
        unique_callers: sql<number>`count(distinct ${calls.fromNumber})`,
        first_time: sql<number>`coalesce(sum(${calls.firstTime}), 0)`,
        answered: sql<number>`coalesce(sum(${calls.answeredAt} is not null), 0)`,
        avg_talk: sql<number | null>`avg(case when ${calls.answeredAt} is not null then ${calls.talkSeconds} end)`,
      })
      .from(calls)
      .where(inRange)
      .groupBy(key);

  const newContactsQuery = db
    .select({ campaignId: calls.campaignId, trackingNumberId: calls.trackingNumberId, kind: contacts.kind, n: sql<number>`count(*)` })
    .from(contacts)
    .innerJoin(calls, eq(calls.id, contacts.createdFromCallId))
    .where(and(eq(contacts.tenantId, tenantId), inRange))
    .groupBy(calls.campaignId, calls.trackingNumberId, contacts.kind);

  // Each contact's first call: the earliest linked to them or made from one of their numbers.
  const firstCalls = sql`
    select contact_id, campaign_id, tracking_number_id, started_at from (
      select k.id as contact_id, c.campaign_id, c.tracking_number_id, c.started_at,
        row_number() over (partition by k.id order by c.started_at, c.id) as rn
      from contacts k
      join calls c on c.tenant_id = k.tenant_id
        and (c.contact_id = k.id or c.from_number in (select p.number from contact_phones p where p.contact_id = k.id))
      where k.tenant_id = ${tenantId}
    ) where rn = 1`;
  const incomeQuery = db
    .select({
      amountCents: income.amountCents,
      receivedOn: income.receivedOn,
      campaignId: sql<string | null>`fc.campaign_id`,
      trackingNumberId: sql<string | null>`fc.tracking_number_id`,
      firstCallAt: sql<number | null>`fc.started_at`,
    })
    .from(income)
    .leftJoin(sql`(${firstCalls}) as fc`, sql`fc.contact_id = ${income.contactId}`)
    .where(and(eq(income.tenantId, tenantId), gte(income.receivedOn, from), lte(income.receivedOn, to)));

  const [byCampaign, byTracking, newContacts, incomeRows, campaignRows, costRows, trackingRows] = await Promise.all([
    // A deleted campaign's calls keep its id in the log: they count as no campaign's, like its numbers.
    stats(sql<string | null>`case when ${calls.campaignId} in (select ${campaigns.id} from ${campaigns} where ${campaigns.tenantId} = ${tenantId}) then ${calls.campaignId} end`) as Promise<CallStats[]>,
    stats(calls.trackingNumberId) as Promise<CallStats[]>,
    newContactsQuery,
    incomeQuery,
    db.select().from(campaigns).where(eq(campaigns.tenantId, tenantId)).orderBy(campaigns.name),
    db
      .select({ campaignId: campaignCosts.campaignId, cents: sql<number>`sum(${campaignCosts.amountCents})` })
      .from(campaignCosts)
      .where(and(eq(campaignCosts.tenantId, tenantId), gte(campaignCosts.spentOn, from), lte(campaignCosts.spentOn, to)))
      .groupBy(campaignCosts.campaignId),
    db.select({ id: trackingNumbers.id, number: trackingNumbers.number, label: trackingNumbers.label, campaignId: trackingNumbers.campaignId }).from(trackingNumbers).where(eq(trackingNumbers.tenantId, tenantId)),
  ]);

  const campaignFigures = new Map<string | null, Figures>();
  const trackingFigures = new Map<string | null, Figures>();
  const at = (m: Map<string | null, Figures>, k: string | null) => m.get(k) ?? m.set(k, empty()).get(k)!;
  const fill = (f: Figures, s: CallStats) => {
    Object.assign(f, { calls: s.calls, uniqueCallers: s.unique_callers, firstTimeCallers: s.first_time, answered: s.answered });
    f.answeredRate = s.calls ? s.answered / s.calls : null;
    f.averageTalkSeconds = s.avg_talk === null ? null : Math.round(s.avg_talk);
  };
  // As for the calls above: what a deleted campaign's first calls brought in is no campaign's.
  const campaignIds = new Set(campaignRows.map((c) => c.id));
  const campaignOf = (id: string | null) => (id !== null && campaignIds.has(id) ? id : null);
  for (const s of byCampaign) fill(at(campaignFigures, s.key), s);
  for (const s of byTracking) fill(at(trackingFigures, s.key), s);
  for (const n of newContacts) {
    for (const f of [at(campaignFigures, campaignOf(n.campaignId)), at(trackingFigures, n.trackingNumberId)]) {
      f.newContacts += n.n;
      if (n.kind === "customer") f.newCustomers += n.n;
    }
  }
  let unattributedIncomeCents = 0;
  const windowMs = tenant.attributionWindowDays * 86_400_000;
  for (const row of incomeRows) {
    const received = startOfDay(row.receivedOn, tz);
    const firstDay = row.firstCallAt === null ? null : startOfDay(localDate(row.firstCallAt, tz), tz);
    if (firstDay === null || received < firstDay || received - firstDay > windowMs) {
      unattributedIncomeCents += row.amountCents;
      continue;
    }
    at(campaignFigures, campaignOf(row.campaignId)).incomeCents += row.amountCents;
    at(trackingFigures, row.trackingNumberId).incomeCents += row.amountCents;
  }

  const oneOff = new Map(costRows.map((r) => [r.campaignId, r.cents]));
  const line = (id: string | null, name: string, channel: string | null, costCents: number): CampaignLine => {
    const f = campaignFigures.get(id) ?? empty();
    return {
      campaignId: id,
      name,
      channel,
      ...f,
      costCents,
      roi: costCents > 0 ? (f.incomeCents - costCents) / costCents : null,
      costPerCallCents: costCents > 0 && f.calls ? Math.round(costCents / f.calls) : null,
      costPerNewCustomerCents: costCents > 0 && f.newCustomers ? Math.round(costCents / f.newCustomers) : null,
    };
  };
  const campaignLines = campaignRows.map((c) => line(c.id, c.name, c.channel, campaignCost(c, oneOff.get(c.id) ?? 0, from, to)));
  if (campaignFigures.has(null)) campaignLines.push(line(null, "No campaign", null, 0));

  const campaignNames = new Map(campaignRows.map((c) => [c.id, c.name]));
  const trackingLines: TrackingLine[] = trackingRows.map((t) => ({
    trackingNumberId: t.id,
    number: t.number,
    label: t.label,
    campaignId: t.campaignId,
    campaignName: t.campaignId ? (campaignNames.get(t.campaignId) ?? null) : null,
    ...(trackingFigures.get(t.id) ?? empty()),
  }));
  // Calls to numbers deleted since: still counted, under no number.
  const known = new Set(trackingRows.map((t) => t.id));
  const gone = [...trackingFigures.entries()].filter(([id]) => !known.has(id as string));
  if (gone.length) {
    const sum = empty();
    for (const [, f] of gone) for (const k of ["calls", "firstTimeCallers", "answered", "newContacts", "newCustomers", "incomeCents", "uniqueCallers"] as const) sum[k] += f[k];
    sum.answeredRate = sum.calls ? sum.answered / sum.calls : null;
    trackingLines.push({ trackingNumberId: null, number: null, label: "Deleted numbers", campaignId: null, campaignName: null, ...sum });
  }

  const totals = campaignLines.reduce(
    (t, l) => ({
      calls: t.calls + l.calls,
      answered: t.answered + l.answered,
      firstTimeCallers: t.firstTimeCallers + l.firstTimeCallers,
      newContacts: t.newContacts + l.newContacts,
      newCustomers: t.newCustomers + l.newCustomers,
      incomeCents: t.incomeCents + l.incomeCents,
      costCents: t.costCents + l.costCents,
    }),
    { calls: 0, answered: 0, firstTimeCallers: 0, newContacts: 0, newCustomers: 0, incomeCents: 0, costCents: 0 },
  );
  return {
    from,
    to,
    timeZone: tz,
    attributionWindowDays: tenant.attributionWindowDays,
    campaigns: campaignLines,
    trackingNumbers: trackingLines,
    totals: { ...totals, roi: totals.costCents > 0 ? (totals.incomeCents - totals.costCents) / totals.costCents : null },
    unattributedIncomeCents,
  };
}

export type CampaignReport = Awaited<ReturnType<typeof campaignReport>>;
