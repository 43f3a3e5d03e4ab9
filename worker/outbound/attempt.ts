/**
 * One attempt at a delivery: claim it (an attempt in flight holds it, so a duplicate queue message
 * sends nothing twice), sign and POST it, keep what the endpoint answered, and say when to try
 * again. An endpoint that has failed every attempt for 3 days is disabled here and the tenant's
 * Notification Center is told.
 */
import { and, eq, isNull, lt, notExists, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { webhookDeliveries, webhookEndpoints } from "../../schema/db.ts";
import { getDb, type Db } from "../../schema/d1.ts";
import type { OutboundMessage } from "../../schema/webhooks.ts";
import { privateAddressesAllowed, privateAddressProblem } from "./addresses.ts";
import { failWaiting, findDelivery, pendingInOrder, pendingInOrderQuery, wakeUps, type DeliveryRow } from "./deliveries.ts";
import { hostOf, signingSecrets, type EndpointRow } from "./endpoints.ts";
import { ATTEMPT_TIMEOUT_MS, failedTooLong, LEASE_MS, MAX_QUEUE_DELAY_S, nextAttemptAt, parseRetryAfter, queueDelaySeconds, received, type AttemptOutcome } from "./schedule.ts";
import { enqueue } from "./queue.ts";
import { signedHeaders } from "./sign.ts";

/** What becomes of a queue message: done with (acked), or back in this many seconds. */
export type Verdict = { done: true } | { retryInS: number };
export const DONE: Verdict = { done: true };

/** How much of an answer is kept for the delivery log. */
export const RESPONSE_KEPT_BYTES = 1024;

type Sent = AttemptOutcome & { response: string | null; error: string | null; permanent?: boolean };

/** The first `max` bytes of a body, as text; the rest is not read. */
async function firstBytes(res: Response, max = RESPONSE_KEPT_BYTES) {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(Math.min(size, max));
  let at = 0;
  for (const part of parts) {
    const take = part.subarray(0, bytes.byteLength - at);
    bytes.set(take, at);
    at += take.byteLength;
    if (at >= bytes.byteLength) break;
  }
  return new TextDecoder().decode(bytes);
}

/** Signs and POSTs the delivery; never throws (no answer is an outcome too). */
async function send(env: Env, endpoint: EndpointRow, d: DeliveryRow, now: number): Promise<Sent> {
  const refused = privateAddressesAllowed(env) ? null : privateAddressProblem(endpoint.url);
  if (refused) return { status: null, response: null, error: `Not sent: ${refused} (see the README's private-address rule)`, permanent: true };
  const headers = signedHeaders(await signingSecrets(endpoint, env.SECRETS_KEY, now), d.id, new Date(now), d.payload);
  let res: Response;
  try {
    // Redirects are not followed: the next hop would escape the address rule, and a receiver's URL should be its final one.
    res = await fetch(endpoint.url, { method: "POST", headers, body: d.payload, redirect: "manual", signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return { status: null, response: null, error: timedOut ? `No answer within ${ATTEMPT_TIMEOUT_MS / 1000} seconds` : "Could not connect" };
  }
  const response = await firstBytes(res).catch(() => "");
  const retryAfterS = res.status === 429 || res.status >= 500 ? parseRetryAfter(res.headers.get("Retry-After"), now) : null;
  const error = res.status >= 300 && res.status < 400 ? `Answered with a redirect (${res.status}${res.headers.get("Location") ? ` to ${res.headers.get("Location")}` : ""}); redirects are not followed` : null;
  return { status: res.status, retryAfterS, response, error };
}

/** A failed attempt: the endpoint is failing since now (unless already), or disabled once that is 3 days ago. */
async function endpointFailed(env: Env, db: Db, endpoint: EndpointRow, now: number): Promise<"disabled" | "failing"> {
  if (!failedTooLong(endpoint.failingSince, now)) {
    if (endpoint.failingSince === null) await db.update(webhookEndpoints).set({ failingSince: now }).where(and(eq(webhookEndpoints.id, endpoint.id), isNull(webhookEndpoints.failingSince)));
    return "failing";
  }
  const reason = "Every attempt failed for 3 days";
  const [disabled] = await db
    .update(webhookEndpoints)
    .set({ enabled: false, disabledAt: now, disabledReason: reason, updatedAt: now })
    .where(and(eq(webhookEndpoints.id, endpoint.id), eq(webhookEndpoints.enabled, true)))
    .returning({ id: webhookEndpoints.id });
  // Only the attempt that turned it off tells the admins.
  if (disabled) {
    await failWaiting(db, endpoint.id, "The endpoint was disabled");
    await env.Switchboard.getByName(endpoint.tenantId).integrationNotice({
      id: `webhook:${endpoint.id}:disabled:${now}`,
      title: `Webhook to ${hostOf(endpoint.url)} disabled`,
      body: `${reason}. An admin can turn it on again in Settings › Webhooks; its failed deliveries can be sent again from there.`,
      at: now,
    });
  }
  return "disabled";
}

/** Tries one delivery a queue message names, if the message is still its to try. */
export async function attemptDelivery(env: Env, message: Extract<OutboundMessage, { kind: "delivery" }>, now: number): Promise<Verdict> {
  const db = getDb(env.DB);
  // The delivery and its endpoint in one round trip.
  const found = await db
    .select({ d: webhookDeliveries, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .leftJoin(webhookEndpoints, and(eq(webhookEndpoints.id, webhookDeliveries.endpointId), eq(webhookEndpoints.tenantId, webhookDeliveries.tenantId)))
    .where(and(eq(webhookDeliveries.tenantId, message.tenantId), eq(webhookDeliveries.id, message.deliveryId)))
    .get();
  // Gone, finished, or redelivered since (a newer chain carries it): nothing for this message to do.
  if (!found || found.d.status !== "pending" || found.d.chain !== message.chain) return DONE;
  const { d, endpoint } = found;
  if (!endpoint || !endpoint.enabled) {
    await db.update(webhookDeliveries).set({ status: "failed", lastError: "The endpoint is disabled", nextAttemptAt: null }).where(eq(webhookDeliveries.id, d.id));
    return DONE;
  }
  // Early: a wait longer than Queues' longest delay comes back in parts.
  if (d.nextAttemptAt !== null && d.nextAttemptAt > now + 1000) return { retryInS: queueDelaySeconds(d.nextAttemptAt, now) };
  return attempt(env, db, d, endpoint, now);
}

const earlier = alias(webhookDeliveries, "earlier");

/**
 * Claims the delivery and tries it: the claim holds it for this attempt alone, and only while no
 * earlier event of the same call still waits for this endpoint (in order per call), all in one
 * statement. The endpoint and the delivery as last read are given: a new fan-out knows both.
 */
export async function attempt(env: Env, db: Db, d: DeliveryRow, endpoint: EndpointRow, now: number): Promise<Verdict> {
  const [claimed] = await db
    .update(webhookDeliveries)
    .set({ leaseUntil: now + LEASE_MS, attempts: sql`${webhookDeliveries.attempts} + 1`, lastAttemptAt: now })
    .where(
      and(
        eq(webhookDeliveries.id, d.id),
        eq(webhookDeliveries.chain, d.chain),
        eq(webhookDeliveries.status, "pending"),
        or(isNull(webhookDeliveries.leaseUntil), lt(webhookDeliveries.leaseUntil, now)),
        d.orderingKey === null
          ? undefined
          : notExists(
              db
                .select({ one: sql`1` })
                .from(earlier)
                .where(and(eq(earlier.endpointId, d.endpointId), eq(earlier.orderingKey, d.orderingKey), eq(earlier.status, "pending"), lt(earlier.ordinal, d.ordinal))),
            ),
      ),
    )
    .returning();
  if (!claimed) return notClaimed(db, d, now);

  const sent = await send(env, endpoint, claimed, now);
  const answer = { lastStatusCode: sent.status, lastResponse: sent.response, lastError: sent.error, leaseUntil: null };
  if (received(sent.status)) {
    // Delivered; the endpoint is well again; the call's next event for it, to wake: one round trip.
    const delivered = db.update(webhookDeliveries).set({ ...answer, status: "delivered", deliveredAt: now, nextAttemptAt: null }).where(eq(webhookDeliveries.id, d.id));
    const well = db.update(webhookEndpoints).set({ failingSince: null }).where(eq(webhookEndpoints.id, endpoint.id));
    const next = pendingInOrderQuery(db, d, "after");
    if (endpoint.failingSince !== null) await wake(env, (await db.batch([delivered, well, next]))[2]);
    else await wake(env, (await db.batch([delivered, next]))[1]);
    return DONE;
  }
  const next = sent.permanent ? null : nextAttemptAt(claimed.attempts, sent, now);
  await db
    .update(webhookDeliveries)
    .set({ ...answer, status: next === null ? "failed" : "pending", nextAttemptAt: next })
    .where(eq(webhookDeliveries.id, d.id));
  const health = await endpointFailed(env, db, endpoint, now);
  if (next === null) {
    const after = await pendingInOrder(db, d, "after");
    if (after) await wake(env, [after]);
  }
  if (next === null || health === "disabled") return DONE;
  return { retryInS: queueDelaySeconds(next, now) };
}

/** Why a claim found nothing to claim, and when to look again (if ever). */
async function notClaimed(db: Db, d: DeliveryRow, now: number): Promise<Verdict> {
  const current = await findDelivery(db, d.tenantId, d.id);
  if (!current || current.status !== "pending" || current.chain !== d.chain) return DONE;
  // Another attempt holds it: that one decides what comes next. But an attempt that died holding
  // it (its consumer failed after the claim) would leave it pending for ever: look again once the hold is over.
  if (current.leaseUntil !== null && current.leaseUntil > now) return { retryInS: queueDelaySeconds(current.leaseUntil, now) + 1 };
  // An earlier event of the same call still on its way to this endpoint goes first; when it is
  // done it wakes this one, and this look a little later is the backstop.
  const before = await pendingInOrder(db, current, "before");
  if (before) return { retryInS: Math.min(MAX_QUEUE_DELAY_S, Math.max(2, queueDelaySeconds(before.nextAttemptAt ?? now, now) + 1)) };
  // Free now (the earlier one finished meanwhile): try again at once.
  return { retryInS: 0 };
}

type WakeRow = { id: string; chain: number; tenantId: string };

/** The call's next event for this endpoint goes now that this one is done (delivered or given up on). */
async function wake(env: Env, next: WakeRow[]) {
  if (next.length > 0) await enqueue(env, wakeUps(next));
}
