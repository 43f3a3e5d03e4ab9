/**
 * Signing per the Standard Webhooks specification, with its reference library (`standardwebhooks`,
 * pure JS: it runs in workerd). `webhook-signature` is `v1,<base64 HMAC-SHA256 of
 * "msg_id.timestamp.body">` under the secret's bytes (base64 after `whsec_`); while a rotated-out
 * secret still signs, both signatures are sent, space-separated, so a receiver holding either verifies.
 */
import { Webhook } from "standardwebhooks";
import { randomBytes, toBase64 } from "../lib/crypto.ts";

export const SECRET_PREFIX = "whsec_";

/** A new signing secret: 32 random bytes, as Standard Webhooks writes them. */
export function newWebhookSecret() {
  return `${SECRET_PREFIX}${toBase64(randomBytes(32))}`;
}

/** The headers of one attempt: the message's id (the same on every retry), this attempt's time, its signatures. */
export function signedHeaders(secrets: string[], id: string, sentAt: Date, body: string): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "User-Agent": "Switchboard-Webhooks/1",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
    "webhook-signature": secrets.map((s) => new Webhook(s).sign(id, sentAt, body)).join(" "),
  };
}
