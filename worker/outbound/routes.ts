/**
 * /api/webhooks: an admin's endpoints for the business's events (webhooks:manage). Creating one
 * and rotating its secret answer the secret, once; after a rotation the old secret signs beside
 * the new one for 24 hours, so the receiver can switch without missing a delivery. Every change is
 * audited (worker/audit/log.ts), in words that never hold a secret.
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { and, count, eq, sql } from "drizzle-orm";
import * as z from "zod/mini";
import { webhookDeliveries, webhookEndpoints } from "../../schema/db.ts";
import { getDb } from "../../schema/d1.ts";
import { deliveryListQuery, TEST_EVENT_TYPE, webhookCreate, webhookUpdate } from "../../schema/webhooks.ts";
import { changesOf, noteAudit } from "../audit/note.ts";
import type { AppEnv } from "../env.ts";
import { encryptSecret } from "../lib/crypto.ts";
import { apiError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { privateAddressesAllowed, privateAddressProblem } from "./addresses.ts";
import { enqueue } from "./queue.ts";
import { createDeliveries, deliveryView, wakeUps, failWaiting, findDelivery, listDeliveries } from "./deliveries.ts";
import { endpointView, findEndpoint, hostOf, listEndpoints } from "./endpoints.ts";
import { newWebhookSecret } from "./sign.ts";
import { lazy } from "../../schema/lazy.ts";

/** A tenant's endpoints at most: each event is one delivery per endpoint. */
export const MAX_ENDPOINTS = 20;
/** How long a rotated-out secret keeps signing. */
export const PREVIOUS_SECRET_MS = 24 * 60 * 60 * 1000;

const idParam = lazy(() => z.object({ id: z.string().check(z.minLength(1), z.maxLength(100)) }));
const deliveryParam = lazy(() => z.object({ id: z.string().check(z.minLength(1), z.maxLength(100)), deliveryId: z.string().check(z.minLength(1), z.maxLength(100)) }));

/** A URL the deployment would refuse to send to, refused when it is saved (400, nothing written). */
function refusedUrl(c: Context<AppEnv>, url: string | undefined) {
  const problem = url === undefined || privateAddressesAllowed(c.env) ? null : privateAddressProblem(url);
  return problem ? apiError(c, 400, `Invalid json: url: ${problem}; webhooks go to public addresses only`, [{ path: "url", message: problem }]) : null;
}

