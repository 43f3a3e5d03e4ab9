/**
 * The campaign report on a data set whose every figure is worked out by hand below.
 *
 * October 2026 (31 days), tenant clock UTC, attribution window 90 days.
 *   Website (A): $310/month from always → $310.00 in October, plus $50.00 spent 10-15 → cost $360.00
 *   Radio   (B): $600/month from 10-17 → 15 of 31 days = $290.32 (29032.26 cents, rounded); a $100
 *                spend on 09-30 is outside the range → cost $290.32
 *   Print   (C): nothing → cost $0, no ROI
 * Tracking numbers: T1 and T2 → A, T3 → B, T4 → no campaign.
 * Calls in October: c1 T1 Ann answered 120 s (not first); c2 T1 Ann no answer; c3 T2 Bob's number,
 *   answered 60 s, first, Bob created from it; c4 T3 unknown busy, first; c5 T3 answered 30 s, first,
 *   Leo (a lead) created from it; c6 T4 Vic answered 90 s, first.
 * Outside October: c7 T1 Ann 09-20 (her first call), c8 T3 Bob 11-02, c9 T1 Dan 06-01 (his first).
 * Income in October: Ann $500 (10-12) and $200 (10-30) → A (first call c7, 22 and 40 days before);
 *   Bob $1000 (10-25) → A (first call c3); Leo $300 (10-22) → B; Vic $50 (10-23) → no campaign;
 *   Zed $700 (never called) and Dan $400 (first call 131 days before, past the window) → unattributed;
 *   Ann $999 on 11-05 is outside the range.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { calls, campaignCosts, campaigns, contactPhones, contacts, income, tenants, trackingNumbers } from "../../schema/db.ts";
import { campaignCost } from "../../worker/marketing/report.ts";
import { createTenant, db, login } from "./helpers.ts";
import { apiJson } from "./routing-helpers.ts";
import { uniqueNumber } from "./twilio-helpers.ts";
import { eq } from "drizzle-orm";

const at = (iso: string) => Date.parse(iso);

async function seed() {
  const t = await createTenant("Report");
  await db().update(tenants).set({ timeZone: "UTC", attributionWindowDays: 90 }).where(eq(tenants.id, t.id));
  const id = () => crypto.randomUUID();
  const [A, B, C] = [id(), id(), id()];
  const [T1, T2, T3, T4] = [id(), id(), id(), id()];
  const P = { ann: "+14155550301", bob: "+14155550303", unknown: "+14155550304", leo: "+14155550305", vic: "+14155550306", dan: "+14155550309", zed: "+14155550310" };
  const K = { ann: id(), bob: id(), leo: id(), vic: id(), dan: id(), zed: id() };
  const C_ = { c1: id(), c2: id(), c3: id(), c4: id(), c5: id(), c6: id(), c7: id(), c8: id(), c9: id() };
  const now = Date.now();
  const tracking = (tid: string, campaignId: string | null) => ({ id: tid, tenantId: t.id, number: uniqueNumber(), label: tid.slice(0, 4), campaignId });
  const call = (cid: string, tid: string, campaignId: string | null, from: string, started: string, extra: Partial<typeof calls.$inferInsert> = {}) => ({
    id: cid,
    tenantId: t.id,
    provider: "twilio" as const,
    providerCallId: `CA${cid.replace(/-/g, "")}`,
    fromNumber: from,
    toNumber: "+10000000000",
    trackingNumberId: tid,
    campaignId,
    status: "no-answer" as const,
    startedAt: at(started),
    firstTime: false,
    ...extra,
  });
  const answered = (talk: number) => ({ status: "completed" as const, answeredAt: 1, talkSeconds: talk });
  const contact = (kid: string, kind: "customer" | "lead" | "vendor", name: string, fromCall: string | null = null) => ({ id: kid, tenantId: t.id, kind, name, createdAt: now, updatedAt: now, createdFromCallId: fromCall });
  await db().batch([
    db().insert(campaigns).values([
      { id: A, tenantId: t.id, name: "Website", channel: "website", monthlyCostCents: 31000 },
      { id: B, tenantId: t.id, name: "Radio", channel: "radio", monthlyCostCents: 60000, startsOn: "2026-10-17" },
      { id: C, tenantId: t.id, name: "Print", channel: "print" },
    ]),
    db().insert(campaignCosts).values([
      { id: id(), tenantId: t.id, campaignId: A, spentOn: "2026-10-15", amountCents: 5000 },
      { id: id(), tenantId: t.id, campaignId: B, spentOn: "2026-09-30", amountCents: 10000 },
    ]),
    db().insert(trackingNumbers).values([tracking(T1, A), tracking(T2, A), tracking(T3, B), tracking(T4, null)]),
    db().insert(contacts).values([
      contact(K.ann, "customer", "Ann"),
      contact(K.bob, "customer", "Bob", C_.c3),
      contact(K.leo, "lead", "Leo", C_.c5),
      contact(K.vic, "vendor", "Vic"),
      contact(K.dan, "customer", "Dan"),
      contact(K.zed, "customer", "Zed"),
    ]),
    db().insert(contactPhones).values(Object.entries({ ann: P.ann, bob: P.bob, leo: P.leo, vic: P.vic, dan: P.dan, zed: P.zed }).map(([k, number]) => ({ id: id(), tenantId: t.id, contactId: K[k as keyof typeof K], number, raw: number }))),
    // One statement a call: D1 binds at most 100 values per statement.
    ...[
      call(C_.c1, T1, A, P.ann, "2026-10-02T10:00:00Z", { ...answered(120), contactId: K.ann }),
      call(C_.c2, T1, A, P.ann, "2026-10-05T10:00:00Z", { contactId: K.ann }),
      // Bob's first call: made before he was a contact, linked when he was created from it.
      call(C_.c3, T2, A, P.bob, "2026-10-10T10:00:00Z", { ...answered(60), firstTime: true, contactId: K.bob }),
      call(C_.c4, T3, B, P.unknown, "2026-10-20T10:00:00Z", { status: "busy", firstTime: true }),
      // Leo's call is not linked to him: first touch still finds it by his number.
      call(C_.c5, T3, B, P.leo, "2026-10-21T10:00:00Z", { ...answered(30), firstTime: true }),
      call(C_.c6, T4, null, P.vic, "2026-10-22T10:00:00Z", { ...answered(90), firstTime: true, contactId: K.vic }),
      call(C_.c7, T1, A, P.ann, "2026-09-20T10:00:00Z", { ...answered(45), firstTime: true, contactId: K.ann }),
      call(C_.c8, T3, B, P.bob, "2026-11-02T10:00:00Z", { contactId: K.bob }),
      call(C_.c9, T1, A, P.dan, "2026-06-01T10:00:00Z", { ...answered(10), firstTime: true, contactId: K.dan }),
    ].map((row) => db().insert(calls).values(row)),
    db().insert(income).values([
      { id: id(), tenantId: t.id, contactId: K.ann, amountCents: 50000, receivedOn: "2026-10-12", reference: "INV-1" },
      { id: id(), tenantId: t.id, contactId: K.ann, amountCents: 20000, receivedOn: "2026-10-30", reference: "INV-2" },
      { id: id(), tenantId: t.id, contactId: K.bob, amountCents: 100000, receivedOn: "2026-10-25", reference: "INV-3" },
      { id: id(), tenantId: t.id, contactId: K.leo, amountCents: 30000, receivedOn: "2026-10-22", reference: "INV-4" },
      { id: id(), tenantId: t.id, contactId: K.vic, amountCents: 5000, receivedOn: "2026-10-23", reference: "INV-5" },
      { id: id(), tenantId: t.id, contactId: K.zed, amountCents: 70000, receivedOn: "2026-10-15", reference: "INV-6" },
      { id: id(), tenantId: t.id, contactId: K.dan, amountCents: 40000, receivedOn: "2026-10-10", reference: "INV-7" },
      { id: id(), tenantId: t.id, contactId: K.ann, amountCents: 99900, receivedOn: "2026-11-05", reference: "INV-8" },
    ]),
  ]);
  return { t, A, B, C, T1, T2, T3, T4 };
}

describe("the campaign report", () => {
  it("sets calls, callers, answers, new contacts and first-touch income against cost, per campaign and per number", async () => {
    const { t, A, B, C, T1, T2, T3, T4 } = await seed();
    const u = { cookie: await login(t.adminEmail) };
    const res = await apiJson<Record<string, unknown>>(u, "GET", "/api/reports/campaigns?from=2026-10-01&to=2026-10-31");
    expect(res.status).toBe(200);
    const r = res.body as unknown as import("../../worker/marketing/report.ts").CampaignReport;
    const byId = Object.fromEntries(r.campaigns.map((l) => [l.campaignId ?? "none", l]));

    expect(byId[A]).toEqual({
      campaignId: A, name: "Website", channel: "website",
      calls: 3, uniqueCallers: 2, firstTimeCallers: 1, answered: 2, answeredRate: 2 / 3, averageTalkSeconds: 90,
      newContacts: 1, newCustomers: 1, incomeCents: 170000, costCents: 36000,
      roi: (170000 - 36000) / 36000, costPerCallCents: 12000, costPerNewCustomerCents: 36000,
    });
    expect(byId[B]).toEqual({
      campaignId: B, name: "Radio", channel: "radio",
      calls: 2, uniqueCallers: 2, firstTimeCallers: 2, answered: 1, answeredRate: 0.5, averageTalkSeconds: 30,
      newContacts: 1, newCustomers: 0, incomeCents: 30000, costCents: 29032,
      roi: (30000 - 29032) / 29032, costPerCallCents: 14516, costPerNewCustomerCents: null,
    });
    expect(byId[C]).toMatchObject({ calls: 0, incomeCents: 0, costCents: 0, roi: null, costPerCallCents: null, answeredRate: null });
    expect(byId.none).toMatchObject({ name: "No campaign", calls: 1, answered: 1, answeredRate: 1, averageTalkSeconds: 90, incomeCents: 5000, costCents: 0 });

    const byNumber = Object.fromEntries(r.trackingNumbers.map((l) => [l.trackingNumberId, l]));
    expect(byNumber[T1]).toMatchObject({ calls: 2, uniqueCallers: 1, firstTimeCallers: 0, answered: 1, answeredRate: 0.5, averageTalkSeconds: 120, newContacts: 0, incomeCents: 70000, campaignName: "Website" });
    expect(byNumber[T2]).toMatchObject({ calls: 1, uniqueCallers: 1, firstTimeCallers: 1, answered: 1, averageTalkSeconds: 60, newContacts: 1, newCustomers: 1, incomeCents: 100000 });
    expect(byNumber[T3]).toMatchObject({ calls: 2, uniqueCallers: 2, firstTimeCallers: 2, answered: 1, averageTalkSeconds: 30, newContacts: 1, newCustomers: 0, incomeCents: 30000, campaignName: "Radio" });
    expect(byNumber[T4]).toMatchObject({ calls: 1, incomeCents: 5000, campaignName: null });

    expect(r.totals).toEqual({ calls: 6, answered: 4, firstTimeCallers: 4, newContacts: 2, newCustomers: 1, incomeCents: 205000, costCents: 65032, roi: (205000 - 65032) / 65032 });
    expect(r.unattributedIncomeCents).toBe(110000);
  });

  it("counts a deleted campaign's calls, new contacts and income as no campaign's: the totals stay", async () => {
    const { t, A, B } = await seed();
    const u = { cookie: await login(t.adminEmail) };
    const before = (await apiJson<import("../../worker/marketing/report.ts").CampaignReport>(u, "GET", "/api/reports/campaigns?from=2026-10-01&to=2026-10-31")).body;
    expect((await apiJson(u, "DELETE", `/api/campaigns/${B}`)).status).toBe(204);
    const r = (await apiJson<import("../../worker/marketing/report.ts").CampaignReport>(u, "GET", "/api/reports/campaigns?from=2026-10-01&to=2026-10-31")).body;
    expect(r.campaigns.map((l) => l.campaignId)).not.toContain(B);
    // Radio's two calls (two first-time callers, one answered after 30 s, Leo new, $300) join Vic's one.
    expect(r.campaigns.find((l) => l.campaignId === null)).toMatchObject({
      name: "No campaign", calls: 3, uniqueCallers: 3, firstTimeCallers: 3, answered: 2, averageTalkSeconds: 60, newContacts: 1, incomeCents: 35000, costCents: 0,
    });
    expect(r.campaigns.find((l) => l.campaignId === A)).toEqual(before.campaigns.find((l) => l.campaignId === A));
    // Radio's cost went with it (its monthly cost and its one-off spend); every other figure is the same.
    expect(r.totals).toMatchObject({ ...before.totals, costCents: before.totals.costCents - 29032, roi: expect.any(Number) });
    expect(r.unattributedIncomeCents).toBe(before.unattributedIncomeCents);
  });

  it("exports the same figures as CSV", async () => {
    const { t } = await seed();
    const { call } = await import("./helpers.ts");
    const res = await call("/api/reports/campaigns.csv?from=2026-10-01&to=2026-10-31", { cookie: await login(t.adminEmail) });
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toBe('attachment; filename="campaigns-2026-10-01-to-2026-10-31.csv"');
    const lines = (await res.text()).split(/\r?\n/);
    expect(lines[0]).toBe("campaign,channel,calls,unique_callers,first_time_callers,answered_rate_pct,average_talk_seconds,new_contacts,new_customers,income,cost,roi_pct,cost_per_call,cost_per_new_customer");
    expect(lines).toContain("Website,website,3,2,1,66.7,90,1,1,1700.00,360.00,372.2,120.00,360.00");
    expect(lines).toContain("Radio,radio,2,2,2,50.0,30,1,0,300.00,290.32,3.3,145.16,");
  });

  it("reads dates in the tenant's time zone", async () => {
    const t = await createTenant("Zoned");
    await db().update(tenants).set({ timeZone: "America/Los_Angeles" }).where(eq(tenants.id, t.id));
    // One tracking number per call, so the report says which call it counted (both counted as one
    // number's calls would be 1 read in UTC too).
    const [lateOct31, lateSep30] = [crypto.randomUUID(), crypto.randomUUID()];
    await db().insert(trackingNumbers).values([lateOct31, lateSep30].map((id) => ({ id, tenantId: t.id, number: uniqueNumber(), label: "x" })));
    const mk = (tid: string, iso: string) => ({ id: crypto.randomUUID(), tenantId: t.id, provider: "twilio" as const, providerCallId: `CA${crypto.randomUUID()}`, fromNumber: "+14155550111", toNumber: "+1", trackingNumberId: tid, status: "completed" as const, startedAt: Date.parse(iso) });
    // 23:30 on Oct 31 in Los Angeles is already November in UTC: in the range there, not in UTC.
    // 22:00 on Sep 30 there is already October in UTC: in the range in UTC, not there.
    await db().insert(calls).values([mk(lateOct31, "2026-11-01T06:30:00Z"), mk(lateSep30, "2026-10-01T05:00:00Z")]);
    const r = await apiJson<{ trackingNumbers: { trackingNumberId: string; calls: number }[] }>({ cookie: await login(t.adminEmail) }, "GET", "/api/reports/campaigns?from=2026-10-01&to=2026-10-31");
    const counted = (tid: string) => r.body.trackingNumbers.find((l) => l.trackingNumberId === tid)?.calls ?? 0;
    expect([counted(lateOct31), counted(lateSep30)]).toEqual([1, 0]);
  });

  it("refuses a bad range", async () => {
    const t = await createTenant();
    const u = { cookie: await login(t.adminEmail) };
    for (const q of ["from=2026-10-31&to=2026-10-01", "from=yesterday&to=2026-10-01", "from=2020-01-01&to=2026-01-01", "to=2026-10-01"]) {
      expect((await apiJson(u, "GET", `/api/reports/campaigns?${q}`)).status).toBe(400);
    }
  });

  it("prorates a monthly cost by the days a campaign ran", () => {
    expect(campaignCost({ monthlyCostCents: 30000, startsOn: null, endsOn: null }, 0, "2026-11-01", "2026-11-30")).toBe(30000);
    expect(campaignCost({ monthlyCostCents: 30000, startsOn: "2026-11-16", endsOn: null }, 0, "2026-11-01", "2026-11-30")).toBe(15000);
    expect(campaignCost({ monthlyCostCents: 28000, startsOn: null, endsOn: "2026-02-14" }, 500, "2026-02-01", "2026-03-31")).toBe(14000 + 500);
    void env;
  });
});
