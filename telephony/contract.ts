/**
 * The telephony contract: what every provider adapter turns its webhooks into, and what it renders
 * back. The Worker's inbound flow and the Switchboard speak only these types; nothing outside a
 * provider's own folder knows its field names, its signature scheme or its markup. This module sits
 * below `worker/` and `party/` and imports neither.
 */
import type * as z from "zod/mini";
import type { CallerType, LiveCall } from "../schema/calls.ts";
import type { Provider } from "../schema/constants.ts";
import type { Target } from "../schema/routing.ts";

export type { Provider };

// Call progress ---------------------------------------------------------------------------------

/**
 * Call statuses as the pipeline reads them. Twilio's words, which its dialects share and which the
 * other adapters map onto: a status the pipeline does not know never leaves an adapter.
 */
export const PROGRESS_STATUSES = ["queued", "initiated", "ringing", "in-progress", "answered", "completed", "busy", "no-answer", "failed", "canceled"] as const;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];

/** One report on the caller's call or on a leg dialled for it. */
export type CallProgress = {
  /** `parent`: the caller's call; `dialled`: a leg we dialled for it. */
  leg: "parent" | "dialled";
  /** The provider's id of the leg this report is about. */
  legId: string;
  status: ProgressStatus;
  at: number;
  /** The provider's own order of reports on one leg, where it sends one. */
  sequenceNumber?: number | undefined;
  durationSeconds?: number | undefined;
  /** For a dialled leg: the number (E.164) or SIP URI it rang, where the provider says (who answered). */
  number?: string | undefined;
};

/**
 * The leg id a dial step's end carries when the provider names no dialled leg: the same for every
 * dial step of the call. Such an end is told from the next step's by the decision's `step`, which
 * the markup names in the URL of the dial step's end (STEP_PARAM).
 */
export const unnamedDialLeg = (providerCallId: string) => `${providerCallId}:dial`;

// Routing decisions -----------------------------------------------------------------------------

/**
 * A ring target is a phone number (E.164) or a SIP URI (`sip:frontdesk@pbx.example.com`, `sips:…`):
 * a desk phone on a PBX rung directly. Each provider's markup dials either in its own way.
 */
export const isSipUri = (target: string) => /^sips?:/i.test(target);

export type DialTarget = {
  /** E.164, or a SIP URI (see isSipUri). */
  number: string;
  /** Digits sent once answered (an extension), after `extensionDelaySeconds`. */
  extension?: string | null;
  extensionDelaySeconds?: number;
  /** Played to whoever answers before the caller is connected. */
  whisper?: string | null;
};

/** One thing the provider does with the call, in order. */
export type Step =
  | { kind: "say"; text: string }
  | { kind: "play"; url: string }
  /** Music while the caller waits in a queue: the route's, or the provider's own when null. */
  | { kind: "hold"; musicUrl: string | null }
  | { kind: "dial"; targets: DialTarget[]; ringSeconds: number; record: boolean }
  | { kind: "gather"; prompt: string; timeoutSeconds: number }
  | { kind: "voicemail"; maxSeconds: number }
  | { kind: "hangup" };

/**
 * `step`: the decision's number within its call (1 for the answer to the call, then one more for
 * each answer to a dial step's end or a menu). The markup names it in the URLs of the dial step's end
 * and of the menu's answer, so a retry of step N's is told from step N+1's; absent where no Switchboard numbered it (the
 * Worker's fail-safe, the fallback).
 */
export type RoutingDecision = { steps: Step[]; reason?: string; step?: number };

/** The query parameter of a dial step's end that names the decision's `step`. */
export const STEP_PARAM = "step";

/** The query naming a decision's step, for the URL of its dial step's end; empty when it has none. */
export function stepQuery(decision: RoutingDecision): Record<string, string> {
  return decision.step === undefined ? {} : { [STEP_PARAM]: String(decision.step) };
}

/** What routing needs to know about the dialled tracking number. */
export type TrackingRoute = {
  trackingNumber: string;
  routeId: string | null;
  terminationNumber: string | null;
  failsafeNumber: string | null;
  whisper: string | null;
  record: boolean;
  /**
   * Where its calls go while the business is closed: a target, "ignore" (route as usual at all
   * hours), or null/absent for the business hours' own after-hours target (schema/hours.ts).
   */
  afterHoursTarget?: Target | "ignore" | null;
};

