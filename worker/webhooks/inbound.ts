/**
 * The webhooks of every provider, one flow for all: an adapter parses and verifies, this flow finds
 * the tenant and its account, hands the event to the tenant's Switchboard and answers in the
 * adapter's markup (or, to a provider that routes calls itself, with the caller). Mounted at
 * `/webhooks/<provider>/`, one sub-app per adapter.
 *
 *   <voice>      a call to a tracking number (tenant from the dialled number); on the caller's
 *                critical path: whatever fails inside, it answers within the budget with markup
 *                that dials the fail-safe or termination number. A provider that routes calls
 *                itself (a PBX) posts every event of a call here and is answered with who is
 *                calling: unknown, rather than late, when the Switchboard cannot say in time
 *   <callbacks>  what the number or the voice response names (`?tenant=`, or the tracking number)
 *   fallback     what the provider asks when our voice webhook fails: dials the number the URL
 *                names (sealed with SECRETS_KEY), with neither D1 nor the Durable Object
 *
 * Every request is verified against the account's credentials before anything is read or written.
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import * as z from "zod/mini";
import { getDb, type Db } from "../../schema/d1.ts";
import { normaliseProviderNumber } from "../../schema/phone.ts";
import {
  APOLOGY,
  failsafeDecision,
  failsafeTarget,
  HANG_UP,
  STEP_PARAM,
  UNKNOWN_CALLER,
  type Answer,
  type ArrivingCall,
  type Caller,
  type CallbackUrl,
  type InboundEvent,
  type InboundRequest,
  type RoutingAdapter,
  type RoutingDecision,
  type TelephonyAdapter,
} from "../../telephony/contract.ts";
import type { AppEnv } from "../env.ts";
import { forgetRecent, lastKnownTracking, recentTracking, rememberTracking } from "../calls/last-known.ts";
import { findProviderAccount, lookupTracking, tenantOfTrackingNumber, type TrackingTarget } from "../calls/lookup.ts";
import { remember } from "../lib/remember.ts";
import { withTimeout } from "../lib/timeout.ts";
import { credentialsOf, type StoredAccount } from "../providers/index.ts";
import { fallbackKey, verifyFallbackKey } from "./fallback.ts";
import { campaignEnded } from "../../schema/campaigns.ts";
import { lazy } from "../../schema/lazy.ts";

/** How long the caller may wait for our answer before the fail-safe answers instead. */
const DEFAULT_BUDGET_MS = 2000;
const LATE_REGISTRATION_MS = 10_000;

type C = Context<AppEnv>;
type Adapter = TelephonyAdapter<unknown>;
/** An adapter whose provider asks us where calls ring (markup), as opposed to one that routes them itself. */
type Router = RoutingAdapter<unknown>;

function refuse(c: C, status: 400 | 403, message: string) {
  return c.text(message, status);
}

/**
 * The one answer to a webhook we cannot vouch for, whatever the reason (an unknown number or tenant,
 * another provider's number, a bad signature): a different answer for each would tell anyone which
 * numbers are tracking numbers here.
 */
const NOT_VERIFIED = "Not a verified webhook for a number here";

function markup(c: C, adapter: Router, body: string) {
  return c.body(body, 200, { "Content-Type": adapter.markup.contentType });
}

/** The answer to a provider that routes calls itself: who is calling. */
function callerAnswer(c: C, adapter: Exclude<Adapter, Router>, caller: Caller) {
  return c.body(adapter.caller.render(caller), 200, { "Content-Type": adapter.caller.contentType });
}

/**
 * The answer to a call we cannot look up or verify right now: it may name nothing of the tenant.
 * The caller hears an apology (nothing is dialled); a provider that routes itself, an unknown caller.
 */
function unvouched(c: C, adapter: Adapter) {
  return adapter.routesItself ? callerAnswer(c, adapter, UNKNOWN_CALLER) : markup(c, adapter, adapter.markup.render(APOLOGY));
}

const utf8 = new TextDecoder();

