/**
 * Plivo's side of a sandbox test call: the form webhooks Plivo would post for an inbound call that
 * nobody answers (to the answer URL, then the hangup URL of the number's application, each naming
 * the account as the URLs we configure do), signed with V3 exactly as Plivo signs them. Nothing
 * here reaches Plivo.
 */
import type { CallSimulator, OutboundWebhook, SimulatedCall } from "../../../telephony/contract.ts";
import { withAccount } from "./account-url.ts";
import { plivoSignature, requestNonce } from "./signature.ts";
import { plivoNumber } from "./xml.ts";

/** Plivo's headers on a signed form POST to `url`. */
export async function signedPlivoForm(authToken: string, url: string, params: Record<string, string>): Promise<OutboundWebhook> {
  const pairs = Object.entries(params);
  const body = new URLSearchParams(pairs).toString();
  const nonce = await requestNonce(url, body);
  const signature = await plivoSignature(authToken, url, pairs, nonce);
  return {
    url,
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Plivo-Signature-V3": signature,
      "X-Plivo-Signature-Ma-V3": signature,
      "X-Plivo-Signature-V3-Nonce": nonce,
      "User-Agent": "PlivoHTTP/1.0 (switchboard-sandbox)",
    },
    body,
  };
}

export function plivoSimulator(authId: string, authToken: string): CallSimulator {
  const base = (call: SimulatedCall) => ({ CallUUID: call.providerCallId, From: plivoNumber(call.from), To: plivoNumber(call.to), Direction: "inbound" });
  return {
    newCallId: () => crypto.randomUUID(),
    ring: (call, voiceUrl) => signedPlivoForm(authToken, withAccount(voiceUrl, authId), { ...base(call), CallStatus: "ringing" }),
    unanswered: (call, statusUrl) =>
      signedPlivoForm(authToken, withAccount(statusUrl, authId), {
        ...base(call),
        CallStatus: "no-answer",
        Duration: String(call.ringSeconds),
        BillDuration: "0",
        HangupCause: "NO_ANSWER",
        EndTime: new Date(call.endsAt).toISOString().slice(0, 19).replace("T", " "),
      }),
  };
}
