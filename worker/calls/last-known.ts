/**
 * Tracking-number lookups this isolate made, per number. A recent one (a minute) stands in for D1
 * on the voice webhook: it only names the tenant's Switchboard and the account that signs the
 * request, and both answer for themselves (the Switchboard holds the number's settings of this
 * moment and says when the number is not the tenant's; a failed signature is checked against D1
 * again). An old one is read only when D1 fails, so the webhook can still verify the request and
 * dial the fail-safe number: a stale answer beats a caller in silence.
 */
import { remember } from "../lib/remember.ts";
import type { TrackingTarget } from "./lookup.ts";

const MAX_ENTRIES = 10_000;
const RECENT_MS = 60_000;
const known = new Map<string, { at: number; target: TrackingTarget }>();

export function rememberTracking(number: string, target: TrackingTarget | null) {
  if (target) remember(known, number, { at: Date.now(), target }, MAX_ENTRIES);
  else known.delete(number);
}

/** The lookup of the last minute, if there was one. */
export function recentTracking(number: string) {
  const hit = known.get(number);
  return hit && Date.now() - hit.at < RECENT_MS ? hit.target : null;
}

/** The last lookup that succeeded, however old. */
export function lastKnownTracking(number: string) {
  return known.get(number)?.target ?? null;
}

/** Forgets a number the tenant's Switchboard, or its account's signature, no longer vouches for. */
export function forgetRecent(number: string) {
  const hit = known.get(number);
  if (hit) hit.at = 0;
}
