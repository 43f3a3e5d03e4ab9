/**
 * Vonage's Voice API behind the telephony contract: its JSON webhooks (answer, events, the
 * results of the NCCO's actions) parsed into the pipeline's events, its signed-webhook JWT, NCCO,
 * and its number shop. A call is named by its `conversation_uuid`, which every leg of it shares:
 * a dialled leg's events then need no map back to the caller's leg.
 */
import * as z from "zod/mini";
import type { CallProgress, InboundEvent, InboundRequest, Parsed, ProgressStatus, TelephonyAdapter } from "../../../telephony/contract.ts";
import { bearer, unverifiedClaims, verifyVonageJwt } from "./jwt.ts";
import { renderNcco, renderWhisper } from "./ncco.ts";
import { VonageNumbers } from "./numbers.ts";
import { answerBody, e164, eventBody, eventTime, inputBody, recordBody, whisperBody, type EventBody, type VonageStatus } from "./payloads.ts";
import { vonageSimulator } from "./simulator.ts";
import { lazy } from "../../../schema/lazy.ts";

const uuid = lazy(() => z.string().check(z.regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "must be a Vonage application id (a UUID)")));

export const vonageCredentials = lazy(() => z.object({
  applicationId: uuid,
  /** Dashboard → Settings → Signature secret: the key of the webhooks' JWTs (HS256). */
  signatureSecret: z.string().check(z.minLength(8), z.maxLength(200)),
  /** The account's API key and secret, for the number shop; a sandbox account needs neither. */
  apiKey: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  apiSecret: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
}));
export type VonageCredentials = z.infer<typeof vonageCredentials>;

/** Vonage's call states in the pipeline's words. */
const STATUS: Record<VonageStatus, ProgressStatus> = {
  started: "initiated",
  ringing: "ringing",
  answered: "in-progress",
  completed: "completed",
  busy: "busy",
  timeout: "no-answer",
  unanswered: "no-answer",
  failed: "failed",
  rejected: "failed",
  cancelled: "canceled",
};

/** Statuses after which a dialled leg rings no more: the connect action is over. */
const LEG_ENDED: readonly VonageStatus[] = ["completed", "busy", "timeout", "unanswered", "failed", "rejected", "cancelled"];

/** A JSON body, read once per request. */
const bodies = new WeakMap<InboundRequest, unknown>();
function jsonOf(request: InboundRequest) {
  if (!bodies.has(request)) {
    let value: unknown;
    try {
      value = JSON.parse(request.body);
    } catch {
      value = undefined;
    }
    bodies.set(request, value);
  }
  return bodies.get(request);
}

function parseJson<T extends z.ZodMiniType>(schema: T, request: InboundRequest): Parsed<z.infer<T>> {
  const body = jsonOf(request);
  if (body === undefined) return { ok: false, message: "Invalid webhook: the body must be JSON" };
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  const first = result.error.issues[0];
  return { ok: false, message: `Invalid webhook: ${first ? `${first.path.join(".")}: ${first.message}` : "bad input"}` };
}

function map<T, U>(parsed: Parsed<T>, to: (value: T) => U | string): Parsed<U> {
  if (!parsed.ok) return parsed;
  const mapped = to(parsed.value);
  return typeof mapped === "string" ? { ok: false, message: mapped } : { ok: true, value: mapped };
}

/**
 * The application the request names (the JWT's `application_id`), NOT yet trusted: it names the
 * credentials `verify` checks it against. "" when there is none, which no account matches.
 */
function accountOf(request: InboundRequest) {
  const claimed = unverifiedClaims(bearer(request.headers))?.application_id;
  return typeof claimed === "string" && claimed.length <= 64 ? claimed : "";
}

function report(e: EventBody, leg: CallProgress["leg"]): CallProgress {
  return {
    leg,
    // The caller's leg is the call itself, as the pipeline names it.
    legId: leg === "parent" ? e.conversation_uuid : e.uuid,
    status: STATUS[e.status],
    at: eventTime(e.timestamp),
    durationSeconds: e.duration !== undefined && LEG_ENDED.includes(e.status) ? Number(e.duration) : undefined,
    number: leg === "dialled" && e.to ? e164(e.to) : undefined,
  };
}

