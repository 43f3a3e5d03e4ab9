/**
 * The one JSON body a PBX posts (SPEC § Provider contract): each event of a call, ringing, answered
 * and ended, as `{ type, callId, from, to, extension?, at }` with `at` in epoch milliseconds.
 */
import * as z from "zod/mini";
import { lazy } from "../../../schema/lazy.ts";

export const PBX_EVENT_TYPES = ["call.ringing", "call.answered", "call.ended"] as const;

export const pbxEvent = lazy(() => z.object({
  type: z.enum(PBX_EVENT_TYPES),
  /** The PBX's own id of the call (Asterisk's UNIQUEID or LINKEDID, 3CX's call id): printable, no spaces. */
  callId: z.string().check(z.regex(/^[\x21-\x7e]{1,128}$/, "must be 1 to 128 printable characters without spaces")),
  /** The caller; a PBX writes a withheld number as an empty string or a word ("anonymous"). */
  from: z.pipe(z.string().check(z.trim(), z.maxLength(64)), z.transform((from) => from || "anonymous")),
  /** The tracking number dialled (the DID): it names the tenant. */
  to: z.string().check(z.trim(), z.minLength(1, "must name the dialled number"), z.maxLength(64)),
  /** The extension that rings or answered, when the PBX says (a template's empty field: it does not). */
  extension: z.pipe(z.optional(z.string().check(z.trim(), z.maxLength(32))), z.transform((extension) => extension || undefined)),
  at: z.number().check(z.int(), z.nonnegative(), z.maximum(8_640_000_000_000_000)),
}));
export type PbxEvent = z.infer<typeof pbxEvent>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** When the event happened: the PBX's `at` when within a day of now (a clock far off, or seconds instead of milliseconds, read as now). */
export function eventTime(at: number, now = Date.now()) {
  return Math.abs(at - now) < DAY_MS ? at : now;
}
