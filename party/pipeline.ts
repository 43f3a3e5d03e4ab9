/**
 * What the Switchboard does with a call, as plain functions over its storage: register it and
 * route it, apply provider reports, continue the route when a dial or a menu ends, end the call,
 * notify, and say which calls must be written to the D1 call log. The Durable Object class only
 * wires these to its hooks.
 */
import { isMissed, isTerminal, voicemailAdvances, type CallerType, type LiveCall, type Notification, type VoicemailState } from "../schema/calls.ts";
import type { EventMessage, NewEvent } from "../schema/messages.ts";
import type { CallVisit } from "../schema/visits.ts";
import type { CallerIdentity } from "./callers.ts";
import { failsafeDecision, HANG_UP, ROUTED_BY_PROVIDER, unnamedDialLeg, type ArrivingCall, type CallProgress, type Registration, type RoutingDecision, type TrackingRoute } from "../telephony/contract.ts";
import { advance, expire, type CallMemory, type Transition } from "./calls.ts";
import { callNotification, noticeOf, type CallNotice } from "./notices.ts";
import { emitCallEvents, pruneCallEvents } from "./outbound.ts";
import {
  afterDial,
  afterGather,
  endsCall,
  hangup,
  labelOf,
  ringsAt,
  ringsForUs,
  routeOver,
  startRouting,
  type Counters,
  type RoutingConfig,
  type RoutingContext,
  type Routed,
} from "./routing.ts";
import * as store from "./store.ts";

export type PipelineContext = {
  sql: SqlStorage;
  now: number;
  /**
   * Sends an event (already given its seq) to every open dashboard, at the end of the operation: an
   * event sent again with the same seq before then replaces the first.
   */
  broadcast: (message: EventMessage) => void;
  /** The last event this operation emitted, when it was a call's. */
  lastCallEvent?: { seq: number; callId: string };
  /**
   * A call's change was held (see `emit`): the Switchboard sends held changes within a moment if
   * no other event carries them first.
   */
  held?: () => void;
  /** Set once this operation has sent the held changes (with its first event). */
  heldSent?: boolean;
};

/** A new call with who is calling, as the Switchboard found out, and the tenant's country (for the words of its notifications). */
export type IncomingCall = ArrivingCall & CallerIdentity & { country?: string; /** The website visit a pool number's call came from. */ visit?: CallVisit | null };

/** Calls a report ended (or changed after their end), to be written to the D1 call log. */
export type Effects = { toLog: LiveCall[] };

export const RINGING_STALE_MS = 60 * 60 * 1000;
export const ANSWERED_STALE_MS = 12 * 60 * 60 * 1000;
export const KEEP_ENDED_MS = 24 * 60 * 60 * 1000;
/** How long sticky routing remembers who answered a caller. */
export const STICKY_MS = 180 * 24 * 60 * 60 * 1000;

/**
 * Logs an event and sends it. A call changed twice in a row by one operation (a dial ends, and with
 * it the route and the call) is one event with the call as it ends up, not two a moment apart.
 */
function emit(ctx: PipelineContext, event: NewEvent) {
  // Held changes go first, in the same frame as this operation's events.
  if (!ctx.heldSent) sendHeld(ctx, event.type === "call" ? event.call.id : null);
  // This event carries the call as it is now, a held change of its own with it.
  if (event.type === "call") store.unholdCall(ctx.sql, event.call.id);
  const last = ctx.lastCallEvent;
  const message = event.type === "call" && last?.callId === event.call.id ? store.replaceEvent(ctx.sql, last.seq, event) : store.appendEvent(ctx.sql, event, ctx.now);
  ctx.lastCallEvent = event.type === "call" ? { seq: message.seq, callId: event.call.id } : undefined;
  // The business's webhooks hear of what the dashboards do (each event once per call), off this path.
  if (event.type === "call") emitCallEvents(ctx.sql, event.call, ctx.now);
  ctx.broadcast(message);
}

