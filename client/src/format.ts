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
