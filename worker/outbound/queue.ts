/** The outbound queue's producer side: what the API, the consumer and a finished delivery put on it. */
import type { OutboundMessage } from "../../schema/webhooks.ts";

/** Sends messages to the outbound queue, at most 100 a batch (Queues' limit). */
export async function enqueue(env: Env, messages: OutboundMessage[], delaySeconds?: number) {
  for (let i = 0; i < messages.length; i += 100) {
    await env.OUTBOUND.sendBatch(messages.slice(i, i + 100).map((body) => ({ body, contentType: "json" as const, ...(delaySeconds ? { delaySeconds } : {}) })));
  }
}
