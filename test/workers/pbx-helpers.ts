/**
 * The PBX's side in tests: JSON events signed per Standard Webhooks by the specification's own
 * reference library (`standardwebhooks`, pure JS: it runs here in workerd, no Node service needed),
 * and a tenant with a PBX account and a tracking number on it.
 */
import { env, exports } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { providerAccounts, trackingNumbers } from "../../schema/db.ts";
import { encryptSecret } from "../../worker/lib/crypto.ts";
import { BASE, createTenant, db, type TestTenant } from "./helpers.ts";
import { uniqueNumber } from "./twilio-helpers.ts";

export const PBX_URL = `${BASE}/webhooks/pbx/events`;

const hex = (bytes: number) => [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

/** A fresh `whsec_` secret of 32 random bytes, as a PBX admin would generate one. */
export function newSecret() {
  return `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;
}

/** The headers the library signs a message with: its id (the same on every retry), the time it is sent, the signature. */
export function signedHeaders(secret: string, body: string, opts: { id?: string; sentAt?: Date } = {}) {
  const id = opts.id ?? `msg_${hex(12)}`;
  const sentAt = opts.sentAt ?? new Date();
  return new Headers({
    "Content-Type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, sentAt, body),
  });
}

/** Whether the reference library accepts the request (it throws when it does not). */
export function libraryAccepts(secret: string, body: string, headers: Headers) {
  const plain: Record<string, string> = {};
  headers.forEach((value, name) => (plain[name] = value));
  try {
    new Webhook(secret).verify(body, plain);
    return true;
  } catch {
    return false;
  }
}

export type PbxEventBody = { type: "call.ringing" | "call.answered" | "call.ended"; callId: string; from: string; to: string; extension?: string; at: number };

export const pbxCallId = () => `${Math.floor(Date.now() / 1000)}.${parseInt(hex(3), 16)}`;

/** POSTs one event through the Worker, signed with `secret` (null: unsigned); `headers` replaces the signature's. */
export async function postPbx(event: PbxEventBody | string, opts: { secret: string | null; id?: string; sentAt?: Date; headers?: Headers }) {
  const body = typeof event === "string" ? event : JSON.stringify(event);
  const headers = opts.headers ?? (opts.secret === null ? new Headers({ "Content-Type": "application/json" }) : signedHeaders(opts.secret, body, opts));
  return exports.default.fetch(new Request(PBX_URL, { method: "POST", headers, body }));
}

export type PbxTenant = TestTenant & { secret: string; trackingNumber: string; trackingNumberId: string; accountId: string };

/** A tenant whose PBX posts to us: a PBX account (its secret) and a tracking number the PBX answers. */
export async function createPbxTenant(name = "PBX calls", into?: TestTenant): Promise<PbxTenant> {
  const t = into ?? (await createTenant(name));
  const secret = newSecret();
  const accountId = crypto.randomUUID();
  const trackingNumberId = crypto.randomUUID();
  const trackingNumber = uniqueNumber();
  await db().batch([
    db().insert(providerAccounts).values({ id: accountId, tenantId: t.id, provider: "pbx", externalId: "pbx", credentialsEncrypted: await encryptSecret(JSON.stringify({ secret }), env.SECRETS_KEY) }),
    db().insert(trackingNumbers).values({ id: trackingNumberId, tenantId: t.id, number: trackingNumber, label: "Office PBX", providerAccountId: accountId }),
  ]);
  return { ...t, secret, trackingNumber, trackingNumberId, accountId };
}
