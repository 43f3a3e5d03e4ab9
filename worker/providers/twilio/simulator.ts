/**
 * Twilio's side of a sandbox test call: the form webhooks Twilio would post for an inbound call that
 * nobody answers, signed with the account's auth token exactly as Twilio signs them, so the inbound
 * flow verifies, routes and logs them like any real call. Nothing here reaches Twilio.
 */
import type { CallSimulator, OutboundWebhook, SimulatedCall } from "../../../telephony/contract.ts";
import { randomBytes } from "../../lib/crypto.ts";
import { twilioSignature } from "./signature.ts";

/** Twilio writes ids as a two-letter prefix and 32 hex digits. */
function sid(prefix: string) {
  return prefix + [...randomBytes(16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function signedForm(authToken: string, url: string, params: Record<string, string>): Promise<OutboundWebhook> {
  const pairs = Object.entries(params);
  return {
    url,
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Twilio-Signature": await twilioSignature(authToken, url, pairs),
      "User-Agent": "TwilioProxy/1.1 (switchboard-sandbox)",
    },
    body: new URLSearchParams(pairs).toString(),
  };
}

export function twilioSimulator(accountSid: string, authToken: string): CallSimulator {
  const base = (call: SimulatedCall) => ({ AccountSid: accountSid, CallSid: call.providerCallId, From: call.from, To: call.to, Direction: "inbound", ApiVersion: "2010-04-01" });
  return {
    newCallId: () => sid("CA"),
    ring: (call, voiceUrl) => signedForm(authToken, voiceUrl, { ...base(call), CallStatus: "ringing" }),
    unanswered: (call, statusUrl) =>
      signedForm(authToken, statusUrl, {
        ...base(call),
        CallStatus: "no-answer",
        CallDuration: String(call.ringSeconds),
        SequenceNumber: "0",
        Timestamp: new Date(call.endsAt).toUTCString(),
      }),
  };
}
