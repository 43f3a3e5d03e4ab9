/** Display helpers for the dashboard. */
import type { CallerType } from "../../schema/calls.ts";
import { fromWallTime, localDate, wallTime } from "../../schema/zoned.ts";
import { me } from "./session.ts";

export function formatDuration(totalSeconds: number) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

const TYPE_LABELS: Record<CallerType, string> = {
  customer: "Customer",
  vendor: "Vendor",
  employee: "Employee",
  lead: "Lead",
  unknown: "Unknown",
};

export function callerTypeLabel(type: CallerType) {
  return TYPE_LABELS[type];
}

const STATUS_LABELS: Record<string, string> = {
  ringing: "Ringing",
  "in-progress": "On call",
  completed: "Completed",
  "no-answer": "Missed (no answer)",
  busy: "Missed (busy)",
  failed: "Failed",
  canceled: "Missed (caller hung up)",
};

export function statusLabel(status: string) {
  return STATUS_LABELS[status] ?? status;
}

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
