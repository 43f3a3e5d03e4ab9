/**
 * Business hours and holidays (schema/hours.ts, `/api/business-hours`): a week of windows plus dated
 * exceptions, on the tenant's wall clock; a condition of conditional routes; and, while closed, the
 * after-hours target (the tracking number's own, else the tenant's), the closed greeting said first.
 * Decisions are asserted as data at fixed instants (DST nights included); through the API and the
 * webhooks at the real clock, with schedules that hold all day so the moment does not matter.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { conditionHolds, startRouting, type RoutingConfig, type RoutingContext } from "../../party/routing.ts";
import { businessOpen, type BusinessHours } from "../../schema/hours.ts";
import type { Route } from "../../schema/routing.ts";
import { localDate, nextDay, previousDay } from "../../schema/zoned.ts";
import type { TrackingRoute } from "../../telephony/contract.ts";
import { login } from "./helpers.ts";
import { apiJson, dialled, receiving, route, routingTenant, startCall, useRoute, type RoutingTenant } from "./routing-helpers.ts";

const NY = "America/New_York";
const at = (iso: string) => Date.parse(iso);

describe("when the business is open", () => {
  const hours: BusinessHours = {
    weekly: [
      { day: 6, from: "20:00", to: "02:30" },
      { day: 0, from: "09:00", to: "17:00" },
      { day: 5, from: "09:00", to: "17:00" },
    ],
    exceptions: [
      { date: "2026-03-08", name: "Spring forward", hours: [{ from: "10:00", to: "14:00" }] },
      { date: "2026-11-01", name: "Fall back", hours: [] },
      { date: "2026-12-25", name: "Christmas Day", hours: [] },
      { date: "2026-12-31", name: "New Year's Eve", hours: [{ from: "20:00", to: "02:00" }] },
      { date: "2027-01-01", name: "New Year's Day", hours: [] },
    ],
    closedGreeting: null,
    afterHoursTarget: null,
  };
  const open = (iso: string) => businessOpen(hours, at(iso), NY);

  it("keeps the week's windows on ordinary days, a window past midnight belonging to the day it starts", () => {
    expect(open("2026-11-08T17:00:00Z")).toBe(true); // Sunday 12:00 EST
    expect(open("2026-11-08T22:00:00Z")).toBe(false); // Sunday 17:00
    expect(open("2026-11-08T01:00:00Z")).toBe(true); // Saturday 20:00
    expect(open("2026-11-08T07:29:00Z")).toBe(true); // Sunday 02:29, Saturday's window
    expect(open("2026-11-08T07:30:00Z")).toBe(false); // Sunday 02:30
    expect(open("2026-11-09T17:00:00Z")).toBe(false); // Monday: no window
  });

  it("special hours replace the day's windows, on the night the clocks go forward too", () => {
    expect(open("2026-03-08T06:59:00Z")).toBe(true); // 01:59 EST, Saturday's window runs into the exception's day
    expect(open("2026-03-08T07:00:00Z")).toBe(false); // 03:00 EDT: 02:30 never came
    expect(open("2026-03-08T13:30:00Z")).toBe(false); // 09:30 EDT: an ordinary Sunday would be open
    expect(open("2026-03-08T14:00:00Z")).toBe(true); // 10:00 EDT
    expect(open("2026-03-08T17:59:00Z")).toBe(true); // 13:59 EDT
    expect(open("2026-03-08T18:00:00Z")).toBe(false); // 14:00 EDT
  });

  it("a holiday is closed all day, the night the clocks go back too; the window of the day before still runs into it", () => {
    expect(open("2026-11-01T05:15:00Z")).toBe(true); // 01:15 EDT, Saturday's window
    expect(open("2026-11-01T06:15:00Z")).toBe(true); // 01:15 EST, the same wall time again
    expect(open("2026-11-01T07:30:00Z")).toBe(false); // 02:30 EST
    expect(open("2026-11-01T17:00:00Z")).toBe(false); // 12:00 EST: a Sunday, but a holiday
    expect(open("2026-12-25T17:00:00Z")).toBe(false); // Friday 12:00, Christmas Day
    expect(open("2026-12-18T17:00:00Z")).toBe(true); // the Friday before
  });

  it("special hours may run past midnight into a holiday", () => {
    expect(open("2027-01-01T01:00:00Z")).toBe(true); // Dec 31 20:00 EST
    expect(open("2027-01-01T06:59:00Z")).toBe(true); // Jan 1 01:59
    expect(open("2027-01-01T07:00:00Z")).toBe(false); // Jan 1 02:00
    expect(open("2027-01-01T17:00:00Z")).toBe(false); // Jan 1 12:00 (a Friday, but a holiday)
  });
});

describe("routing by business hours, as data", () => {
  const mondayNoonNY = at("2026-11-09T17:00:00Z");
  const mondayNightNY = at("2026-11-10T03:00:00Z"); // Monday 22:00
  const office = { id: "office", number: "+14155550150", label: "Office", extension: null, extensionDelaySeconds: 0, whisper: null, ringSeconds: 20, noAnswerTarget: null, taggingHours: null, record: false };
  const night = { ...office, id: "night", number: "+14155550151", label: "Night line" };
  const main: Route = { id: "main", name: "Office", kind: "dial", config: { receivingNumberIds: ["office"], pattern: "simultaneous" } };
  const weekdays: BusinessHours = {
    weekly: [1, 2, 3, 4, 5].map((day) => ({ day, from: "09:00", to: "17:00" })),
    exceptions: [],
    closedGreeting: "We are closed. Our hours are 9 to 5, Monday to Friday.",
    afterHoursTarget: { kind: "voicemail", greeting: "Leave a message." },
  };
  function ctx(now: number, hours: BusinessHours | null, tracking: Partial<TrackingRoute> = {}, routes: Route[] = [main]): RoutingContext {
    const config: RoutingConfig = { timeZone: NY, routes: Object.fromEntries(routes.map((r) => [r.id, r])), receiving: { office, night }, agents: {}, trackingNumbers: ["+14155550100"], businessHours: hours };
    return {
      config,
      tracking: { trackingNumber: "+14155550100", routeId: "main", terminationNumber: null, failsafeNumber: null, whisper: null, record: false, ...tracking },
      call: { callerNumber: "+12125550123", callerType: "unknown", contactTags: [] },
      counters: { take: () => 0, connections: () => 0 },
      now,
    };
  }

  it("open: the route as usual, untagged", () => {
    const { decision, state } = startRouting(ctx(mondayNoonNY, weekdays));
    expect(decision.steps).toEqual([expect.objectContaining({ kind: "dial", targets: [expect.objectContaining({ number: office.number })] })]);
    expect(state.tags).toEqual([]);
  });

  it("closed: the closed greeting, then the after-hours target, tagged after-hours", () => {
    const { decision, state } = startRouting(ctx(mondayNightNY, weekdays));
    expect(decision.steps).toEqual([
      { kind: "say", text: "We are closed. Our hours are 9 to 5, Monday to Friday." },
      { kind: "say", text: "Leave a message." },
      { kind: "voicemail", maxSeconds: 120 },
    ]);
    expect(state.tags).toEqual(["after-hours"]);
  });

  it("a tracking number's own after-hours target comes first; \"ignore\" routes as usual at all hours", () => {
    const own = startRouting(ctx(mondayNightNY, weekdays, { afterHoursTarget: { kind: "receiving", id: "night" } }));
    expect(own.decision.steps).toEqual([{ kind: "say", text: weekdays.closedGreeting }, expect.objectContaining({ kind: "dial", targets: [expect.objectContaining({ number: night.number })] })]);
    const ignoring = startRouting(ctx(mondayNightNY, weekdays, { afterHoursTarget: "ignore" }));
    expect(ignoring.decision.steps).toEqual([expect.objectContaining({ kind: "dial", targets: [expect.objectContaining({ number: office.number })] })]);
    // Still a call after hours, for reports.
    expect(ignoring.state.tags).toEqual(["after-hours"]);
  });

  it("without an after-hours target, or without business hours, calls route as they always did", () => {
    const noTarget = startRouting(ctx(mondayNightNY, { ...weekdays, afterHoursTarget: null }));
    expect(noTarget.decision.steps).toEqual([expect.objectContaining({ kind: "dial" })]);
    expect(noTarget.state.tags).toEqual(["after-hours"]);
    const none = startRouting(ctx(mondayNightNY, null, { afterHoursTarget: { kind: "hangup" } }));
    expect(none.decision.steps).toEqual([expect.objectContaining({ kind: "dial" })]);
    expect(none.state.tags).toEqual([]);
  });

  it("is a condition of conditional routes: open or closed", () => {
    const isOpen = { type: "business-hours" as const, open: true };
    const isClosed = { type: "business-hours" as const, open: false };
    expect(conditionHolds(isOpen, ctx(mondayNoonNY, weekdays))).toBe(true);
    expect(conditionHolds(isClosed, ctx(mondayNoonNY, weekdays))).toBe(false);
    expect(conditionHolds(isOpen, ctx(mondayNightNY, weekdays))).toBe(false);
    expect(conditionHolds(isClosed, ctx(mondayNightNY, weekdays))).toBe(true);
    // No business hours: always open.
    expect(conditionHolds(isOpen, ctx(mondayNightNY, null))).toBe(true);
  });
});

// Through the API and the webhooks ----------------------------------------------------------------

const ALL_WEEK = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, from: "00:00", to: "24:00" }));

async function tenantWithOffice() {
  const t = await routingTenant();
  const office = await receiving(t, "Office");
  const main = await route(t, { kind: "dial", name: "Office", config: { receivingNumberIds: [office.id] } });
  await useRoute(t, main.id);
  return { t, office, main };
}

async function put(t: { cookie: string }, body: unknown) {
  return apiJson<Record<string, unknown> & { error?: string }>(t, "PUT", "/api/business-hours", body);
}

/** Today, yesterday and tomorrow in the tenant's zone: a test that runs across midnight still finds "today" among them. */
async function daysAroundToday(t: RoutingTenant) {
  const row = await env.DB.prepare("select time_zone as tz from tenants where id = ?").bind(t.id).first<{ tz: string }>();
  const today = localDate(Date.now(), row!.tz);
  return [previousDay(today), today, nextDay(today)];
}

