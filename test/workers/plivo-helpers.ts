/** Plivo's webhooks as the tests send them: signed by Plivo's own SDK (PLIVO_SDK, in Node). */
import { env, exports } from "cloudflare:workers";
import { campaigns, providerAccounts, trackingNumbers } from "../../schema/db.ts";
import { encryptSecret } from "../../worker/lib/crypto.ts";
import { BASE, createTenant, db, type TestTenant } from "./helpers.ts";
import { uniqueNumber } from "./twilio-helpers.ts";
import { requestNonce } from "../../worker/providers/plivo/signature.ts";

async function askSdk<T>(path: string, body: unknown): Promise<T> {
  const res = await env.PLIVO_SDK.fetch(`http://plivo-sdk${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`PLIVO_SDK ${path}: ${res.status} ${await res.text()}`);
  return res.json<T>();
}

/** A form body as a web framework hands it to Plivo's SDK: a repeated name carries its values as a list. */
export function sdkParams(body: string) {
  const params: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(body)) params[k] = Object.hasOwn(params, k) ? [params[k]!].flat().concat(v) : v;
  return params;
}

/** The X-Plivo-Signature-V3 Plivo's SDK computes for a POST of `body` to `url` with this nonce. */
export async function plivoSdkSignature(token: string, url: string, body: string, nonce: string) {
  return (await askSdk<{ signature: string }>("/sign", { token, url, nonce, params: sdkParams(body) })).signature;
}

/** Whether Plivo's SDK (validateV3Signature) accepts the signature. */
export async function plivoSdkValidates(token: string, url: string, body: string, nonce: string, signature: string) {
  return (await askSdk<{ valid: boolean }>("/validate", { token, url, nonce, signature, params: sdkParams(body) })).valid;
}

/** Plivo's headers on a form POST, signed by its SDK (the nonce drawn as our simulator draws it). */
export async function plivoHeaders(token: string, url: string, body: string) {
  const nonce = await requestNonce(url, body);
  const signature = await plivoSdkSignature(token, url, body, nonce);
  return new Headers({ "Content-Type": "application/x-www-form-urlencoded", "X-Plivo-Signature-V3": signature, "X-Plivo-Signature-Ma-V3": signature, "X-Plivo-Signature-V3-Nonce": nonce });
}

/** A Plivo auth id no other test uses. */
export const plivoAuthId = () => `MA${[...crypto.getRandomValues(new Uint8Array(18))].map((b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[b % 36]).join("")}`;


export type PlivoTenant = TestTenant & { authId: string; token: string; accountId: string; trackingNumber: string; trackingNumberId: string; terminationNumber: string; failsafeNumber: string };

/** A tenant with a Plivo account (real, not sandbox unless asked) and a tracking number on it. */
export async function createPlivoTenant(name = "Plivo calls", opts: { sandbox?: boolean } = {}): Promise<PlivoTenant> {
  const t = await createTenant(name);
  const authId = plivoAuthId();
  const token = `token-${crypto.randomUUID()}`;
  const accountId = crypto.randomUUID();
  const trackingNumberId = crypto.randomUUID();
  const campaignId = crypto.randomUUID();
  const [trackingNumber, terminationNumber, failsafeNumber] = [uniqueNumber(), uniqueNumber(), uniqueNumber()];
  await db().batch([
    db().insert(providerAccounts).values({ id: accountId, tenantId: t.id, provider: "plivo", externalId: authId, credentialsEncrypted: await encryptSecret(JSON.stringify({ authId, authToken: token }), env.SECRETS_KEY), sandbox: opts.sandbox ?? false }),
    db().insert(campaigns).values({ id: campaignId, tenantId: t.id, name: "Website", channel: "website" }),
    db().insert(trackingNumbers).values({ id: trackingNumberId, tenantId: t.id, number: trackingNumber, label: "Plivo line", campaignId, terminationNumber, failsafeNumber, providerAccountId: accountId }),
  ]);
  return { ...t, authId, token, accountId, trackingNumber, trackingNumberId, terminationNumber, failsafeNumber };
}

/**
 * POSTs a form to a Plivo webhook path (with its query) as Plivo would, V3-signed by its SDK with
 * `token` (over `signUrl`, by default the URL posted to); `signed: false` sends no signature.
 */
export async function postPlivo(pathAndQuery: string, params: Record<string, string>, opts: { token: string; signed?: boolean; signUrl?: string }) {
  const url = `${BASE}${pathAndQuery}`;
  const body = new URLSearchParams(params).toString();
  const headers = opts.signed === false ? new Headers({ "Content-Type": "application/x-www-form-urlencoded" }) : await plivoHeaders(opts.token, opts.signUrl ?? url, body);
  return exports.default.fetch(new Request(url, { method: "POST", headers, body }));
}

/** Plivo's answer-URL form for a call from `from` to the tenant's number (digits, no "+"). */
export function plivoVoice(t: PlivoTenant, from: string, callUuid: string = crypto.randomUUID()) {
  return { CallUUID: callUuid, From: from.replace(/^\+/, ""), To: t.trackingNumber.replace(/^\+/, ""), CallStatus: "ringing", Direction: "inbound" };
}

/**
 * The request a Plivo webhook route would accept from `signer`'s account, about `target` (its
 * number, or its tenant in the URL): for the route matrix's refusals.
 */
export function plivoWebhookForm(endpoint: string, signer: PlivoTenant, target: PlivoTenant) {
  const callUuid = crypto.randomUUID();
  const forms: Record<string, Record<string, string>> = {
    voice: { ...plivoVoice(target, "+14155550124"), CallUUID: callUuid },
    status: { CallUUID: callUuid, CallStatus: "completed", To: target.trackingNumber.slice(1) },
    "leg-status": { CallUUID: callUuid, DialAction: "hangup", DialBLegUUID: crypto.randomUUID(), DialBLegStatus: "hangup" },
    "dial-action": { CallUUID: callUuid, DialStatus: "no-answer", DialBLegUUID: "" },
    gather: { CallUUID: callUuid, Digits: "1" },
    recording: { CallUUID: callUuid, RecordUrl: "https://media.plivo.com/v1/Account/MA/Recording/1.mp3" },
    "voicemail-done": { CallUUID: callUuid, RecordUrl: "https://media.plivo.com/v1/Account/MA/Recording/1.mp3" },
    whisper: { CallUUID: callUuid },
  };
  const query = endpoint === "voice" ? `?auth_id=${signer.authId}` : `?tenant=${encodeURIComponent(target.id)}&auth_id=${signer.authId}${endpoint === "whisper" ? "&text=Hi" : ""}`;
  return { path: `/webhooks/plivo/${endpoint}${query}`, form: forms[endpoint]! };
}
