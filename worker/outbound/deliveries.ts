/**
 * Deliveries: one event on its way to one endpoint, in D1. Made when an event is fanned out (or a
 * test event is sent), tried by the outbound queue's consumer, listed and redelivered by the API.
 */
import { and, asc, count, desc, eq, gt, inArray, isNotNull, lt, or, sql, type SQL } from "drizzle-orm";
import { webhookDeliveries } from "../../schema/db.ts";
import type { Db } from "../../schema/d1.ts";
import type { OutboundMessage, WebhookPayload } from "../../schema/webhooks.ts";
import { outboundEvent } from "../../schema/webhooks.ts";
import type * as z from "zod/mini";
import type { EndpointRow } from "./endpoints.ts";

export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
type Event = z.output<typeof outboundEvent>;

/** A delivery as the API answers it: the payload as sent (parsed), and how it went. */
export function deliveryView(d: DeliveryRow) {
  return {
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    /** The HTTP status of the last answer, and its first 1 KB. */
    lastStatusCode: d.lastStatusCode,
    lastResponse: d.lastResponse,
    /** Why the last attempt had no answer (timeout, connection failed, refused address). */
    lastError: d.lastError,
    nextAttemptAt: d.status === "pending" ? d.nextAttemptAt : null,
    createdAt: d.createdAt,
    lastAttemptAt: d.lastAttemptAt,
    deliveredAt: d.deliveredAt,
    payload: JSON.parse(d.payload) as WebhookPayload,
  };
}

/** The exact text sent (and signed) for an event: `{ type, timestamp, data }`. */
export function payloadOf(event: Event): string {
  const payload: WebhookPayload = { type: event.type, timestamp: new Date(event.at).toISOString(), data: event.data };
  return JSON.stringify(payload);
}

const newDeliveryId = () => `msg_${crypto.randomUUID().replace(/-/g, "")}`;

/**
 * Writes a delivery of `event` per endpoint (once: a fan-out run again writes none twice) and
 * answers every one still waiting for its first attempt, those written before included (a fan-out
 * that failed between writing and trying finishes here, and so does an attempt that never wrote
 * down its answer): one round trip to D1.
 */
export async function createDeliveries(db: Db, tenantId: string, event: Event, endpoints: EndpointRow[], now: number): Promise<DeliveryRow[]> {
  if (endpoints.length === 0) return [];
  const payload = payloadOf(event);
  const inserts = endpoints.map((e) =>
    db
      .insert(webhookDeliveries)
      .values({ id: newDeliveryId(), tenantId, endpointId: e.id, eventId: event.id, eventType: event.type, payload, orderingKey: event.orderingKey, ordinal: event.ordinal, createdAt: now, nextAttemptAt: now })
      .onConflictDoNothing(),
  );
  // Never tried, or tried by an attempt that never wrote down how it went (its claim is still on it).
  const waiting = db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.eventId, event.id), eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.status, "pending"), or(eq(webhookDeliveries.attempts, 0), isNotNull(webhookDeliveries.leaseUntil))));
  const [first, ...rest] = inserts;
  const results = await db.batch([first!, ...rest, waiting]);
  return results.at(-1) as DeliveryRow[];
}

/** The queue messages that have these deliveries tried. */
export function wakeUps(deliveries: Pick<DeliveryRow, "tenantId" | "id" | "chain">[]): OutboundMessage[] {
  return deliveries.map((d) => ({ kind: "delivery", tenantId: d.tenantId, deliveryId: d.id, chain: d.chain }));
}

export async function findDelivery(db: Db, tenantId: string, id: string) {
  return (await db.query.webhookDeliveries.findFirst({ where: and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.id, id)) })) ?? null;
}

export async function listDeliveries(db: Db, tenantId: string, endpointId: string, q: { status?: DeliveryRow["status"] | undefined; limit: number; offset: number }) {
  const filters: SQL[] = [eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.endpointId, endpointId)];
  if (q.status) filters.push(eq(webhookDeliveries.status, q.status));
  const where = and(...filters);
  const [items, totals] = await Promise.all([
    db.select().from(webhookDeliveries).where(where).orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id)).limit(q.limit).offset(q.offset),
    db.select({ total: count() }).from(webhookDeliveries).where(where),
  ]);
  return { items: items.map(deliveryView), total: totals[0]?.total ?? 0 };
}

/**
 * Among the deliveries that must arrive in order (the same endpoint and key), the first still being
 * tried before this one (`before`: this one waits for it) or after it (`after`: the one this one,
 * once finished, wakes, instead of leaving it to its next look a few seconds on). As a query, to
 * run alone or in a batch: it answers no row or one.
 */
export function pendingInOrderQuery(db: Db, d: DeliveryRow, side: "before" | "after") {
  return db
    .select({ id: webhookDeliveries.id, chain: webhookDeliveries.chain, tenantId: webhookDeliveries.tenantId, nextAttemptAt: webhookDeliveries.nextAttemptAt })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.endpointId, d.endpointId),
        // A delivery without a key has nothing in order with it.
        d.orderingKey === null ? sql`0` : eq(webhookDeliveries.orderingKey, d.orderingKey),
        eq(webhookDeliveries.status, "pending"),
        side === "before" ? lt(webhookDeliveries.ordinal, d.ordinal) : gt(webhookDeliveries.ordinal, d.ordinal),
      ),
    )
    .orderBy(asc(webhookDeliveries.ordinal))
    .limit(1);
}

export async function pendingInOrder(db: Db, d: DeliveryRow, side: "before" | "after") {
  if (d.orderingKey === null) return null;
  return (await pendingInOrderQuery(db, d, side))[0] ?? null;
}

/** Marks every delivery of an endpoint that is still waiting as failed, with why (the endpoint was disabled or deleted). */
export async function failWaiting(db: Db, endpointId: string, why: string) {
  await db.update(webhookDeliveries).set({ status: "failed", lastError: why, nextAttemptAt: null }).where(and(eq(webhookDeliveries.endpointId, endpointId), inArray(webhookDeliveries.status, ["pending"])));
}