/** The request as adapters read it. Bytes, decoded here: the runtime warns (and takes its time) when a form is read with .text(). */
async function inbound(c: C): Promise<InboundRequest> {
  return { url: c.req.url, headers: c.req.raw.headers, body: utf8.decode(await c.req.arrayBuffer()) };
}

async function verified(c: C, adapter: Adapter, request: InboundRequest, account: StoredAccount) {
  return adapter.verify(request, await credentialsOf(adapter, account, c.env.SECRETS_KEY));
}

/** Absolute URLs of the adapter's own webhook paths, naming the tenant (and the account, where the adapter asks). */
function callbackUrl(c: C, adapter: Router, tenantId: string, account: string): CallbackUrl {
  const origin = new URL(c.req.url).origin;
  const named = adapter.accountQuery?.(account) ?? {};
  return (path, query = {}) => {
    const extra = Object.entries({ ...named, ...query }).map(([k, v]) => `&${k}=${encodeURIComponent(v)}`).join("");
    return `${origin}/webhooks/${adapter.id}/${path}?tenant=${encodeURIComponent(tenantId)}${extra}`;
  };
}

/** Where a tracking number's provider sends its calls: our voice webhook, status callback and fallback. */
export async function numberWebhooks(adapter: Adapter, origin: string, tenantId: string, failsafe: { failsafeNumber: string | null; terminationNumber: string | null; number: string }, secretsKey: string) {
  const dial = failsafeTarget({ ...failsafe, trackingNumber: failsafe.number }) ?? "";
  const base = `${origin}/webhooks/${adapter.id}`;
  return {
    voiceUrl: `${base}/${adapter.paths.voice}`,
    statusCallbackUrl: `${base}/${adapter.paths.status}?tenant=${encodeURIComponent(tenantId)}`,
    fallbackUrl: `${base}/fallback?dial=${encodeURIComponent(dial)}&key=${await fallbackKey(adapter.id, dial, secretsKey)}`,
  };
}

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
async function lookup(db: Db, to: string, fresh: boolean, within: number): Promise<Lookup> {
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

async function voice(c: C, adapter: Adapter) {
  const started = Date.now();
  const timing = phases();
  const budget = Number(c.env.VOICE_BUDGET_MS) || DEFAULT_BUDGET_MS;
  const remaining = () => budget - (Date.now() - started);
  const request = await inbound(c);
  const parsed = adapter.parse(adapter.paths.voice, request);
  if (!parsed.ok) return refuse(c, 400, parsed.message);
  if (parsed.value.kind !== "call") return refuse(c, 400, "Not a new call");
  const event = parsed.value;
  const to = normaliseProviderNumber(event.to);
  if (!to) return refuse(c, 403, NOT_VERIFIED);
  const db = getDb(c.env.DB);
  // Providers send E.164; a number without its "+" is read as North American.
  const callerNumber = normaliseProviderNumber(event.from);

  // A recent lookup is tried first; if the signature or the Switchboard disowns it, D1 is asked once.
  for (const fresh of [false, true]) {
    const { target, recent, degraded } = await lookup(db, to, fresh, remaining());
    timing.mark("lookup");
    // Without the tenant we can neither verify nor route: say so rather than leave the caller in silence.
    if (degraded && !target) return unvouched(c, adapter);
    if (!target) return refuse(c, 403, NOT_VERIFIED);
    if (!target.account || target.account.provider !== adapter.id) return refuse(c, 403, NOT_VERIFIED);
    let valid: boolean;
    try {
      valid = await verified(c, adapter, request, target.account);
    } catch (err) {
      // Unverified, the request may not learn the tenant's numbers: apologise without dialling.
      console.error("could not verify the voice webhook", err);
      return unvouched(c, adapter);
    }
    timing.mark("verify");
    if (!valid && recent) {
      forgetRecent(to); // the account's credentials may have changed
      continue;
    }
    if (!valid) return refuse(c, 403, NOT_VERIFIED);

    const { tenant, tracking } = target;
    const startedAt = event.report?.at ?? started;
    // An ended campaign takes no more calls (schema/campaigns.ts); the Switchboard decides the same.
    const campaign = target.campaign && !campaignEnded(target.campaign.endsOn, startedAt, tenant.timeZone) ? target.campaign : null;
    const route = {
      trackingNumber: tracking.number,
      routeId: tracking.routeId,
      terminationNumber: tracking.terminationNumber,
      failsafeNumber: tracking.failsafeNumber,
      whisper: tracking.whisper,
      record: tracking.record,
    };
    const arriving: ArrivingCall = {
      provider: adapter.id,
      providerCallId: event.providerCallId,
      callerNumber: callerNumber ?? event.from,
      trackingNumber: tracking.number,
      trackingNumberId: tracking.id,
      trackingLabel: tracking.label,
      campaignId: campaign?.id ?? null,
      campaignName: campaign?.name ?? null,
      startedAt,
      route,
      forwardedFrom: event.forwardedFrom ? normaliseProviderNumber(event.forwardedFrom, tenant.defaultCountry) : null,
      ...(adapter.routesItself ? { unrouted: true, report: event.report } : {}),
    };
    let decision: RoutingDecision;
    try {
      // The Switchboard matches the caller, routes by the number's settings of this moment, and
      // pushes the call to the dashboards: one round trip.
      const registration = await withTimeout<Answer>(c.env.Switchboard.getByName(tenant.id).registerCall(arriving), remaining());
      timing.mark("switchboard");
      if ("notMine" in registration) {
        forgetRecent(to);
        if (recent) continue;
        return refuse(c, 403, NOT_VERIFIED);
      }
      if (adapter.routesItself) {
        c.header("Server-Timing", timing.header());
        const { callerType, callerName, contactId } = registration.call;
        return callerAnswer(c, adapter, { type: callerType, name: callerName, contactId });
      }
      decision = registration.decision;
    } catch (err) {
      console.error(adapter.routesItself ? "the caller could not be identified in time" : "voice webhook fell back to the fail-safe", err);
      // Best effort, after answering: let the dashboards see the call (and what happened to it) even so.
      const late: Promise<Answer> = c.env.Switchboard.getByName(tenant.id).registerCall(adapter.routesItself ? arriving : { ...arriving, failsafe: true });
      c.executionCtx.waitUntil(withTimeout(late, LATE_REGISTRATION_MS).catch((e: unknown) => console.error("late registration failed too", e)));
      if (adapter.routesItself) return callerAnswer(c, adapter, UNKNOWN_CALLER);
      // Even without the Switchboard, a call the fail-safe number forwarded back is not dialled again.
      decision = arriving.forwardedFrom && arriving.forwardedFrom === failsafeTarget(route) ? HANG_UP : failsafeDecision(route);
    }
    c.header("Server-Timing", timing.header());
    return markup(c, adapter, adapter.markup.render(decision, callbackUrl(c, adapter, tenant.id, target.account.externalId)));
  }
  return refuse(c, 403, NOT_VERIFIED);
}

/**
 * Provider accounts, and tenants of tracking numbers, that recent callbacks needed, per isolate for a
 * minute: a call brings several callbacks and each would otherwise read the same row from D1. A
 * stale answer can only make a callback fail verification, never pass it (changed credentials are
 * read again within a minute).
 */
const RECENT_MS = 60_000;
type Recent<T> = Map<string, { at: number; value: T }>;
const recentAccounts: Recent<StoredAccount | undefined> = new Map();
const recentTenants: Recent<string | null> = new Map();

async function recently<T>(recent: Recent<T>, key: string, read: () => Promise<T>) {
  const hit = recent.get(key);
  if (hit && Date.now() - hit.at < RECENT_MS) return hit.value;
  const value = await read();
  remember(recent, key, { at: Date.now(), value }, 10_000);
  return value;
}

const tenantQuery = lazy(() => z.object({ tenant: z.string().check(z.minLength(1), z.maxLength(100)) }));

/**
 * The step a dial step's end or a menu's answer is about, as our markup named it in the URL (STEP_PARAM); absent in
 * the URLs of markup no Switchboard numbered (the fail-safe) and of calls answered before steps
 * were numbered.
 */
const stepParam = lazy(() => z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1_000_000))));

