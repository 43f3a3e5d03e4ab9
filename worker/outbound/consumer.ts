/**
 * The outbound queue's consumer: the Worker's own `queue()` handler. An event is fanned out into a
 * delivery per subscribed endpoint, each tried at once, and the SMS alerts an unanswered call gives
 * rise to. A delivery that must be tried again later, and each text, is then a message of its own,
 * acknowledged when done and retried (`message.retry({ delaySeconds })`) when its next attempt is due. Messages Queues gives up
 * on land in the dead-letter queue, whose consumer (this handler too) marks what they carried failed.
 */
import { and, eq } from "drizzle-orm";
import { smsAlerts, webhookDeliveries, webhookEndpoints } from "../../schema/db.ts";
import { getDb } from "../../schema/d1.ts";
import { outboundMessage, type QueuedMessage } from "../../schema/webhooks.ts";
import { attempt, attemptDelivery, DONE, type Verdict } from "./attempt.ts";
import { createDeliveries, wakeUps } from "./deliveries.ts";
import type { EndpointRow } from "./endpoints.ts";
import { enqueue } from "./queue.ts";
import { queueSmsAlerts, sendSmsAlert } from "./sms.ts";

/** The queues of wrangler.toml: where outbound work goes, and where Queues puts what it gave up on. */
export const OUTBOUND_QUEUE = "switchboard-outbound";
export const DEAD_LETTER_QUEUE = "switchboard-outbound-dead";

/** Events that may text staff (an unanswered call). */
const SMS_EVENTS = new Set(["call.missed", "voicemail.ready"]);


/**
 * Writes the event's deliveries and makes each one's first attempt here and now (a queue message
 * per delivery only when it must be tried again later): the common case, an endpoint that answers,
 * costs two D1 round trips to fan out, one to claim and one to record the answer.
 */
async function fanOut(env: Env, message: Extract<QueuedMessage, { kind: "event" }>, now: number, batch: BatchMemo): Promise<Verdict> {
  const { event } = message;
  const db = getDb(env.DB);
  const endpoints = await batch.endpointsOf(message.tenantId);
  const subscribed = endpoints.filter((e) => (event.endpointId ? e.id === event.endpointId : (e.events as string[]).includes(event.type)));
  const waiting = await createDeliveries(db, message.tenantId, event, subscribed, now);
  const texts = SMS_EVENTS.has(event.type) ? await queueSmsAlerts(env, message.tenantId, event.data, event.rang ?? [], now) : [];
  await enqueue(env, texts);
  const byId = new Map(subscribed.map((e) => [e.id, e]));
  await Promise.all(
    waiting.map(async (d) => {
      const endpoint = byId.get(d.endpointId);
      let verdict: Verdict;
      try {
        // An endpoint turned off since it was subscribed: a message of its own decides (it fails the delivery).
        verdict = endpoint ? await attempt(env, db, d, endpoint, now) : { retryInS: 0 };
      } catch (err) {
        // D1 failed this attempt: the delivery's own message tries again (and should that send fail
        // too, the event comes back and this fan-out finds the delivery still waiting).
        console.error("outbound: a first attempt failed; it will be retried", d.id, err);
        verdict = { retryInS: 30 };
      }
      if ("retryInS" in verdict) await enqueue(env, wakeUps([d]), verdict.retryInS);
    }),
  );
  return DONE;
}

/**
 * What the messages of one batch share: a tenant's enabled endpoints, read once for all its events
 * in the batch (as D1 had them when the batch began; the claim and the attempt read what changes).
 */
export type BatchMemo = { endpointsOf: (tenantId: string) => Promise<EndpointRow[]> };

export function batchMemo(env: Env): BatchMemo {
  const db = getDb(env.DB);
  const endpoints = new Map<string, Promise<EndpointRow[]>>();
  return {
    endpointsOf(tenantId) {
      let found = endpoints.get(tenantId);
      if (!found) {
        // A promise of the rows, read once: drizzle's query runs again at every `then` of its own.
        found = Promise.resolve(db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.enabled, true))));
        // A failed read is not remembered: the next message asks again.
        found.catch(() => endpoints.delete(tenantId));
        endpoints.set(tenantId, found);
      }
      return found;
    },
  };
}

export async function handleMessage(env: Env, message: QueuedMessage, now: number, batch: BatchMemo = batchMemo(env)): Promise<Verdict> {
  switch (message.kind) {
    case "event":
      return fanOut(env, message, now, batch);
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

/** The key a message's work must keep the order of: a call's events run one after another. */
function orderOf(m: Message<unknown>, parsed: QueuedMessage): { key: string; ordinal: number } {
  if (parsed.kind === "event" && parsed.event.orderingKey) return { key: `${parsed.tenantId}:${parsed.event.orderingKey}`, ordinal: parsed.event.ordinal };
  return { key: m.id, ordinal: 0 };
}

/**
 * The Worker's `queue()` handler, for the outbound queue and its dead-letter queue. A call's events
 * in one batch are handled one after another, in the call's order (so the second need not wait for
 * the first and come back later); everything else at once.
 */
export async function handleOutboundBatch(batch: MessageBatch<unknown>, env: Env) {
  const memo = batchMemo(env);
  const groups = new Map<string, { m: Message<unknown>; parsed: QueuedMessage; ordinal: number }[]>();
  for (const m of batch.messages) {
    const result = outboundMessage.safeParse(m.body);
    if (!result.success) {
      // Nothing we sent: retrying would not make it ours.
      console.error("outbound: a message that is not ours", result.error.message);
      m.ack();
      continue;
    }
    const { key, ordinal } = orderOf(m, result.data);
    const group = groups.get(key) ?? [];
    group.push({ m, parsed: result.data, ordinal });
    groups.set(key, group);
  }
  await Promise.all(
    [...groups.values()].map(async (group) => {
      for (const { m, parsed } of group.sort((a, b) => a.ordinal - b.ordinal)) await handleOne(env, batch.queue, m, parsed, memo);
    }),
  );
}

async function handleOne(env: Env, queue: string, m: Message<unknown>, message: QueuedMessage, memo: BatchMemo) {
  try {
    if (queue === DEAD_LETTER_QUEUE) {
      await deadLetter(env, message);
      m.ack();
      return;
    }
    const verdict = await handleMessage(env, message, Date.now(), memo);
    if ("retryInS" in verdict) m.retry({ delaySeconds: verdict.retryInS });
    else m.ack();
  } catch (err) {
    // D1 or the queue failed us: the message comes back (and, after max_retries, to the dead-letter queue).
    console.error("outbound: could not process a message; it will be retried", message.kind, err);
    m.retry({ delaySeconds: 30 });
  }
}
