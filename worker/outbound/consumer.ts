/**
 * The outbound queue's consumer: the Worker's own `queue()` handler. An event is fanned out into a
 * delivery per subscribed endpoint (and the SMS alerts an unanswered call gives rise to); each
 * delivery and each text is then a message of its own, acknowledged when done and retried
 * (`message.retry({ delaySeconds })`) when its next attempt is due later. Messages Queues gives up
 * on land in the dead-letter queue, whose consumer (this handler too) marks what they carried failed.
 */
import { and, eq } from "drizzle-orm";
import { smsAlerts, webhookDeliveries, webhookEndpoints } from "../../schema/db.ts";
import { getDb } from "../../schema/d1.ts";
import { outboundMessage, type QueuedMessage } from "../../schema/webhooks.ts";
import { attemptDelivery, DONE, type Verdict } from "./attempt.ts";
import { createDeliveries } from "./deliveries.ts";
import { enqueue } from "./queue.ts";
import { queueSmsAlerts, sendSmsAlert } from "./sms.ts";

/** The queues of wrangler.toml: where outbound work goes, and where Queues puts what it gave up on. */
export const OUTBOUND_QUEUE = "switchboard-outbound";
export const DEAD_LETTER_QUEUE = "switchboard-outbound-dead";

/** Events that may text staff (an unanswered call). */
const SMS_EVENTS = new Set(["call.missed", "voicemail.ready"]);


async function fanOut(env: Env, message: Extract<QueuedMessage, { kind: "event" }>, now: number): Promise<Verdict> {
  const { event } = message;
  const db = getDb(env.DB);
  const endpoints = await db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, message.tenantId), eq(webhookEndpoints.enabled, true)));
  const subscribed = endpoints.filter((e) => (event.endpointId ? e.id === event.endpointId : (e.events as string[]).includes(event.type)));
  const wake = await createDeliveries(db, message.tenantId, event, subscribed, now);
  const texts = SMS_EVENTS.has(event.type) ? await queueSmsAlerts(env, message.tenantId, event.data, now) : [];
  await enqueue(env, [...wake, ...texts]);
  return DONE;
}

export async function handleMessage(env: Env, message: QueuedMessage, now: number): Promise<Verdict> {
  switch (message.kind) {
    case "event":
      return fanOut(env, message, now);
    case "delivery":
      return attemptDelivery(env, message, now);
    case "sms":
      return sendSmsAlert(env, message, now);
    default: {
      const unreachable: never = message;
      throw new Error(`unknown outbound message ${JSON.stringify(unreachable)}`);
    }
  }
}

/** What Queues gave up on: the delivery or text it carried is failed, so the log says so. */
async function deadLetter(env: Env, message: QueuedMessage) {
  const db = getDb(env.DB);
  const why = "Given up: the outbound queue could not process it";
  if (message.kind === "delivery") await db.update(webhookDeliveries).set({ status: "failed", lastError: why, nextAttemptAt: null, leaseUntil: null }).where(and(eq(webhookDeliveries.id, message.deliveryId), eq(webhookDeliveries.status, "pending")));
  else if (message.kind === "sms") await db.update(smsAlerts).set({ status: "failed", error: why }).where(and(eq(smsAlerts.id, message.alertId), eq(smsAlerts.status, "queued")));
  else console.error("outbound: an event was never fanned out", message.tenantId, message.event.id, message.event.type);
}

/** The Worker's `queue()` handler, for the outbound queue and its dead-letter queue. */
export async function handleOutboundBatch(batch: MessageBatch<unknown>, env: Env) {
  await Promise.all(
    batch.messages.map(async (m) => {
      const parsed = outboundMessage.safeParse(m.body);
      if (!parsed.success) {
        // Nothing we sent: retrying would not make it ours.
        console.error("outbound: a message that is not ours", parsed.error.message);
        m.ack();
        return;
      }
      try {
        if (batch.queue === DEAD_LETTER_QUEUE) {
          await deadLetter(env, parsed.data);
          m.ack();
          return;
        }
        const verdict = await handleMessage(env, parsed.data, Date.now());
        if ("retryInS" in verdict) m.retry({ delaySeconds: verdict.retryInS });
        else m.ack();
      } catch (err) {
        // D1 or the queue failed us: the message comes back (and, after max_retries, to the dead-letter queue).
        console.error("outbound: could not process a message; it will be retried", parsed.data.kind, err);
        m.retry({ delaySeconds: 30 });
      }
    }),
  );
}