/** The tenant a callback belongs to: named by its URL, else by the tracking number it is about. */
async function tenantOf(c: C, db: Db, event: InboundEvent) {
  const query = tenantQuery.safeParse({ tenant: c.req.query("tenant") });
  if (query.success) return query.data.tenant;
  const to = event.kind === "progress" && event.to ? normaliseProviderNumber(event.to) : null;
  return to ? recently(recentTenants, to, () => tenantOfTrackingNumber(db, to)) : null;
}

async function callback(c: C, adapter: Router, path: string) {
  const request = await inbound(c);
  const parsed = adapter.parse(path, request);
  if (!parsed.ok) return refuse(c, 400, parsed.message);
  const event = parsed.value;
  const db = getDb(c.env.DB);
  const tenantId = await tenantOf(c, db, event);
  if (!tenantId) return refuse(c, 403, NOT_VERIFIED);
  const account = await recently(recentAccounts, `${tenantId}:${adapter.id}:${event.account}`, () => findProviderAccount(db, tenantId, adapter.id, event.account));
  if (!account || !(await verified(c, adapter, request, account))) return refuse(c, 403, NOT_VERIFIED);

  const switchboard = c.env.Switchboard.getByName(tenantId);
  const render = (decision: RoutingDecision) => markup(c, adapter, adapter.markup.render(decision, callbackUrl(c, adapter, tenantId, account.externalId)));
  switch (event.kind) {
    case "call":
      return refuse(c, 400, "A new call goes to the voice webhook");
    case "progress":
      await switchboard.recordProgress(adapter.id, event.providerCallId, event.report);
      return c.body(null, 204);
    case "dial-ended":
    case "menu": {
      const step = stepParam.safeParse(c.req.query(STEP_PARAM));
      if (!step.success) return refuse(c, 400, `Invalid webhook URL: ${STEP_PARAM}: ${step.error.issues[0]?.message ?? "bad"}`);
      const answer = event.kind === "menu" ? await switchboard.menuAnswered(adapter.id, event.providerCallId, event.digits, step.data) : await switchboard.dialEnded(adapter.id, event.providerCallId, event.report, step.data);
      return render(answer.decision);
    }
    case "recording":
      if (event.url) await switchboard.recordingReady(adapter.id, event.providerCallId, event.url);
      return c.body(null, 204);
    case "voicemail-done":
      await switchboard.voicemailLeft(adapter.id, event.providerCallId, event.url, Date.now());
      return render(HANG_UP);
    case "whisper":
      return markup(c, adapter, adapter.markup.whisper(event.text));
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
    }
  }
}

