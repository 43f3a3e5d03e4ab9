/**
 * The PBX webhook's signature, per the Standard Webhooks specification, checked by its reference
 * implementation (`standardwebhooks`, pure JS, runs in workerd): `webhook-signature` holds one or
 * more `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` under the `whsec_` secret, and
 * `webhook-timestamp` must be within the library's five minutes of now (a replayed request is
 * refused). The library compares in constant time.
 */
import { Webhook } from "standardwebhooks";
import type { InboundRequest, OutboundWebhook } from "../../../telephony/contract.ts";
import { fromBase64 } from "../../lib/crypto.ts";
import { remember } from "../../lib/remember.ts";

export const SECRET_PREFIX = "whsec_";

/** A `whsec_` secret as Standard Webhooks writes them: base64 of 24 to 64 random bytes (the spec's range). */
export function isWebhookSecret(secret: string) {
  if (!secret.startsWith(SECRET_PREFIX)) return false;
  try {
    const key = fromBase64(secret.slice(SECRET_PREFIX.length));
    return key.byteLength >= 24 && key.byteLength <= 64;
  } catch {
    return false;
  }
}

const webhooks = new Map<string, Webhook>();

function webhook(secret: string) {
  let found = webhooks.get(secret);
  if (!found) remember(webhooks, secret, (found = new Webhook(secret)), 1000);
  return found;
}

const SIGNATURE_HEADERS = ["webhook-id", "webhook-timestamp", "webhook-signature"] as const;

function signatureHeaders(headers: Headers) {
  const plain: Record<string, string> = {};
  for (const name of SIGNATURE_HEADERS) {
    const value = headers.get(name);
    if (value !== null) plain[name] = value;
  }
  return plain;
}

/** Whether the request is signed with this secret, and was sent within the last five minutes. */
export function verifyPbxSignature(secret: string, request: InboundRequest) {
  try {
    // The library reads a plain object of headers (given a Headers it finds none) and the raw body.
    webhook(secret).verify(request.body, signatureHeaders(request.headers), { jsonParse: false });
    return true;
  } catch {
    return false;
  }
}

/** A JSON body signed as a PBX (or any Standard Webhooks sender) signs it; `id` is the message's, the same on every retry. */
export function signPbxWebhook(secret: string, url: string, body: string, id: string, sentAt: Date): OutboundWebhook {
  return {
    url,
    headers: {
      "Content-Type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
      "webhook-signature": webhook(secret).sign(id, sentAt, body),
    },
    body,
  };
}