describe("/api/business-hours", () => {
  it("none set: always open; a schedule is replaced whole, read back sorted, and cleared", async () => {
    const { t } = await tenantWithOffice();
    expect((await apiJson(t, "GET", "/api/business-hours")).body).toEqual({ weekly: [], exceptions: [], closedGreeting: null, afterHoursTarget: null, set: false, timeZone: "America/Los_Angeles", open: true, exception: null });
    const saved = await put(t, {
      weekly: [
        { day: 5, from: "22:00", to: "02:00" },
        { day: 1, from: "09:00", to: "17:00" },
      ],
      exceptions: [
        { date: "2026-12-31", hours: [{ from: "09:00", to: "12:00" }] },
        { date: "2026-12-25", name: "Christmas Day" },
      ],
      closedGreeting: "We are closed.",
      afterHoursTarget: { kind: "voicemail" },
    });
    expect(saved.status).toBe(200);
    const read = await apiJson(t, "GET", "/api/business-hours");
    expect(read.body).toMatchObject({
      set: true,
      weekly: [
        { day: 1, from: "09:00", to: "17:00" },
        { day: 5, from: "22:00", to: "02:00" },
      ],
      exceptions: [
        { date: "2026-12-25", name: "Christmas Day", hours: [] },
        { date: "2026-12-31", hours: [{ from: "09:00", to: "12:00" }] },
      ],
      closedGreeting: "We are closed.",
      afterHoursTarget: { kind: "voicemail" },
    });
    expect((await apiJson(t, "DELETE", "/api/business-hours")).status).toBe(204);
    expect((await apiJson(t, "GET", "/api/business-hours")).body).toMatchObject({ set: false, open: true });
    expect((await apiJson<{ error: string }>(t, "DELETE", "/api/business-hours")).status).toBe(404);
  });

  it("refuses what cannot be a schedule with a 400 that says why, and writes nothing", async () => {
    const { t } = await tenantWithOffice();
    const good = { weekly: [{ day: 1, from: "09:00", to: "17:00" }], exceptions: [{ date: "2026-12-25", name: "Christmas Day" }] };
    expect((await put(t, good)).status).toBe(200);
    const before = await apiJson(t, "GET", "/api/business-hours");
    const other = await routingTenant("Other");
    const theirs = await route(other, { kind: "dial", name: "Theirs", config: { receivingNumberIds: [(await receiving(other, "Theirs")).id] } });
    const bad: [unknown, RegExp][] = [
      [{ weekly: [{ day: 1, from: "9am", to: "17:00" }] }, /must be a time like 09:00/],
      [{ weekly: [{ day: 1, from: "24:00", to: "17:00" }] }, /must be a time like 09:00/],
      [{ weekly: [{ day: 7, from: "09:00", to: "17:00" }] }, /6 is Saturday/],
      [{ weekly: [{ day: 1, from: "09:00", to: "09:00" }] }, /must not end when it starts/],
      [{ weekly: [{ day: 1, from: "09:00", to: "25:00" }] }, /or 24:00/],
      [{ weekly: Array.from({ length: 51 }, () => ({ day: 1, from: "09:00", to: "17:00" })) }, /at most 50 windows/],
      [{ weekly: [], exceptions: [{ date: "2026-02-30" }] }, /is not a day of the calendar/],
      [{ weekly: [], exceptions: [{ date: "25/12/2026" }] }, /must be a date like 2026-12-25/],
      [{ weekly: [], exceptions: [{ date: "2026-12-25" }, { date: "2026-12-25", name: "Again" }] }, /has an exception already/],
      [{ weekly: [], exceptions: [{ date: "2026-12-24", hours: Array.from({ length: 7 }, () => ({ from: "09:00", to: "10:00" })) }] }, /at most 6 windows a day/],
      [{ weekly: [], afterHoursTarget: { kind: "route", id: "nope" } }, /route nope does not exist/],
      [{ weekly: [], afterHoursTarget: { kind: "route", id: theirs.id } }, /does not exist/],
      [{ weekly: [], closedGreeting: "" }, /must not be empty/],
      [{ exceptions: [] }, /weekly/],
      ["not json at all", /./],
    ];
    for (const [body, message] of bad) {
      const res = await put(t, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toMatch(message);
    }
    expect((await apiJson(t, "GET", "/api/business-hours")).body).toEqual(before.body);
  });

  it("is each tenant's own, and who edits routes edits it", async () => {
    const { t } = await tenantWithOffice();
    const other = await routingTenant("Other");
    expect((await put(t, { weekly: ALL_WEEK })).status).toBe(200);
    expect((await apiJson(other, "GET", "/api/business-hours")).body).toMatchObject({ set: false });
    const manager = { cookie: await login(t.managerEmail) };
    expect((await put(manager, { weekly: [] })).status).toBe(200);
    for (const email of [t.agentEmail, t.reportingEmail]) {
      const u = { cookie: await login(email) };
      expect((await apiJson(u, "GET", "/api/business-hours")).status).toBe(403);
      expect((await put(u, { weekly: ALL_WEEK })).status).toBe(403);
    }
    expect((await apiJson(t, "GET", "/api/business-hours")).body).toMatchObject({ set: true, weekly: [] });
  });
});

describe("calls by business hours", () => {
  it("closed: the caller hears the closed greeting, then the after-hours target; a change takes effect on the next call", async () => {
    const { t, office } = await tenantWithOffice();
    // Closed all week.
    expect((await put(t, { weekly: [], closedGreeting: "Sorry, we are closed.", afterHoursTarget: { kind: "voicemail", greeting: "Please leave a message." } })).status).toBe(200);
    const closed = await startCall(t, "+14155551001");
    expect(closed.xml).toContain("<Say>Sorry, we are closed.</Say><Say>Please leave a message.</Say><Record ");
    expect(dialled(closed.xml)).toEqual([]);
    // Open all week: the very next call rings the office.
    expect((await put(t, { weekly: ALL_WEEK, closedGreeting: "Sorry, we are closed.", afterHoursTarget: { kind: "voicemail" } })).status).toBe(200);
    expect(dialled((await startCall(t, "+14155551002")).xml)).toEqual([office.number]);
    // Closed again, then cleared: always open.
    expect((await put(t, { weekly: [], afterHoursTarget: { kind: "hangup" } })).status).toBe(200);
    expect((await startCall(t, "+14155551003")).xml).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>');
    expect((await apiJson(t, "DELETE", "/api/business-hours")).status).toBe(204);
    expect(dialled((await startCall(t, "+14155551004")).xml)).toEqual([office.number]);
  });

  it("a holiday closes a day the week has open; special hours open a day the week has closed", async () => {
    const { t, office } = await tenantWithOffice();
    const night = await receiving(t, "Night line");
    const days = await daysAroundToday(t);
    const holiday = await put(t, { weekly: ALL_WEEK, exceptions: days.map((date) => ({ date, name: "Founders' Day" })), afterHoursTarget: { kind: "receiving", id: night.id } });
    expect(holiday.body).toMatchObject({ open: false, exception: { name: "Founders' Day", hours: [] } });
    expect(dialled((await startCall(t, "+14155551001")).xml)).toEqual([night.number]);
    const special = await put(t, { weekly: [], exceptions: days.map((date) => ({ date, hours: [{ from: "00:00", to: "24:00" }] })), afterHoursTarget: { kind: "receiving", id: night.id } });
    expect(special.body).toMatchObject({ open: true });
    expect(dialled((await startCall(t, "+14155551002")).xml)).toEqual([office.number]);
  });

  it("a conditional route sends calls one way while open and another while closed", async () => {
    const t = await routingTenant();
    const [office, answering] = [await receiving(t, "Office"), await receiving(t, "Answering service")];
    const byHours = await route(t, {
      kind: "conditional",
      name: "By hours",
      config: { rules: [{ when: [{ type: "business-hours", open: true }], target: { kind: "receiving", id: office.id } }], default: { kind: "receiving", id: answering.id } },
    });
    await useRoute(t, byHours.id);
    // No business hours yet: open.
    expect(dialled((await startCall(t, "+14155551001")).xml)).toEqual([office.number]);
    await put(t, { weekly: [] });
    expect(dialled((await startCall(t, "+14155551002")).xml)).toEqual([answering.number]);
    await put(t, { weekly: ALL_WEEK });
    expect(dialled((await startCall(t, "+14155551003")).xml)).toEqual([office.number]);
  });

  it("a tracking number names its own after-hours target, or ignores the business hours; what they name cannot be deleted", async () => {
    const { t, office, main } = await tenantWithOffice();
    const night = await receiving(t, "Night line");
    await put(t, { weekly: [], afterHoursTarget: { kind: "hangup" } });
    const patch = (afterHoursTarget: unknown) => apiJson<{ afterHoursTarget?: unknown; error?: string }>(t, "PATCH", `/api/tracking-numbers/${t.trackingNumberId}`, { afterHoursTarget });

    expect((await patch({ kind: "receiving", id: night.id })).body.afterHoursTarget).toEqual({ kind: "receiving", id: night.id });
    expect(dialled((await startCall(t, "+14155551001")).xml)).toEqual([night.number]);
    expect((await patch("ignore")).status).toBe(200);
    expect(dialled((await startCall(t, "+14155551002")).xml)).toEqual([office.number]);
    expect((await patch(null)).status).toBe(200);
    expect((await startCall(t, "+14155551003")).xml).toContain("<Hangup/>");

    const unknown = await patch({ kind: "route", id: "nope" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/route nope does not exist/);
    expect((await patch("sometimes")).status).toBe(400);

    await patch({ kind: "receiving", id: night.id });
    const inUse = await apiJson<{ error: string }>(t, "DELETE", `/api/receiving-numbers/${night.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.error).toBe(`Still used by tracking number ${t.trackingNumber} (after hours); change those first`);
    await put(t, { weekly: [], afterHoursTarget: { kind: "route", id: main.id } });
    await useRoute(t, null);
    const routeInUse = await apiJson<{ error: string }>(t, "DELETE", `/api/routes/${main.id}`);
    expect(routeInUse.status).toBe(409);
    expect(routeInUse.body.error).toBe("Still used by the business hours (after hours); change those first");
  });
});
