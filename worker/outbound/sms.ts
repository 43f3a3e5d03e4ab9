/**
 * Texts to staff about unanswered calls. A user opts in on their profile (`smsAlerts`: calls that
 * rang their agent number, or every call of the business) and is texted at their agent number when
 * such a call is missed or leaves a voicemail: once per call (the ledger's unique index, whichever
 * of call.missed and voicemail.ready comes first), at most SMS_PER_WINDOW texts per user per
 * SMS_WINDOW_MS (the rest are recorded as rate-limited, not sent). The text goes out through the
 * provider account of the tracking number that was called, from that number; a sandbox account's
 * texts are recorded and not sent.
 */
import { and, count, eq, gt, inArray, isNotNull, isNull, ne } from "drizzle-orm";
import { liveCall, type LiveCall } from "../../schema/calls.ts";
import { providerAccounts, smsAlerts, tenants, trackingNumbers, users } from "../../schema/db.ts";
import { getDb, type Db } from "../../schema/d1.ts";
import { formatPhone } from "../../schema/phone.ts";
import type { OutboundMessage } from "../../schema/webhooks.ts";
import { ProviderError } from "../../telephony/contract.ts";
import { adapterOf, credentialsOf } from "../providers/index.ts";
import { DONE, type Verdict } from "./attempt.ts";

export const SMS_PER_WINDOW = 5;
export const SMS_WINDOW_MS = 10 * 60 * 1000;
/** Tries of a text the provider could not take for now (5xx, 429, no answer): 1, 2, 4 and 8 minutes apart. */
export const SMS_MAX_ATTEMPTS = 5;

/** The words of a text about `call`: what happened, who called, which line, and the call's page when the deployment knows its URL. */
export function smsText(call: LiveCall, country: string, publicUrl: string) {
  const what = call.voicemail === "left" ? "Voicemail" : "Missed call";
  const number = formatPhone(call.callerNumber, country);
  const who = call.callerName ? `${call.callerName} (${number})` : number;
  const line = call.trackingLabel || formatPhone(call.trackingNumber, country);
  const link = publicUrl ? ` ${publicUrl.replace(/\/$/, "")}/calls/${encodeURIComponent(call.id)}` : "";
  return `Switchboard: ${what} from ${who} to ${line}.${link}`;
}

/**
 * The alerts an unanswered call gives rise to, written to the ledger (once per call and user), and
 * the queue messages that send the ones within the rate limit.
 */
export async function queueSmsAlerts(env: Env, tenantId: string, data: unknown, rang: string[], now: number): Promise<OutboundMessage[]> {
  const parsed = liveCall.safeParse(data);
  if (!parsed.success) return [];
  const call = parsed.data;
  const db = getDb(env.DB);
  const subscribers = await db
    .select({ id: users.id, agentNumber: users.agentNumber, smsAlerts: users.smsAlerts })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), ne(users.smsAlerts, "off"), isNotNull(users.agentNumber), isNull(users.disabledAt)));
  // "mine": a call that rang the user's number at any step of its route (a hunt's first number too).
  const mine = new Set([...rang, ...(call.terminationNumber ? [call.terminationNumber] : [])]);
  const recipients = subscribers.filter((u) => u.smsAlerts === "all" || mine.has(u.agentNumber!));
  if (recipients.length === 0) return [];
  const tenant = await db.query.tenants.findFirst({ columns: { defaultCountry: true }, where: eq(tenants.id, tenantId) });
  const body = smsText(call, tenant?.defaultCountry ?? "US", env.PUBLIC_URL ?? "");
  for (const user of recipients) {
    const limited = (await sentLately(db, user.id, now)) >= SMS_PER_WINDOW;
    await db
      .insert(smsAlerts)
      .values({ id: `sms_${crypto.randomUUID().replace(/-/g, "")}`, tenantId, userId: user.id, callId: call.id, toNumber: user.agentNumber!, fromNumber: call.trackingNumber, body, status: limited ? "rate-limited" : "queued", createdAt: now })
      .onConflictDoNothing();
  }
  // Every text of this call not yet tried, those written by an earlier run of this fan-out included
  // (it failed before it could queue them); one tried already has its own message.
  const waiting = await db
    .select({ id: smsAlerts.id })
    .from(smsAlerts)
    .where(and(eq(smsAlerts.tenantId, tenantId), eq(smsAlerts.callId, call.id), eq(smsAlerts.status, "queued"), eq(smsAlerts.attempts, 0)));
  return waiting.map((a): OutboundMessage => ({ kind: "sms", tenantId, alertId: a.id }));
}

