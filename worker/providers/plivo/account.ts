/**
 * Testing Plivo credentials: one read of the account (`GET /v1/Account/{auth_id}/`, basic auth with
 * the auth id and token), in words a business owner understands. Plivo answers a wrong auth id or
 * token with a bare 401, and a missing account with 404.
 */
import * as z from "zod/mini";
import type { AccountCheck } from "../../../telephony/contract.ts";
import { TimeoutError, withTimeout } from "../../lib/timeout.ts";
import { PLIVO_API } from "./numbers.ts";
import { lazy } from "../../../schema/lazy.ts";

const CHECK_TIMEOUT_MS = 10_000;
const account = lazy(() => z.object({ auth_id: z.string(), name: z.nullish(z.string()) }));

export async function checkPlivoAccount(authId: string, authToken: string): Promise<AccountCheck> {
  let res: Response;
  try {
    res = await withTimeout(fetch(`${PLIVO_API}/Account/${encodeURIComponent(authId)}/`, { headers: { Authorization: `Basic ${btoa(`${authId}:${authToken}`)}` } }), CHECK_TIMEOUT_MS);
  } catch (err) {
    const why = err instanceof TimeoutError ? `it did not answer within ${CHECK_TIMEOUT_MS / 1000} seconds` : "the connection failed";
    return { ok: false, error: `Could not reach Plivo (${why}); try again in a few minutes` };
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (res.status === 401) return { ok: false, error: "Plivo did not accept these credentials: check the Auth ID and the Auth Token (Plivo console, Overview)" };
  if (res.status === 404) return { ok: false, error: "Plivo has no account with this Auth ID: check it in the Plivo console" };
  if (!res.ok) return { ok: false, error: `Plivo could not answer (HTTP ${res.status}); try again in a few minutes` };
  const found = account.safeParse(body);
  if (!found.success) return { ok: false, error: "Plivo answered in a way Switchboard does not understand; try again in a few minutes" };
  return { ok: true, account: found.data.name || found.data.auth_id };
}
