/**
 * Twilio's webhooks. The voice webhook is on the caller's critical path: whatever fails inside, it
 * answers within the budget with TwiML that dials the fail-safe or termination number.
 *
 *   POST /webhooks/twilio/voice        a call to a tracking number (tenant from `To`)
 *   POST /webhooks/twilio/status       the caller's call changed (set on the number; `?tenant=` or `To`)
 *   POST /webhooks/twilio/leg-status   a leg we dialled changed (named by the voice response)
 *   POST /webhooks/twilio/dial-action  a <Dial> ended; answers with the next step (named by the voice response)
 *   POST /webhooks/twilio/gather       a voice menu's key press (or none); answers with the chosen target
 *   POST /webhooks/twilio/whisper      what the answering person hears before the caller is connected
 *   POST /webhooks/twilio/recording    a call recording or voicemail is ready
 *   POST /webhooks/twilio/voicemail-done  the caller finished a voicemail; hangs up
 *
 * Every request is verified against the tenant's auth token before anything is read or written.
 */
import { Hono, type Context } from "hono";
import type { z } from "zod";
import type { CallProgress } from "../../party/calls.ts";
import type { Answer } from "../../party/pipeline.ts";
import { failsafeDecision, type RoutingDecision } from "../../party/routing.ts";
import { normaliseProviderNumber } from "../../schema/phone.ts";
import type { AppEnv } from "../env.ts";
import { getDb } from "../db.ts";
import { forgetRecent, lastKnownTracking, recentTracking, rememberTracking } from "../calls/last-known.ts";
import { findProviderAccount, lookupTracking, tenantOfTrackingNumber, type TrackingTarget } from "../calls/lookup.ts";
import { decryptSecret } from "../lib/crypto.ts";
import { issuesOf } from "../lib/errors.ts";
import { remember } from "../lib/remember.ts";
import { withTimeout } from "../lib/timeout.ts";
import { callbackQuery, dialActionForm, gatherForm, recordingForm, reportTime, statusForm, voiceForm, whisperForm } from "../providers/twilio/forms.ts";
import { verifyTwilioSignature } from "../providers/twilio/signature.ts";
import { renderTwiml, renderWhisper, type CallbackUrls } from "../providers/twilio/twiml.ts";

const PROVIDER = "twilio";
/** How long the caller may wait for our answer before the fail-safe answers instead. */
const DEFAULT_BUDGET_MS = 2000;
const LATE_REGISTRATION_MS = 10_000;

type C = Context<AppEnv>;

function twiml(c: C, xml: string) {
  return c.body(xml, 200, { "Content-Type": "text/xml; charset=utf-8" });
}

function refuse(c: C, status: 400 | 403, message: string) {
  return c.text(message, status);
}

const utf8 = new TextDecoder();

/** Reads a form body as Twilio signs it: every pair, in order, repeats kept. */
async function readForm(c: C) {
  const pairs: [string, string][] = [];
  // Bytes, decoded here: the runtime warns (and takes its time) when a form is read with .text().
  new URLSearchParams(utf8.decode(await c.req.arrayBuffer())).forEach((value, name) => pairs.push([name, value]));
  return pairs;
}

function parse<T extends z.ZodType>(schema: T, params: [string, string][]): { ok: true; data: z.infer<T> } | { ok: false; message: string } {
  const result = schema.safeParse(Object.fromEntries(params));
  if (result.success) return { ok: true, data: result.data };
  const first = issuesOf(result.error)[0];
  return { ok: false, message: `Invalid webhook form: ${first ? `${first.path}: ${first.message}` : "bad input"}` };
}

/** Auth tokens this isolate decrypted, by their sealed form (a changed token is a new key). */
const tokens = new Map<string, string>();

async function verified(c: C, encryptedToken: string, params: [string, string][]) {
  let token = tokens.get(encryptedToken);
  if (token === undefined) {
    token = await decryptSecret(encryptedToken, c.env.SECRETS_KEY);
    remember(tokens, encryptedToken, token, 1000);
  }
  return verifyTwilioSignature(token, c.req.url, params, c.req.header("X-Twilio-Signature"));
}

