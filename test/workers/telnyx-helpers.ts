/** Fixtures for Telnyx's webhooks: a tenant with a Telnyx account and a tracking number, and signed TeXML forms. */
import { env, exports } from "cloudflare:workers";
import { campaigns, providerAccounts, trackingNumbers } from "../../schema/db.ts";
import { encryptSecret } from "../../worker/lib/crypto.ts";
import type { TelnyxCredentials } from "../../worker/providers/telnyx/adapter.ts";
import { telnyxCallId } from "../../worker/providers/telnyx/simulator.ts";
import { telnyxCredentialsFor, telnyxKeyPair, telnyxSign } from "./adapters/telnyx.fixture.ts";
import { BASE, createTenant, db } from "./helpers.ts";
import { uniqueNumber } from "./twilio-helpers.ts";

export type TelnyxTenant = Awaited<ReturnType<typeof createTelnyxTenant>>;

/** A tenant whose tracking number is on a Telnyx account (a key pair of its own unless given). */
export async function createTelnyxTenant(credentials?: TelnyxCredentials) {
  credentials ??= telnyxCredentialsFor(await telnyxKeyPair());
  const tenant = await createTenant("Telnyx calls");
  const trackingNumber = uniqueNumber();
  const terminationNumber = uniqueNumber();
  const accountId = crypto.randomUUID();
  const campaignId = crypto.randomUUID();
  await db().batch([
    db().insert(providerAccounts).values({ id: accountId, tenantId: tenant.id, provider: "telnyx", externalId: credentials.accountSid, credentialsEncrypted: await encryptSecret(JSON.stringify(credentials), env.SECRETS_KEY) }),
    db().insert(campaigns).values({ id: campaignId, tenantId: tenant.id, name: "Radio", channel: "radio" }),
    db().insert(trackingNumbers).values({ id: crypto.randomUUID(), tenantId: tenant.id, number: trackingNumber, label: "Radio line", campaignId, terminationNumber, providerAccountId: accountId }),
  ]);
  return { tenant, id: tenant.id, credentials, trackingNumber, terminationNumber };
}

/** Posts a TeXML form to our Worker, signed as Telnyx signs (unless `signed` is false), at `timestamp` (seconds) or now. */
export async function postTelnyx(path: string, credentials: TelnyxCredentials, params: Record<string, string>, options: { timestamp?: number; signed?: boolean } = {}) {
  const body = new URLSearchParams(params).toString();
  const signature = options.signed === false ? {} : await telnyxSign(credentials.sandboxPrivateKey!, body, options.timestamp);
  return exports.default.fetch(new Request(`${BASE}${path}`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...signature }, body }));
}

/** The signed request a Telnyx webhook route would accept from `signer`'s account, about `target` where it can name one. */
export function telnyxWebhookForm(endpoint: string, signer: TelnyxTenant, target: TelnyxTenant) {
  const base = { AccountSid: signer.credentials.accountSid, CallSid: telnyxCallId() };
  const forms: Record<string, Record<string, string>> = {
    voice: { ...base, From: "+14155550124", To: target.trackingNumber, CallStatus: "ringing" },
    status: { ...base, CallStatus: "completed", To: target.trackingNumber },
    "leg-status": { ...base, ParentCallSid: telnyxCallId(), CallStatus: "completed" },
    "dial-action": { ...base, DialCallStatus: "no-answer" },
    gather: { ...base, Digits: "1" },
    recording: { ...base, RecordingUrl: "https://api.telnyx.com/v2/recordings/1/download.mp3", RecordingStatus: "completed" },
    "voicemail-done": { ...base, RecordingUrl: "https://api.telnyx.com/v2/recordings/1/download.mp3" },
    whisper: base,
  };
  const query = endpoint === "voice" ? "" : `?tenant=${encodeURIComponent(target.id)}${endpoint === "whisper" ? "&text=Hi" : ""}`;
  return { path: `/webhooks/telnyx/${endpoint}${query}`, form: forms[endpoint]! };
}
