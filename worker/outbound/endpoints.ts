/**
 * A tenant's webhook endpoints in D1 and how the API shows them: never a secret, except the new
 * one in the answer that made it. Every function takes the tenant explicitly.
 */
import { and, desc, eq } from "drizzle-orm";
import { webhookEndpoints } from "../../schema/db.ts";
import type { Db } from "../../schema/d1.ts";
import type { WebhookEventType } from "../../schema/webhooks.ts";
import { decryptSecret } from "../lib/crypto.ts";

export type EndpointRow = typeof webhookEndpoints.$inferSelect;

/** An endpoint as the API answers it. */
export function endpointView(e: EndpointRow) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events as WebhookEventType[],
    enabled: e.enabled,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    /** Set while it is off: when, and why ("turned off", or that it failed for 3 days). */
    disabledAt: e.disabledAt,
    disabledReason: e.disabledReason,
    /** The first failure since its last success (null while it is well). */
    failingSince: e.failingSince,
    /** Until when the secret before the last rotation still signs beside the current one (null: none does). */
    previousSecretExpiresAt: e.previousSecretExpiresAt !== null && e.previousSecretExpiresAt > Date.now() ? e.previousSecretExpiresAt : null,
  };
}
export type EndpointView = ReturnType<typeof endpointView>;

export async function findEndpoint(db: Db, tenantId: string, id: string) {
  return (await db.query.webhookEndpoints.findFirst({ where: and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id)) })) ?? null;
}

export async function listEndpoints(db: Db, tenantId: string) {
  return db.select().from(webhookEndpoints).where(eq(webhookEndpoints.tenantId, tenantId)).orderBy(desc(webhookEndpoints.createdAt));
}

/** The secrets that sign a delivery now: the current one, and the one before it while it has not expired. */
export async function signingSecrets(e: EndpointRow, secretsKey: string, now: number) {
  const secrets = [await decryptSecret(e.secretEncrypted, secretsKey)];
  if (e.previousSecretEncrypted && e.previousSecretExpiresAt !== null && e.previousSecretExpiresAt > now) secrets.push(await decryptSecret(e.previousSecretEncrypted, secretsKey));
  return secrets;
}

/** The host an endpoint's URL names: what a notice about it says (its path and query may hold a token). */
export function hostOf(url: string) {
  try {
    return new URL(url).host;
  } catch {
    return url.slice(0, 60);
  }
}
