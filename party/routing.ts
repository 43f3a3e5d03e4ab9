/**
 * Where a call rings, decided as plain data that a provider adapter renders (TwiML for Twilio and its
 * dialects, XML for Plivo, NCCO for Vonage). The full routing engine grows from here.
 */

export type DialTarget = {
  number: string;
  /** Digits to send once answered (an extension), after `extensionDelaySeconds`. */
  extension?: string | null;
  extensionDelaySeconds?: number;
  /** Played to whoever answers before the caller is connected. */
  whisper?: string | null;
};

export type RoutingDecision =
  | { kind: "dial"; targets: DialTarget[]; ringSeconds: number; record: boolean }
  | { kind: "hangup"; reason: string };

/** What the router needs to know about the dialled tracking number. */
export type RouteInput = {
  trackingNumber: string;
  terminationNumber: string | null;
  failsafeNumber: string | null;
  whisper: string | null;
  record: boolean;
};

export const DEFAULT_RING_SECONDS = 20;

/** The termination number, or the fail-safe number when none is set; never the tracking number itself. */
export function decideRoute(route: RouteInput): RoutingDecision {
  const number = route.terminationNumber ?? route.failsafeNumber;
  if (!number) return { kind: "hangup", reason: "no termination or fail-safe number is set" };
  if (number === route.trackingNumber) return { kind: "hangup", reason: "the termination number is the tracking number (a ring loop)" };
  return { kind: "dial", targets: [{ number, whisper: route.whisper }], ringSeconds: DEFAULT_RING_SECONDS, record: route.record };
}

/** What a dialled step leads to once it ends; for now the call ends with it. */
export function decideAfterDial(): RoutingDecision {
  return { kind: "hangup", reason: "the dial step ended" };
}

/** The answer when anything inside fails: dial the fail-safe number, else the termination number. */
export function failsafeDecision(route: Pick<RouteInput, "failsafeNumber" | "terminationNumber" | "trackingNumber">): RoutingDecision {
  const number = [route.failsafeNumber, route.terminationNumber].find((n) => n && n !== route.trackingNumber);
  return number
    ? { kind: "dial", targets: [{ number }], ringSeconds: 30, record: false }
    : { kind: "hangup", reason: "no fail-safe or termination number is set" };
}
