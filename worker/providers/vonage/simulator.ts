/**
 * Vonage's side of a sandbox test call: the JSON webhooks Vonage would post for an inbound call
 * that nobody answers, each signed with the account's signature secret as Vonage signs them (a
 * JWT whose payload_hash is the body's SHA-256), so the inbound flow verifies, routes and logs them
 * like any real call. Nothing here reaches Vonage.
 */
import type { CallSimulator, OutboundWebhook } from "../../../telephony/contract.ts";
import { vonageJwt } from "./jwt.ts";
import { vonageNumber } from "./payloads.ts";

export async function signedJson(secret: string, applicationId: string, url: string, payload: Record<string, unknown>): Promise<OutboundWebhook> {
  const body = JSON.stringify(payload);
  return { url, headers: { "Content-Type": "application/json", Authorization: `Bearer ${await vonageJwt(secret, applicationId, body)}`, "User-Agent": "Vonage (switchboard-sandbox)" }, body };
}

/** The caller's leg id from the call's (conversation) id: the same UUID without "CON-". */
export const legOf = (conversationUuid: string) => conversationUuid.replace(/^CON-/, "");

export function vonageSimulator(applicationId: string, secret: string): CallSimulator {
  return {
    newCallId: () => `CON-${crypto.randomUUID()}`,
    ring: (call, answerUrl) =>
      signedJson(secret, applicationId, answerUrl, { from: vonageNumber(call.from), to: vonageNumber(call.to), uuid: legOf(call.providerCallId), conversation_uuid: call.providerCallId }),
    unanswered: (call, eventUrl) =>
      signedJson(secret, applicationId, eventUrl, {
        from: vonageNumber(call.from),
        to: vonageNumber(call.to),
        uuid: legOf(call.providerCallId),
        conversation_uuid: call.providerCallId,
        status: "unanswered",
        direction: "inbound",
        timestamp: new Date(call.endsAt).toISOString(),
        duration: String(call.ringSeconds),
      }),
  };
}