/**
 * Held changes. A change that only fills in a figure of a call (the talk time a dialled leg's end
 * brings a moment before the call's own end; the length the provider's final status brings a moment
 * after it) is kept, not sent on its own: the call's next event carries it (the end, a moment
 * later), or the next event of any call does, in the same frame, or the Switchboard sends it after
 * `HOLD_MS` when nothing else happened. On a busy line such a change costs the dashboards no frame
 * of its own; each still arrives as a call event with its seq, in the call's order.
 */
export const HOLD_MS = 1000;

/** Whether `after` differs from `before` only in the figures a held change may fill in. */
function fillsInFigures(before: LiveCall, after: LiveCall) {
  return JSON.stringify({ ...after, talkSeconds: before.talkSeconds, durationSeconds: before.durationSeconds }) === JSON.stringify(before);
}

/** Sends every held change as its call's event (the call `except` is about to send its own). */
function sendHeld(ctx: PipelineContext, except: string | null) {
  ctx.heldSent = true;
  for (const stored of store.takeHeldCalls(ctx.sql)) if (stored.call.id !== except) emit(ctx, { type: "call", call: stored.call });
}

/** The Switchboard's timer: sends the held changes no event has carried yet. */
export function releaseHeld(ctx: PipelineContext) {
  if (!ctx.heldSent) sendHeld(ctx, null);
}

function notify(ctx: PipelineContext, n: Notification) {
  if (store.putNotification(ctx.sql, n)) emit(ctx, { type: "notification", notification: n });
}

function notifyAbout(ctx: PipelineContext, stored: Pick<store.StoredCall, "call" | "memory">, notice: CallNotice) {
  notify(ctx, callNotification(stored.call, notice, stored.memory.country ?? "US", ctx.now));
}

/**
 * Writes a call's notifications again from what the call is now (its caller linked or recognised,
 * a message left after the call ended): the same ids, so nothing is counted twice and read marks
 * stay; each one that changed goes to the dashboards again, which put it in place of the old one.
 */
function renotify(ctx: PipelineContext, call: LiveCall, memory: CallMemory) {
  for (const old of store.notificationsOfCall(ctx.sql, call.id)) {
    const notice = noticeOf(call.id, old.id);
    if (!notice) continue;
    const fresh = callNotification(call, notice, memory.country ?? "US", old.at);
    if (JSON.stringify(fresh) === JSON.stringify(old)) continue;
    store.replaceNotification(ctx.sql, fresh);
    emit(ctx, { type: "notification", notification: fresh });
  }
}

/** Whether a routing decision takes the caller to voicemail. */
function reachesVoicemail(decision: RoutingDecision) {
  return decision.steps.some((s) => s.kind === "voicemail");
}

function counters(ctx: PipelineContext): Counters {
  return {
    take: (key) => store.takeSlot(ctx.sql, key),
    connections: (number) => store.connectionCount(ctx.sql, number),
    lastAnswered: (callerNumber) => store.lastAnswerer(ctx.sql, callerNumber),
  };
}

/** The numbers a dial step rings, with what people call them: the call's "rings at", and who answered once one does. */
function placesOf(config: RoutingConfig, numbers: string[]) {
  return numbers.map((number) => ({ number, label: labelOf(config, number) }));
}

function routingContext(ctx: PipelineContext, config: RoutingConfig, tracking: TrackingRoute, call: Pick<LiveCall, "callerNumber" | "callerType">, contactTags: string[]): RoutingContext {
  return { config, tracking, call: { callerNumber: call.callerNumber, callerType: call.callerType, contactTags }, counters: counters(ctx), now: ctx.now };
}

function contextOf(ctx: PipelineContext, config: RoutingConfig, stored: store.StoredCall) {
  return routingContext(ctx, config, stored.memory.tracking, stored.call, stored.memory.contactTags);
}

/**
 * Whether a call reaching us is one of our own coming back (a ring loop): forwarded by a number we
 * track or may ring (receiving, termination, fail-safe or agent number), or placed from a number we
 * are ringing right now (a number that forwards to a tracking number shows up as the caller).
 */
