/**
 * The last tracking-number lookup that succeeded in this isolate, per number. Read only when D1
 * fails or is slow, so that the voice webhook can still verify the request and dial the fail-safe
 * number: a stale answer beats a caller in silence.
 */
import type { TrackingTarget } from "./lookup.ts";

const MAX_ENTRIES = 10_000;
const known = new Map<string, TrackingTarget>();

export function rememberTracking(number: string, target: TrackingTarget | null) {
  known.delete(number);
  if (!target) return;
  known.set(number, target);
  if (known.size > MAX_ENTRIES) known.delete(known.keys().next().value!);
}

export function lastKnownTracking(number: string) {
  return known.get(number) ?? null;
}
