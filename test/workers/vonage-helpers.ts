/** Vonage's signed webhooks, made by Vonage's own JWT code (the VONAGE_SDK binding, in Node). */
import { env, exports } from "cloudflare:workers";
import { providerAccounts } from "../../schema/db.ts";
import { encryptSecret } from "../../worker/lib/crypto.ts";
import { BASE, db } from "./helpers.ts";

/** A JWT as Vonage signs a webhook body, from `@vonage/jwt`'s own jsonwebtoken (test/fakes/vonage-sdk.ts). */
export async function sdkJwt(secret: string, applicationId: string, body: string, options: { iat?: number } = {}) {
  const res = await env.VONAGE_SDK.fetch("http://sdk/sign", { method: "POST", body: JSON.stringify({ secret, applicationId, body, ...options }) });
  if (!res.ok) throw new Error(`VONAGE_SDK /sign: ${res.status} ${await res.text()}`);
  return (await res.json<{ token: string }>()).token;
}

/** Whether `@vonage/jwt` verifySignature accepts the token under this secret. */
export async function sdkVerifies(secret: string, token: string) {
  const res = await env.VONAGE_SDK.fetch("http://sdk/verify", { method: "POST", body: JSON.stringify({ secret, token }) });
  return (await res.json<{ valid: boolean }>()).valid;
}

/** POSTs a Vonage webhook to the Worker; `secret: null` sends it unsigned. */
export async function postVonage(path: string, payload: unknown, signer: { secret: string | null; applicationId: string }) {
  const body = JSON.stringify(payload);
  const headers = new Headers({ "Content-Type": "application/json" });
  if (signer.secret) headers.set("Authorization", `Bearer ${await sdkJwt(signer.secret, signer.applicationId, body)}`);
  return exports.default.fetch(new Request(`${BASE}${path}`, { method: "POST", headers, body }));
}

/** A Vonage application of the tenant's (added once, on first use), to sign as that tenant. */
const applications = new Map<string, Promise<{ applicationId: string; secret: string }>>();
export function vonageAccountOf(tenantId: string) {
  let found = applications.get(tenantId);
  if (!found) {
    const account = { applicationId: crypto.randomUUID(), secret: `secret-${crypto.randomUUID()}` };
    found = (async () => {
      const credentials = await encryptSecret(JSON.stringify({ applicationId: account.applicationId, signatureSecret: account.secret }), env.SECRETS_KEY);
      await db().insert(providerAccounts).values({ id: crypto.randomUUID(), tenantId, provider: "vonage", externalId: account.applicationId, credentialsEncrypted: credentials });
      return account;
    })();
    applications.set(tenantId, found);
  }
  return found;
}

/** The body Vonage would post to each of our webhook paths about `target`'s tracking number. */
export function vonageWebhookBody(endpoint: string, trackingNumber: string) {
  const conversation_uuid = `CON-${crypto.randomUUID()}`;
  const uuid = crypto.randomUUID();
  const to = trackingNumber.replace(/^\+/, "");
  const bodies: Record<string, unknown> = {
    answer: { from: "14155550124", to, uuid, conversation_uuid },
    event: { from: "14155550124", to, uuid, conversation_uuid, status: "completed", direction: "inbound", duration: "12" },
    "dial-ended": { uuid, conversation_uuid, status: "timeout", direction: "outbound" },
    gather: { uuid, conversation_uuid, dtmf: { digits: "1", timed_out: false } },
    recording: { conversation_uuid, recording_url: "https://api.nexmo.com/v1/files/aaaaaaaa-bbbb-cccc-dddd-0123456789ab" },
    "voicemail-done": { conversation_uuid, recording_url: "https://api.nexmo.com/v1/files/aaaaaaaa-bbbb-cccc-dddd-0123456789ab" },
    whisper: { uuid, conversation_uuid },
  };
  return bodies[endpoint] ?? {};
}

/**
 * A Vonage webhook to `url` (a route-matrix path with its query) about `target`: unsigned (null),
 * or signed with `signer`'s own Vonage application.
 */
export async function postVonageAs(url: string, signer: { id: string }, target: { trackingNumber: string }, mode: "signed" | null) {
  const endpoint = url.split("?")[0]!.split("/").pop()!;
  const body = vonageWebhookBody(endpoint, target.trackingNumber);
  if (!mode) return postVonage(url, body, { secret: null, applicationId: "" });
  const account = await vonageAccountOf(signer.id);
  return postVonage(url, body, { secret: account.secret, applicationId: account.applicationId });
}
