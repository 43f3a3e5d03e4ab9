/**
 * Opening hours on the tenant's wall clock (schema/hours.ts): a window belongs to the day it starts
 * on and may run past midnight into the next, for tagging hours, time conditions and business hours
 * alike, including the nights the clocks change. Routing decisions are asserted as data.
 */
import { describe, expect, it } from "vitest";
import { conditionHolds, startRouting, type RoutingContext } from "../../party/routing.ts";
import type { HoursWindow, ReceivingNumber, Route } from "../../schema/routing.ts";

const NY = "America/New_York";
const at = (iso: string) => Date.parse(iso);
const open = (windows: HoursWindow[], iso: string) => {
  const office: ReceivingNumber = { id: "office", number: "+14155550150", label: "Office", extension: null, extensionDelaySeconds: 0, whisper: null, ringSeconds: 20, noAnswerTarget: null, taggingHours: windows, record: false };
  const dial: Route = { id: "dial", name: "Office", kind: "dial", config: { receivingNumberIds: ["office"], pattern: "simultaneous" } };
  const ctx: RoutingContext = {
    config: { timeZone: NY, routes: { dial }, receiving: { office }, agents: {}, trackingNumbers: ["+14155550100"] },
    tracking: { trackingNumber: "+14155550100", routeId: "dial", terminationNumber: null, failsafeNumber: null, whisper: null, record: false },
    call: { callerNumber: "+12125550123", callerType: "unknown", contactTags: [] },
    counters: { take: () => 0, connections: () => 0 },
    now: at(iso),
  };
  // The call is tagged after-hours exactly when the receiving number's tagging hours are closed.
  return !startRouting(ctx).state.tags.includes("after-hours");
};

describe("tagging hours across midnight", () => {
  // Friday 2026-11-06 in New York (EST, UTC-5).
  const friday = [{ day: 5, from: "22:00", to: "02:00" }];

  it("a Friday 22:00–02:00 window covers Friday night and early Saturday, not early Friday", () => {
    expect(open(friday, "2026-11-07T03:00:00Z")).toBe(true); // Friday 22:00
    expect(open(friday, "2026-11-07T04:59:00Z")).toBe(true); // Friday 23:59
    expect(open(friday, "2026-11-07T05:00:00Z")).toBe(true); // Saturday 00:00
    expect(open(friday, "2026-11-07T06:00:00Z")).toBe(true); // Saturday 01:00
    expect(open(friday, "2026-11-07T06:59:00Z")).toBe(true); // Saturday 01:59
    expect(open(friday, "2026-11-07T07:00:00Z")).toBe(false); // Saturday 02:00: the end is not in the window
    expect(open(friday, "2026-11-07T02:59:00Z")).toBe(false); // Friday 21:59
    expect(open(friday, "2026-11-06T06:00:00Z")).toBe(false); // Friday 01:00: what it used to cover
    expect(open(friday, "2026-11-08T06:00:00Z")).toBe(false); // Sunday 01:00
  });

  it("wraps from Saturday into Sunday and from Sunday into Monday", () => {
    const sunday = [{ day: 0, from: "22:00", to: "02:00" }];
    expect(open(sunday, "2026-11-09T04:00:00Z")).toBe(true); // Sunday 23:00
    expect(open(sunday, "2026-11-09T06:30:00Z")).toBe(true); // Monday 01:30
    expect(open(sunday, "2026-11-09T07:00:00Z")).toBe(false); // Monday 02:00
    expect(open(sunday, "2026-11-08T06:00:00Z")).toBe(false); // Sunday 01:00 belongs to Saturday
    const saturday = [{ day: 6, from: "23:00", to: "01:00" }];
    expect(open(saturday, "2026-11-08T05:30:00Z")).toBe(true); // Sunday 00:30
    expect(open(saturday, "2026-11-07T05:30:00Z")).toBe(false); // Saturday 00:30
  });

  it("follows the wall clock on the night the clocks go forward (2026-03-08 02:00 EST → 03:00 EDT)", () => {
    const saturday = [{ day: 6, from: "22:00", to: "02:30" }];
    expect(open(saturday, "2026-03-08T02:59:00Z")).toBe(false); // Saturday 21:59 EST
    expect(open(saturday, "2026-03-08T03:00:00Z")).toBe(true); // Saturday 22:00 EST
    expect(open(saturday, "2026-03-08T06:59:00Z")).toBe(true); // Sunday 01:59 EST
    // The next minute the clock reads 03:00 EDT: 02:30 never comes, and the window is over.
    expect(open(saturday, "2026-03-08T07:00:00Z")).toBe(false);
    const later = [{ day: 6, from: "22:00", to: "03:30" }];
    expect(open(later, "2026-03-08T07:15:00Z")).toBe(true); // 03:15 EDT
    expect(open(later, "2026-03-08T07:30:00Z")).toBe(false); // 03:30 EDT
  });

  it("follows the wall clock on the night the clocks go back (2026-11-01 02:00 EDT → 01:00 EST): the repeated hour is covered twice", () => {
    const saturday = [{ day: 6, from: "22:00", to: "01:30" }];
    expect(open(saturday, "2026-11-01T02:00:00Z")).toBe(true); // Saturday 22:00 EDT
    expect(open(saturday, "2026-11-01T05:15:00Z")).toBe(true); // Sunday 01:15 EDT
    expect(open(saturday, "2026-11-01T05:30:00Z")).toBe(false); // 01:30 EDT
    expect(open(saturday, "2026-11-01T06:15:00Z")).toBe(true); // 01:15 EST, the second time
    expect(open(saturday, "2026-11-01T06:30:00Z")).toBe(false); // 01:30 EST
  });

  it("a window inside one day, and one that starts and ends at the same minute (it covers nothing), read as before", () => {
    expect(open([{ day: 5, from: "09:00", to: "17:00" }], "2026-11-06T14:00:00Z")).toBe(true); // Friday 09:00
    expect(open([{ day: 5, from: "09:00", to: "17:00" }], "2026-11-06T22:00:00Z")).toBe(false); // Friday 17:00
    expect(open([{ day: 5, from: "09:00", to: "09:00" }], "2026-11-06T14:00:00Z")).toBe(false);
  });

  it("a time condition names the day its window starts, as tagging hours do", () => {
    const ctx = (iso: string): RoutingContext => ({
      config: { timeZone: NY, routes: {}, receiving: {}, agents: {}, trackingNumbers: [] },
      tracking: { trackingNumber: "+14155550100", routeId: null, terminationNumber: null, failsafeNumber: null, whisper: null, record: false },
      call: { callerNumber: "+12125550123", callerType: "unknown", contactTags: [] },
      counters: { take: () => 0, connections: () => 0 },
      now: at(iso),
    });
    const fridayNight = { type: "time" as const, days: [5], from: "22:00", to: "02:00" };
    expect(conditionHolds(fridayNight, ctx("2026-11-07T06:00:00Z"))).toBe(true); // Saturday 01:00
    expect(conditionHolds(fridayNight, ctx("2026-11-06T06:00:00Z"))).toBe(false); // Friday 01:00
  });
});
