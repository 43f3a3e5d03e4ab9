/** Fixtures for the call pipeline: a tenant with a Twilio account and a tracking number, and signed webhooks. */
import { env } from "cloudflare:workers";
import { campaigns, providerAccounts, trackingNumbers } from "../../schema/db.ts";
import { encryptSecret } from "../../worker/lib/crypto.ts";
import { BASE, createTenant, db, type TestTenant } from "./helpers.ts";

let numberCounter = 0;
/** A valid US number no other test uses (tracking numbers are unique across tenants). */
export function uniqueNumber() {
  numberCounter++;
  const line = String((Date.now() + numberCounter * 7919) % 10000).padStart(4, "0");
  const exchange = 200 + ((numberCounter * 37 + Math.floor(Math.random() * 600)) % 700);
  return `+1415${exchange}${line}`;
}

export const hexId = (prefix: string) => prefix + [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");

export type TwilioTenant = TestTenant & {
  token: string;
  accountSid: string;
  trackingNumber: string;
  trackingNumberId: string;
  terminationNumber: string;
  failsafeNumber: string;
  campaignId: string;
};

export async function createTwilioTenant(name = "Calls"): Promise<TwilioTenant> {
  const t = await createTenant(name);
  const token = `token-${crypto.randomUUID()}`;
  const accountSid = hexId("AC");
  const accountId = crypto.randomUUID();
  const campaignId = crypto.randomUUID();
  const trackingNumberId = crypto.randomUUID();
  const trackingNumber = uniqueNumber();
  const terminationNumber = uniqueNumber();
  const failsafeNumber = uniqueNumber();
  await db().batch([
    db().insert(providerAccounts).values({ id: accountId, tenantId: t.id, provider: "twilio", externalId: accountSid, credentialsEncrypted: await encryptSecret(JSON.stringify({ accountSid, authToken: token }), env.SECRETS_KEY) }),
    db().insert(campaigns).values({ id: campaignId, tenantId: t.id, name: "Website", channel: "website" }),
    db().insert(trackingNumbers).values({ id: trackingNumberId, tenantId: t.id, number: trackingNumber, label: "Main line", campaignId, terminationNumber, failsafeNumber, providerAccountId: accountId }),
  ]);
  return { ...t, token, accountSid, trackingNumber, trackingNumberId, terminationNumber, failsafeNumber, campaignId };
}

/** Webhook parameters as Twilio's SDK takes them: a name, and its value or (when it repeats) values. */
export type SdkParams = Record<string, string | string[]>;

async function askSdk<T>(path: string, body: unknown): Promise<T> {
  const res = await env.TWILIO_SDK.fetch(`http://twilio-sdk${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`TWILIO_SDK ${path}: ${res.status} ${await res.text()}`);
  return res.json<T>();
}

/** The X-Twilio-Signature Twilio's own SDK computes (twilio.getExpectedTwilioSignature), in Node. */
export async function sdkSignature(token: string, url: string, params: SdkParams) {
  return (await askSdk<{ signature: string }>("/sign", { token, url, params })).signature;
}

/** Whether Twilio's own SDK accepts the signature for this URL and these parameters (twilio.validateRequest). */
export async function sdkValidates(token: string, signature: string, url: string, params: SdkParams) {
  return (await askSdk<{ valid: boolean }>("/validate", { token, signature, url, params })).valid;
}

/**
 * POSTs a form signed by Twilio's own SDK (over `signUrl`, by default the URL posted to), as Twilio
 * would sign it; `signature` replaces it (null: no header at all).
 */
export async function postTwilio(
  path: string,
  params: Record<string, string>,
  opts: { token: string; signUrl?: string; signature?: string | null; base?: string },
) {
  const url = `${opts.base ?? BASE}${path}`;
  const headers = new Headers({ "Content-Type": "application/x-www-form-urlencoded" });
  const signature = opts.signature === undefined ? await sdkSignature(opts.token, opts.signUrl ?? url, params) : opts.signature;
  if (signature !== null) headers.set("X-Twilio-Signature", signature);
  const { exports } = await import("cloudflare:workers");
  return exports.default.fetch(new Request(url, { method: "POST", headers, body: new URLSearchParams(params).toString() }));
}

export function voiceParams(t: TwilioTenant, from: string, callSid = hexId("CA")) {
  return { CallSid: callSid, AccountSid: t.accountSid, From: from, To: t.trackingNumber, CallStatus: "ringing", Direction: "inbound", ApiVersion: "2010-04-01" };
}

export function attrOf(xml: string, tag: string, name: string) {
  const element = new RegExp(`<${tag}\\b[^>]*>`).exec(xml)?.[0] ?? "";
  return new RegExp(`\\s${name}="([^"]*)"`).exec(element)?.[1]?.replace(/&amp;/g, "&");
}

/** Path and query of an absolute callback URL named in TwiML. */
export function pathOf(url: string) {
  const u = new URL(url);
  return u.pathname + u.search;
}

export async function startCall(t: TwilioTenant, from: string, callSid = hexId("CA")) {
  const res = await postTwilio("/webhooks/twilio/voice", voiceParams(t, from, callSid), { token: t.token });
  const xml = await res.text();
  return { res, xml, callSid, dialAction: attrOf(xml, "Dial", "action"), legStatus: attrOf(xml, "Number", "statusCallback") };
}

export async function leg(t: TwilioTenant, legStatusUrl: string, parentSid: string, legSid: string, status: string, extra: Record<string, string> = {}) {
  return postTwilio(pathOf(legStatusUrl), { AccountSid: t.accountSid, CallSid: legSid, ParentCallSid: parentSid, CallStatus: status, ...extra }, { token: t.token });
}

export async function dialAction(t: TwilioTenant, actionUrl: string, parentSid: string, dialStatus: string, extra: Record<string, string> = {}) {
  return postTwilio(pathOf(actionUrl), { AccountSid: t.accountSid, CallSid: parentSid, DialCallStatus: dialStatus, ...extra }, { token: t.token });
}

export async function parentStatus(t: TwilioTenant, parentSid: string, status: string, extra: Record<string, string> = {}) {
  return postTwilio("/webhooks/twilio/status", { AccountSid: t.accountSid, CallSid: parentSid, CallStatus: status, To: t.trackingNumber, From: "+14155550199", ...extra }, { token: t.token });
}

/** The tenant's Switchboard, as the Worker reaches it. */
export function switchboardOf(t: { id: string }) {
  return env.Switchboard.getByName(t.id);
}

