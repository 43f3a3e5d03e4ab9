/**
 * A PBX's side of a sandbox test call: the call.ringing and call.ended events a PBX would post for
 * a call nobody answers, signed with the account's secret as any Standard Webhooks sender signs
 * them, so the inbound flow verifies, identifies and logs them like a real call's.
 */
import type { CallSimulator, SimulatedCall } from "../../../telephony/contract.ts";
import { randomBytes } from "../../lib/crypto.ts";
import { signPbxWebhook } from "./signature.ts";

const hex = (bytes: number) => [...randomBytes(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

export function pbxSimulator(secret: string): CallSimulator {
  const event = (type: string, call: SimulatedCall, at: number) => JSON.stringify({ type, callId: call.providerCallId, from: call.from, to: call.to, at });
  return {
    newCallId: () => `sandbox-${hex(12)}`,
    ring: async (call, voiceUrl) => signPbxWebhook(secret, voiceUrl, event("call.ringing", call, Date.now()), `msg_${hex(12)}`, new Date()),
    // Sent when the caller gives up: signed for that moment, so it is fresh (within five minutes) when it arrives.
    unanswered: async (call, statusUrl) => signPbxWebhook(secret, statusUrl, event("call.ended", call, call.endsAt), `msg_${hex(12)}`, new Date(call.endsAt)),
  };
}