export const webhookRoutes = lazy(() => new Hono<AppEnv>()
  .get("/", async (c) => {
    const rows = await listEndpoints(getDb(c.env.DB), c.get("auth").tenant.id);
    return c.json({ items: rows.map(endpointView) });
  })
  .post("/", validate("json", webhookCreate), async (c) => {
    const body = c.req.valid("json");
    const refused = refusedUrl(c, body.url);
    if (refused) return refused;
    const { tenant } = c.get("auth");
    const db = getDb(c.env.DB);
    const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.tenantId, tenant.id));
    if (n >= MAX_ENDPOINTS) return apiError(c, 409, `A business has at most ${MAX_ENDPOINTS} webhooks; delete one first`);
    const secret = newWebhookSecret();
    const now = Date.now();
    const [row] = await db
      .insert(webhookEndpoints)
      .values({
        id: `wh_${crypto.randomUUID().replace(/-/g, "")}`,
        tenantId: tenant.id,
        url: body.url,
        description: body.description,
        events: body.events,
        enabled: body.enabled,
        secretEncrypted: await encryptSecret(secret, c.env.SECRETS_KEY),
        createdAt: now,
        updatedAt: now,
        disabledAt: body.enabled ? null : now,
        disabledReason: body.enabled ? null : "Turned off",
      })
      .returning();
    noteAudit(c, { action: "webhook.created", targetType: "webhook", targetId: row!.id, summary: `Added a webhook to ${hostOf(body.url)} (${body.events.join(", ")})`, details: { url: body.url, events: body.events, enabled: body.enabled } });
    return c.json({ ...endpointView(row!), secret }, 201);
  })
  .get("/:id", validate("param", idParam), async (c) => {
    const row = await findEndpoint(getDb(c.env.DB), c.get("auth").tenant.id, c.req.valid("param").id);
    return row ? c.json(endpointView(row)) : apiError(c, 404, "No such webhook");
  })
  .patch("/:id", validate("param", idParam), validate("json", webhookUpdate), async (c) => {
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const { tenant } = c.get("auth");
    const before = await findEndpoint(db, tenant.id, c.req.valid("param").id);
    if (!before) return apiError(c, 404, "No such webhook");
    const refused = refusedUrl(c, body.url);
    if (refused) return refused;
    const now = Date.now();
    // Turned on again: its failure window starts afresh. Turned off: it says so, and what waits for it stops.
    const toggled = body.enabled === undefined || body.enabled === before.enabled ? {} : body.enabled ? { disabledAt: null, disabledReason: null, failingSince: null } : { disabledAt: now, disabledReason: "Turned off" };
    const [row] = await db
      .update(webhookEndpoints)
      .set({ ...body, ...toggled, updatedAt: now })
      .where(and(eq(webhookEndpoints.tenantId, tenant.id), eq(webhookEndpoints.id, before.id)))
      .returning();
    if (body.enabled === false && before.enabled) await failWaiting(db, before.id, "The endpoint was turned off");
    const { changes, text } = changesOf({ url: before.url, events: before.events, description: before.description, enabled: before.enabled }, body);
    noteAudit(c, { action: "webhook.updated", targetType: "webhook", targetId: before.id, summary: `Changed the webhook to ${hostOf(row!.url)}: ${text}`, details: { changes } });
    return c.json(endpointView(row!));
  })
  .delete("/:id", validate("param", idParam), async (c) => {
    const db = getDb(c.env.DB);
    const { tenant } = c.get("auth");
    const row = await findEndpoint(db, tenant.id, c.req.valid("param").id);
    if (!row) return apiError(c, 404, "No such webhook");
    // Its deliveries go with it (the foreign key cascades); queue messages still on their way find nothing and stop.
    await db.delete(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, tenant.id), eq(webhookEndpoints.id, row.id)));
    noteAudit(c, { action: "webhook.deleted", targetType: "webhook", targetId: row.id, summary: `Deleted the webhook to ${hostOf(row.url)}`, details: { url: row.url } });
    return c.body(null, 204);
  })
  .post("/:id/rotate-secret", validate("param", idParam), async (c) => {
    const db = getDb(c.env.DB);
    const { tenant } = c.get("auth");
    const before = await findEndpoint(db, tenant.id, c.req.valid("param").id);
    if (!before) return apiError(c, 404, "No such webhook");
    const secret = newWebhookSecret();
    const now = Date.now();
    const [row] = await db
      .update(webhookEndpoints)
      .set({ secretEncrypted: await encryptSecret(secret, c.env.SECRETS_KEY), previousSecretEncrypted: before.secretEncrypted, previousSecretExpiresAt: now + PREVIOUS_SECRET_MS, updatedAt: now })
      .where(and(eq(webhookEndpoints.tenantId, tenant.id), eq(webhookEndpoints.id, before.id)))
      .returning();
    noteAudit(c, { action: "webhook.secret_rotated", targetType: "webhook", targetId: before.id, summary: `Rotated the signing secret of the webhook to ${hostOf(before.url)} (the old one signs too for 24 hours)` });
    return c.json({ ...endpointView(row!), secret });
  })
  .post("/:id/test", validate("param", idParam), async (c) => {
    const db = getDb(c.env.DB);
    const { tenant } = c.get("auth");
    const endpoint = await findEndpoint(db, tenant.id, c.req.valid("param").id);
    if (!endpoint) return apiError(c, 404, "No such webhook");
    if (!endpoint.enabled) return apiError(c, 409, "This webhook is turned off; turn it on to send it a test event");
    const now = Date.now();
    const event = { id: `evt_${crypto.randomUUID().replace(/-/g, "")}`, type: TEST_EVENT_TYPE, at: now, data: { webhookId: endpoint.id, message: "A test event from Switchboard" }, orderingKey: null, ordinal: 0 } as const;
    await enqueue(c.env, wakeUps(await createDeliveries(db, tenant.id, event, [endpoint], now)));
    const delivery = await db.query.webhookDeliveries.findFirst({ where: and(eq(webhookDeliveries.eventId, event.id), eq(webhookDeliveries.endpointId, endpoint.id)) });
    return c.json(deliveryView(delivery!), 202);
  })
  .get("/:id/deliveries", validate("param", idParam), validate("query", deliveryListQuery), async (c) => {
    const db = getDb(c.env.DB);
    const { tenant } = c.get("auth");
    const endpoint = await findEndpoint(db, tenant.id, c.req.valid("param").id);
    if (!endpoint) return apiError(c, 404, "No such webhook");
    const q = c.req.valid("query");
    return c.json({ ...(await listDeliveries(db, tenant.id, endpoint.id, q)), limit: q.limit, offset: q.offset });
  })
  .post("/:id/deliveries/:deliveryId/redeliver", validate("param", deliveryParam), async (c) => {
    const db = getDb(c.env.DB);
    const { tenant } = c.get("auth");
    const { id, deliveryId } = c.req.valid("param");
    const endpoint = await findEndpoint(db, tenant.id, id);
    const delivery = endpoint ? await findDelivery(db, tenant.id, deliveryId) : null;
    if (!endpoint || !delivery || delivery.endpointId !== endpoint.id) return apiError(c, 404, "No such delivery");
    if (!endpoint.enabled) return apiError(c, 409, "This webhook is turned off; turn it on to send it deliveries again");
    // A new chain of attempts from now, with the same webhook-id; the old chain's messages find they are stale and stop.
    const [row] = await db
      .update(webhookDeliveries)
      .set({ status: "pending", attempts: 0, chain: sql`${webhookDeliveries.chain} + 1`, nextAttemptAt: Date.now(), leaseUntil: null })
      .where(eq(webhookDeliveries.id, delivery.id))
      .returning();
    await enqueue(c.env, [{ kind: "delivery", tenantId: tenant.id, deliveryId: row!.id, chain: row!.chain }]);
    noteAudit(c, { action: "webhook.redelivered", targetType: "webhook delivery", targetId: row!.id, summary: `Sent ${row!.eventType} (${row!.id}) to ${hostOf(endpoint.url)} again` });
    return c.json(deliveryView(row!), 202);
  }));
