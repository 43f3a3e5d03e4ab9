/**
 * The one rule for dates and times (schema/zoned.ts), which the Worker reads date filters by and the
 * dashboard shows times by: a call shown on a day is found by filtering for that day, in any zone.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dayRange, fromWallTime, isoInZone, localDate, nextDay, startOfDay, wallTime } from "../../schema/zoned.ts";

const LA = "America/Los_Angeles";
const hours = (date: string, zone: string) => (startOfDay(nextDay(date), zone) - startOfDay(date, zone)) / 3_600_000;

describe("days in a time zone", () => {
  it("a call late on Nov 30 in Los Angeles is on Nov 30 there, though December in UTC", () => {
    const { start, end } = dayRange("2026-11-30", "2026-11-30", LA);
    for (const iso of ["2026-11-30T15:13:00Z", "2026-12-01T05:00:00Z", "2026-11-30T08:00:00Z", "2026-12-01T07:59:59.999Z"]) {
      const at = Date.parse(iso);
      expect(localDate(at, LA)).toBe("2026-11-30");
      expect(at >= start! && at < end!).toBe(true);
    }
    for (const iso of ["2026-11-30T07:59:59.999Z", "2026-12-01T08:00:00Z"]) expect(localDate(Date.parse(iso), LA)).not.toBe("2026-11-30");
    expect([start, end]).toEqual([Date.parse("2026-11-30T08:00:00Z"), Date.parse("2026-12-01T08:00:00Z")]);
  });

  it("a day has 23 or 25 hours where the clocks change, and a day whose midnight is skipped starts at 01:00", () => {
    expect(hours("2026-03-08", LA)).toBe(23);
    expect(hours("2026-11-01", LA)).toBe(25);
    expect(hours("2026-11-02", LA)).toBe(24);
    // Chile and Cuba move their clocks at midnight: that day begins at 01:00, never in the day before.
    expect(isoInZone(startOfDay("2026-09-06", "America/Santiago"), "America/Santiago")).toBe("2026-09-06T01:00:00-03:00");
    expect(isoInZone(startOfDay("2026-03-08", "America/Havana"), "America/Havana")).toBe("2026-03-08T01:00:00-04:00");
    expect(hours("2026-04-05", "Australia/Lord_Howe")).toBe(24.5);
  });

  it("an open end is left open", () => {
    expect(dayRange(undefined, "2026-11-30", LA)).toEqual({ end: Date.parse("2026-12-01T08:00:00Z") });
    expect(dayRange("2026-11-30", undefined, LA)).toEqual({ start: Date.parse("2026-11-30T08:00:00Z") });
  });
});

describe("wall times (datetime-local inputs)", () => {
  it("are read and written in the zone given; a skipped hour moves forward, a repeated one is its first", () => {
    expect(wallTime(Date.parse("2026-11-30T15:13:00Z"), LA)).toBe("2026-11-30T07:13");
    expect(fromWallTime("2026-11-30T07:13", LA)).toBe(Date.parse("2026-11-30T15:13:00Z"));
    expect(fromWallTime("2026-03-08T02:30", LA)).toBe(Date.parse("2026-03-08T10:30:00Z"));
    expect(fromWallTime("2026-11-01T01:30", LA)).toBe(Date.parse("2026-11-01T08:30:00Z"));
    for (const bad of ["", "2026-11-30", "2026-02-30T10:00", "2026-11-30T24:00", "2026-11-30T07:60", "tomorrow"]) expect(fromWallTime(bad, LA)).toBeNull();
  });

  it("say the instant with the zone's offset", () => {
    expect(isoInZone(Date.parse("2026-11-30T15:13:00Z"), LA)).toBe("2026-11-30T07:13:00-08:00");
    expect(isoInZone(Date.parse("2026-07-01T00:00:00Z"), "Asia/Kathmandu")).toBe("2026-07-01T05:45:00+05:45");
  });
});

const ZONES = ["UTC", LA, "Asia/Tokyo", "America/Santiago", "America/Havana", "Asia/Beirut", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kathmandu", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Africa/Casablanca", "Europe/London"];
const instants = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) });

describe("for any instant in any zone", () => {
  it("the day it is shown on is the day whose filter finds it", () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...ZONES), (at, zone) => {
        const day = localDate(at, zone);
        const { start, end } = dayRange(day, day, zone);
        expect(start! <= at && at < end!).toBe(true);
        expect(localDate(start!, zone)).toBe(day);
        expect(localDate(start! - 1, zone) < day).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("its wall time reads back, and its ISO form is the same instant", () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...ZONES), (at, zone) => {
        expect(wallTime(fromWallTime(wallTime(at, zone), zone)!, zone)).toBe(wallTime(at, zone));
        expect(Date.parse(isoInZone(at, zone))).toBe(at - (at % 1000));
      }),
      { numRuns: 2000 },
    );
  });
});
