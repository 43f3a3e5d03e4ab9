/**
 * Telnyx TeXML behind the telephony contract: its form webhooks parsed into the pipeline's events,
 * its Ed25519 signature, TeXML, its number shop (v2 API) and a sandbox's test calls.
 *
 * TeXML signs the body, not the URL, so a callback's `?tenant=` is unsigned: the account is what
 * binds a webhook to a tenant. Its `AccountSid` names the Telnyx account, and the public key that
 * verifies it is per account, so verify() accepts a body only when its AccountSid is the account of
 * the key that signed it: a webhook Telnyx signed for one account never acts on another's numbers,
 * even were two accounts to share a key.
 */
import * as z from "zod/mini";
import { unnamedDialLeg, type CallProgress, type InboundEvent, type InboundRequest, type Parsed, type RoutingAdapter } from "../../../telephony/contract.ts";
import { TELNYX_DEMO } from "./demo.ts";
import { accountOnly, ACCOUNT_SID, dialActionForm, gatherForm, recordingForm, statusForm, voiceForm, whisperForm } from "./forms.ts";
import { checkTelnyxAccount, TelnyxNumbers } from "./numbers.ts";
import { decodeBase64, verifyTelnyxSignature } from "./signature.ts";
import { telnyxSimulator } from "./simulator.ts";
import { renderTexml, renderTexmlWhisper } from "./texml.ts";
import { reportTime } from "../twilio/forms.ts";
import { lazy } from "../../../schema/lazy.ts";

const ed25519Key = (what: string) => z.string().check(z.trim(), z.refine((k) => decodeBase64(k)?.byteLength === 32, `must be ${what}: 32 bytes, base64`));

export const telnyxCredentials = lazy(() => z.object({
  /** The account's id as TeXML webhooks name it (AccountSid; Mission Control, account settings). */
  accountSid: z.pipe(z.string().check(z.trim(), z.regex(ACCOUNT_SID, "must be the Telnyx account id (a UUID, the AccountSid of its TeXML webhooks)")), z.transform((s) => s.toLowerCase())),
  /** Mission Control → Keys & Credentials → Public Key. */
  publicKey: ed25519Key("the account's Ed25519 public key"),
  /** For numbers bought and managed here, and the connection test; a sandbox needs none. */
  apiKey: z.optional(z.string().check(z.trim(), z.minLength(8), z.maxLength(200))),
  /** A sandbox's own signing key (a 32-byte Ed25519 seed), for its test calls: Telnyx never hands one out. */
  sandboxPrivateKey: z.optional(ed25519Key("an Ed25519 private key (seed)")),
}));
export type TelnyxCredentials = z.infer<typeof telnyxCredentials>;

/** A form body, read once per request (parse and verify both read it). */
const forms = new WeakMap<InboundRequest, Record<string, string>>();
function formOf(request: InboundRequest) {
  let form = forms.get(request);
  if (!form) forms.set(request, (form = Object.fromEntries(new URLSearchParams(request.body))));
  return form;
}

function parseForm<T extends z.ZodMiniType>(schema: T, request: InboundRequest): Parsed<z.infer<T>> {
  const result = schema.safeParse(formOf(request));
  if (result.success) return { ok: true, value: result.data };
  const first = result.error.issues[0];
  return { ok: false, message: `Invalid webhook form: ${first ? `${first.path.join(".")}: ${first.message}` : "bad input"}` };
}

function map<T, U>(parsed: Parsed<T>, to: (value: T) => U | string): Parsed<U> {
  if (!parsed.ok) return parsed;
  const mapped = to(parsed.value);
  return typeof mapped === "string" ? { ok: false, message: mapped } : { ok: true, value: mapped };
}

const account = (sid: string) => sid.toLowerCase();