function comesBack(ctx: PipelineContext, config: RoutingConfig, route: TrackingRoute, callerNumber: string, forwardedFrom: string | null | undefined) {
  if (store.connectionCount(ctx.sql, callerNumber) > 0) return `${callerNumber} is being rung for another call`;
  if (forwardedFrom && ringsForUs(config, route, forwardedFrom)) return `forwarded back to us by ${forwardedFrom}`;
  return null;
}

/** The numbers a decision dials (a fail-safe call's, counted as calls in progress like a route's). */
function dialledBy(decision: RoutingDecision) {
  return decision.steps.flatMap((s) => (s.kind === "dial" ? s.targets.map((t) => t.number) : []));
}

/**
 * The Worker answered a call with the fail-safe after its registration here timed out, and that
 * registration landed anyway: the call is what the provider was told, the fail-safe dial, and
 * rings nowhere the route chose.
 */
function adoptFailsafe(ctx: PipelineContext, stored: store.StoredCall, route: TrackingRoute): Registration & Effects {
  const decision = failsafeDecision(route);
  const call: LiveCall = { ...stored.call, failsafe: true, terminationNumber: ringsAt(decision), ringsAtLabel: null };
  const ended = isTerminal(call.status);
  store.clearConnections(ctx.sql, call.id);
  if (!ended) store.addConnections(ctx.sql, call.id, dialledBy(decision));
  store.putCall(ctx.sql, { ...stored, call, decision, memory: { ...stored.memory, routing: routeOver(stored.memory.routing.tags) }, logPending: stored.logPending || ended, updatedAt: ctx.now });
  emit(ctx, { type: "call", call });
  return { call, decision, duplicate: true, toLog: ended ? [call] : [] };
}

/**
 * Registers a new call and decides where it rings, then applies the report its webhook brought (a
 * provider that routes calls itself reports every step on the call's one webhook, in any order: the
 * first of them registers the call). A provider's retry of the same call gets the same decision
 * back and changes nothing; the Worker's late fail-safe registration of a call it registered once
 * already (that registration timed out) makes it the fail-safe call it became.
 */
export function register(ctx: PipelineContext, input: IncomingCall, config: RoutingConfig): Registration & Effects {
  const registered = registerOnce(ctx, input, config);
  if (!input.report) return registered;
  const reported = progress(ctx, input.provider, input.providerCallId, input.report);
  return { ...registered, call: reported.call ?? registered.call, toLog: reported.toLog.length ? reported.toLog : registered.toLog };
}

