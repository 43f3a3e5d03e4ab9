/**
 * Opening hours on the tenant's wall clock, one rule for all of them: a receiving number's tagging
 * hours, a conditional route's time condition, and the business hours (a week of windows plus dated
 * exceptions such as holidays). A window belongs to the day it starts on. One whose end is not after
 * its start runs past midnight into the next day: Friday 22:00–02:00 covers Friday 23:59 and
 * Saturday 01:59, not Saturday 02:00, and not Friday 01:00. Times are wall-clock times of the
 * tenant's zone, so on the night the clocks change a window follows the clock (an hour the clocks
 * skip is not there to be open; an hour they repeat is open twice). Overlapping windows combine:
 * open while any of them is. zod/mini, as in schema/routing.ts: cheaper to build when the Worker starts.
 */
import * as z from "zod/mini";
import { clock, target, weekday, type Target } from "./routing.ts";
import type { businessHours } from "./db.ts";
import { previousDay, wallClock } from "./zoned.ts";
import { lazy } from "./lazy.ts";

type Span = { from: string; to: string };

/** Minutes since midnight of "HH:MM"; "24:00" (a business window's end) is the day's end. */
export function minuteOf(time: string) {
  const [h, m] = time.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * Whether a window covers `minute` of the day it starts on (`sameDay`) or of the day after. A
 * window that starts and ends at the same minute covers nothing (tagging hours always read so).
 */
function covers(span: Span, minute: number, sameDay: boolean) {
  const from = minuteOf(span.from);
  const to = minuteOf(span.to);
  if (from === to) return false;
  if (from < to) return sameDay && minute >= from && minute < to;
  return sameDay ? minute >= from : minute < to;
}

/** Whether weekly windows (each on its own weekday, 0 = Sunday) are open at `at` in `timeZone`. */
export function weeklyOpen(windows: readonly (Span & { day: number })[], at: number, timeZone: string) {
  const now = wallClock(at, timeZone);
  const yesterday = (now.weekday + 6) % 7;
  return windows.some((w) => (w.day === now.weekday && covers(w, now.minute, true)) || (w.day === yesterday && covers(w, now.minute, false)));
}

// Business hours ------------------------------------------------------------------------------

const MAX_WINDOWS = 50;
const MAX_EXCEPTIONS = 200;
const MAX_SPANS = 6;

const name = lazy(() => z.string().check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(100, "must be at most 100 characters")));
/** A window's end may also be 24:00, the end of the day (00:00–24:00 is open all day). */
const end = lazy(() => z.string().check(z.regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, "must be a time like 17:00 (or 24:00 for the end of the day)")));
const notEmpty = (s: Span) => s.from !== s.to;
const EMPTY = { message: "must not end when it starts (for the whole day: 00:00 to 24:00)", path: ["to"] };
const span = lazy(() => z.object({ from: clock, to: end }).check(z.refine(notEmpty, EMPTY)));

/** A calendar date, YYYY-MM-DD, that exists (not 2026-02-30). */
export const calendarDate = lazy(() => z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2026-12-25"),
  z.refine((d: string) => {
    // Zod runs this after a failed pattern too: a date it cannot read is no day either.
    const [y, m, day] = d.split("-").map(Number) as [number, number, number];
    const at = new Date(Date.UTC(y, m - 1, day));
    return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === d;
  }, "is not a day of the calendar"),
));

/** A day unlike the others: closed all day (no `hours`), or open only in `hours` instead of its weekday's windows. */
export const businessException = lazy(() => z.object({
  date: calendarDate,
  /** What the day is, for people: "Christmas Day". */
  name: z.optional(name),
  hours: z._default(z.array(span).check(z.maxLength(MAX_SPANS, `at most ${MAX_SPANS} windows a day`)), []),
}));

export const businessHoursInput = lazy(() => z.object({
  /** The usual week: windows on weekdays (0 = Sunday), which may run past midnight. */
  weekly: z.array(z.object({ day: weekday, from: clock, to: end }).check(z.refine(notEmpty, EMPTY))).check(z.maxLength(MAX_WINDOWS, `at most ${MAX_WINDOWS} windows`)),
  /** Holidays and special hours, one per date: each replaces the windows that start on its date. */
  exceptions: z._default(z.array(businessException).check(z.maxLength(MAX_EXCEPTIONS, `at most ${MAX_EXCEPTIONS} exceptions`)), []).check(
    z.superRefine((list: { date: string }[], ctx) => {
      const seen = new Set<string>();
      list.forEach((e, i) => {
        if (seen.has(e.date)) ctx.addIssue({ code: "custom", message: `${e.date} has an exception already: one a date`, path: [i, "date"] });
        seen.add(e.date);
      });
    }),
  ),
  /** Said to a caller who reaches the after-hours target. */
  closedGreeting: z.nullish(z.string().check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(1000, "must be at most 1000 characters"))),
  /** Where calls go while closed, for tracking numbers that name none of their own; none: calls route as usual. */
  afterHoursTarget: z.nullish(target),
}));
export type BusinessHoursInput = z.input<typeof businessHoursInput>;

/** The business hours as stored and as the router reads them. */
export type BusinessHours = {
  weekly: (Span & { day: number })[];
  exceptions: { date: string; name?: string | undefined; hours: Span[] }[];
  closedGreeting: string | null;
  afterHoursTarget: Target | null;
};

/** The business hours' D1 row as the API shows it and the router reads it (stored values were parsed on the way in). */
export function presentBusinessHours(row: typeof businessHours.$inferSelect): BusinessHours {
  return {
    weekly: row.weekly as BusinessHours["weekly"],
    exceptions: row.exceptions as BusinessHours["exceptions"],
    closedGreeting: row.closedGreeting,
    afterHoursTarget: (row.afterHoursTarget as Target | null) ?? null,
  };
}

/**
 * A tracking number's own after-hours target: null follows the business hours' one; "ignore" routes
 * its calls as usual at all hours (a line that is always answered); a target sends them there.
 */
export const trackingAfterHours = lazy(() => z.nullable(z.union([z.literal("ignore"), target])));
export type TrackingAfterHours = z.infer<typeof trackingAfterHours>;

/** The windows that start on `date` (a weekday `day`): its exception's, else the week's. */
function windowsOn(hours: BusinessHours, date: string, day: number): Span[] {
  const exception = hours.exceptions.find((e) => e.date === date);
  return exception ? exception.hours : hours.weekly.filter((w) => w.day === day);
}

/** Whether the business is open at `at` in `timeZone` (a window of the day before may still run). */
export function businessOpen(hours: BusinessHours, at: number, timeZone: string) {
  const now = wallClock(at, timeZone);
  const yesterday = previousDay(now.date);
  return windowsOn(hours, now.date, now.weekday).some((s) => covers(s, now.minute, true)) || windowsOn(hours, yesterday, (now.weekday + 6) % 7).some((s) => covers(s, now.minute, false));
}

/** Today's exception in `timeZone`, if today is one (its name, for the dashboard). */
export function exceptionToday(hours: BusinessHours, at: number, timeZone: string) {
  const { date } = wallClock(at, timeZone);
  return hours.exceptions.find((e) => e.date === date) ?? null;
}
