/**
 * Twilio's side of a sandbox test call: the form webhooks Twilio would post for an inbound call that
 * nobody answers, signed with the account's auth token exactly as Twilio signs them, so the inbound
 * flow verifies, routes and logs them like any real call. Nothing here reaches Twilio. SignalWire
 * posts the same forms under its own header and ids (SimulatorDialect).
 */
import type { CallSimulator, OutboundWebhook, SimulatedCall } from "../../../telephony/contract.ts";
import { randomBytes } from "../../lib/crypto.ts";
import { twilioSignature } from "./signature.ts";

/** Twilio writes ids as a two-letter prefix and 32 hex digits. */
function sid(prefix: string) {
  return prefix + [...randomBytes(16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** What differs between the providers that post these forms: the signature's header, call ids, the user agent. */
export type SimulatorDialect = { signatureHeader: string; newCallId: () => string; userAgent: string };
const TWILIO_SIMULATOR: SimulatorDialect = { signatureHeader: "X-Twilio-Signature", newCallId: () => sid("CA"), userAgent: "TwilioProxy/1.1 (switchboard-sandbox)" };

async function signedForm(dialect: SimulatorDialect, key: string, url: string, params: Record<string, string>): Promise<OutboundWebhook> {
  const pairs = Object.entries(params);
  return {
    url,
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      [dialect.signatureHeader]: await twilioSignature(key, url, pairs),
      "User-Agent": dialect.userAgent,
    },
    body: new URLSearchParams(pairs).toString(),
  };
}

/** `key`: what signs the webhooks (Twilio's auth token, SignalWire's signing key). */
export function twilioSimulator(accountSid: string, key: string, dialect: SimulatorDialect = TWILIO_SIMULATOR): CallSimulator {
  const base = (call: SimulatedCall) => ({ AccountSid: accountSid, CallSid: call.providerCallId, From: call.from, To: call.to, Direction: "inbound", ApiVersion: "2010-04-01" });
  return {
    newCallId: dialect.newCallId,
    ring: (call, voiceUrl) => signedForm(dialect, key, voiceUrl, { ...base(call), CallStatus: "ringing" }),
    unanswered: (call, statusUrl) =>
      signedForm(dialect, key, statusUrl, {
        ...base(call),
        CallStatus: "no-answer",
        CallDuration: String(call.ringSeconds),
        SequenceNumber: "0",
        Timestamp: new Date(call.endsAt).toUTCString(),
      }),
  };
}
