/**
 * The form bodies Plivo posts, parsed with zod (only what we read; every field counts for the
 * signature). Plivo writes numbers as digits with their country code and no "+" (14155550104).
 */
import * as z from "zod";
import { lazy } from "../../../schema/lazy.ts";

const callUuid = lazy(() => z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "must be a Plivo call UUID"));
const phoneish = lazy(() => z.string().trim().min(1, "must not be empty").max(64));
const count = lazy(() => z.coerce.number().int().min(0).max(10_000_000));

/** The auth id of a Plivo account (MA…) or subaccount (SA…). */
export const authId = lazy(() => z.string().regex(/^[MS]A[A-Z0-9]{10,40}$/, "must be a Plivo auth ID (MA… or SA…, capitals and digits)"));

/** Plivo's CallStatus words (the answer and hangup URLs). */
export const PLIVO_CALL_STATUSES = ["ringing", "in-progress", "completed", "busy", "failed", "timeout", "no-answer", "cancel"] as const;

/** The answer URL: a call to one of our tracking numbers. */
export const voiceForm = lazy(() => z.object({
  CallUUID: callUuid,
  From: phoneish,
  To: phoneish,
  CallStatus: z.enum(PLIVO_CALL_STATUSES).optional(),
  Direction: z.string().max(32).optional(),
  ForwardedFrom: z.string().max(64).optional(),
  CallerName: z.string().max(128).optional(),
}));

/** The hangup URL (the number's application): the caller's call ended, and how. */
export const hangupForm = lazy(() => z.object({
  CallUUID: callUuid,
  CallStatus: z.enum(PLIVO_CALL_STATUSES),
  From: z.string().max(64).optional(),
  To: z.string().max(64).optional(),
  Duration: count.optional(),
  BillDuration: count.optional(),
  HangupCause: z.string().max(128).optional(),
}));

/**
 * The Dial callbackUrl: a dialled leg's progress (DialAction answer, connected, hangup; digits is
 * sent only for digitsMatch, which we never set).
 */
export const dialEventForm = lazy(() => z.object({
  CallUUID: callUuid,
  DialAction: z.enum(["answer", "connected", "hangup"]),
  DialALegUUID: callUuid.optional(),
  DialBLegUUID: callUuid,
  /** The number (or SIP URI) the dialled leg rang: who answered. */
  DialBLegTo: z.string().max(256).optional(),
  DialBLegStatus: z.enum(["answer", "connected", "hangup"]).optional(),
  DialBLegDuration: count.optional(),
}));

/** The Dial action URL: how the dial ended. DialBLegUUID is empty when nobody answered. */
export const dialActionForm = lazy(() => z.object({
  CallUUID: callUuid,
  DialStatus: z.enum(["completed", "busy", "failed", "timeout", "no-answer", "cancel"]),
  DialALegUUID: callUuid.optional(),
  DialBLegUUID: z.union([callUuid, z.literal("")]).optional(),
  DialRingStatus: z.enum(["true", "false"]).optional(),
  DialHangupCause: z.string().max(128).optional(),
  DialBLegDuration: count.optional(),
}));

/** The GetDigits action (or our Redirect after it, when nothing was pressed). */
export const digitsForm = lazy(() => z.object({
  CallUUID: callUuid,
  Digits: z.string().regex(/^[0-9*#]{0,20}$/, "keys 0-9, * and # only").optional(),
}));

/** Where Plivo keeps recordings: https, on its own hosts (media.plivo.com). The dashboard links to it: nothing else may pass. */
const recordUrl = lazy(() => z.url({ protocol: /^https$/, hostname: /^([a-z0-9-]+\.)*plivo\.com$/, error: "must be an https URL on plivo.com" }).max(500));

/** A recording is ready (Record callbackUrl), or a voicemail was left (Record action). */
export const recordForm = lazy(() => z.object({
  CallUUID: callUuid,
  RecordUrl: z.union([recordUrl, z.literal("")]).optional(),
  RecordingID: z.string().max(64).optional(),
  RecordingDuration: z.coerce.number().int().min(-1).max(10_000_000).optional(),
}));

/** The dialled leg fetching its confirmSound: what to say to whoever answered. */
export const whisperForm = lazy(() => z.object({ CallUUID: callUuid.optional() }));