export const FAILSAFE_RING_SECONDS = 30;

/**
 * Whether calls to a tracking number go anywhere: a route, else its termination or fail-safe number;
 * or its provider routes them itself (a PBX), and nothing here need ring.
 */
export function ringsSomewhere(route: { routeId?: string | null | undefined; terminationNumber?: string | null | undefined; failsafeNumber?: string | null | undefined }, routesItself = false) {
  return routesItself || Boolean(route.routeId || route.terminationNumber || route.failsafeNumber);
}

/** The number the fail-safe dials: the fail-safe number, else the termination number, never the tracking number itself. */
export function failsafeTarget(route: Pick<TrackingRoute, "failsafeNumber" | "terminationNumber" | "trackingNumber">): string | null {
  return [route.failsafeNumber, route.terminationNumber].find((n) => n && n !== route.trackingNumber) ?? null;
}

/** The answer when anything inside fails: dial the fail-safe number, else the termination number. */
export function failsafeDecision(route: Pick<TrackingRoute, "failsafeNumber" | "terminationNumber" | "trackingNumber">): RoutingDecision {
  const number = failsafeTarget(route);
  return number
    ? { steps: [{ kind: "dial", targets: [{ number }], ringSeconds: FAILSAFE_RING_SECONDS, record: false }], reason: "fail-safe" }
    : { steps: [{ kind: "hangup" }], reason: "no fail-safe or termination number is set" };
}

/** Said when the call cannot be put through and no number may be named (the request is unverified). */
export const APOLOGY: RoutingDecision = {
  steps: [{ kind: "say", text: "We are sorry, your call cannot be connected right now. Please try again in a few minutes." }, { kind: "hangup" }],
  reason: "apology",
};

export const HANG_UP: RoutingDecision = { steps: [{ kind: "hangup" }] };

/** The decision kept for a call its provider routes itself (a PBX): none of ours. */
export const ROUTED_BY_PROVIDER: RoutingDecision = { steps: [], reason: "the provider routes the call itself" };

// The Worker and the Switchboard ----------------------------------------------------------------

/** A new call as the Worker hands it to the tenant's Switchboard (which finds out who is calling). */
export type ArrivingCall = {
  provider: Provider;
  providerCallId: string;
  callerNumber: string;
  trackingNumber: string;
  trackingNumberId: string;
  trackingLabel: string;
  campaignId: string | null;
  campaignName: string | null;
  startedAt: number;
  route: TrackingRoute;
  /** The number the provider says forwarded this call to us, if any. */
  forwardedFrom?: string | null;
  /** The Worker already answered with the fail-safe (the call is adopted late). */
  failsafe?: boolean;
  /**
   * The provider routes the call itself (a PBX): the call is identified, shown and logged, never
   * routed (no decision, no ring-loop check, no fail-safe).
   */
  unrouted?: boolean;
  /** What the webhook that brought the call says happened to it, applied once it is registered. */
  report?: CallProgress;
};

export type Registration = { call: LiveCall; decision: RoutingDecision; duplicate: boolean };

/** The Switchboard's answer to a call: how it is routed, or that the number is not the tenant's. */
export type Answer = Registration | { notMine: true };

// Webhooks --------------------------------------------------------------------------------------

/** A webhook as it reached us: the URL it was made to (with its query), its headers, its body. */
export type InboundRequest = { url: string; headers: Headers; body: string };

/**
 * A provider's webhook, normalised. `account` is the provider's id of the account it comes from (it
 * names the credentials that must have signed it); `to`, where present, is the tracking number a
 * callback is about when its URL does not name the tenant.
 */
