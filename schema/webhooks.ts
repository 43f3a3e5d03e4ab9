/**
 * Switchboard talking back: the events it sends to a business's own systems (Standard Webhooks),
 * the REST API's bodies for webhook endpoints, the messages on the outbound queue, and the "Open in
 * CRM" URL template. Shared by the Worker (which validates), the Switchboard (which emits call
 * events) and the dashboard (which will show and fill them in).
 */
import * as z from "zod/mini";
import { SMS_ALERT_CHOICES, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./constants.ts";
import { crmTemplateProblem } from "./crm.ts";
import { lazy } from "./lazy.ts";

export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./constants.ts";
export { crmTemplateProblem, crmUrl, CRM_PLACEHOLDERS, type CrmPlaceholder, type CrmValues } from "./crm.ts";
/** What "send test event" sends: to the one endpoint asked, whatever it subscribes to. */
export const TEST_EVENT_TYPE = "webhook.test";
export type OutboundEventType = WebhookEventType | typeof TEST_EVENT_TYPE;

/** The body of every delivery, as Standard Webhooks recommends: what happened, when (ISO 8601), and the thing as the API shows it. */
export type WebhookPayload = { type: OutboundEventType; timestamp: string; data: unknown };

/** An event before it is fanned out to the endpoints: its id names it in every delivery's record. */
export const outboundEvent = lazy(() => z.object({
  id: z.string().check(z.minLength(1), z.maxLength(100)),
  type: z.union([z.enum(WEBHOOK_EVENT_TYPES), z.literal(TEST_EVENT_TYPE)]),
  /** Epoch ms. */
  at: z.number().check(z.int()),
  data: z.unknown(),
  /** Events with the same key (a call's) reach each endpoint in `ordinal` order. */
  orderingKey: z._default(z.nullable(z.string().check(z.maxLength(200))), null),
  ordinal: z._default(z.number().check(z.int()), 0),
  /** Only this endpoint (a test event); otherwise every enabled endpoint subscribed to the type. */
  endpointId: z.optional(z.string().check(z.maxLength(100))),
  /** Every number a call's route rang, not only the last (whose texts are "mine"); not sent to endpoints. */
  rang: z.optional(z.array(z.string().check(z.maxLength(32))).check(z.maxLength(100))),
}));
export type OutboundEvent = z.input<typeof outboundEvent>;

/** What travels on the outbound queue. Small: the payloads live in D1, the queue carries what to do. */
export const outboundMessage = lazy(() => z.discriminatedUnion("kind", [
  /** An event happened: write a delivery per subscribed endpoint (and the SMS alerts it asks for), then wake each. */
  z.object({ kind: z.literal("event"), tenantId: z.string().check(z.minLength(1), z.maxLength(100)), event: outboundEvent }),
  /** Try this delivery (if it is still pending and this chain is its current one). */
  z.object({ kind: z.literal("delivery"), tenantId: z.string().check(z.minLength(1), z.maxLength(100)), deliveryId: z.string().check(z.minLength(1), z.maxLength(100)), chain: z.number().check(z.int(), z.minimum(0)) }),
  /** Send this SMS alert. */
  z.object({ kind: z.literal("sms"), tenantId: z.string().check(z.minLength(1), z.maxLength(100)), alertId: z.string().check(z.minLength(1), z.maxLength(100)) }),
]));
/** A message as a producer writes it, and as the consumer reads it (defaults filled in). */
export type OutboundMessage = z.input<typeof outboundMessage>;
export type QueuedMessage = z.output<typeof outboundMessage>;

// Webhook endpoints -----------------------------------------------------------------------------

const webhookUrl = lazy(() => z.pipe(z.string().check(z.trim(), z.maxLength(2000, "must be at most 2000 characters")), z.url({ protocol: /^https?$/, message: "must be an http or https URL" })).check(z.superRefine((u, ctx) => {
    // zod's URL check and the runtime's URL parser do not agree on every string: the one that sends decides.
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      ctx.addIssue({ code: "custom", message: "must be an http or https URL" });
      return;
    }
    if (url.username !== "" || url.password !== "") ctx.addIssue({ code: "custom", message: "must not carry a user name or password (the signature says who is sending)" });
  })));

const events = lazy(() => z.pipe(z.array(z.enum(WEBHOOK_EVENT_TYPES)).check(z.minLength(1, "subscribe to at least one event"), z.maxLength(WEBHOOK_EVENT_TYPES.length * 2)), z.transform((types) => [...new Set(types)])));

const description = lazy(() => z.pipe(z.nullish(z.string().check(z.trim(), z.maxLength(200, "must be at most 200 characters"))), z.transform((v) => (v ? v : null))));

export const webhookCreate = lazy(() => z.object({ url: webhookUrl, events, description, enabled: z._default(z.boolean(), true) }));
export type WebhookCreate = z.input<typeof webhookCreate>;

/** Only the fields sent change. Turning an endpoint on again starts its failure window afresh. */
export const webhookUpdate = lazy(() => z.partial(z.object({ url: webhookUrl, events, description, enabled: z.boolean() })).check(z.refine((v) => Object.values(v).some((x) => x !== undefined), "nothing to update")));
export type WebhookUpdate = z.input<typeof webhookUpdate>;

export const deliveryListQuery = lazy(() => z.object({
  status: z.optional(z.enum(["pending", "delivered", "failed"])),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)), 50),
  offset: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(1_000_000)), 0),
}));

// Open in CRM -----------------------------------------------------------------------------------

export const crmUrlTemplate = lazy(() => z.pipe(z.nullable(z.string().check(z.trim(), z.maxLength(2000, "must be at most 2000 characters"), z.superRefine((t, ctx) => {
    const problem = t === "" ? null : crmTemplateProblem(t);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }))), z.transform((t) => (t ? t : null))));

// SMS alerts ------------------------------------------------------------------------------------

export const smsAlertChoice = lazy(() => z.enum(SMS_ALERT_CHOICES));
