/** The form bodies Twilio posts, parsed with zod (only what we read; every field counts for the signature). */
import { z } from "zod";
import { PROGRESS_STATUSES } from "../../../telephony/contract.ts";

const callSid = z.string().regex(/^CA[0-9a-fA-F]{32}$/, "must be a Twilio call SID (CA + 32 hex digits)");
const accountSid = z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must be a Twilio account SID (AC + 32 hex digits)");
const phoneish = z.string().trim().min(1, "must not be empty").max(64);
const count = z.coerce.number().int().min(0).max(10_000_000);

/** The voice webhook: a call to one of our tracking numbers. */
export const voiceForm = z.object({
  CallSid: callSid,
  AccountSid: accountSid,
  From: phoneish,
  To: phoneish,
  CallStatus: z.enum(PROGRESS_STATUSES).optional(),
  Direction: z.string().max(32).optional(),
  ForwardedFrom: z.string().max(64).optional(),
  CallerName: z.string().max(128).optional(),
});
export type VoiceForm = z.infer<typeof voiceForm>;

/** Status callback of the parent (caller's) call, or of a leg we dialled (with ParentCallSid). */
export const statusForm = z.object({
  CallSid: callSid,
  AccountSid: accountSid,
  ParentCallSid: callSid.optional(),
  CallStatus: z.enum(PROGRESS_STATUSES),
  To: z.string().max(64).optional(),
  From: z.string().max(64).optional(),
  CallDuration: count.optional(),
  SequenceNumber: count.optional(),
  Timestamp: z.string().max(64).optional(),
});
export type StatusForm = z.infer<typeof statusForm>;

/** The <Dial action> request: how the dialled step ended. */
export const dialActionForm = z.object({
  CallSid: callSid,
  AccountSid: accountSid,
  DialCallStatus: z.enum(["completed", "answered", "busy", "no-answer", "failed", "canceled"]),
  DialCallSid: callSid.optional(),
  DialCallDuration: count.optional(),
});
export type DialActionForm = z.infer<typeof dialActionForm>;

/** A voice menu's answer: the keys pressed, or none when the caller let it time out. */
export const gatherForm = z.object({
  CallSid: callSid,
  AccountSid: accountSid,
  Digits: z.string().regex(/^[0-9*#]{0,20}$/, "keys 0-9, * and # only").optional(),
});

/** Where Twilio keeps recordings: https, on its own hosts. The dashboard links to it: nothing else may pass. */
const recordingUrl = z.url({ protocol: /^https$/, hostname: /^([a-z0-9-]+\.)*twilio\.com$/, error: "must be an https URL on twilio.com" }).max(500);

/** A recording (of a dialled call or a voicemail) is ready. */
export const recordingForm = z.object({
  CallSid: callSid,
  AccountSid: accountSid,
  RecordingUrl: recordingUrl.optional(),
  RecordingSid: z.string().max(64).optional(),
  RecordingStatus: z.enum(["in-progress", "completed", "absent", "failed"]).optional(),
  RecordingDuration: count.optional(),
});

/** The dialled leg asking what to whisper to whoever answered. */
export const whisperForm = z.object({ CallSid: callSid, AccountSid: accountSid });

/** When the report happened: Twilio's RFC 1123 Timestamp when present and sane, else now. */
export function reportTime(timestamp: string | undefined, now = Date.now()) {
  if (!timestamp) return now;
  const at = Date.parse(timestamp);
  return Number.isFinite(at) && Math.abs(at - now) < 24 * 60 * 60 * 1000 ? at : now;
}
