/**
 * The JSON bodies Vonage posts, parsed with zod (only what we read). Numbers come without their
 * "+" (`14155550124`); they leave here in E.164. Ids are UUIDs; a call's legs share its
 * `conversation_uuid` (`CON-…`), which is how Switchboard names the call.
 */
import * as z from "zod/mini";
import { lazy } from "../../../schema/lazy.ts";

const uuid = lazy(() => z.string().check(z.regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "must be a UUID")));
const conversation = lazy(() => z.string().check(z.regex(/^CON-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "must be a Vonage conversation id (CON- and a UUID)")));
const phoneish = lazy(() => z.string().check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(64)));

/** A Vonage number (digits, no "+") in E.164; anything else (a SIP URI, "Unknown") as it came. */
export function e164(number: string) {
  const digits = number.trim().replace(/^\+/, "");
  return /^\d{6,15}$/.test(digits) ? `+${digits}` : number.trim();
}

/** Vonage's numbers have no "+": E.164 without it. */
export function vonageNumber(number: string) {
  return number.replace(/^\+/, "");
}

/** The answer webhook: a call to one of our numbers. */
export const answerBody = lazy(() => z.object({
  uuid,
  conversation_uuid: conversation,
  from: phoneish,
  to: phoneish,
}));

/** Call states as Vonage reports them (webhook reference); the "info" ones (human, machine, disconnected, transfer) carry no progress for us. */
export const VONAGE_STATUSES = ["started", "ringing", "answered", "completed", "busy", "timeout", "unanswered", "failed", "rejected", "cancelled"] as const;
export type VonageStatus = (typeof VONAGE_STATUSES)[number];

/** A call state event, on the application's event_url or a connect action's eventUrl. */
export const eventBody = lazy(() => z.object({
  uuid,
  conversation_uuid: conversation,
  status: z.enum(VONAGE_STATUSES, { error: `must be one of ${VONAGE_STATUSES.join(", ")} (other events carry no progress)` }),
  direction: z.enum(["inbound", "outbound"]),
  from: z.optional(z.string().check(z.maxLength(64))),
  to: z.optional(z.string().check(z.maxLength(64))),
  timestamp: z.optional(z.string().check(z.maxLength(64))),
  duration: z.optional(z.string().check(z.regex(/^\d{1,7}$/))),
}));
export type EventBody = z.infer<typeof eventBody>;

/** An input action's result: the keys pressed, or a timeout. */
export const inputBody = lazy(() => z.object({
  uuid,
  conversation_uuid: conversation,
  dtmf: z.object({ digits: z.optional(z.string().check(z.regex(/^[0-9*#]{0,20}$/, "keys 0-9, * and # only"))), timed_out: z.optional(z.boolean()) }),
}));

/** Where Vonage keeps recordings: https, on its own hosts. The dashboard links to it: nothing else may pass. */
const recordingUrl = lazy(() => z.url({ protocol: /^https$/, hostname: /^([a-z0-9-]+\.)*(nexmo|vonage)\.com$/, error: "must be an https URL on nexmo.com or vonage.com" }).check(z.maxLength(500)));

/** A record action's result. */
export const recordBody = lazy(() => z.object({
  conversation_uuid: conversation,
  recording_url: z.optional(recordingUrl),
  recording_uuid: z.optional(uuid),
  start_time: z.optional(z.string().check(z.maxLength(64))),
  end_time: z.optional(z.string().check(z.maxLength(64))),
  size: z.optional(z.number().check(z.int(), z.minimum(0))),
}));

/** The dialled leg's onAnswer request, before it joins the caller (what to whisper to whoever answered). */
export const whisperBody = lazy(() => z.object({ uuid: z.optional(uuid), conversation_uuid: z.optional(conversation) }));

/** Vonage's ISO timestamp when present and sane, else now. */
export function eventTime(timestamp: string | undefined, now = Date.now()) {
  if (!timestamp) return now;
  const at = Date.parse(timestamp);
  return Number.isFinite(at) && Math.abs(at - now) < 24 * 60 * 60 * 1000 ? at : now;
}
