/** Display helpers for the dashboard. */
import { signal } from "@preact/signals";
import type { LiveCall } from "../../schema/calls.ts";
import { callStateLabel } from "../../schema/words.ts";
import { me } from "./session.ts";

// One vocabulary with the server's notifications: statuses, outcomes and durations (schema/words.ts).
export { callerTypeLabel, DURATION, formatDuration, outcomeLabel, TALK_TIME } from "../../schema/words.ts";

/** A call's state in the dashboard's words: how it ended ("Voicemail", "Missed (busy)"), or "Ringing", "On call". */
export function statusLabel(call: Pick<LiveCall, "status"> & { voicemail?: LiveCall["voicemail"] | undefined }) {
  return callStateLabel(call);
}

type PhoneFormat = Pick<typeof import("../../schema/phone.ts"), "formatPhone">;
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

export function formatTime(at: number) {
  return new Date(at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** The value of an <input type="datetime-local"> for a moment, in local time. */
export function toLocalInput(at: number) {
  const d = new Date(at - new Date(at).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export function fromLocalInput(value: string): number | null {
  if (!value) return null;
  const at = new Date(value).getTime();
  return Number.isFinite(at) ? at : null;
}

/** Tags as people type them: comma-separated, trimmed, no repeats. */
export function parseTags(text: string) {
  return [...new Set(text.split(",").map((t) => t.trim()).filter(Boolean))];
}
