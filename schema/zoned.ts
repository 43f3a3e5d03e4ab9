/**
 * Dates and times in a tenant's time zone: the one rule the Worker and the dashboard both follow,
 * in one module both import. A date (YYYY-MM-DD) means a day of the tenant's calendar: a filter
 * `from`..`to` covers the instants from `from`'s first moment up to the end of the `to` day. Instants
 * are epoch milliseconds. Only Intl: no zone data of our own to keep up to date.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building one costs far more than using it (a CSV export formats 50,000 times). */
function format(timeZone: string) {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    formats.set(timeZone, f);
  }
  return f;
}

function parts(at: number, timeZone: string) {
  const p = format(timeZone).formatToParts(at);
  const get = (type: string) => Number(p.find((x) => x.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute"), second: get("second") };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const dateOf = (p: ReturnType<typeof parts>) => `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;

/** The wall clock of `timeZone` at `at`, written as if it were UTC. */
function wallOf(at: number, timeZone: string) {
  const p = parts(at, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/** How far ahead of UTC the zone's wall clock is at `at`, in ms. */
function offset(at: number, timeZone: string) {
  return wallOf(at, timeZone) - (at - (at % 1000));
}

/**
 * The instant the wall clock of `timeZone` reads `wall` (a wall time written as if it were UTC). An
 * hour the clocks repeat in autumn gives its first instant; an hour they skip in spring moves forward
 * by the gap (as Temporal's "compatible" rule does), so a day whose midnight is skipped (zones that
 * change at 00:00) begins when its first hour does, never in the day before.
 */
function instant(wall: number, timeZone: string): number {
  const first = wall - offset(wall, timeZone);
  const second = wall - offset(first, timeZone);
  const exact = [first, second].filter((t) => wallOf(t, timeZone) === wall);
  return exact.length ? Math.min(...exact) : Math.max(first, second);
}

/** The instant the day `date` (YYYY-MM-DD) begins in `timeZone`. */
export function startOfDay(date: string, timeZone: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return instant(Date.UTC(y, m - 1, d), timeZone);
}

/**
 * The instants a date filter covers: from the first moment of `from` (inclusive) to the first moment
 * of the day after `to` (exclusive), so the `to` day is included whole. Either end may be left open.
 */
export function dayRange(from: string | undefined, to: string | undefined, timeZone: string): { start?: number; end?: number } {
  return { ...(from === undefined ? {} : { start: startOfDay(from, timeZone) }), ...(to === undefined ? {} : { end: startOfDay(nextDay(to), timeZone) }) };
}

/** The date (YYYY-MM-DD) it is at `at` in `timeZone`. */
export function localDate(at: number, timeZone: string): string {
  return dateOf(parts(at, timeZone));
}

/**
 * The wall clock of `timeZone` at `at`: its date, weekday (0 = Sunday) and minute of the day, as
 * opening hours read it. On a night the clocks change, the minutes jump or repeat as the clock does.
 */
export function wallClock(at: number, timeZone: string): { date: string; weekday: number; minute: number } {
  const p = parts(at, timeZone);
  return { date: dateOf(p), weekday: new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay(), minute: p.hour * 60 + p.minute };
}

/** The day before `date`. */
export function previousDay(date: string): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}

/** The day after `date`. */
export function nextDay(date: string): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

export function daysInMonth(date: string): number {
  const [y, m] = date.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The wall time at `at` in `timeZone` as an <input type="datetime-local"> holds it: YYYY-MM-DDTHH:mm. */
export function wallTime(at: number, timeZone: string): string {
  const p = parts(at, timeZone);
  return `${dateOf(p)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/**
 * The instant of a wall time (YYYY-MM-DDTHH:mm, seconds optional, as <input type="datetime-local">
 * gives it) in `timeZone`; null when it is not one.
 */
export function fromWallTime(value: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 2026-02-30 over into March and 24:00 into tomorrow: what does not read back is no wall time.
  if (new Date(wall).toISOString().slice(0, 19) !== `${value.slice(0, 16)}:${String(s).padStart(2, "0")}`) return null;
  return instant(wall, timeZone);
}

/** `at` as ISO 8601 with the zone's offset, e.g. 2026-11-30T07:13:00-08:00: the tenant's wall time, and still exact. */
export function isoInZone(at: number, timeZone: string): string {
  const p = parts(at, timeZone);
  const minutes = Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - (at - (at % 1000))) / 60_000);
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${dateOf(p)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
