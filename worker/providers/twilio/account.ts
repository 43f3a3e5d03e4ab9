/**
 * Testing Twilio credentials: one read of the Account resource
 * (`GET /2010-04-01/Accounts/{AccountSid}.json`, basic auth with the SID and the auth token), turned
 * into words a business owner understands. Twilio answers 401 (error 20003) to a wrong SID or token,
 * and an account's `status` is active, suspended or closed. Its answer carries the auth token
 * itself: only the friendly name and the status are read from it.
 */
import * as z from "zod/mini";
import type { AccountCheck } from "../../../telephony/contract.ts";
import { TimeoutError, withTimeout } from "../../lib/timeout.ts";
import { TWILIO_API } from "./numbers.ts";
import { lazy } from "../../../schema/lazy.ts";

/** Long enough for a slow answer, short enough that the admin waiting on the button is told. */
const CHECK_TIMEOUT_MS = 10_000;

const account = lazy(() => z.object({ sid: z.string(), friendly_name: z.nullish(z.string()), status: z.string() }));
const error = lazy(() => z.catch(z.object({ code: z.optional(z.number()), message: z.optional(z.string()) }), {}));

/** Whose Account resource this is: Twilio's, or a dialect's that serves the same (SignalWire's). */
export type AccountDialect = { name: string; api: string; console: string; id: string; secret: string };
const TWILIO: AccountDialect = { name: "Twilio", api: TWILIO_API, console: "the Twilio Console", id: "Account SID", secret: "Auth Token" };

export async function checkTwilioAccount(accountSid: string, authToken: string, dialect: AccountDialect = TWILIO): Promise<AccountCheck> {
  const { name: provider, console: where } = dialect;
  let res: Response;
  try {
    res = await withTimeout(
      fetch(`${dialect.api}/Accounts/${encodeURIComponent(accountSid)}.json`, { headers: { Authorization: `Basic ${btoa(`${accountSid}:${authToken}`)}` } }),
      CHECK_TIMEOUT_MS,
    );
  } catch (err) {
    const why = err instanceof TimeoutError ? `it did not answer within ${CHECK_TIMEOUT_MS / 1000} seconds` : "the connection failed";
    return { ok: false, error: `Could not reach ${provider} (${why}); try again in a few minutes` };
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (res.status === 401) return { ok: false, error: `${provider} did not accept these credentials: check the ${dialect.id} and the ${dialect.secret} (${where})` };
  if (res.status === 404) return { ok: false, error: `${provider} has no account with this ${dialect.id}: check it in ${where}` };
  if (!res.ok) {
    const said = error.parse(body);
    return { ok: false, error: `${provider} could not answer (HTTP ${res.status}${said.code ? `, error ${said.code}` : ""}); try again in a few minutes` };
  }
  const found = account.safeParse(body);
  if (!found.success) return { ok: false, error: `${provider} answered in a way Switchboard does not understand; try again in a few minutes` };
  const name = found.data.friendly_name || found.data.sid;
  switch (found.data.status) {
    case "active":
      return { ok: true, account: name };
    case "suspended":
      return { ok: false, error: `The ${provider} account "${name}" is suspended: calls to its numbers are not answered. Check billing in ${where}, or ask ${provider} support` };
    case "closed":
      return { ok: false, error: `The ${provider} account "${name}" is closed: use the credentials of an account that is open` };
    default:
      return { ok: false, error: `The ${provider} account "${name}" is ${found.data.status}, not active` };
  }
}
