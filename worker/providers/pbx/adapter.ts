/**
 * Any PBX (Asterisk, FreePBX, 3CX, a softphone or a CRM bridge) behind the telephony contract. The
 * PBX routes its calls itself; it posts each event of a call (ringing, answered, ended) to one JSON
 * webhook signed per Standard Webhooks, and is answered with who is calling, so its own display
 * can show the name as the popup does. No number shop: the numbers are the PBX's, added by hand.
 */
import * as z from "zod/mini";
import type { CallProgress, InboundEvent, InboundRequest, Parsed, CallerAdapter } from "../../../telephony/contract.ts";
import { eventTime, pbxEvent, type PbxEvent } from "./events.ts";
import { isWebhookSecret, verifyPbxSignature } from "./signature.ts";
import { pbxSimulator } from "./simulator.ts";
import { lazy } from "../../../schema/lazy.ts";

export const pbxCredentials = lazy(() => z.object({
  secret: z.string().check(z.maxLength(200), z.refine(isWebhookSecret, "must be a Standard Webhooks secret: whsec_ and the base64 of 24 to 64 random bytes")),
}));
export type PbxCredentials = z.infer<typeof pbxCredentials>;

/** The events name no account: a tenant has one PBX account, found by the dialled number. */
export const PBX_ACCOUNT = "pbx";

/** What each event says happened to the call, in the pipeline's words. */
function reportOf(event: PbxEvent): CallProgress {
  const at = eventTime(event.at);
  switch (event.type) {
    case "call.ringing":
      return { leg: "parent", legId: event.callId, status: "ringing", at };
    case "call.answered":
      // Someone (an extension) answered: what a dialled leg's answer is to the pipeline.
      return { leg: "dialled", legId: event.callId, status: "in-progress", at };
    case "call.ended":
      // The pipeline tells a completed call from a missed one by whether it was answered.
      return { leg: "parent", legId: event.callId, status: "completed", at };
    default: {
      const unreachable: never = event.type;
      throw new Error(`unhandled PBX event ${String(unreachable)}`);
    }
  }
}

export function parsePbx(path: string, request: InboundRequest): Parsed<InboundEvent> {
  if (path !== "events") return { ok: false, message: `No PBX webhook at ${path}` };
  let json: unknown;
  try {
    json = JSON.parse(request.body);
  } catch {
    return { ok: false, message: "Invalid PBX event: the body must be a JSON object" };
  }
  const result = pbxEvent.safeParse(json);
  if (!result.success) {
    const first = result.error.issues[0];
    return { ok: false, message: `Invalid PBX event: ${first ? `${first.path.join(".") || "body"}: ${first.message}` : "bad input"}` };
  }
  const event = result.data;
  // Every event names the call in full: whichever arrives first registers it.
  return { ok: true, value: { kind: "call", account: PBX_ACCOUNT, providerCallId: event.callId, from: event.from, to: event.to, forwardedFrom: null, report: reportOf(event) } };
}

export const pbx: CallerAdapter<PbxCredentials> = {
  id: "pbx",
  name: "PBX",
  routesItself: true,
  credentials: pbxCredentials,
  accountOf: () => PBX_ACCOUNT,
  describe: () => ({ signing: "Standard Webhooks" }),
  // One webhook for every event of a call.
  paths: { voice: "events", status: "events", callbacks: [] },
  parse: parsePbx,
  verify: async (request, credentials) => verifyPbxSignature(credentials.secret, request),
  caller: {
    contentType: "application/json; charset=utf-8",
    render: (caller) => JSON.stringify({ caller: { type: caller.type, name: caller.name, contactId: caller.contactId } }),
  },
  simulator: (credentials) => pbxSimulator(credentials.secret),
};
