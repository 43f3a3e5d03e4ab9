/**
 * The words of a call's notifications, as a function of the call: written when it rings and when it
 * ends, and written again when the call learns more (who was calling, that a message was left), so
 * the Notification Center never says "Unknown caller" about a call staff linked to a contact.
 * Numbers read as the tenant reads them (`country`), statuses in the dashboard's words.
 */
import type { LiveCall, Notification } from "../schema/calls.ts";
import { formatPhone } from "../schema/phone.ts";
import { callerTypeLabel, formatDuration, outcomeLabel, outcomeOf, TALK_TIME } from "../schema/words.ts";

/** The notifications a call has of its own, each under one id: it rang, it went unanswered, it ended answered. */
export const CALL_NOTICES = ["incoming", "missed", "completed"] as const;
export type CallNotice = (typeof CALL_NOTICES)[number];

export function noticeId(callId: string, notice: CallNotice) {
  return `${callId}:${notice}`;
}

/** Which of a call's notices a notification id is, or null (a reminder, another call's). */
export function noticeOf(callId: string, id: string): CallNotice | null {
  return CALL_NOTICES.find((n) => id === noticeId(callId, n)) ?? null;
}

function who(call: LiveCall, country: string) {
  return call.callerName ?? formatPhone(call.callerNumber, country);
}

function line(call: LiveCall, country: string) {
  return call.trackingLabel || formatPhone(call.trackingNumber, country);
}

/**
 * The notification `notice` of `call`. The unanswered notice is a missed call, or a voicemail once
 * the caller left a message: one notification either way, so a voicemail is never counted twice.
 */
export function callNotification(call: LiveCall, notice: CallNotice, country: string, at: number): Notification {
  const base = { id: noticeId(call.id, notice), callId: call.id, contactId: call.contactId, at };
  switch (notice) {
    case "incoming":
      return { ...base, kind: "incoming-call", title: `Incoming call: ${who(call, country)}`, body: `${call.callerType === "unknown" ? "Unknown caller" : callerTypeLabel(call.callerType)} · ${line(call, country)}` };
    case "missed": {
      const outcome = outcomeOf(call) ?? "missed";
      return outcome === "voicemail"
        ? { ...base, kind: "voicemail", title: `Voicemail from ${who(call, country)}`, body: `${line(call, country)} · ${outcomeLabel(outcome)}` }
        : { ...base, kind: "missed-call", title: `Missed call: ${who(call, country)}`, body: `${line(call, country)} · ${outcomeLabel(outcome)}` };
    }
    case "completed":
      return { ...base, kind: "call-activity", title: `Call with ${who(call, country)} ended`, body: `${TALK_TIME} ${formatDuration(call.talkSeconds ?? call.durationSeconds ?? 0)} · ${line(call, country)}` };
    default: {
      const unreachable: never = notice;
      throw new Error(`unknown notice ${String(unreachable)}`);
    }
  }
}
