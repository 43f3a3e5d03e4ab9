/** Display helpers for the dashboard. */
import type { CallerType } from "../../schema/calls.ts";

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
