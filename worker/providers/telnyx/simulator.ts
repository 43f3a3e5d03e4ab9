/**
 * Telnyx's side of a sandbox test call: the TeXML webhooks Telnyx would post for an inbound call that
 * nobody answers, signed with Ed25519 as Telnyx signs them. Only a sandbox can do this: Telnyx keeps
 * its private keys, so the account must hold one of its own (the demo's is public). Nothing here reaches Telnyx.
 */
import type { CallSimulator, OutboundWebhook, SimulatedCall } from "../../../telephony/contract.ts";
import { randomBytes, toBase64Url } from "../../lib/crypto.ts";
import { telnyxSignatureHeaders } from "./signature.ts";

/** A call id as TeXML writes them: `v3:` and a url-safe token. */
export const telnyxCallId = () => `v3:${toBase64Url(randomBytes(30))}`;

export async function signedTexmlForm(privateKey: string, url: string, params: Record<string, string>, now = Date.now()): Promise<OutboundWebhook> {
  const body = new URLSearchParams(params).toString();
  return { url, headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "Telnyx Webhooks (switchboard-sandbox)", ...(await telnyxSignatureHeaders(privateKey, body, now)) }, body };
}

export function telnyxSimulator(accountSid: string, privateKey: string): CallSimulator {
  const base = (call: SimulatedCall) => ({ AccountSid: accountSid, CallSid: call.providerCallId, CallSidLegacy: call.providerCallId, From: call.from, To: call.to, Direction: "inbound", ApiVersion: "2010-04-01" });
  return {
    newCallId: telnyxCallId,
    ring: (call, voiceUrl) => signedTexmlForm(privateKey, voiceUrl, { ...base(call), CallStatus: "ringing" }),
    unanswered: (call, statusUrl) =>
      signedTexmlForm(privateKey, statusUrl, {
        ...base(call),
        CallStatus: "no-answer",
        CallbackSource: "call-progress-events",
        CallDuration: String(call.ringSeconds),
        SequenceNumber: "0",
        Timestamp: new Date(call.endsAt).toISOString(),
      }),
  };
}