/** The webhooks of a TeXML call, by the path the application or our TeXML names. */
export function parseTelnyx(path: string, request: InboundRequest): Parsed<InboundEvent> {
  switch (path) {
    case "voice":
      return map(parseForm(voiceForm, request), (f): InboundEvent => ({ kind: "call", account: account(f.AccountSid), providerCallId: f.CallSid, from: f.From, to: f.To, forwardedFrom: f.ForwardedFrom ?? null }));
    case "status":
    case "leg-status":
      return map(parseForm(statusForm, request), (f): InboundEvent | string => {
        const leg = path === "status" ? "parent" : "dialled";
        if (leg === "dialled" && !f.ParentCallSid) return "Invalid webhook form: ParentCallSid: required for a dialled leg";
        const report: CallProgress = { leg, legId: f.CallSid, status: f.CallStatus, at: reportTime(f.Timestamp), sequenceNumber: f.SequenceNumber, durationSeconds: f.CallDuration, number: leg === "dialled" ? f.To : undefined };
        return { kind: "progress", account: account(f.AccountSid), providerCallId: leg === "parent" ? f.CallSid : f.ParentCallSid!, report, to: leg === "parent" ? f.To : undefined };
      });
    case "dial-action":
      return map(parseForm(dialActionForm, request), (f): InboundEvent => ({
        kind: "dial-ended",
        account: account(f.AccountSid),
        providerCallId: f.CallSid,
        report: { leg: "dialled", legId: f.DialCallSid ?? unnamedDialLeg(f.CallSid), status: f.DialCallStatus === "answered" ? "completed" : f.DialCallStatus, at: Date.now(), durationSeconds: f.DialCallDuration },
      }));
    case "gather":
      return map(parseForm(gatherForm, request), (f): InboundEvent => ({ kind: "menu", account: account(f.AccountSid), providerCallId: f.CallSid, digits: f.Digits ? f.Digits : null }));
    case "recording":
      return map(parseForm(recordingForm, request), (f): InboundEvent => ({
        kind: "recording",
        account: account(f.AccountSid),
        providerCallId: f.CallSid,
        url: f.RecordingUrl && (f.RecordingStatus ?? "completed") === "completed" ? f.RecordingUrl : null,
      }));
    case "voicemail-done":
      return map(parseForm(recordingForm, request), (f): InboundEvent => ({ kind: "voicemail-done", account: account(f.AccountSid), providerCallId: f.CallSid, url: f.RecordingUrl ?? null }));
    case "whisper":
      return map(parseForm(whisperForm, request), (f): InboundEvent | string => {
        const text = new URL(request.url).searchParams.get("text");
        if (!text || text.length > 500) return "Invalid whisper: text is missing or longer than 500 characters";
        return { kind: "whisper", account: account(f.AccountSid), text };
      });
    default:
      return { ok: false, message: `No Telnyx webhook at ${path}` };
  }
}

/**
 * Telnyx signed this body with the account's key within five minutes of now, and the body is that
 * account's (its AccountSid): a key proves who signed, the AccountSid which account it is about.
 */
export async function verifyTelnyx(request: InboundRequest, credentials: TelnyxCredentials, now = Date.now()) {
  const form = accountOnly.safeParse(formOf(request));
  if (!form.success || account(form.data.AccountSid) !== credentials.accountSid.toLowerCase()) return false;
  return verifyTelnyxSignature(credentials.publicKey, request.body, request.headers.get("telnyx-signature-ed25519"), request.headers.get("telnyx-timestamp"), now);
}


export const telnyx: RoutingAdapter<TelnyxCredentials> = {
  id: "telnyx",
  name: "Telnyx",
  credentials: telnyxCredentials,
  accountOf: (credentials) => credentials.accountSid.toLowerCase(),
  describe: (credentials) => ({ accountSid: credentials.accountSid, publicKey: credentials.publicKey, apiKey: credentials.apiKey ? "saved" : "none" }),
  paths: { voice: "voice", status: "status", callbacks: ["status", "leg-status", "dial-action", "gather", "recording", "voicemail-done", "whisper"] },
  parse: parseTelnyx,
  verify: (request, credentials) => verifyTelnyx(request, credentials),
  markup: {
    contentType: "text/xml; charset=utf-8",
    render: renderTexml,
    whisper: renderTexmlWhisper,
  },
  check: (credentials) => checkTelnyxAccount(credentials.accountSid, credentials.apiKey),
  numbers: (credentials) => new TelnyxNumbers(credentials.apiKey),
  // A sandbox signs with its own private key; without one, the demo's (public) key signs, and a test
  // call to an account with another public key is refused like any forgery.
  simulator: (credentials) => telnyxSimulator(credentials.accountSid, credentials.sandboxPrivateKey ?? TELNYX_DEMO.privateKey),
};
