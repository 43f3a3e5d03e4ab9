/**
 * Testing Twilio credentials: one read of the Account resource
 * (`GET /2010-04-01/Accounts/{AccountSid}.json`, basic auth with the SID and the auth token), turned
 * into words a business owner understands. Twilio answers 401 (error 20003) to a wrong SID or token,
 * and an account's `status` is active, suspended or closed. Its answer carries the auth token
 * itself: only the friendly name and the status are read from it.
 */
import { z } from "zod";
import type { AccountCheck } from "../../../telephony/contract.ts";
import { TimeoutError, withTimeout } from "../../lib/timeout.ts";
import { TWILIO_API } from "./numbers.ts";

/** Long enough for a slow answer, short enough that the admin waiting on the button is told. */
const CHECK_TIMEOUT_MS = 10_000;

const account = z.object({ sid: z.string(), friendly_name: z.string().nullish(), status: z.string() });
const error = z.object({ code: z.number().optional(), message: z.string().optional() }).catch({});

export async function checkTwilioAccount(accountSid: string, authToken: string): Promise<AccountCheck> {
  let res: Response;
  try {
    res = await withTimeout(
      fetch(`${TWILIO_API}/Accounts/${encodeURIComponent(accountSid)}.json`, { headers: { Authorization: `Basic ${btoa(`${accountSid}:${authToken}`)}` } }),
      CHECK_TIMEOUT_MS,
    );
  } catch (err) {
    const why = err instanceof TimeoutError ? `it did not answer within ${CHECK_TIMEOUT_MS / 1000} seconds` : "the connection failed";
    return { ok: false, error: `Could not reach Twilio (${why}); try again in a few minutes` };
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (res.status === 401) return { ok: false, error: "Twilio did not accept these credentials: check the Account SID and the Auth Token (Twilio Console, Account info)" };
  if (res.status === 404) return { ok: false, error: "Twilio has no account with this Account SID: check it in the Twilio Console" };
  if (!res.ok) {
    const said = error.parse(body);
    return { ok: false, error: `Twilio could not answer (HTTP ${res.status}${said.code ? `, error ${said.code}` : ""}); try again in a few minutes` };
  }
  const found = account.safeParse(body);
  if (!found.success) return { ok: false, error: "Twilio answered in a way Switchboard does not understand; try again in a few minutes" };
  const name = found.data.friendly_name || found.data.sid;
  switch (found.data.status) {
    case "active":
      return { ok: true, account: name };
    case "suspended":
      return { ok: false, error: `The Twilio account "${name}" is suspended: calls to its numbers are not answered. Check billing in the Twilio Console, or ask Twilio support` };
    case "closed":
      return { ok: false, error: `The Twilio account "${name}" is closed: use the credentials of an account that is open` };
    default:
      return { ok: false, error: `The Twilio account "${name}" is ${found.data.status}, not active` };
  }
}
