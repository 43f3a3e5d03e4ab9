/**
 * What the Switchboard does with a call, as plain functions over its storage: register it and
 * decide where it rings, apply provider reports, end it, notify, and say which calls must be
 * written to the D1 call log. The Durable Object class only wires these to its hooks.
 */
import { isMissed, isTerminal, type CallerType, type LiveCall, type Notification } from "../schema/calls.ts";
import type { EventMessage, NewEvent } from "../schema/messages.ts";
import { advance, expire, type CallMemory, type CallProgress, type Transition } from "./calls.ts";
import { decideAfterDial, decideRoute, failsafeDecision, type RouteInput, type RoutingDecision } from "./routing.ts";
import * as store from "./store.ts";

export type PipelineContext = {
  sql: SqlStorage;
  now: number;
  /** Sends an event (already given its seq) to every open dashboard. */
  broadcast: (message: EventMessage) => void;
};

/** Everything the Worker learned about a new call before asking the Switchboard. */
export type IncomingCall = {
  provider: LiveCall["provider"];
  providerCallId: string;
  callerNumber: string;
  callerType: CallerType;
  callerName: string | null;
  contactId: string | null;
  trackingNumber: string;
  trackingNumberId: string;
  trackingLabel: string;
  campaignId: string | null;
  campaignName: string | null;
  firstTime: boolean;
  startedAt: number;
  route: RouteInput;
  /** The Worker already answered with the fail-safe (the call is adopted late). */
  failsafe?: boolean;
};

export type Registration = { call: LiveCall; decision: RoutingDecision; duplicate: boolean };

/** Calls a report ended (or changed after their end), to be written to the D1 call log. */
export type Effects = { toLog: LiveCall[] };

export const RINGING_STALE_MS = 60 * 60 * 1000;
export const ANSWERED_STALE_MS = 12 * 60 * 60 * 1000;
export const KEEP_ENDED_MS = 24 * 60 * 60 * 1000;

function emit(ctx: PipelineContext, event: NewEvent) {
  ctx.broadcast(store.appendEvent(ctx.sql, event, ctx.now));
}

function notify(ctx: PipelineContext, n: Notification) {
  if (store.putNotification(ctx.sql, n)) emit(ctx, { type: "notification", notification: n });
}

export function callerLabel(call: Pick<LiveCall, "callerName" | "callerNumber">) {
  return call.callerName ?? call.callerNumber;
}

function formatDuration(totalSeconds: number) {
  const m = Math.floor(totalSeconds / 60);
  const s = totalSeconds % 60;
  return m ? `${m}m ${String(s).padStart(2, "0")}s` : `${s}s`;
}

/**
 * Registers a new call and decides where it rings. A provider's retry of the same call gets the
 * same decision back and changes nothing.
 */
export function register(ctx: PipelineContext, input: IncomingCall): Registration & Effects {
  const existing = store.getCallByProviderId(ctx.sql, input.provider, input.providerCallId);
  if (existing) return { call: existing.call, decision: existing.decision, duplicate: true, toLog: [] };

  const decision = input.failsafe ? failsafeDecision(input.route) : decideRoute(input.route);
  const { route: _route, failsafe, ...fields } = input;
  let call: LiveCall = {
    ...fields,
    id: crypto.randomUUID(),
    status: "ringing",
    terminationNumber: decision.kind === "dial" ? (decision.targets[0]?.number ?? null) : null,
    answeredAt: null,
    endedAt: null,
    durationSeconds: null,
    talkSeconds: null,
    failsafe: failsafe ?? false,
  };
  const memory: CallMemory = { dialOutcome: null, sequences: {} };
  // A call that cannot be put through ends at once, as failed.
  if (decision.kind === "hangup") call = { ...call, status: "failed", endedAt: ctx.now, durationSeconds: 0 };
  const ended = isTerminal(call.status);
  store.putCall(ctx.sql, { call, memory, decision, logPending: ended, updatedAt: ctx.now }, !ended);
  emit(ctx, { type: "call", call });
  notify(ctx, {
    id: `${call.id}:incoming`,
    kind: "incoming-call",
    callId: call.id,
    contactId: call.contactId,
    title: `Incoming call: ${callerLabel(call)}`,
    body: `${call.callerType === "unknown" ? "Unknown caller" : call.callerType} · ${call.trackingLabel || call.trackingNumber}`,
    at: ctx.now,
  });
  if (ended) endEffects(ctx, call);
  return { call, decision, duplicate: false, toLog: ended ? [call] : [] };
}

function endEffects(ctx: PipelineContext, call: LiveCall) {
  if (isMissed(call.status)) {
    notify(ctx, {
      id: `${call.id}:missed`,
      kind: "missed-call",
      callId: call.id,
      contactId: call.contactId,
      title: `Missed call: ${callerLabel(call)}`,
      body: `${call.trackingLabel || call.trackingNumber} · ${call.status}`,
      at: ctx.now,
    });
  } else {
    notify(ctx, {
      id: `${call.id}:completed`,
      kind: "call-activity",
      callId: call.id,
      contactId: call.contactId,
      title: `Call with ${callerLabel(call)} ended`,
      body: `${formatDuration(call.talkSeconds ?? call.durationSeconds ?? 0)} · ${call.trackingLabel || call.trackingNumber}`,
      at: ctx.now,
    });
  }
}

function commit(ctx: PipelineContext, stored: store.StoredCall, t: Transition): Effects {
  if (!t.changed) {
    if (t.memory !== stored.memory) store.putCall(ctx.sql, { ...stored, memory: t.memory }, !isTerminal(stored.call.status));
    return { toLog: [] };
  }
  const active = !isTerminal(t.call.status);
  store.putCall(ctx.sql, { ...stored, call: t.call, memory: t.memory, updatedAt: ctx.now, logPending: stored.logPending || t.ended || isTerminal(t.call.status) }, active);
  emit(ctx, { type: "call", call: t.call });
  if (t.ended) endEffects(ctx, t.call);
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
 * A dial step ended (Twilio's Dial action): record how, then decide what happens next. When the
 * answer is to hang up, the call ends here, so it ends even where the provider sends no final status.
 */
export function dialEnded(ctx: PipelineContext, provider: string, providerCallId: string, report: CallProgress) {
  const first = progress(ctx, provider, providerCallId, report);
  if (!first.call) return { call: null, decision: decideAfterDial(), toLog: [] as LiveCall[] };
  const decision = decideAfterDial();
  if (decision.kind !== "hangup") return { call: first.call, decision, toLog: first.toLog };
  const end = progress(ctx, provider, providerCallId, { leg: "parent", legId: providerCallId, status: "completed", at: report.at });
  const toLog = end.toLog.length ? end.toLog : first.toLog;
  return { call: end.call ?? first.call, decision, toLog };
}

/** Ends calls whose end never arrived; forgets long-ended ones. Returns what to log. */
export function sweep(ctx: PipelineContext): Effects {
  const toLog: LiveCall[] = [];
  for (const stored of store.activeCalls(ctx.sql)) {
    const limit = stored.call.answeredAt !== null ? ANSWERED_STALE_MS : RINGING_STALE_MS;
    if (ctx.now - stored.updatedAt < limit) continue;
    toLog.push(...commit(ctx, stored, expire(stored.call, stored.memory, stored.updatedAt)).toLog);
  }
  store.pruneEndedCalls(ctx.sql, ctx.now - KEEP_ENDED_MS);
  return { toLog };
}