function registerOnce(ctx: PipelineContext, input: IncomingCall, config: RoutingConfig): Registration & Effects {
  const existing = store.getCallByProviderId(ctx.sql, input.provider, input.providerCallId);
  if (existing && input.failsafe && !existing.call.failsafe) return adoptFailsafe(ctx, existing, input.route);
  if (existing) return { call: existing.call, decision: existing.decision, duplicate: true, toLog: [] };

  const { route, failsafe, unrouted, report, contactTags, forwardedFrom, country, ...fields } = input;
  const base = { callerNumber: fields.callerNumber, callerType: fields.callerType };
  // A call its provider routes rings nowhere we chose: it cannot loop back through us.
  const loop = failsafe || unrouted ? null : comesBack(ctx, config, route, fields.callerNumber, forwardedFrom);
  const fallback = failsafe ? failsafeDecision(route) : null;
  const routed: Routed = unrouted
    ? { decision: ROUTED_BY_PROVIDER, state: routeOver() }
    : fallback
      ? // The number the fail-safe rings counts as rung, so a call it forwards back to us is caught.
        { decision: fallback, state: { ...routeOver(), dialling: dialledBy(fallback) } }
      : loop
        ? hangup(`${loop} (a ring loop)`)
        : startRouting(routingContext(ctx, config, route, base, contactTags));
  // The call's first decision is its step 1 (the fail-safe's is the Worker's, numbered by nobody).
  const decision = fallback || unrouted ? routed.decision : { ...routed.decision, step: 1 };
  let call: LiveCall = {
    ...fields,
    id: crypto.randomUUID(),
    status: "ringing",
    terminationNumber: ringsAt(decision),
    ringsAtLabel: labelOf(config, ringsAt(decision)),
    answeredAt: null,
    endedAt: null,
    durationSeconds: null,
    talkSeconds: null,
    failsafe: failsafe ?? false,
    tags: routed.state.tags,
    recordingUrl: null,
    voicemail: reachesVoicemail(decision) ? "reached" : null,
    answeredBy: null,
  };
  const memory: CallMemory = { dialOutcome: null, sequences: {}, routing: routed.state, tracking: route, contactTags, ringing: placesOf(config, routed.state.dialling), rang: routed.state.dialling, ...(country ? { country } : {}) };
  // A call that cannot be put through at all ends at once, as failed (its provider puts it through itself).
  const putThrough = unrouted || decision.steps.some((s) => s.kind !== "hangup");
  if (!putThrough) call = { ...call, status: "failed", endedAt: ctx.now, durationSeconds: 0 };
  const ended = isTerminal(call.status);
  store.putCall(ctx.sql, { call, memory, decision, logPending: ended, updatedAt: ctx.now });
  if (!ended) store.addConnections(ctx.sql, call.id, routed.state.dialling);
  emit(ctx, { type: "call", call });
  notifyAbout(ctx, { call, memory }, "incoming");
  if (ended) endEffects(ctx, { call, memory });
  return { call, decision, duplicate: false, toLog: ended ? [call] : [] };
}

function endEffects(ctx: PipelineContext, stored: Pick<store.StoredCall, "call" | "memory">) {
  store.clearConnections(ctx.sql, stored.call.id);
  notifyAbout(ctx, stored, isMissed(stored.call.status) ? "missed" : "completed");
}

function commit(ctx: PipelineContext, stored: store.StoredCall, t: Transition): Effects {
  if (!t.changed) {
    if (t.memory !== stored.memory) store.putCall(ctx.sql, { ...stored, memory: t.memory });
    return { toLog: [] };
  }
  store.putCall(ctx.sql, { ...stored, call: t.call, memory: t.memory, updatedAt: ctx.now, logPending: stored.logPending || t.ended || isTerminal(t.call.status) });
  // Sticky routing rings this number first when the caller calls again.
  if (t.call.answeredBy && !stored.call.answeredBy) store.rememberAnswerer(ctx.sql, t.call.callerNumber, t.call.answeredBy.number, t.call.answeredAt ?? ctx.now);
  if (!t.ended && ctx.held && fillsInFigures(stored.call, t.call)) {
    store.holdCall(ctx.sql, t.call.id);
    ctx.held();
  } else emit(ctx, { type: "call", call: t.call });
  if (t.ended) endEffects(ctx, t);
  return { toLog: isTerminal(t.call.status) ? [t.call] : [] };
}

/** Applies a provider's report on the call or one of its legs. Unknown calls are ignored. */
export function progress(ctx: PipelineContext, provider: string, providerCallId: string, report: CallProgress) {
  const stored = store.getCallByProviderId(ctx.sql, provider, providerCallId);
  if (!stored) return { call: null, changed: false, toLog: [] as LiveCall[] };
  const t = advance(stored.call, stored.memory, report);
  return { call: t.call, changed: t.changed, ...commit(ctx, stored, t) };
}

/**
 * Moves a live call to the next step of its route. When the route is over, the call ends here, so
 * it ends even where the provider sends no final status.
 */