const fallbackQuery = lazy(() => z.object({ dial: z.string().check(z.maxLength(32)), key: z.string().check(z.maxLength(100)) }));

/**
 * The provider's fallback when our voice webhook failed or timed out: dials the number sealed in its
 * URL at purchase, reading neither D1 nor the Durable Object. A URL we did not seal gets the apology.
 */
async function fallback(c: C, adapter: Router) {
  const query = fallbackQuery.safeParse({ dial: c.req.query("dial"), key: c.req.query("key") });
  const dial = query.success ? normaliseProviderNumber(query.data.dial) : null;
  if (!query.success || !dial || !(await verifyFallbackKey(adapter.id, dial, query.data.key, c.env.SECRETS_KEY).catch(() => false))) {
    return markup(c, adapter, adapter.markup.render(APOLOGY));
  }
  return markup(c, adapter, adapter.markup.render(failsafeDecision({ failsafeNumber: dial, terminationNumber: null, trackingNumber: "" })));
}

/** The webhooks of one provider, mounted at `/webhooks/<provider id>`. */
export function inboundWebhooks(adapter: Adapter) {
  const app = new Hono<AppEnv>().post(`/${adapter.paths.voice}`, (c) => voice(c, adapter));
  // A provider that routes calls itself says everything on its one webhook, and has no fallback to follow.
  if (adapter.routesItself) return app;
  for (const path of adapter.paths.callbacks) app.post(`/${path}`, (c) => callback(c, adapter, path));
  return app.post("/fallback", (c) => fallback(c, adapter));
}
