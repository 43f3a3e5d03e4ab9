/**
 * Plivo behind the telephony contract: its form webhooks parsed into the pipeline's events, its V3
 * request signature, Plivo XML, its number shop and its side of a sandbox test call. Plivo's
 * webhooks name no account, so every URL we hand it names one (`auth_id`, see `accountQuery`):
 * V3 signs the query, so after verification the name is Plivo's word.
 */
import * as z from "zod/mini";
import { unnamedDialLeg, type CallProgress, type InboundEvent, type InboundRequest, type Parsed, type ProgressStatus, type RoutingAdapter } from "../../../telephony/contract.ts";
import { ACCOUNT_PARAM } from "./account-url.ts";
import { authId, dialActionForm, dialEventForm, digitsForm, hangupForm, recordForm, voiceForm, whisperForm } from "./forms.ts";
import { PlivoNumbers } from "./numbers.ts";
import { verifyPlivoSignature } from "./signature.ts";
import { checkPlivoAccount } from "./account.ts";
import { plivoSimulator } from "./simulator.ts";
import { renderPlivoWhisper, renderPlivoXml } from "./xml.ts";
import { markupCallbacks } from "../xml-markup.ts";
import { lazy } from "../../../schema/lazy.ts";

export const plivoCredentials = lazy(() => z.object({
  authId,
  authToken: z.string().check(z.minLength(8), z.maxLength(200)),
}));
export type PlivoCredentials = z.infer<typeof plivoCredentials>;

/** A form body: every pair, in order, repeats kept (read once per request). */
const forms = new WeakMap<InboundRequest, [string, string][]>();
function formPairs(request: InboundRequest) {
  let pairs = forms.get(request);
  if (!pairs) {
    const read: [string, string][] = [];
    new URLSearchParams(request.body).forEach((value, name) => read.push([name, value]));
    forms.set(request, (pairs = read));
  }
  return pairs;
}

/** A form and the account its URL names. */
type Read<T> = { form: T; account: string };

function read<T extends z.ZodMiniType>(schema: T, request: InboundRequest, accountRequired = true): Parsed<Read<z.infer<T>>> {
  const named = new URL(request.url).searchParams.get(ACCOUNT_PARAM);
  const account = named === null ? null : authId.safeParse(named);
  if (account && !account.success) return { ok: false, message: `Invalid webhook URL: ${ACCOUNT_PARAM}: ${account.error.issues[0]?.message ?? "bad"}` };
  if (!account && accountRequired) return { ok: false, message: `Invalid webhook URL: it must name the Plivo account (?${ACCOUNT_PARAM}=)` };
  const result = schema.safeParse(Object.fromEntries(formPairs(request)));
  if (!result.success) {
    const first = result.error.issues[0];
    return { ok: false, message: `Invalid webhook form: ${first ? `${first.path.join(".")}: ${first.message}` : "bad input"}` };
  }
  return { ok: true, value: { form: result.data, account: account?.data ?? "" } };
}

function map<T, U>(parsed: Parsed<T>, to: (value: T) => U | string): Parsed<U> {
  if (!parsed.ok) return parsed;
  const mapped = to(parsed.value);
  return typeof mapped === "string" ? { ok: false, message: mapped } : { ok: true, value: mapped };
}

/** Plivo's "14155550104" as E.164; anything else (a SIP URI, "anonymous") as it came. */
export function e164(number: string) {
  const trimmed = number.trim();
  return /^\d{7,15}$/.test(trimmed) ? `+${trimmed}` : trimmed;
}

/** The caller's call, in the pipeline's words: a carrier's `timeout` is a failure, `cancel` the caller giving up. */
function callStatus(status: z.infer<typeof hangupForm>["CallStatus"]): ProgressStatus {
  return status === "timeout" ? "failed" : status === "cancel" ? "canceled" : status;
}

/** How a dial ended: its `timeout` is the ring timeout of <Dial timeout>, nobody answered. */
function dialStatus(status: z.infer<typeof dialActionForm>["DialStatus"]): ProgressStatus {
  return status === "timeout" ? "no-answer" : status === "cancel" ? "canceled" : status;
}

