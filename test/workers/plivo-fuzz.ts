/**
 * Plivo's share of the fuzz suite (fuzz.test.ts): its webhook forms to generate from, an account
 * and a tracking number of its own on the fuzzed tenant, and Plivo's way of signing a case (its
 * SDK, V3, the account named in the query), so generated inputs reach past the signature too.
 */
import { env } from "cloudflare:workers";
import type { z } from "zod";
import { providerAccounts, trackingNumbers } from "../../schema/db.ts";
import { encryptSecret } from "../../worker/lib/crypto.ts";
import { dialActionForm, dialEventForm, digitsForm, hangupForm, recordForm, voiceForm, whisperForm } from "../../worker/providers/plivo/forms.ts";
import { db } from "./helpers.ts";
import { plivoAuthId, plivoHeaders } from "./plivo-helpers.ts";
import { uniqueNumber } from "./twilio-helpers.ts";

export const PLIVO_FORMS: Record<string, z.core.$ZodType> = {
  voice: voiceForm,
  status: hangupForm,
  "leg-status": dialEventForm,
  "dial-action": dialActionForm,
  gather: digitsForm,
  recording: recordForm,
  "voicemail-done": recordForm,
  whisper: whisperForm,
  fallback: whisperForm,
};

export const isPlivo = (path: string) => path.startsWith("/webhooks/plivo/");

export type PlivoAccount = { authId: string; token: string; trackingNumber: string };

/** A Plivo account and a tracking number on it, for the tenant. */
export async function addPlivoAccount(tenantId: string): Promise<PlivoAccount> {
  const account = { authId: plivoAuthId(), token: `token-${crypto.randomUUID()}`, trackingNumber: uniqueNumber() };
  const id = crypto.randomUUID();
  await db().batch([
    db().insert(providerAccounts).values({ id, tenantId, provider: "plivo", externalId: account.authId, credentialsEncrypted: await encryptSecret(JSON.stringify({ authId: account.authId, authToken: account.token }), env.SECRETS_KEY) }),
    db().insert(trackingNumbers).values({ id: crypto.randomUUID(), tenantId, number: account.trackingNumber, label: "Plivo fuzz", terminationNumber: uniqueNumber(), providerAccountId: id }),
  ]);
  return account;
}

/** Plivo's signature headers on a generated case (the SDK's), or a forged one. */
export async function signPlivoCase(headers: Headers, account: PlivoAccount, url: string, body: string, how: "sdk" | "forged") {
  if (how === "forged") {
    headers.set("X-Plivo-Signature-V3", "c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmE=");
    headers.set("X-Plivo-Signature-V3-Nonce", "12345678901234567890");
    return;
  }
  (await plivoHeaders(account.token, url, body)).forEach((value, name) => headers.set(name, value));
}