export type InboundEvent =
  /**
   * A call to a tracking number. A provider that routes calls itself names the call in every
   * webhook, each with a `report` of what happened to it (ringing, answered, ended).
   */
  | { kind: "call"; account: string; providerCallId: string; from: string; to: string; forwardedFrom: string | null; report?: CallProgress | undefined }
  | { kind: "progress"; account: string; providerCallId: string; report: CallProgress; to?: string | undefined }
  /** A dial step ended: how, and what the caller does next (the answer is the next decision). */
  | { kind: "dial-ended"; account: string; providerCallId: string; report: CallProgress }
  /** The caller answered a voice menu: the keys pressed, or null when it timed out. */
  | { kind: "menu"; account: string; providerCallId: string; digits: string | null }
  /** A recording of the call is ready (null: the provider reported one that is not, or failed). */
  | { kind: "recording"; account: string; providerCallId: string; url: string | null }
  /** The caller finished leaving a voicemail (with its recording when the provider sends it here). */
  | { kind: "voicemail-done"; account: string; providerCallId: string; url: string | null }
  /** The answering person's leg asks what to hear before the caller is put through. */
  | { kind: "whisper"; account: string; text: string };

export type InboundKind = InboundEvent["kind"];

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** Builds the absolute URL of one of the adapter's own webhook paths, naming the tenant. */
export type CallbackUrl = (path: string, query?: Record<string, string>) => string;

/** The provider's call-control markup. */
export interface Markup {
  readonly contentType: string;
  /**
   * A decision, with the callbacks it names (dial ended, menu answered, recording, whisper); with no
   * `callback` (the fallback, an apology) the markup names none and the provider carries on alone.
   */
  render(decision: RoutingDecision, callback?: CallbackUrl): string;
  /** What the person who answers hears before the caller is put through. */
  whisper(text: string): string;
}

/** Who is calling, as the Switchboard found out: what a provider that routes calls itself is answered. */
export type Caller = { type: CallerType; name: string | null; contactId: string | null };

export const UNKNOWN_CALLER: Caller = { type: "unknown", name: null, contactId: null };

/** The answer of a provider that routes calls itself: the caller, in its format, for its own display. */
export interface CallerMarkup {
  readonly contentType: string;
  render(caller: Caller): string;
}

// Numbers ---------------------------------------------------------------------------------------

export type AvailableNumber = { number: string; friendlyName: string; locality: string | null; region: string | null; isoCountry: string };
export type NumberSearch = { areaCode?: string | undefined; near?: string | undefined; region?: string | undefined; limit: number };
export type Purchase = { number: string; providerNumberId: string | null };
/** Where the provider sends a number's calls: our voice webhook, its status callback, and the fallback. */
export type NumberWebhooks = { voiceUrl: string; statusCallbackUrl: string; fallbackUrl: string };

/** A provider's number shop: search, buy (pointing the number at us), re-point, release. */
export interface NumberShop {
  search(query: NumberSearch): Promise<AvailableNumber[]>;
  buy(number: string, label: string, webhooks: NumberWebhooks): Promise<Purchase>;
  /** Points a number bought earlier at these webhooks (a changed fail-safe changes the fallback). */
  configure(providerNumberId: string, webhooks: NumberWebhooks): Promise<void>;
  release(providerNumberId: string): Promise<void>;
}

/** The provider said no (bad credentials, number taken): its message, and its HTTP status. */
export class ProviderError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

// Messaging -------------------------------------------------------------------------------------

/** A text message to send: from one of the account's numbers (E.164), to a phone (E.164). */
export type TextMessage = { from: string; to: string; body: string };

/** The provider's messaging API for this account: sends one text, answering the provider's id of it. */
export interface Messenger {
  send(message: TextMessage): Promise<{ providerMessageId: string | null }>;
}

// Accounts --------------------------------------------------------------------------------------

/**
 * Whether the provider takes these credentials: the account as its owner knows it (its friendly
 * name, else its id), or what is wrong in words a business owner understands (wrong credentials,
 * account suspended, provider unreachable). Never a secret either way.
 */
export type AccountCheck = { ok: true; account: string } | { ok: false; error: string };

// The sandbox ------------------------------------------------------------------------------------

/** A webhook as a provider sends it: the absolute URL, its headers (with the signature), its body. */
export type OutboundWebhook = { url: string; headers: Record<string, string>; body: string };