/** The webhooks of a Vonage call, by the path the application or our NCCO names. */
export function parseVonage(path: string, request: InboundRequest): Parsed<InboundEvent> {
  const account = accountOf(request);
  switch (path) {
    case "answer":
      return map(parseJson(answerBody, request), (b): InboundEvent => ({ kind: "call", account, providerCallId: b.conversation_uuid, from: e164(b.from), to: e164(b.to), forwardedFrom: null }));
    case "event":
      // The application's event_url: the caller's leg (inbound), or a leg dialled by an NCCO that
      // named no eventUrl of its own (the fallback's).
      return map(parseJson(eventBody, request), (e): InboundEvent => {
        const leg = e.direction === "inbound" ? "parent" : "dialled";
        return { kind: "progress", account, providerCallId: e.conversation_uuid, report: report(e, leg), to: leg === "parent" && e.to ? e164(e.to) : undefined };
      });
    case "dial-ended":
      // A connect action's eventUrl (synchronous): every state of the dialled leg. Its end is the
      // dial step's end, unless more targets are still to ring in turn (`turn` of `of`): then
      // answering nothing lets the next connect run.
      return map(parseJson(eventBody, request), (e): InboundEvent | string => {
        if (e.direction !== "outbound") return "Invalid webhook: direction: a dialled leg is outbound";
        const query = new URL(request.url).searchParams;
        const more = Number(query.get("turn") ?? 1) < Number(query.get("of") ?? 1);
        const r = report(e, "dialled");
        const stepOver = LEG_ENDED.includes(e.status) && (e.status === "completed" || !more);
        return stepOver ? { kind: "dial-ended", account, providerCallId: e.conversation_uuid, report: r } : { kind: "progress", account, providerCallId: e.conversation_uuid, report: r };
      });
    case "gather":
      return map(parseJson(inputBody, request), (b): InboundEvent => ({ kind: "menu", account, providerCallId: b.conversation_uuid, digits: b.dtmf.digits && !b.dtmf.timed_out ? b.dtmf.digits : null }));
    case "recording":
      return map(parseJson(recordBody, request), (b): InboundEvent => ({ kind: "recording", account, providerCallId: b.conversation_uuid, url: b.recording_url ?? null }));
    case "voicemail-done":
      return map(parseJson(recordBody, request), (b): InboundEvent => ({ kind: "voicemail-done", account, providerCallId: b.conversation_uuid, url: b.recording_url ?? null }));
    case "whisper":
      return map(jsonOf(request) === undefined && request.body.trim() === "" ? { ok: true as const, value: {} } : parseJson(whisperBody, request), (): InboundEvent | string => {
        const text = new URL(request.url).searchParams.get("text");
        if (!text || text.length > 500) return "Invalid whisper: text is missing or longer than 500 characters";
        return { kind: "whisper", account, text };
      });
    default:
      return { ok: false, message: `No Vonage webhook at ${path}` };
  }
}

export const vonage: TelephonyAdapter<VonageCredentials> = {
  id: "vonage",
  name: "Vonage",
  credentials: vonageCredentials,
  accountOf: (credentials) => credentials.applicationId,
  describe: (credentials) => ({ applicationId: credentials.applicationId, ...(credentials.apiKey ? { apiKey: credentials.apiKey } : {}) }),
  paths: { voice: "answer", status: "event", callbacks: ["event", "dial-ended", "gather", "recording", "voicemail-done", "whisper"] },
  parse: parseVonage,
  verify: (request, credentials) => verifyVonageJwt(credentials.signatureSecret, credentials.applicationId, bearer(request.headers), request.body),
  markup: {
    contentType: "application/json",
    render: renderNcco,
    whisper: renderWhisper,
  },
  numbers: (credentials) => new VonageNumbers(credentials),
  simulator: (credentials) => vonageSimulator(credentials.applicationId, credentials.signatureSecret),
};
