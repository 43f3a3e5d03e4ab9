/** Display helpers for the dashboard. */
import { signal } from "@preact/signals";
import type { LiveCall } from "../../schema/calls.ts";
import { callStateLabel } from "../../schema/words.ts";
import { fromWallTime, localDate, wallTime } from "../../schema/zoned.ts";
import { me } from "./session.ts";

// One vocabulary with the server's notifications: statuses, outcomes and durations (schema/words.ts).
export { callerTypeLabel, DURATION, formatDuration, outcomeLabel, TALK_TIME } from "../../schema/words.ts";

/** A call's state in the dashboard's words: how it ended ("Voicemail", "Missed (busy)"), or "Ringing", "On call". */
export function statusLabel(call: Pick<LiveCall, "status"> & { voicemail?: LiveCall["voicemail"] | undefined }) {
  return callStateLabel(call);
}

type PhoneFormat = Pick<typeof import("../../schema/phone.ts"), "formatPhone" | "callingCodes">;
/** libphonenumber and its metadata: a chunk of its own (about 30 KB gzipped), loaded once the dashboard starts. */
const phoneFormat = signal<PhoneFormat | null>(null);

/**
 * Hands formatPhone the formatting once its chunk has loaded. The entry (main.tsx) loads it: a
 * dynamic import in this module, which the lazy screens share, would split the first screen's
 * JavaScript into more chunks.
 */
export function phoneFormatLoaded(format: PhoneFormat) {
  phoneFormat.value = format;
}

/**
 * A phone number as people read it: national format for the tenant's country ("(415) 555-0124"),
 * international for others ("+44 20 7946 0958"); anything else (a SIP address) as given. Until the
 * formatting has loaded, the number as stored (E.164); screens that show it follow when it has.
 * Links (tel:) and form inputs keep the stored number.
 */
export function formatPhone(number: string) {
  const format = phoneFormat.value;
  if (!format) return number;
  return format.formatPhone(number, me.value?.tenant.country ?? "US");
}

/** A number we ring as people name it: "Office · (415) 555-0150", or the number alone when it has no label. */
export function formatPlace(number: string, label: string | null | undefined) {
  return label ? `${label} · ${formatPhone(number)}` : formatPhone(number);
}

/** Where a call rings now, by name ("—" when it rings nowhere). Calls from an older server may lack the label. */
export function ringsAtText(call: Pick<LiveCall, "terminationNumber"> & Partial<Pick<LiveCall, "ringsAtLabel">>) {
  return call.terminationNumber ? formatPlace(call.terminationNumber, call.ringsAtLabel) : "—";
}

/** Who answered, by name, or null until someone has (or when the provider did not say which leg). */
export function answeredByText(call: Partial<Pick<LiveCall, "answeredBy">>) {
  return call.answeredBy ? formatPlace(call.answeredBy.number, call.answeredBy.label) : null;
}

/** The phone chunk once loaded (null until then), for what only some screens need from it. */
export const phoneModule = () => phoneFormat.value;

/**
 * The business's time zone: every time on the dashboard is shown in it and every date or time typed
 * is read in it, as the server reads date filters (schema/zoned.ts), wherever the browser is. Before
 * login (an invitation, a reset link) there is no business yet: the browser's own zone.
 */
export function tenantZone() {
  return me.value?.tenant.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

export function formatTime(at: number, timeZone = tenantZone()) {
  // "Nov 30, 6:02 AM" this year; "Dec 30, 2025, 6:02 AM" another year.
  const withYear = localDate(at, timeZone).slice(0, 4) !== localDate(Date.now(), timeZone).slice(0, 4);
  const key = `${timeZone}|${withYear}`;
  let f = timeFormats.get(key);
  if (!f) timeFormats.set(key, (f = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", ...(withYear ? { year: "numeric" } : {}), hour: "numeric", minute: "2-digit", timeZone })));
  return f.format(at);
}

/** Today's date (YYYY-MM-DD) in the business's time zone: what a date filter's "today" means. */
export function today(timeZone = tenantZone()) {
  return localDate(Date.now(), timeZone);
}

/** A zone's name for people, "Pacific Time"; its IANA name where the browser has no better one. */
export function zoneName(timeZone = tenantZone()) {
  const name = new Intl.DateTimeFormat(undefined, { timeZone, timeZoneName: "longGeneric" }).formatToParts(Date.now()).find((p) => p.type === "timeZoneName")?.value;
  return name && !/^GMT|^UTC/.test(name) ? name : timeZone.replaceAll("_", " ");
}

/** The value of an <input type="datetime-local"> for a moment, in the business's time zone. */
export function toLocalInput(at: number, timeZone = tenantZone()) {
  return wallTime(at, timeZone);
}

export function fromLocalInput(value: string, timeZone = tenantZone()): number | null {
  return value ? fromWallTime(value, timeZone) : null;
}

/** Tags as people type them: comma-separated, trimmed, no repeats. */
export function parseTags(text: string) {
  return [...new Set(text.split(",").map((t) => t.trim()).filter(Boolean))];
}