/** The webhooks of a Plivo call, by the path the number's application or our XML names. */
export function parsePlivo(path: string, request: InboundRequest): Parsed<InboundEvent> {
  switch (path) {
    case "voice":
      // The answer URL is found by the dialled number; a number pointed at us by hand may not name the account.
      return map(read(voiceForm, request, false), ({ form: f, account }): InboundEvent => ({
        kind: "call",
        account,
        providerCallId: f.CallUUID,
        from: e164(f.From),
        to: e164(f.To),
        forwardedFrom: f.ForwardedFrom ? e164(f.ForwardedFrom) : null,
      }));
    case "status":
      return map(read(hangupForm, request), ({ form: f, account }): InboundEvent => ({
        kind: "progress",
        account,
        providerCallId: f.CallUUID,
        report: { leg: "parent", legId: f.CallUUID, status: callStatus(f.CallStatus), at: Date.now(), durationSeconds: f.Duration },
        to: f.To ? e164(f.To) : undefined,
      }));
    case "leg-status":
      return map(read(dialEventForm, request), ({ form: f, account }): InboundEvent => {
        const ended = (f.DialBLegStatus ?? f.DialAction) === "hangup";
        const report: CallProgress = { leg: "dialled", legId: f.DialBLegUUID, status: ended ? "completed" : "in-progress", at: Date.now(), durationSeconds: ended ? f.DialBLegDuration : undefined, number: f.DialBLegTo ? e164(f.DialBLegTo) : undefined };
        return { kind: "progress", account, providerCallId: f.DialALegUUID ?? f.CallUUID, report, to: undefined };
      });
    case "dial-action":
      return map(read(dialActionForm, request), ({ form: f, account }): InboundEvent => ({
        kind: "dial-ended",
        account,
        providerCallId: f.CallUUID,
        report: { leg: "dialled", legId: f.DialBLegUUID || unnamedDialLeg(f.CallUUID), status: dialStatus(f.DialStatus), at: Date.now(), durationSeconds: f.DialBLegDuration },
      }));
    case "gather":
      return map(read(digitsForm, request), ({ form: f, account }): InboundEvent => ({ kind: "menu", account, providerCallId: f.CallUUID, digits: f.Digits ? f.Digits : null }));
    case "recording":
      return map(read(recordForm, request), ({ form: f, account }): InboundEvent => ({
        kind: "recording",
        account,
        providerCallId: f.CallUUID,
        url: f.RecordUrl && (f.RecordingDuration ?? 0) >= 0 ? f.RecordUrl : null,
      }));
    case "voicemail-done":
      return map(read(recordForm, request), ({ form: f, account }): InboundEvent => ({ kind: "voicemail-done", account, providerCallId: f.CallUUID, url: f.RecordUrl || null }));
    case "whisper":
      return map(read(whisperForm, request), ({ account }): InboundEvent | string => {
        const text = new URL(request.url).searchParams.get("text");
        if (!text || text.length > 500) return "Invalid whisper: text is missing or longer than 500 characters";
        return { kind: "whisper", account, text };
      });
    default:
      return { ok: false, message: `No Plivo webhook at ${path}` };
  }
}

export const plivo: RoutingAdapter<PlivoCredentials> = {
  id: "plivo",
  name: "Plivo",
  credentials: plivoCredentials,
  accountOf: (credentials) => credentials.authId,
  describe: (credentials) => ({ authId: credentials.authId }),
  accountQuery: (account) => ({ [ACCOUNT_PARAM]: account }),
  paths: { voice: "voice", status: "status", callbacks: ["status", "leg-status", "dial-action", "gather", "recording", "voicemail-done", "whisper"] },
  parse: parsePlivo,
  verify: (request, credentials) => verifyPlivoSignature(credentials.authToken, request.url, formPairs(request), request.headers),
  markup: {
    contentType: "text/xml; charset=utf-8",
    render: (decision, callback) => renderPlivoXml(decision, markupCallbacks(callback, decision)),
    whisper: renderPlivoWhisper,
  },
  numbers: (credentials) => new PlivoNumbers(credentials.authId, credentials.authToken),
  check: (credentials) => checkPlivoAccount(credentials.authId, credentials.authToken),
  simulator: (credentials) => plivoSimulator(credentials.authId, credentials.authToken),
};