function continueRoute(ctx: PipelineContext, config: RoutingConfig, provider: string, providerCallId: string, routed: Routed, toLog: LiveCall[], memoryChanges: Partial<CallMemory> = {}) {
  const stored = store.getCallByProviderId(ctx.sql, provider, providerCallId)!;
  store.clearConnections(ctx.sql, stored.call.id);
  // Each answer is the call's next step: the dial it names reports its end with this number.
  const decision: RoutingDecision = { ...routed.decision, step: (stored.decision.step ?? 0) + 1 };
  const tags = [...new Set([...stored.call.tags, ...routed.state.tags])];
  const next = ringsAt(decision);
  const ringing = next ?? stored.call.terminationNumber;
  const ringsAtLabel = next === null ? stored.call.ringsAtLabel : labelOf(config, next);
  const voicemail: VoicemailState | null = reachesVoicemail(decision) && voicemailAdvances(stored.call.voicemail, "reached") ? "reached" : stored.call.voicemail;
  const call = { ...stored.call, tags, terminationNumber: ringing, ringsAtLabel, voicemail };
  const changed = call.terminationNumber !== stored.call.terminationNumber || call.ringsAtLabel !== stored.call.ringsAtLabel || tags.length !== stored.call.tags.length || voicemail !== stored.call.voicemail;
  // Where nothing more rings, the last step's numbers stay: a late report of an answered leg is about one of them.
  const places = routed.state.dialling.length ? { ringing: placesOf(config, routed.state.dialling), rang: [...new Set([...(stored.memory.rang ?? []), ...routed.state.dialling])] } : {};
  const memory: CallMemory = { ...stored.memory, ...memoryChanges, ...places, routing: routed.state };
  store.putCall(ctx.sql, { ...stored, call, memory, decision, updatedAt: ctx.now });
  if (changed) emit(ctx, { type: "call", call });
  if (!endsCall(decision)) {
    store.addConnections(ctx.sql, call.id, routed.state.dialling);
    return { call, decision, toLog };
  }
  const end = progress(ctx, provider, providerCallId, { leg: "parent", legId: providerCallId, status: "completed", at: ctx.now });
  return { call: end.call ?? call, decision, toLog: end.toLog.length ? end.toLog : toLog };
}

/**
 * Whether an end of step `step` is the end of the call's current dial: only that one moves the route
 * on. A call whose decision has no number (the fail-safe's, or one from before steps were numbered)
 * takes any end, as its markup named none.
 */
function endsCurrentDial(decision: RoutingDecision, step: number | undefined) {
  if (step === undefined || decision.step === undefined) return true;
  return step === decision.step && decision.steps.some((s) => s.kind === "dial");
}

/** Whether an answer to step `step`'s menu is an answer to the call's current menu (a decision without a number takes any). */
function answersCurrentMenu(decision: RoutingDecision, step: number | undefined) {
  if (step === undefined || decision.step === undefined) return true;
  return step === decision.step && decision.steps.some((s) => s.kind === "gather");
}

/**
 * A dial step ended (`step`: the decision whose dial it was, as its markup named it): record how,
 * then continue the route, once per step. The end of a step that is not the current one — the
 * provider's retry of an end that moved the route on already, or an end arriving late — moves
 * nothing and is answered with the call's current markup (for a retry, the very answer the first
 * one got): a hunt skips no number, a rollover takes no second turn, and a call never goes back a
 * step. Where the URL names no step, a retry is known by the dialled leg the provider names.
 */
export function dialEnded(ctx: PipelineContext, provider: string, providerCallId: string, report: CallProgress, config: RoutingConfig, step?: number) {
  const before = store.getCallByProviderId(ctx.sql, provider, providerCallId);
  const named = report.legId !== unnamedDialLeg(providerCallId);
  if (before && (!endsCurrentDial(before.decision, step) || (named && before.memory.dialsEnded?.includes(report.legId)))) {
    return { call: before.call, decision: isTerminal(before.call.status) ? HANG_UP : before.decision, toLog: [] as LiveCall[] };
  }
  const first = progress(ctx, provider, providerCallId, report);
  if (!first.call) return { call: null, decision: HANG_UP, toLog: [] as LiveCall[] };
  const stored = store.getCallByProviderId(ctx.sql, provider, providerCallId)!;
  if (isTerminal(stored.call.status)) return { call: stored.call, decision: HANG_UP, toLog: first.toLog };
  const answered = report.status === "completed" || report.status === "answered" || report.status === "in-progress";
  const routed = afterDial(contextOf(ctx, config, stored), stored.memory.routing, answered);
  const dialsEnded = named ? { dialsEnded: [...(stored.memory.dialsEnded ?? []), report.legId] } : {};
  return continueRoute(ctx, config, provider, providerCallId, routed, first.toLog, dialsEnded);
}

