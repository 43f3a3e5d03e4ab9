/**
 * The call as every part of Switchboard sees it (the Durable Object keeps it, the dashboard shows
 * it, the call log stores it), and the status vocabulary shared by all providers. zod/mini keeps the
 * client bundle small; the same schemas validate on the server.
 */
import * as z from "zod/mini";
import { CALL_STATUSES, CALLER_TYPES, PROVIDERS, VOICEMAIL_STATES, type VoicemailState } from "./constants.ts";
import { lazy } from "./lazy.ts";

export { VOICEMAIL_STATES, type VoicemailState };

// The call vocabulary lives with the other vocabularies, free of zod, for the dashboard to import cheaply.
export { CALLER_TYPES, isMissed, isTerminal, TERMINAL_STATUSES, type CallerType, type TerminalStatus } from "./constants.ts";

/** Whether `next` is further along than `now` (null, then reached, then left). */
export function voicemailAdvances(now: VoicemailState | null, next: VoicemailState) {
  return (now === null ? -1 : VOICEMAIL_STATES.indexOf(now)) < VOICEMAIL_STATES.indexOf(next);
}

/** The website visit a call to a pool number is attributed to (schema/visits.ts CallVisit). */
export const callVisit = lazy(() => z.object({
  id: z.string(),
  source: z.string(),
  medium: z.nullable(z.string()),
  campaign: z.nullable(z.string()),
  keyword: z.nullable(z.string()),
  landingPage: z.nullable(z.string()),
  referrer: z.nullable(z.string()),
  gclid: z.nullable(z.string()),
}));

/** A number that answered a call, and what people call it. */
export const answerer = lazy(() => z.object({ number: z.string(), label: z.nullable(z.string()) }));
export type Answerer = z.infer<typeof answerer>;

export const liveCall = lazy(() => z.object({
  id: z.string(),
  provider: z.enum(PROVIDERS),
  providerCallId: z.string(),
  status: z.enum(CALL_STATUSES),
  callerNumber: z.string(),
  callerType: z.enum(CALLER_TYPES),
  callerName: z.nullable(z.string()),
  contactId: z.nullable(z.string()),
  trackingNumber: z.string(),
  trackingNumberId: z.string(),
  trackingLabel: z.string(),
  campaignId: z.nullable(z.string()),
  campaignName: z.nullable(z.string()),
  /** Where the call rings now (the termination or receiving number). */
  terminationNumber: z.nullable(z.string()),
  /**
   * What people call the place it rings now ("Office"): the receiving number's label, or the
   * agent's name; null for a bare number (a termination number). Calls kept from before read as null.
   */
  ringsAtLabel: z._default(z.nullable(z.string()), null),
  /** No earlier call from this number to this tenant. */
  firstTime: z.boolean(),
  startedAt: z.number(),
  answeredAt: z.nullable(z.number()),
  endedAt: z.nullable(z.number()),
  durationSeconds: z.nullable(z.number()),
  /** Seconds the caller talked to whoever answered. */
  talkSeconds: z.nullable(z.number()),
  /** Set when the answer came from the fail-safe path rather than the router. */
  failsafe: z.boolean(),
  /** Tags the route gave the call (such as after-hours). */
  tags: z.array(z.string()),
  /**
   * Who answered: the number whose leg picked up (with simultaneous ringing, the one of several that
   * did) and its label as ringsAtLabel reads. Null until someone answers, and where the provider did
   * not say which leg it was.
   */
  answeredBy: z._default(z.nullable(answerer), null),
  recordingUrl: z.nullable(z.string()),
  /**
   * How far the caller got with voicemail: its route took them to it (`reached`), they left a
   * message (`left`). It only moves forward. Calls kept from before it existed read as null.
   */
  voicemail: z._default(z.nullable(z.enum(VOICEMAIL_STATES)), null),
  /**
   * The website visit the call came from: a call to a pool number, attributed to the visit that held
   * the number's lease when it rang (dynamic number insertion). Absent or null for every other call.
   */
  visit: z.optional(z.nullable(callVisit)),
}));
export type LiveCall = z.infer<typeof liveCall>;

/**
 * `voicemail`: a call nobody answered, whose caller left a message (it is not a missed-call as well).
 * `integration`: about the business's own systems (a webhook endpoint disabled after failing for days).
 */
export const NOTIFICATION_KINDS = ["incoming-call", "missed-call", "voicemail", "reminder", "call-activity", "integration"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const notification = lazy(() => z.object({
  id: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  callId: z.nullable(z.string()),
  contactId: z.nullable(z.string()),
  title: z.string(),
  body: z.string(),
  at: z.number(),
  /** Who sees it: everyone (absent), or only the tenant's admins (a notice about what only they manage). */
  audience: z.optional(z.literal("admins")),
}));
export type Notification = z.infer<typeof notification>;
