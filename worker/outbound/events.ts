/**
 * Events the API emits (a contact created or changed, call information saved): put on the outbound
 * queue after the answer (waitUntil), so no request waits on it. Call state events come from the
 * Switchboard instead (party/outbound.ts), which sees every change of a live call.
 */
import type { Context } from "hono";
import type { WebhookEventType } from "../../schema/webhooks.ts";
import type { AppEnv } from "../env.ts";
import { enqueue } from "./queue.ts";

/**
 * Last among a call's events: call information saved on a call goes after every state event of that
 * call already on its way (call.ended first, then call.info_saved), and no state event waits for it.
 */
export const AFTER_THE_CALL = Number.MAX_SAFE_INTEGER;

export function emitEvent(c: Context<AppEnv>, type: WebhookEventType, data: unknown, order?: { callId: string }) {
  const tenantId = c.get("auth").tenant.id;
  const event = { id: `evt_${crypto.randomUUID().replace(/-/g, "")}`, type, at: Date.now(), data, ...(order ? { orderingKey: `call:${order.callId}`, ordinal: AFTER_THE_CALL } : {}) };
  const queued = enqueue(c.env, [{ kind: "event", tenantId, event }]).catch((err: unknown) => console.error("outbound: could not queue", type, "for", tenantId, err));
  try {
    c.executionCtx.waitUntil(queued);
  } catch {
    // Called without an execution context (app.request in a test): the send runs on regardless.
  }
}
