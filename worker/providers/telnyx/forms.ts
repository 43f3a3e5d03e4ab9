/**
 * The form bodies TeXML posts (developers.telnyx.com/api-reference/callbacks/texml-*), parsed with
 * zod: only what we read; the signature covers the raw body whatever it holds. Telnyx's ids are not
 * Twilio's: the account is a UUID, a call `v3:…` (letters, digits, `:`, `-`, `_`).
 */
import * as z from "zod/mini";
import { PROGRESS_STATUSES } from "../../../telephony/contract.ts";
import { lazy } from "../../../schema/lazy.ts";

export const ACCOUNT_SID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const accountSid = lazy(() => z.string().check(z.regex(ACCOUNT_SID, "must be a Telnyx account id (a UUID)")));
const callSid = lazy(() => z.string().check(z.regex(/^[A-Za-z0-9:_-]{8,200}$/, "must be a Telnyx call id (v3:…)")));
const phoneish = lazy(() => z.string().check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(128)));
const count = lazy(() => z.coerce.number().check(z.int(), z.minimum(0), z.maximum(10_000_000)));

/** The instruction fetch of a call to one of our numbers (the TeXML application's voice URL). */
export const voiceForm = lazy(() => z.object({
  AccountSid: accountSid,
  CallSid: callSid,
  From: phoneish,
  To: phoneish,
  CallStatus: z.optional(z.enum(PROGRESS_STATUSES)),
  Direction: z.optional(z.string().check(z.maxLength(32))),
  ForwardedFrom: z.optional(z.string().check(z.maxLength(64))),
}));

/** A status callback: the caller's call (the application's status callback) or a dialled leg (ParentCallSid). */
export const statusForm = lazy(() => z.object({
  AccountSid: accountSid,
  CallSid: callSid,
  ParentCallSid: z.optional(callSid),
  CallStatus: z.enum(PROGRESS_STATUSES),
  To: z.optional(z.string().check(z.maxLength(128))),
  From: z.optional(z.string().check(z.maxLength(128))),
  CallDuration: z.optional(count),
  SequenceNumber: z.optional(count),
  // ISO 8601 at Telnyx (RFC 1123 at Twilio): Date.parse reads both.
  Timestamp: z.optional(z.string().check(z.maxLength(64))),
}));

/** The <Dial action> request: how the dial step ended. */
export const dialActionForm = lazy(() => z.object({
  AccountSid: accountSid,
  CallSid: callSid,
  DialCallStatus: z.enum(["completed", "answered", "busy", "no-answer", "failed", "canceled"]),
  DialCallSid: z.optional(callSid),
  DialCallDuration: z.optional(count),
}));

/** A menu's answer: the <Gather action> with Digits, or our <Redirect> after it with none. */
export const gatherForm = lazy(() => z.object({
  AccountSid: accountSid,
  CallSid: callSid,
  Digits: z.optional(z.string().check(z.regex(/^[0-9*#]{0,20}$/, "keys 0-9, * and # only"))),
}));

/**
 * Where Telnyx keeps recordings: https, on its own hosts or the S3 buckets it links to. The dashboard
 * links to it: nothing else may pass.
 */
const recordingUrl = lazy(() => z.url({ protocol: /^https$/, hostname: /^([a-z0-9-]+\.)*(telnyx\.com|amazonaws\.com)$/, error: "must be an https URL on telnyx.com or its storage" }).check(z.maxLength(1000)));

/** A recording (of a dialled call or a voicemail) is ready. */
export const recordingForm = lazy(() => z.object({
  AccountSid: accountSid,
  CallSid: callSid,
  RecordingUrl: z.optional(recordingUrl),
  RecordingSid: z.optional(z.string().check(z.maxLength(64))),
  RecordingStatus: z.optional(z.enum(["in-progress", "completed", "absent", "failed"])),
  RecordingDuration: z.optional(count),
}));

/** The answering leg fetching what to hear first (<Number url>). */
export const whisperForm = lazy(() => z.object({ AccountSid: accountSid, CallSid: callSid }));

/** Only the account, read before the signature is checked: it must be the key's account. */
export const accountOnly = lazy(() => z.object({ AccountSid: accountSid }));
