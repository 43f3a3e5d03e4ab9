/**
 * A call's life as pure state transitions. Providers retry and reorder callbacks, so every
 * transition is idempotent and a call's status only moves forward: ringing → in-progress → one
 * terminal status. The one change allowed after the end is a late proof of answer, which turns a
 * missed call into a completed one (answering is a fact that cannot be undone).
 */
import { isMissed, isTerminal, type Answerer, type LiveCall } from "../schema/calls.ts";
import type { CallStatus } from "../schema/db.ts";
import type { CallProgress, ProgressStatus, TrackingRoute } from "../telephony/contract.ts";
import type { RoutingState } from "./routing.ts";

/** What is kept beside the call to judge later reports. */
export type CallMemory = {
  /** How the last dialled leg ended, before the call itself ended. */
  dialOutcome: ProgressStatus | null;
  /** Highest sequence number seen per leg. */
  sequences: Record<string, number>;
  /** Where the call is in its route (the hunt position, the menu attempt, the queue's start). */
  routing: RoutingState;
  /** What the route reads that the call itself does not carry. */
  tracking: TrackingRoute;
  contactTags: string[];
  /** The tenant's country when the call came in: its notifications write numbers as the tenant reads them (US when unknown). */
  country?: string;
  /** The numbers the current dial step rings, with their labels: who answered is one of them. Absent on calls kept from before. */
  ringing?: Answerer[];
  /** Every number the call's route has rung so far (for texts to "the calls that rang me"). Absent on calls kept from before. */
  rang?: string[];
  /** Dialled legs whose end already moved the route on: a provider's retry of that callback must not move it again. */
  dialsEnded?: string[];
};

export type Transition = {
  call: LiveCall;
  memory: CallMemory;
  changed: boolean;
  /** Set when this report moved the call into a terminal status (or turned missed into completed). */
  ended: boolean;
};

const ANSWERED: readonly ProgressStatus[] = ["in-progress", "answered"];
const ENDED: readonly ProgressStatus[] = ["completed", "busy", "no-answer", "failed", "canceled"];

function rank(status: CallStatus) {
  return status === "ringing" ? 0 : status === "in-progress" ? 1 : 2;
}

function seconds(from: number, to: number) {
  return Math.max(0, Math.round((to - from) / 1000));
}

/** The status a call ends in: answered calls complete; otherwise how the dialling went, or how the caller left. */
export function endStatus(call: LiveCall, memory: CallMemory, parentStatus: ProgressStatus): CallStatus {
  if (call.answeredAt !== null) return "completed";
  const dial = memory.dialOutcome;
  if (dial === "busy" || dial === "no-answer" || dial === "failed" || dial === "canceled") return dial;
  if (parentStatus === "busy" || parentStatus === "no-answer" || parentStatus === "failed" || parentStatus === "canceled") return parentStatus;
  // The parent completed with nobody answering: the caller hung up while it rang.
  return "canceled";
}

function answer(call: LiveCall, at: number, talkSeconds: number | undefined): LiveCall {
  const answeredAt = call.answeredAt ?? at;
  return {
    ...call,
    answeredAt,
    status: rank(call.status) < 1 ? "in-progress" : call.status,
    talkSeconds: talkSeconds ?? call.talkSeconds,
  };
}

/**
 * Whether a report on a dialled leg says someone answered. A leg only completes after it was
 * answered (an unanswered one ends busy, no-answer, failed or canceled).
 */
function answers(p: CallProgress) {
  return ANSWERED.includes(p.status) || p.status === "completed";
}

/** When the answer happened: for a completed leg, its end less its duration. */
function answerTime(p: CallProgress) {
  return p.status === "completed" && p.durationSeconds ? p.at - p.durationSeconds * 1000 : p.at;
}

/** Digits only, so that +14155550150, 14155550150 and tel:+14155550150 read as the same number; a SIP URI as itself. */
function sameNumber(a: string, b: string) {
  const digits = (n: string) => (/^sips?:/i.test(n) ? n.toLowerCase() : n.replace(/\D/g, ""));
  return digits(a) === digits(b);
}

/**
 * Who a report of an answered leg says answered: the number the leg rang, when the provider names
 * it, with its label; else the one number the dial step rang. Null when neither tells.
 */
