/**
 * The form bodies Plivo posts, parsed with zod (only what we read; every field counts for the
 * signature). Plivo writes numbers as digits with their country code and no "+" (14155550104).
 */
import * as z from "zod/mini";
import { lazy } from "../../../schema/lazy.ts";

const callUuid = lazy(() => z.string().check(z.regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "must be a Plivo call UUID")));
const phoneish = lazy(() => z.string().check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(64)));
const count = lazy(() => z.coerce.number().check(z.int(), z.minimum(0), z.maximum(10_000_000)));

/** The auth id of a Plivo account (MA…) or subaccount (SA…). */
export const authId = lazy(() => z.string().check(z.regex(/^[MS]A[A-Z0-9]{10,40}$/, "must be a Plivo auth ID (MA… or SA…, capitals and digits)")));

/** Plivo's CallStatus words (the answer and hangup URLs). */
export const PLIVO_CALL_STATUSES = ["ringing", "in-progress", "completed", "busy", "failed", "timeout", "no-answer", "cancel"] as const;

/** The answer URL: a call to one of our tracking numbers. */
export const voiceForm = lazy(() => z.object({
  CallUUID: callUuid,
  From: phoneish,
  To: phoneish,
  CallStatus: z.optional(z.enum(PLIVO_CALL_STATUSES)),
  Direction: z.optional(z.string().check(z.maxLength(32))),
  ForwardedFrom: z.optional(z.string().check(z.maxLength(64))),
  CallerName: z.optional(z.string().check(z.maxLength(128))),
}));

/** The hangup URL (the number's application): the caller's call ended, and how. */
export const hangupForm = lazy(() => z.object({
  CallUUID: callUuid,
  CallStatus: z.enum(PLIVO_CALL_STATUSES),
  From: z.optional(z.string().check(z.maxLength(64))),
  To: z.optional(z.string().check(z.maxLength(64))),
  Duration: z.optional(count),
  BillDuration: z.optional(count),
  HangupCause: z.optional(z.string().check(z.maxLength(128))),
}));

/**
 * The Dial callbackUrl: a dialled leg's progress (DialAction answer, connected, hangup; digits is
 * sent only for digitsMatch, which we never set).
 */
export const dialEventForm = lazy(() => z.object({
  CallUUID: callUuid,
  DialAction: z.enum(["answer", "connected", "hangup"]),
  DialALegUUID: z.optional(callUuid),
  DialBLegUUID: callUuid,
  /** The number (or SIP URI) the dialled leg rang: who answered. */
  DialBLegTo: z.optional(z.string().check(z.maxLength(256))),
  DialBLegStatus: z.optional(z.enum(["answer", "connected", "hangup"])),
  DialBLegDuration: z.optional(count),
}));

/** The Dial action URL: how the dial ended. DialBLegUUID is empty when nobody answered. */
export const dialActionForm = lazy(() => z.object({
  CallUUID: callUuid,
  DialStatus: z.enum(["completed", "busy", "failed", "timeout", "no-answer", "cancel"]),
  DialALegUUID: z.optional(callUuid),
  DialBLegUUID: z.optional(z.union([callUuid, z.literal("")])),
  DialRingStatus: z.optional(z.enum(["true", "false"])),
  DialHangupCause: z.optional(z.string().check(z.maxLength(128))),
  DialBLegDuration: z.optional(count),
}));

/** The GetDigits action (or our Redirect after it, when nothing was pressed). */
export const digitsForm = lazy(() => z.object({
  CallUUID: callUuid,
  Digits: z.optional(z.string().check(z.regex(/^[0-9*#]{0,20}$/, "keys 0-9, * and # only"))),
}));

/** Where Plivo keeps recordings: https, on its own hosts (media.plivo.com). The dashboard links to it: nothing else may pass. */
const recordUrl = lazy(() => z.url({ protocol: /^https$/, hostname: /^([a-z0-9-]+\.)*plivo\.com$/, error: "must be an https URL on plivo.com" }).check(z.maxLength(500)));

/** A recording is ready (Record callbackUrl), or a voicemail was left (Record action). */
export const recordForm = lazy(() => z.object({
  CallUUID: callUuid,
  RecordUrl: z.optional(z.union([recordUrl, z.literal("")])),
  RecordingID: z.optional(z.string().check(z.maxLength(64))),
  RecordingDuration: z.optional(z.coerce.number().check(z.int(), z.minimum(-1), z.maximum(10_000_000))),
}));

/** The dialled leg fetching its confirmSound: what to say to whoever answered. */
export const whisperForm = lazy(() => z.object({ CallUUID: z.optional(callUuid) }));
