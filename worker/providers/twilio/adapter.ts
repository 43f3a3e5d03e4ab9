/**
 * Twilio behind the telephony contract: its form webhooks parsed into the pipeline's events, its
 * request signature, TwiML, its number shop and its messaging API (staff's missed-call texts). The
 * paths are the README's public contract.
 */
import * as z from "zod/mini";
import { unnamedDialLeg, type CallProgress, type InboundEvent, type InboundRequest, type Parsed, type RoutingAdapter } from "../../../telephony/contract.ts";
import { checkTwilioAccount } from "./account.ts";
import { reportTime, TWILIO_FORMS, type TwimlForms } from "./forms.ts";
import { TwilioMessages } from "./messages.ts";
import { TwilioNumbers } from "./numbers.ts";
import { verifyTwilioSignature } from "./signature.ts";
import { twilioSimulator } from "./simulator.ts";
import { renderTwiml, renderWhisper } from "./twiml.ts";
import { markupCallbacks } from "../xml-markup.ts";
import { lazy } from "../../../schema/lazy.ts";

export const twilioCredentials = lazy(() => z.object({
  accountSid: z.string().check(z.regex(/^AC[0-9a-fA-F]{32}$/, "must be a Twilio account SID (AC + 32 hex digits)")),
  authToken: z.string().check(z.minLength(8), z.maxLength(200)),
}));
export type TwilioCredentials = z.infer<typeof twilioCredentials>;

/** A form body as Twilio signs it: every pair, in order, repeats kept (read once per request). */
const forms = new WeakMap<InboundRequest, [string, string][]>();
export function formPairs(request: InboundRequest) {
  let pairs = forms.get(request);
  if (!pairs) {
    const read: [string, string][] = [];
    new URLSearchParams(request.body).forEach((value, name) => read.push([name, value]));
    forms.set(request, (pairs = read));
  }
  return pairs;
}

function parseForm<T extends z.ZodMiniType>(schema: T, request: InboundRequest): Parsed<z.infer<T>> {
  const result = schema.safeParse(Object.fromEntries(formPairs(request)));
  if (result.success) return { ok: true, value: result.data };
  const first = result.error.issues[0];
  return { ok: false, message: `Invalid webhook form: ${first ? `${first.path.join(".")}: ${first.message}` : "bad input"}` };
}

function map<T, U>(parsed: Parsed<T>, to: (value: T) => U | string): Parsed<U> {
  if (!parsed.ok) return parsed;
  const mapped = to(parsed.value);
  return typeof mapped === "string" ? { ok: false, message: mapped } : { ok: true, value: mapped };
}

/**
 * The webhooks of a call in TwiML's dialect of forms (Twilio's, or SignalWire's with its own ids),
 * by the path the voice response or the number names.
 */
export function twimlParser(forms: TwimlForms, providerName: string) {
  return (path: string, request: InboundRequest): Parsed<InboundEvent> => {
    // Read at each call, not when the parser is made: the forms are built at their first use (schema/lazy.ts).
    const { dialActionForm, gatherForm, recordingForm, statusForm, voiceForm, whisperForm } = forms;
    switch (path) {
      case "voice":
        return map(parseForm(voiceForm, request), (f): InboundEvent => ({ kind: "call", account: f.AccountSid, providerCallId: f.CallSid, from: f.From, to: f.To, forwardedFrom: f.ForwardedFrom ?? null }));
      case "status":
      case "leg-status":
        return map(parseForm(statusForm, request), (f): InboundEvent | string => {
          const leg = path === "status" ? "parent" : "dialled";
          if (leg === "dialled" && !f.ParentCallSid) return "Invalid webhook form: ParentCallSid: required for a dialled leg";
          const report: CallProgress = { leg, legId: f.CallSid, status: f.CallStatus, at: reportTime(f.Timestamp), sequenceNumber: f.SequenceNumber, durationSeconds: f.CallDuration, number: leg === "dialled" ? f.To : undefined };
          return { kind: "progress", account: f.AccountSid, providerCallId: leg === "parent" ? f.CallSid : f.ParentCallSid!, report, to: leg === "parent" ? f.To : undefined };
        });
      case "dial-action":
        return map(parseForm(dialActionForm, request), (f): InboundEvent => ({
          kind: "dial-ended",
          account: f.AccountSid,
          providerCallId: f.CallSid,
          report: { leg: "dialled", legId: f.DialCallSid ?? unnamedDialLeg(f.CallSid), status: f.DialCallStatus === "answered" ? "completed" : f.DialCallStatus, at: Date.now(), durationSeconds: f.DialCallDuration },
        }));
      case "gather":
        return map(parseForm(gatherForm, request), (f): InboundEvent => ({ kind: "menu", account: f.AccountSid, providerCallId: f.CallSid, digits: f.Digits ? f.Digits : null }));
      case "recording":
        return map(parseForm(recordingForm, request), (f): InboundEvent => ({
          kind: "recording",
          account: f.AccountSid,
          providerCallId: f.CallSid,
          url: f.RecordingUrl && (f.RecordingStatus ?? "completed") === "completed" ? f.RecordingUrl : null,
        }));
      case "voicemail-done":
        return map(parseForm(recordingForm, request), (f): InboundEvent => ({ kind: "voicemail-done", account: f.AccountSid, providerCallId: f.CallSid, url: f.RecordingUrl ?? null }));
      case "whisper":
        return map(parseForm(whisperForm, request), (f): InboundEvent | string => {
          const text = new URL(request.url).searchParams.get("text");
          if (!text || text.length > 500) return "Invalid whisper: text is missing or longer than 500 characters";
          return { kind: "whisper", account: f.AccountSid, text };
        });
      default:
        return { ok: false, message: `No ${providerName} webhook at ${path}` };
    }
  };
}

export const parseTwilio = twimlParser(TWILIO_FORMS, "Twilio");

/** The paths TwiML's callbacks name (markupCallbacks), and the number's voice and status webhooks. */
export const TWIML_PATHS = { voice: "voice", status: "status", callbacks: ["status", "leg-status", "dial-action", "gather", "recording", "voicemail-done", "whisper"] } as const;

export const twilio: RoutingAdapter<TwilioCredentials> = {
  id: "twilio",
  name: "Twilio",
  credentials: twilioCredentials,
  accountOf: (credentials) => credentials.accountSid,
  describe: (credentials) => ({ accountSid: credentials.accountSid }),
  // An account saved before migration 0001 sealed its auth token alone.
  legacyCredentials: (authToken, accountSid) => twilioCredentials.parse({ accountSid, authToken }),
  paths: TWIML_PATHS,
  parse: parseTwilio,
  verify: (request, credentials) => verifyTwilioSignature(credentials.authToken, request.url, formPairs(request), request.headers.get("X-Twilio-Signature") ?? undefined),
  markup: {
    contentType: "text/xml; charset=utf-8",
    render: (decision, callback) => renderTwiml(decision, markupCallbacks(callback, decision)),
    whisper: renderWhisper,
  },
  check: (credentials) => checkTwilioAccount(credentials.accountSid, credentials.authToken),
  numbers: (credentials) => new TwilioNumbers(credentials.accountSid, credentials.authToken),
  simulator: (credentials) => twilioSimulator(credentials.accountSid, credentials.authToken),
  messaging: (credentials) => new TwilioMessages(credentials.accountSid, credentials.authToken),
};
