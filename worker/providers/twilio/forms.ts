/**
 * The form bodies Twilio posts, parsed with zod (only what we read; every field counts for the
 * signature). SignalWire's LaML posts the same forms with ids of its own and its own recording
 * hosts: `twimlForms` builds the schemas for either dialect.
 */
import * as z from "zod/mini";
import { PROGRESS_STATUSES } from "../../../telephony/contract.ts";
import { lazy } from "../../../schema/lazy.ts";

const phoneish = lazy(() => z.string().check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(64)));
const count = lazy(() => z.coerce.number().check(z.int(), z.minimum(0), z.maximum(10_000_000)));

/** What differs between dialects of these forms: how ids are written, and where recordings live. */
export type FormDialect = {
  callSid: z.ZodMiniType<string>;
  accountSid: z.ZodMiniType<string>;
  /** Hosts recordings are kept on (https only); the dashboard links to them, so nothing else may pass. */
  recordingHost: RegExp;
  recordingHostName: string;
};

export function twimlForms({ callSid, accountSid, recordingHost, recordingHostName }: FormDialect) {
  /** The voice webhook: a call to one of our tracking numbers. */
  const voiceForm = z.object({
    CallSid: callSid,
    AccountSid: accountSid,
    From: phoneish,
    To: phoneish,
    CallStatus: z.optional(z.enum(PROGRESS_STATUSES)),
    Direction: z.optional(z.string().check(z.maxLength(32))),
    ForwardedFrom: z.optional(z.string().check(z.maxLength(64))),
    CallerName: z.optional(z.string().check(z.maxLength(128))),
  });

  /** Status callback of the parent (caller's) call, or of a leg we dialled (with ParentCallSid). */
  const statusForm = z.object({
    CallSid: callSid,
    AccountSid: accountSid,
    ParentCallSid: z.optional(callSid),
    CallStatus: z.enum(PROGRESS_STATUSES),
    // A dialled leg's To is a SIP URI when a desk phone was rung directly.
    To: z.optional(z.string().check(z.maxLength(256))),
    From: z.optional(z.string().check(z.maxLength(256))),
    CallDuration: z.optional(count),
    SequenceNumber: z.optional(count),
    Timestamp: z.optional(z.string().check(z.maxLength(64))),
  });

  /** The <Dial action> request: how the dialled step ended. */
  const dialActionForm = z.object({
    CallSid: callSid,
    AccountSid: accountSid,
    DialCallStatus: z.enum(["completed", "answered", "busy", "no-answer", "failed", "canceled"]),
    DialCallSid: z.optional(callSid),
    DialCallDuration: z.optional(count),
  });

  /** A voice menu's answer: the keys pressed, or none when the caller let it time out. */
  const gatherForm = z.object({
    CallSid: callSid,
    AccountSid: accountSid,
    Digits: z.optional(z.string().check(z.regex(/^[0-9*#]{0,20}$/, "keys 0-9, * and # only"))),
  });

  const recordingUrl = z.url({ protocol: /^https$/, hostname: recordingHost, error: `must be an https URL on ${recordingHostName}` }).check(z.maxLength(500));

  /** A recording (of a dialled call or a voicemail) is ready. */
  const recordingForm = z.object({
    CallSid: callSid,
    AccountSid: accountSid,
    RecordingUrl: z.optional(recordingUrl),
    RecordingSid: z.optional(z.string().check(z.maxLength(64))),
    RecordingStatus: z.optional(z.enum(["in-progress", "completed", "absent", "failed"])),
    RecordingDuration: z.optional(count),
  });

  /** The dialled leg asking what to whisper to whoever answered. */
  const whisperForm = z.object({ CallSid: callSid, AccountSid: accountSid });

  return { voiceForm, statusForm, dialActionForm, gatherForm, recordingForm, whisperForm };
}

export type TwimlForms = ReturnType<typeof twimlForms>;

/** Twilio's own: ids are a two-letter prefix and 32 hex digits, recordings are on twilio.com. */
export const TWILIO_FORMS = lazy(() => twimlForms({
  callSid: z.string().check(z.regex(/^CA[0-9a-fA-F]{32}$/, "must be a Twilio call SID (CA + 32 hex digits)")),
  accountSid: z.string().check(z.regex(/^AC[0-9a-fA-F]{32}$/, "must be a Twilio account SID (AC + 32 hex digits)")),
  recordingHost: /^([a-z0-9-]+\.)*twilio\.com$/,
  recordingHostName: "twilio.com",
}));
export const voiceForm = lazy(() => TWILIO_FORMS.voiceForm);
export const statusForm = lazy(() => TWILIO_FORMS.statusForm);
export const dialActionForm = lazy(() => TWILIO_FORMS.dialActionForm);
export const gatherForm = lazy(() => TWILIO_FORMS.gatherForm);
export const recordingForm = lazy(() => TWILIO_FORMS.recordingForm);
export const whisperForm = lazy(() => TWILIO_FORMS.whisperForm);
export type VoiceForm = z.infer<typeof voiceForm>;
export type StatusForm = z.infer<typeof statusForm>;
export type DialActionForm = z.infer<typeof dialActionForm>;

/** When the report happened: Twilio's RFC 1123 Timestamp when present and sane, else now. */
export function reportTime(timestamp: string | undefined, now = Date.now()) {
  if (!timestamp) return now;
  const at = Date.parse(timestamp);
  return Number.isFinite(at) && Math.abs(at - now) < 24 * 60 * 60 * 1000 ? at : now;
}
