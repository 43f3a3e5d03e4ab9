/**
 * The words for a call that every screen and every notification uses, so the popup, the Active
 * Calls grid, the call log, a contact's history, the reports and the server's notifications say
 * the same thing: one outcome vocabulary, and two durations ("Duration" is the whole call from its
 * first ring, "Talk time" the part after someone answered).
 */
import type { LiveCall } from "./calls.ts";
import { isTerminal, type CallerType } from "./constants.ts";

/** What became of an ended call: answered, a voicemail left, or how it was missed. */
export const CALL_OUTCOMES = ["answered", "voicemail", "missed", "no-answer", "busy", "canceled", "failed"] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

type CallState = Pick<LiveCall, "status"> & { voicemail?: LiveCall["voicemail"] | undefined };

/**
 * The outcome of an ended call (null while it is live). A caller who left a message is a
 * voicemail whatever status the provider ended the call with: nobody answered, but nothing was
 * missed either. The broad `missed` is never returned: it names the filter of every unanswered
 * call without a message.
 */
export function outcomeOf(call: CallState): Exclude<CallOutcome, "missed"> | null {
  if (!isTerminal(call.status)) return null;
  if (call.status === "completed") return "answered";
  if (call.voicemail === "left") return "voicemail";
  return call.status;
}

const OUTCOME_LABELS: Record<CallOutcome, string> = {
  answered: "Answered",
  voicemail: "Voicemail",
  missed: "Missed",
  "no-answer": "Missed (no answer)",
  busy: "Missed (busy)",
  canceled: "Missed (caller hung up)",
  failed: "Failed",
};

export function outcomeLabel(outcome: CallOutcome) {
  return OUTCOME_LABELS[outcome];
}

/** A call's state in words: how it ended, or what is happening on it now. */
export function callStateLabel(call: CallState) {
  const outcome = outcomeOf(call);
  if (outcome) return OUTCOME_LABELS[outcome];
  if (call.voicemail) return "Leaving voicemail";
  return call.status === "ringing" ? "Ringing" : "On call";
}

/** The whole call, from its first ring to its end. */
export const DURATION = "Duration";
/** The conversation only, from the answer to the end. */
export const TALK_TIME = "Talk time";

/** Seconds as m:ss (h:mm:ss from an hour). */
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