/** Texts the user was sent (or is about to be) in the window before `now`. */
async function sentLately(db: Db, userId: string, now: number) {
  const [row] = await db
    .select({ n: count() })
    .from(smsAlerts)
    .where(and(eq(smsAlerts.userId, userId), gt(smsAlerts.createdAt, now - SMS_WINDOW_MS), inArray(smsAlerts.status, ["queued", "sent", "sandbox"])));
  return row?.n ?? 0;
}

/** Sends one queued alert through the tracking number's provider account. */
export async function sendSmsAlert(env: Env, message: Extract<OutboundMessage, { kind: "sms" }>, now: number): Promise<Verdict> {
  const db = getDb(env.DB);
  const alert = await db.query.smsAlerts.findFirst({ where: and(eq(smsAlerts.tenantId, message.tenantId), eq(smsAlerts.id, message.alertId)) });
  if (!alert || alert.status !== "queued") return DONE;
  const finish = (fields: Partial<typeof smsAlerts.$inferInsert>) => db.update(smsAlerts).set(fields).where(eq(smsAlerts.id, alert.id));
  const [account] = await db
    .select({ provider: providerAccounts.provider, externalId: providerAccounts.externalId, credentialsEncrypted: providerAccounts.credentialsEncrypted, sandbox: providerAccounts.sandbox })
    .from(trackingNumbers)
    .innerJoin(providerAccounts, eq(providerAccounts.id, trackingNumbers.providerAccountId))
    .where(and(eq(trackingNumbers.tenantId, alert.tenantId), eq(trackingNumbers.number, alert.fromNumber ?? "")));
  if (!account) {
    await finish({ status: "failed", error: "The tracking number has no provider account to text from" });
    return DONE;
  }
  // The sandbox never calls a provider: the ledger is the record of what would have been sent.
  if (account.sandbox) {
    await finish({ status: "sandbox", sentAt: now, attempts: alert.attempts + 1 });
    return DONE;
  }
  const adapter = adapterOf(account.provider);
  const messenger = adapter?.messaging?.(await credentialsOf(adapter, account, env.SECRETS_KEY));
  if (!adapter || !messenger) {
    await finish({ status: "failed", error: `Switchboard does not send texts through ${adapter?.name ?? account.provider} yet` });
    return DONE;
  }
  // Claimed by its count of attempts: of two messages for one text (two fan-outs of one call at once), one sends.
  const attempts = alert.attempts + 1;
  const [claimed] = await db
    .update(smsAlerts)
    .set({ attempts })
    .where(and(eq(smsAlerts.id, alert.id), eq(smsAlerts.status, "queued"), eq(smsAlerts.attempts, alert.attempts)))
    .returning({ id: smsAlerts.id });
  if (!claimed) return DONE;
  try {
    const { providerMessageId } = await messenger.send({ from: alert.fromNumber!, to: alert.toNumber, body: alert.body });
    await finish({ status: "sent", sentAt: now, providerMessageId, attempts, error: null });
    return DONE;
  } catch (err) {
    const status = err instanceof ProviderError ? err.status : 503;
    const error = err instanceof Error ? err.message : String(err);
    const again = (status === 429 || status >= 500) && attempts < SMS_MAX_ATTEMPTS;
    await finish({ status: again ? "queued" : "failed", error, attempts });
    return again ? { retryInS: 60 * 2 ** (attempts - 1) } : DONE;
  }
}