function callbackUrls(c: C, tenantId: string): CallbackUrls {
  const base = new URL(c.req.url);
  const url = (path: string) => `${base.origin}/webhooks/twilio/${path}?tenant=${encodeURIComponent(tenantId)}`;
  return {
    dialAction: url("dial-action"),
    legStatus: url("leg-status"),
    gather: url("gather"),
    voicemailDone: url("voicemail-done"),
    recording: url("recording"),
    whisper: (text) => `${url("whisper")}&text=${encodeURIComponent(text)}`,
  };
}

const APOLOGY = `<?xml version="1.0" encoding="UTF-8"?><Response><Say>We are sorry, your call cannot be connected right now. Please try again in a few minutes.</Say><Hangup/></Response>`;

/**
 * Phases of the voice webhook, reported in a Server-Timing header (the benchmark reads it). In the
 * Workers runtime the clock moves only across I/O, so the phases are D1 and Durable Object waits.
 */
function phases() {
  const marks: [string, number][] = [];
  let last = performance.now();
  return {
    mark(name: string) {
      const now = performance.now();
      marks.push([name, now - last]);
      last = now;
    },
    header: () => marks.map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`).join(", "),
  };
}

/** `recent`: remembered by this isolate, not read just now; `degraded`: D1 failed, an old answer stands in. */
type Lookup = { target: TrackingTarget | null; recent: boolean; degraded?: boolean };

/**
 * The dialled number's tenant and account: this isolate's lookup of the last minute, or D1's answer
 * (`fresh` skips the former). When D1 fails or is slow, the last answer it gave, however old.
 */
async function lookup(db: ReturnType<typeof getDb>, to: string, fresh: boolean, within: number): Promise<Lookup> {
  const recent = fresh ? null : recentTracking(to);
  if (recent) return { target: recent, recent: true };
  try {
    const target = await withTimeout(lookupTracking(db, to), within);
    rememberTracking(to, target);
    return { target, recent: false };
  } catch (err) {
    console.error("tracking number lookup failed; using the last known answer", err);
    return { target: lastKnownTracking(to), recent: false, degraded: true };
  }
}

async function voice(c: C) {
  const started = Date.now();
  const timing = phases();
  const budget = Number(c.env.VOICE_BUDGET_MS) || DEFAULT_BUDGET_MS;
  const remaining = () => budget - (Date.now() - started);
  const params = await readForm(c);
  const form = parse(voiceForm, params);
  if (!form.ok) return refuse(c, 400, form.message);
  const to = normaliseProviderNumber(form.data.To);
  if (!to) return refuse(c, 403, "Unknown tracking number");
  const db = getDb(c.env.DB);
  // Providers send E.164; a number without its "+" is read as North American.
  const callerNumber = normaliseProviderNumber(form.data.From);

  // A recent lookup is tried first; if the signature or the Switchboard disowns it, D1 is asked once.
  for (const fresh of [false, true]) {
    const { target, recent, degraded } = await lookup(db, to, fresh, remaining());
    timing.mark("lookup");
    // Without the tenant we can neither verify nor route: say so rather than leave the caller in silence.
    if (degraded && !target) return twiml(c, APOLOGY);
    if (!target) return refuse(c, 403, "Unknown tracking number");
    if (!target.account || target.account.provider !== PROVIDER) return refuse(c, 403, "This number does not take Twilio calls");
    let valid: boolean;
    try {
      valid = await verified(c, target.account.authTokenEncrypted, params);
    } catch (err) {
      // Unverified, the request may not learn the tenant's numbers: apologise without dialling.
      console.error("could not verify the voice webhook", err);
      return twiml(c, APOLOGY);
    }
    timing.mark("verify");
    if (!valid && recent) {
      forgetRecent(to); // the account's token may have changed
      continue;
    }
    if (!valid) return refuse(c, 403, "Invalid signature");

    const { tenant, tracking, campaign } = target;
    const route = {
      trackingNumber: tracking.number,
      routeId: tracking.routeId,
      terminationNumber: tracking.terminationNumber,
      failsafeNumber: tracking.failsafeNumber,
      whisper: tracking.whisper,
      record: tracking.record,
    };
    const incoming = {
      provider: PROVIDER,
      providerCallId: form.data.CallSid,
      callerNumber: callerNumber ?? form.data.From,
      trackingNumber: tracking.number,
      trackingNumberId: tracking.id,
      trackingLabel: tracking.label,
      campaignId: campaign?.id ?? null,
      campaignName: campaign?.name ?? null,
      startedAt: started,
      route,
      forwardedFrom: form.data.ForwardedFrom ? normaliseProviderNumber(form.data.ForwardedFrom, tenant.defaultCountry) : null,
    } as const;
    const urls = callbackUrls(c, tenant.id);
    let decision: RoutingDecision;
    try {
      // The Switchboard matches the caller, routes by the number's settings of this moment, and
      // pushes the call to the dashboards: one round trip.
      const registration = await withTimeout<Answer>(c.env.Switchboard.getByName(tenant.id).registerCall(incoming), remaining());
      timing.mark("switchboard");
      if ("notMine" in registration) {
        forgetRecent(to);
        if (recent) continue;
        return refuse(c, 403, "Unknown tracking number");
      }
      decision = registration.decision;
    } catch (err) {
      console.error("voice webhook fell back to the fail-safe", err);
      decision = failsafeDecision(route);
      // Best effort, after answering: let the dashboards see the call even though routing failed.
      const late: Promise<Answer> = c.env.Switchboard.getByName(tenant.id).registerCall({ ...incoming, failsafe: true });
      c.executionCtx.waitUntil(withTimeout(late, LATE_REGISTRATION_MS).catch((e: unknown) => console.error("late registration failed too", e)));
    }
    c.header("Server-Timing", timing.header());
    return twiml(c, renderTwiml(decision, urls));
  }
  return refuse(c, 403, "Unknown tracking number");
}

/**
 * Provider accounts, and tenants of tracking numbers, that recent callbacks needed, per isolate for a
 * minute: a call brings several callbacks and each would otherwise read the same row from D1. A
 * stale answer can only make a callback fail verification, never pass it (a changed auth token is
 * read again within a minute).
 */
const RECENT_MS = 60_000;
type Recent<T> = Map<string, { at: number; value: T }>;
const recentAccounts: Recent<Awaited<ReturnType<typeof findProviderAccount>>> = new Map();
const recentTenants: Recent<string | null> = new Map();

async function recently<T>(recent: Recent<T>, key: string, read: () => Promise<T>) {
  const hit = recent.get(key);
  if (hit && Date.now() - hit.at < RECENT_MS) return hit.value;
  const value = await read();
  remember(recent, key, { at: Date.now(), value }, 10_000);
  return value;
}

function providerAccount(db: ReturnType<typeof getDb>, tenantId: string, accountSid: string) {
  return recently(recentAccounts, `${tenantId}:${accountSid}`, () => findProviderAccount(db, tenantId, PROVIDER, accountSid));
}

/** The tenant a tracking number belongs to, for status callbacks that do not name it. */
function tenantOfNumber(db: ReturnType<typeof getDb>, number: string) {
  return recently(recentTenants, number, () => tenantOfTrackingNumber(db, number));
}

/** The tenant and provider account a callback belongs to, verified; or the response refusing it. */
async function verifyCallback(c: C, params: [string, string][], accountSid: string, to: string | undefined): Promise<{ refused: Response } | { refused?: undefined; tenantId: string }> {
  const db = getDb(c.env.DB);
  const query = callbackQuery.pick({ tenant: true }).safeParse({ tenant: c.req.query("tenant") });
  let tenantId: string | null = query.success ? query.data.tenant : null;
  if (!tenantId && to) {
    const number = normaliseProviderNumber(to);
    tenantId = number ? await tenantOfNumber(db, number) : null;
  }
  if (!tenantId) return { refused: refuse(c, 403, "Unknown tenant") };
  const account = await providerAccount(db, tenantId, accountSid);
  if (!account || !(await verified(c, account.authTokenEncrypted, params))) return { refused: refuse(c, 403, "Invalid signature") };
  return { tenantId };
}

/**
 * Reads and verifies a callback: its form parsed with `schema`, its signature checked against the
 * tenant's account. Answers the refusal itself (400, 403) when it is not valid.
 */
async function verifiedCallback<T extends z.ZodType<{ AccountSid: string }>>(c: C, schema: T, to?: (data: z.infer<T>) => string | undefined) {
  const params = await readForm(c);
  const form = parse(schema, params);
  if (!form.ok) return { refused: refuse(c, 400, form.message) };
  const check = await verifyCallback(c, params, form.data.AccountSid, to?.(form.data));
  if (check.refused) return { refused: check.refused };
  return { data: form.data, tenantId: check.tenantId, switchboard: c.env.Switchboard.getByName(check.tenantId) };
}

async function status(c: C, leg: "parent" | "dialled") {
  const v = await verifiedCallback(c, statusForm, (f) => (leg === "parent" ? f.To : undefined));
  if ("refused" in v) return v.refused;
  const f = v.data;
  if (leg === "dialled" && !f.ParentCallSid) return refuse(c, 400, "Invalid webhook form: ParentCallSid: required for a dialled leg");
  const report: CallProgress = {
    leg,
    legId: f.CallSid,
    status: f.CallStatus,
    at: reportTime(f.Timestamp),
    sequenceNumber: f.SequenceNumber,
    durationSeconds: f.CallDuration,
  };
  await v.switchboard.recordProgress(PROVIDER, leg === "parent" ? f.CallSid : f.ParentCallSid!, report);
  return c.body(null, 204);
}

async function dialAction(c: C) {
  const v = await verifiedCallback(c, dialActionForm);
  if ("refused" in v) return v.refused;
  const f = v.data;
  const report: CallProgress = {
    leg: "dialled",
    legId: f.DialCallSid ?? `${f.CallSid}:dial`,
    status: f.DialCallStatus === "answered" ? "completed" : f.DialCallStatus,
    at: Date.now(),
    durationSeconds: f.DialCallDuration,
  };
  const result = await v.switchboard.dialEnded(PROVIDER, f.CallSid, report);
  return twiml(c, renderTwiml(result.decision, callbackUrls(c, v.tenantId)));
}

async function gather(c: C) {
  const v = await verifiedCallback(c, gatherForm);
  if ("refused" in v) return v.refused;
  const result = await v.switchboard.menuAnswered(PROVIDER, v.data.CallSid, v.data.Digits ? v.data.Digits : null);
  return twiml(c, renderTwiml(result.decision, callbackUrls(c, v.tenantId)));
}

async function recording(c: C) {
  const v = await verifiedCallback(c, recordingForm);
  if ("refused" in v) return v.refused;
  if (v.data.RecordingUrl && (v.data.RecordingStatus ?? "completed") === "completed") await v.switchboard.recordingReady(PROVIDER, v.data.CallSid, v.data.RecordingUrl);
  return c.body(null, 204);
}

async function voicemailDone(c: C) {
  const v = await verifiedCallback(c, recordingForm);
  if ("refused" in v) return v.refused;
  if (v.data.RecordingUrl) await v.switchboard.recordingReady(PROVIDER, v.data.CallSid, v.data.RecordingUrl);
  await v.switchboard.recordProgress(PROVIDER, v.data.CallSid, { leg: "parent", legId: v.data.CallSid, status: "completed", at: Date.now() });
  return twiml(c, renderTwiml({ steps: [{ kind: "hangup" }] }));
}

async function whisper(c: C) {
  const v = await verifiedCallback(c, whisperForm);
  if ("refused" in v) return v.refused;
  const text = c.req.query("text");
  if (!text || text.length > 500) return refuse(c, 400, "Invalid whisper: text is missing or longer than 500 characters");
  return twiml(c, renderWhisper(text));
}

export const twilioWebhooks = new Hono<AppEnv>()
  .post("/voice", voice)
  .post("/status", (c) => status(c, "parent"))
  .post("/leg-status", (c) => status(c, "dialled"))
  .post("/dial-action", dialAction)
  .post("/gather", gather)
  .post("/recording", recording)
  .post("/voicemail-done", voicemailDone)
  .post("/whisper", whisper);
