/**
 * Dates are the tenant's days, on every route that filters by them: the call log, its CSV and the
 * campaign report read `from`/`to` in the tenant's time zone (schema/zoned.ts, the rule the dashboard
 * shows times by), whatever zone the caller or the server is in.
 */
import { runInDurableObject } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Switchboard } from "../../party/switchboard.ts";
import { calls, tenants } from "../../schema/db.ts";
import { db, login, tableCounts } from "./helpers.ts";
import { apiJson } from "./routing-helpers.ts";
import { call as request } from "./helpers.ts";
import { createTwilioTenant, hexId, switchboardOf, type TwilioTenant } from "./twilio-helpers.ts";

/** A tenant in Los Angeles with ended calls started at these instants (ISO, UTC), on its campaign. */
async function losAngeles(...started: string[]) {
  const t = await createTwilioTenant("Pacific");
  await db().update(tenants).set({ timeZone: "America/Los_Angeles" }).where(eq(tenants.id, t.id));
  const ids = started.map(() => crypto.randomUUID());
  // A statement a call: D1 binds at most 100 values to one.
  for (const [i, iso] of started.entries()) {
    await db().insert(calls).values({ id: ids[i]!, tenantId: t.id, provider: "twilio", providerCallId: hexId("CA"), fromNumber: `+1415555${String(1000 + i)}`, toNumber: t.trackingNumber, trackingNumberId: t.trackingNumberId, campaignId: t.campaignId, status: "completed", startedAt: Date.parse(iso) });
  }
  return { t, ids, u: { cookie: await login(t.adminEmail) } };
}

async function found(u: { cookie: string }, query: string) {
  const res = await apiJson<{ items: { startedAt: number }[]; total: number }>(u, "GET", `/api/calls?${query}&limit=200`);
  expect(res.status).toBe(200);
  return res.body.items.map((c) => new Date(c.startedAt).toISOString()).sort();
}

async function reported(t: TwilioTenant, u: { cookie: string }, day: string) {
  const res = await apiJson<{ campaigns: { campaignId: string | null; calls: number }[] }>(u, "GET", `/api/reports/campaigns?from=${day}&to=${day}`);
  expect(res.status).toBe(200);
  return res.body.campaigns.find((l) => l.campaignId === t.campaignId)?.calls ?? 0;
}

describe("a tenant in Los Angeles", () => {
  it("finds a call on the day it shows it on: 15:13 UTC is 7:13 AM on Nov 30, and 05:00 UTC on Dec 1 is still Nov 30", async () => {
    const nov30 = ["2026-11-30T08:00:00.000Z", "2026-11-30T15:13:00.000Z", "2026-12-01T05:00:00.000Z", "2026-12-01T07:59:59.999Z"];
    const { t, u } = await losAngeles(...nov30, "2026-11-30T07:59:59.999Z", "2026-12-01T08:00:00.000Z");
    expect(await found(u, "from=2026-11-30&to=2026-11-30")).toEqual(nov30);
    expect(await reported(t, u, "2026-11-30")).toBe(4);
    expect(await found(u, "from=2026-12-01&to=2026-12-01")).toEqual(["2026-12-01T08:00:00.000Z"]);
    expect(await found(u, "to=2026-11-29")).toEqual(["2026-11-30T07:59:59.999Z"]);
    // The CSV says each call's time as the tenant's clock read it, with the offset that makes it exact.
    const csv = await (await request("/api/calls.csv?from=2026-11-30&to=2026-11-30", { cookie: u.cookie })).text();
    const started = csv.trim().split(/\r?\n/).slice(1).map((line) => line.split(",")[0]);
    expect(started).toEqual(["2026-11-30T23:59:59-08:00", "2026-11-30T21:00:00-08:00", "2026-11-30T07:13:00-08:00", "2026-11-30T00:00:00-08:00"]);
  });

  it("gives the day the clocks go back 25 hours and the day they go forward 23", async () => {
    const nov1 = ["2026-11-01T07:00:00.000Z", "2026-11-01T09:30:00.000Z", "2026-11-02T07:59:59.000Z"];
    const mar8 = ["2026-03-08T08:00:00.000Z", "2026-03-08T10:30:00.000Z", "2026-03-09T06:59:59.000Z"];
    const { t, u } = await losAngeles(...nov1, ...mar8, "2026-11-01T06:59:59.000Z", "2026-11-02T08:00:00.000Z", "2026-03-08T07:59:59.000Z", "2026-03-09T07:00:00.000Z");
    expect(await found(u, "from=2026-11-01&to=2026-11-01")).toEqual(nov1);
    expect(await found(u, "from=2026-03-08&to=2026-03-08")).toEqual(mar8);
    expect([await reported(t, u, "2026-11-01"), await reported(t, u, "2026-03-08")]).toEqual([3, 3]);
    expect(await found(u, "from=2026-10-31&to=2026-10-31")).toEqual(["2026-11-01T06:59:59.000Z"]);
    expect(await found(u, "from=2026-03-09&to=2026-03-09")).toEqual(["2026-03-09T07:00:00.000Z"]);
  });

  it("dates a follow-up reminder's call by the tenant's calendar", async () => {
    const { t, ids, u } = await losAngeles("2026-12-01T05:00:00.000Z");
    const res = await apiJson(u, "PATCH", `/api/calls/${ids[0]}`, { followUpAt: Date.parse("2026-12-02T17:00:00Z") });
    expect(res.status).toBe(200);
    const body = await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => state.storage.sql.exec<{ reminder: string }>("select reminder from reminders").one().reminder);
    expect(JSON.parse(body)).toMatchObject({ body: "Call of 2026-11-30" });
  });

  it("refuses a date that is not one, or a range that ends before it starts, with a 400 that says so, and writes nothing", async () => {
    const { u } = await losAngeles("2026-11-30T15:13:00.000Z");
    const before = await tableCounts();
    const refusals: [string, RegExp][] = [
      ["/api/calls?from=2026-12-01&to=2026-11-30", /to: from must not be after to/],
      ["/api/calls.csv?from=2026-12-01&to=2026-11-30", /from must not be after to/],
      [`/api/calls?from=${Date.parse("2026-12-01T00:00:00Z")}&to=${Date.parse("2026-11-30T00:00:00Z")}`, /from must not be after to/],
      ["/api/calls?from=2026-02-30", /from/],
      ["/api/calls?to=11/30/2026", /to/],
      ["/api/calls?from=2026-11-30T00:00", /from/],
      ["/api/reports/campaigns?from=2026-12-01&to=2026-11-30", /from must not be after to/],
    ];
    for (const [path, message] of refusals) {
      const res = await request(path, { cookie: u.cookie });
      expect(res.status, path).toBe(400);
      expect((await res.json<{ error: string }>()).error, path).toMatch(message);
    }
    expect(await tableCounts()).toEqual(before);
  });
});