/** A call the sandbox places to one of its own numbers, which nobody answers. */
export type SimulatedCall = {
  providerCallId: string;
  from: string;
  to: string;
  /** Seconds it rings before the caller gives up. */
  ringSeconds: number;
  /** When the caller gives up (epoch ms): the time the final report says. */
  endsAt: number;
};

/**
 * What a sandbox account's provider would send for a call: its own webhooks, in its own format,
 * signed with the account's credentials, so they go through the inbound flow like any real call's.
 */
export interface CallSimulator {
  /** A fresh call id, written as the provider writes them. */
  newCallId(): string;
  /** The new call, to the number's voice webhook. */
  ring(call: SimulatedCall, voiceUrl: string): Promise<OutboundWebhook>;
  /** The call's last report, to the number's status callback: nobody answered and the caller hung up. */
  unanswered(call: SimulatedCall, statusUrl: string): Promise<OutboundWebhook>;
}

// Adapters --------------------------------------------------------------------------------------

/**
 * One provider. The inbound flow parses a webhook with `parse`, finds the tenant and the account,
 * checks the request with `verify` against that account's credentials, hands the event to the
 * Switchboard, and answers: with `markup` where we route the call, with the `caller` where the
 * provider routes it itself. Nothing else about the provider is known outside its folder.
 */
export type TelephonyAdapter<Credentials = unknown> = RoutingAdapter<Credentials> | CallerAdapter<Credentials>;

/** A provider that asks us where each call rings, and follows our call-control markup. */
export interface RoutingAdapter<Credentials = unknown> extends AdapterBase<Credentials> {
  readonly routesItself?: false;
  readonly markup: Markup;
}

/**
 * A provider that routes calls itself (a PBX): each webhook is answered with who is calling, and
 * its calls are registered without routing. It has no markup, no fallback and no fail-safe, but its
 * answer keeps the same budget: the caller unknown rather than late.
 */
export interface CallerAdapter<Credentials = unknown> extends AdapterBase<Credentials> {
  readonly routesItself: true;
  readonly caller: CallerMarkup;
  readonly markup?: never;
}

interface AdapterBase<Credentials> {
  readonly id: Provider;
  /** As people name it: "Twilio". */
  readonly name: string;
  /** The account's credentials as an admin enters them and as they are stored (encrypted). */
  readonly credentials: z.ZodMiniType<Credentials>;
  /** The provider's id of the account, as its webhooks name it (`InboundEvent.account`). */
  accountOf(credentials: Credentials): string;
  /** What may be shown of the credentials: never a secret. */
  describe(credentials: Credentials): Record<string, string>;
  /** Credentials stored before they were sealed as JSON (only Twilio's were): the bare secret, read. */
  legacyCredentials?(secret: string, account: string): Credentials;
  /**
   * For a provider whose webhooks do not name the account they come from (Plivo): the query that
   * names it, added to every callback URL the markup names (the provider must sign the query).
   */
  accountQuery?(account: string): Record<string, string>;
  /** Paths under `/webhooks/<id>/` the provider posts to; `voice` is the one set on a number. */
  readonly paths: { voice: string; status: string; callbacks: readonly string[] };
  /** Reads a webhook (not yet trusted) into a normalised event; `message` says what is wrong. */
  parse(path: string, request: InboundRequest): Parsed<InboundEvent>;
  /** Whether the provider signed this request with these credentials, exactly as it documents. */
  verify(request: InboundRequest, credentials: Credentials): Promise<boolean>;
  /**
   * Asks the provider whether it takes these credentials (one read, nothing changed there); absent
   * where Switchboard never calls the provider (a PBX: its secret is checked on every event it sends).
   */
  check?(credentials: Credentials): Promise<AccountCheck>;
  /** The provider's number shop for this account; absent where numbers are set up at the provider. */
  numbers?(credentials: Credentials): NumberShop;
  /** Plays this provider's side of a call, for sandbox accounts' test calls; absent where it cannot. */
  simulator?(credentials: Credentials): CallSimulator;
  /**
   * Sends texts through the account (staff's missed-call alerts); absent where Switchboard does not
   * speak the provider's messaging API yet. Failures throw ProviderError with the provider's status.
   */
  messaging?(credentials: Credentials): Messenger;
}