/**
 * The caller answered a voice menu (`digits`, or null when the menu timed out) of step `step`, as
 * its markup named it. Once per step, as a dial's end: the provider's retry of an answer that moved
 * the route on already, or an answer to a menu that is no longer the current step, moves nothing
 * and gets the call's current markup (a key pressed once never advances the menu twice).
 */
export function gathered(ctx: PipelineContext, provider: string, providerCallId: string, digits: string | null, config: RoutingConfig, step?: number) {
  const stored = store.getCallByProviderId(ctx.sql, provider, providerCallId);
  if (!stored) return { call: null, decision: HANG_UP, toLog: [] as LiveCall[] };
  if (isTerminal(stored.call.status)) return { call: stored.call, decision: HANG_UP, toLog: [] as LiveCall[] };
  if (!answersCurrentMenu(stored.decision, step)) return { call: stored.call, decision: stored.decision, toLog: [] as LiveCall[] };
  const routed = afterGather(contextOf(ctx, config, stored), stored.memory.routing, digits);
  return continueRoute(ctx, config, provider, providerCallId, routed, []);
}

/** A recording of the call (or its voicemail) is ready at `url`. */
export function recorded(ctx: PipelineContext, provider: string, providerCallId: string, url: string): Effects {
  const stored = store.getCallByProviderId(ctx.sql, provider, providerCallId);
  if (!stored || stored.call.recordingUrl === url) return { toLog: [] };
  const call = { ...stored.call, recordingUrl: url };
  const ended = isTerminal(call.status);
  store.putCall(ctx.sql, { ...stored, call, updatedAt: ctx.now, logPending: stored.logPending || ended });
  emit(ctx, { type: "call", call });
  return { toLog: ended ? [call] : [] };
}

/**
 * The caller left a voicemail (with its recording's `url`, when the provider sends it here). The
 * call remembers it, whenever it comes: before the call's end (which then notifies a voicemail),
 * or after it (the missed-call notification becomes the voicemail's, and the call is logged
 * again). A retry changes nothing.
 */
export function voicemailLeft(ctx: PipelineContext, provider: string, providerCallId: string, url: string | null): Effects {
  const stored = store.getCallByProviderId(ctx.sql, provider, providerCallId);
  if (!stored) return { toLog: [] };
  const left = voicemailAdvances(stored.call.voicemail, "left");
  const recording = url !== null && stored.call.recordingUrl !== url;
  if (!left && !recording) return { toLog: [] };
  const call: LiveCall = { ...stored.call, voicemail: left ? "left" : stored.call.voicemail, recordingUrl: recording ? url : stored.call.recordingUrl };
  const ended = isTerminal(call.status);
  store.putCall(ctx.sql, { ...stored, call, updatedAt: ctx.now, logPending: stored.logPending || ended });
  emit(ctx, { type: "call", call });
  if (ended && left) renotify(ctx, call, stored.memory);
  return { toLog: ended ? [call] : [] };
}

/**
 * Ends calls whose end never arrived (they are marked for the call log like any ended call) and
 * forgets long-ended ones, and notifications and fired reminders past their retention (store.ts,
 * `KEEP_NOTIFICATIONS_MS`).
 */
