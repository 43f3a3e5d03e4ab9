/** Checks shared by every API that writes a number somewhere calls will ring. */
import type { Context } from "hono";
import { normalisePhone } from "../../schema/phone.ts";
import { looksLikeSip, SIP_URI } from "../../schema/routing.ts";
import type { AppEnv } from "../env.ts";
import type { Db } from "../../schema/d1.ts";
import { apiError } from "../lib/errors.ts";
import { trackingNumbersAmong } from "./queries.ts";

export type Issue = { path: string; message: string };

/** Reads a typed number in the tenant's (or given) country; null with an issue when it is not one. */
export function phoneOrIssue(raw: string, country: string, path: string, issues: Issue[]) {
  const parsed = normalisePhone(raw, country);
  if (!parsed) issues.push({ path, message: `"${raw}" is not a valid phone number` });
  return parsed?.number ?? null;
}

/**
 * Reads a receiving number: a SIP URI as it was written (never through libphonenumber; its scheme
 * in lower case, as providers expect it), else a phone number as phoneOrIssue reads it.
 */
export function ringTargetOrIssue(raw: string, country: string, path: string, issues: Issue[]) {
  if (!looksLikeSip(raw)) return phoneOrIssue(raw, country, path, issues);
  const uri = raw.trim();
  if (!SIP_URI.test(uri)) {
    issues.push({ path, message: `"${raw}" is not a valid SIP URI` });
    return null;
  }
  return uri.replace(/^sips?:/i, (scheme) => scheme.toLowerCase());
}

/** Refuses numbers that are tracking numbers of any tenant: ringing one sends the call back into us. */
export async function refuseLoops(db: Db, numbers: { path: string; number: string }[], issues: Issue[]) {
  const ours = new Set(await trackingNumbersAmong(db, numbers.map((n) => n.number)));
  for (const n of numbers) {
    if (ours.has(n.number)) issues.push({ path: n.path, message: `${n.number} is a tracking number: ringing it would send the call back into Switchboard (a ring loop)` });
  }
}

export function invalid(c: Context<AppEnv>, issues: Issue[]) {
  return apiError(c, 400, `Invalid json: ${issues[0]!.path ? `${issues[0]!.path}: ` : ""}${issues[0]!.message}`, issues);
}

/** Tells the tenant's Switchboard to read its routing configuration again. */
export async function routingChanged(c: Context<AppEnv>) {
  await c.env.Switchboard.getByName(c.get("auth").tenant.id).routingChanged();
}