function answererOf(memory: CallMemory, p: CallProgress): Answerer | null {
  const ringing = memory.ringing ?? [];
  if (p.number) return ringing.find((r) => sameNumber(r.number, p.number!)) ?? { number: p.number, label: null };
  return ringing.length === 1 ? ringing[0]! : null;
}

/** Applies one provider report to a call. Returns the call unchanged for duplicates and stale reports. */
export function advance(call: LiveCall, memory: CallMemory, p: CallProgress): Transition {
  const same = { call, memory, changed: false, ended: false };
  const seqKey = `${p.leg}:${p.legId}`;
  const lastSeq = memory.sequences[seqKey];
  if (p.sequenceNumber !== undefined && lastSeq !== undefined && p.sequenceNumber <= lastSeq) return same;
  const nextMemory: CallMemory =
    p.sequenceNumber === undefined ? memory : { ...memory, sequences: { ...memory.sequences, [seqKey]: p.sequenceNumber } };

  if (isTerminal(call.status)) {
    // Late proof that someone answered: a missed call becomes a completed one.
    if (p.leg === "dialled" && answers(p) && isMissed(call.status)) {
      const answeredAt = Math.min(answerTime(p), call.endedAt ?? p.at);
      const next: LiveCall = { ...call, status: "completed", answeredAt, talkSeconds: p.durationSeconds ?? call.talkSeconds, answeredBy: call.answeredBy ?? answererOf(memory, p) };
      return { call: next, memory: nextMemory, changed: true, ended: true };
    }
    // A completed leg's report may bring the talk time the answer did not have, or who answered.
    if (p.leg === "dialled" && answers(p) && call.status === "completed") {
      const talkSeconds = p.status === "completed" && p.durationSeconds !== undefined ? p.durationSeconds : call.talkSeconds;
      const answeredBy = call.answeredBy ?? answererOf(memory, p);
      if (talkSeconds !== call.talkSeconds || answeredBy !== call.answeredBy) return { call: { ...call, talkSeconds, answeredBy }, memory: nextMemory, changed: true, ended: false };
    }
    // The parent's final report may bring the duration the end did not have.
    if (p.leg === "parent" && ENDED.includes(p.status) && p.durationSeconds !== undefined && call.durationSeconds !== p.durationSeconds) {
      return { call: { ...call, durationSeconds: p.durationSeconds }, memory: nextMemory, changed: true, ended: false };
    }
    return { ...same, memory: nextMemory };
  }

  if (p.leg === "dialled") {
    if (answers(p)) {
      const talk = p.status === "completed" ? p.durationSeconds : undefined;
      // The first report that names who answered says it; a later one never changes it.
      const answeredBy = call.answeredBy ?? answererOf(memory, p);
      if (call.answeredAt !== null) {
        if ((talk === undefined || talk === call.talkSeconds) && answeredBy === call.answeredBy) return { ...same, memory: nextMemory };
        return { call: { ...call, talkSeconds: talk ?? call.talkSeconds, answeredBy }, memory: nextMemory, changed: true, ended: false };
      }
      return { call: { ...answer(call, answerTime(p), talk), answeredBy }, memory: nextMemory, changed: true, ended: false };
    }
    if (ENDED.includes(p.status)) return { ...same, memory: { ...nextMemory, dialOutcome: p.status } };
    return { ...same, memory: nextMemory };
  }

  // The parent: ringing and in-progress only say the call is being handled (TwiML runs while the
  // parent is in-progress), so only its end matters.
  if (!ENDED.includes(p.status)) return { ...same, memory: nextMemory };
  const endedAt = Math.max(p.at, call.answeredAt ?? call.startedAt);
  const next: LiveCall = {
    ...call,
    status: endStatus(call, nextMemory, p.status),
    endedAt,
    durationSeconds: p.durationSeconds ?? seconds(call.startedAt, endedAt),
    talkSeconds: call.answeredAt !== null ? (call.talkSeconds ?? seconds(call.answeredAt, endedAt)) : null,
  };
  return { call: next, memory: nextMemory, changed: true, ended: true };
}

/** Ends a call that no report has touched for too long (its end was lost). */
export function expire(call: LiveCall, memory: CallMemory, at: number): Transition {
  if (isTerminal(call.status)) return { call, memory, changed: false, ended: false };
  return advance(call, memory, { leg: "parent", legId: call.providerCallId, status: call.answeredAt !== null ? "completed" : "no-answer", at });
}