export function sweep(ctx: PipelineContext) {
  for (const stored of store.activeCalls(ctx.sql)) {
    const limit = stored.call.answeredAt !== null ? ANSWERED_STALE_MS : RINGING_STALE_MS;
    if (ctx.now - stored.updatedAt < limit) continue;
    commit(ctx, stored, expire(stored.call, stored.memory, stored.updatedAt));
  }
  store.pruneEndedCalls(ctx.sql, ctx.now - KEEP_ENDED_MS);
  pruneCallEvents(ctx.sql);
  store.pruneAnswerers(ctx.sql, ctx.now - STICKY_MS);
  store.pruneNotifications(ctx.sql, ctx.now - store.KEEP_NOTIFICATIONS_MS);
  store.pruneFiredReminders(ctx.sql, ctx.now - store.KEEP_NOTIFICATIONS_MS);
}

/** Fires the follow-up reminders that are due: each becomes a notification, once. */
export function fireReminders(ctx: PipelineContext) {
  for (const r of store.dueReminders(ctx.sql, ctx.now)) {
    notify(ctx, { id: `${r.callId}:reminder:${r.dueAt}`, kind: "reminder", callId: r.callId, contactId: r.contactId, title: r.title, body: r.body, at: ctx.now });
    store.markReminderFired(ctx.sql, r.callId);
  }
}

/**
 * A notice about the tenant's integrations (a webhook endpoint disabled after failing for days):
 * a notification like any other, once per id.
 */
export function integrationNotice(ctx: PipelineContext, notice: { id: string; title: string; body: string; at: number }) {
  // Only an admin can act on it (Settings › Webhooks is theirs).
  notify(ctx, { ...notice, kind: "integration", callId: null, contactId: null, audience: "admins" });
}

/** Marks notifications read for one user and tells that user's screens. */
export function markRead(ctx: PipelineContext, viewer: store.Viewer, ids: string[] | "all") {
  const fresh = store.markRead(ctx.sql, viewer, ids);
  if (fresh.length) emit(ctx, { type: "read", userId: viewer.userId, ids: fresh, unread: store.unreadCount(ctx.sql, viewer) });
  return fresh;
}

type Caller = Pick<LiveCall, "contactId" | "callerName" | "callerType">;

/** Shows the call as this caller on every dashboard, its notifications too; null when it shows them already. */
function showCaller(ctx: PipelineContext, stored: store.StoredCall, caller: Caller, changes: Partial<store.StoredCall> = {}): LiveCall | null {
  const { call: now } = stored;
  if (now.contactId === caller.contactId && now.callerName === caller.callerName && now.callerType === caller.callerType) return null;
  const call: LiveCall = { ...now, ...caller };
  store.putCall(ctx.sql, { ...stored, ...changes, call, updatedAt: ctx.now });
  emit(ctx, { type: "call", call });
  renotify(ctx, call, changes.memory ?? stored.memory);
  return call;
}

/**
 * The caller as D1 knows them, found after the call was registered from an out-of-step caller
 * index: the call shows it from now on, unless someone linked the call to a contact meanwhile.
 */
export function recognised(ctx: PipelineContext, callId: string, registeredContactId: string | null, identity: CallerIdentity): Effects {
  const stored = store.getCall(ctx.sql, callId);
  if (!stored || stored.call.contactId !== registeredContactId) return { toLog: [] };
  const { contactId, callerName, callerType, contactTags } = identity;
  // An ended call whose log was written already is written again, with the caller it really was.
  const logPending = stored.logPending || isTerminal(stored.call.status);
  const call = showCaller(ctx, stored, { contactId, callerName, callerType }, { memory: { ...stored.memory, contactTags }, logPending });
  return { toLog: call && logPending ? [call] : [] };
}

/** Staff linked a live call to a contact (Select customer, or a new record made from the popup). */
export function linkContact(ctx: PipelineContext, callId: string, contact: { id: string; kind: CallerType; name: string }) {
  const stored = store.getCall(ctx.sql, callId);
  if (!stored) return null;
  return showCaller(ctx, stored, { contactId: contact.id, callerName: contact.name, callerType: contact.kind }) ?? stored.call;
}
