/**
 * `POST /api/tracking-numbers/:id/test-call`: the sandbox places a call to one of its numbers so the
 * owner sees the popup before any real call comes in. The call is the provider's own webhooks, built
 * by the account's adapter and signed with the account's credentials, sent through the Worker's
 * inbound flow by the tenant's Switchboard, which also ends it when nobody answers (its alarm). A
 * real number is tested by calling it: nothing here may make a provider place or pay for a call.
 */
import type { Context } from "hono";
import { and, eq } from "drizzle-orm";
import * as z from "zod/mini";
import { normalisePhone } from "../../schema/phone.ts";
import { getDb } from "../../schema/d1.ts";
import { providerAccounts, trackingNumbers } from "../../schema/db.ts";
import type { SimulatedCall } from "../../telephony/contract.ts";
import type { AppEnv } from "../env.ts";
import { apiError } from "../lib/errors.ts";
import { adapterOf, credentialsOf } from "../providers/index.ts";
import { numberWebhooks } from "../webhooks/inbound.ts";
import { lazy } from "../../schema/lazy.ts";

/** The caller a test call comes from unless the body names one: fictional (555-01xx), never a person. */
export const TEST_CALLER = "+14155550199";
/** How long a test call rings before the caller gives up (the provider's dial timeout is 30 s). */
export const TEST_CALL_RING_SECONDS = 25;

export const testCallBody = lazy(() => z.object({
  from: z.optional(z.string().check(z.trim(), z.regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number like +14155550123"), z.refine((n) => normalisePhone(n) !== null, "is not a valid phone number"))),
}));

type C = Context<AppEnv>;

export async function placeTestCall(c: C, id: string, body: z.infer<typeof testCallBody>) {
  const { tenant } = c.get("auth");
  const db = getDb(c.env.DB);
  const found = await db
    .select({ tracking: trackingNumbers, account: providerAccounts })
    .from(trackingNumbers)
    .leftJoin(providerAccounts, eq(providerAccounts.id, trackingNumbers.providerAccountId))
    .where(and(eq(trackingNumbers.tenantId, tenant.id), eq(trackingNumbers.id, id)))
    .get();
  if (!found) return apiError(c, 404, "No such tracking number");
  const { tracking, account } = found;
  if (!account?.sandbox) return apiError(c, 409, `Test calls are for sandbox numbers; ${tracking.number} is a real number: test it by calling it from any phone`);
  const adapter = adapterOf(account.provider);
  if (!adapter?.simulator) return apiError(c, 409, `The ${adapter?.name ?? account.provider} sandbox cannot place test calls`);

  const simulator = adapter.simulator(await credentialsOf(adapter, account, c.env.SECRETS_KEY));
  // The URLs the number was pointed at when it was bought, as the provider would post to them.
  const webhooks = await numberWebhooks(adapter, new URL(c.req.url).origin, tenant.id, tracking, c.env.SECRETS_KEY);
  const call: SimulatedCall = {
    providerCallId: simulator.newCallId(),
    from: body.from ? normalisePhone(body.from)!.number : TEST_CALLER,
    to: tracking.number,
    ringSeconds: TEST_CALL_RING_SECONDS,
    endsAt: Date.now() + TEST_CALL_RING_SECONDS * 1000,
  };
  const placed = await c.env.Switchboard.getByName(tenant.id).placeTestCall({
    provider: adapter.id,
    providerCallId: call.providerCallId,
    trackingNumber: tracking.number,
    endsAt: call.endsAt,
    ring: await simulator.ring(call, webhooks.voiceUrl),
    end: await simulator.unanswered(call, webhooks.statusCallbackUrl),
  });
  if ("busy" in placed) {
    c.header("Retry-After", String(Math.max(1, Math.ceil((placed.endsAt - Date.now()) / 1000))));
    return apiError(c, 409, `A test call to ${tracking.number} is ringing already; place another once it ends`);
  }
  // The inbound flow refused a call we signed ourselves: ours to fix, not the client's.
  if ("refused" in placed) {
    console.error("the inbound flow refused a sandbox test call", placed.status, placed.message);
    return apiError(c, 502, `The test call was refused by the webhook (${placed.status}): ${placed.message}`);
  }
  return c.json({ callId: placed.callId, providerCallId: call.providerCallId, from: call.from, to: call.to, endsAt: call.endsAt }, 202);
}
