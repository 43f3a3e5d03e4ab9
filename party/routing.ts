/**
 * The routing engine: where a call rings, as plain functions from (routing configuration, counters,
 * the call's facts, the clock) to a decision. A decision is provider-neutral data (steps such as
 * say, dial, gather; `telephony/contract.ts`) that the provider's adapter renders as its markup. The engine keeps a
 * small state per call (the step the call is in) so that a Dial or Gather ending can continue:
 * the next number of a hunt, the no-answer target, the next agent of a queue, the chosen menu key.
 */
import type { CallerType } from "../schema/calls.ts";
import type { Condition, DialPattern, HoursWindow, ReceivingNumber, Route, Target } from "../schema/routing.ts";
import type { DialTarget, RoutingDecision, Step, TrackingRoute } from "../telephony/contract.ts";
import { businessOpen, weeklyOpen, type BusinessHours } from "../schema/hours.ts";
import { wallClock } from "../schema/zoned.ts";
import { areaCodeInfo, areaCodeOf } from "../schema/area-codes.ts";

/** The tenant's routing configuration, as the Switchboard holds it. */
export type RoutingConfig = {
  timeZone: string;
  routes: Record<string, Route>;
  receiving: Record<string, ReceivingNumber>;
  agents: Record<string, { name: string; number: string | null }>;
  /** The tenant's tracking numbers: never dialled (that would ring back into us). */
  trackingNumbers: string[];
  /**
   * The termination and fail-safe numbers of the tenant's tracking numbers: numbers we dial outside
   * any route, so a call forwarded to us by one of them is one of ours coming back.
   */
  fallbackNumbers?: string[];
  /** The tenant's business hours and holidays; absent or null: always open. */
  businessHours?: BusinessHours | null;
};

export type CallFacts = { callerNumber: string; callerType: CallerType; contactTags: string[] };

/** Round-robin slots, calls in progress per number and who answered whom, kept by the Switchboard. */
export interface Counters {
  /** A slot no other call gets: the counter's value before it advances. */
  take(key: string): number;
  /** Calls in progress (dialled and not ended) at a number. */
  connections(number: string): number;
  /** The number that answered this caller's last answered call, if one did (sticky routing asks; absent: nobody is remembered). */
  lastAnswered?(callerNumber: string): string | null;
}

export type RoutingContext = { config: RoutingConfig; tracking: TrackingRoute; call: CallFacts; counters: Counters; now: number };

type DialEntry = { number: string; receivingId: string | null };

/** A dial frame as calls in progress kept it before rounds (read for the calls that were ringing then). */
type OlderDialFrame = { kind: "dial"; entries: DialEntry[]; pattern: DialPattern; index: number; noAnswer: Target | null };

export type Frame =
  /**
   * A dial route's numbers in the order this call rings them: `rounds` one after another (the
   * numbers of one round at once), `index` the round ringing now.
   */
  | { kind: "dial"; rounds: DialEntry[][]; index: number; noAnswer: Target | null }
  | OlderDialFrame
  | { kind: "menu"; routeId: string; attempt: number }
  /** `start`: where a rotating queue began offering this call. */
  | { kind: "queue"; routeId: string; startedAt: number; attempt: number; start?: number }
  | { kind: "done" };

export type RoutingState = {
  frame: Frame;
  /** Numbers the current dial step rings (the calls in progress the Switchboard counts). */
  dialling: string[];
  /** Tags the route gave the call (after-hours). */
  tags: string[];
};

export type Routed = { decision: RoutingDecision; state: RoutingState };

export const DEFAULT_RING_SECONDS = 20;
export const MAX_DEPTH = 12;
export const DEFAULT_VOICEMAIL_GREETING = "Sorry, nobody can take your call right now. Please leave a message after the tone.";
export const AFTER_HOURS_TAG = "after-hours";

const DONE: Frame = { kind: "done" };

/** The state of a call whose route has nothing more to do. */
export function routeOver(tags: string[] = []): RoutingState {
  return { frame: DONE, dialling: [], tags };
}

/** Ends the call (after `steps`), saying why. */
export function hangup(reason: string, tags: string[] = [], steps: Step[] = []): Routed {
  return { decision: { steps: [...steps, { kind: "hangup" }], reason }, state: routeOver(tags) };
}

// Time ------------------------------------------------------------------------------------------

/** The weekday (0 = Sunday) and minute of the day at `now` in `timeZone`. */
export function localTime(now: number, timeZone: string) {
  const { weekday, minute } = wallClock(now, timeZone);
  return { day: weekday, minute };
}

/** Whether weekly hours are open at `now`; a window runs past midnight into the next day (schema/hours.ts). */
export function isOpen(hours: HoursWindow[], now: number, timeZone: string) {
  return weeklyOpen(hours, now, timeZone);
}

// Geography -------------------------------------------------------------------------------------

type Coordinates = { latitude: number; longitude: number };

function coordinatesOf(code: string): Coordinates | null {
  const at = areaCodeInfo(code);
  return at && at.latitude !== null && at.longitude !== null ? { latitude: at.latitude, longitude: at.longitude } : null;
}

function distanceKm(a: Coordinates, b: Coordinates) {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 12_742 * Math.asin(Math.sqrt(h));
}

/** The geo route's choice: the caller's area code, then region, then the nearest location. */
export function chooseLocation(route: Extract<Route, { kind: "geo" }>, callerNumber: string) {
  const code = areaCodeOf(callerNumber);
  if (!code) return null;
  const { locations } = route.config;
  const byCode = locations.find((l) => l.areaCodes.includes(code));
  if (byCode) return byCode;
  const region = areaCodeInfo(code)?.stateCode;
  const byRegion = region ? locations.find((l) => l.regions.includes(region)) : undefined;
  if (byRegion) return byRegion;
  const here = coordinatesOf(code);
  if (!here) return null;
  let best: (typeof locations)[number] | null = null;
  let bestKm = Infinity;
  for (const l of locations) {
    const there = l.near ? coordinatesOf(l.near) : null;
    if (!there) continue;
    const km = distanceKm(here, there);
    if (km < bestKm) [best, bestKm] = [l, km];
  }
  return best;
}

/** Whether the business is open now by its business hours; with none set, it always is. */
function businessOpenAt(ctx: RoutingContext) {
  const hours = ctx.config.businessHours;
  return hours ? businessOpen(hours, ctx.now, ctx.config.timeZone) : true;
}

// Conditions ------------------------------------------------------------------------------------

export function conditionHolds(c: Condition, ctx: RoutingContext): boolean {
  switch (c.type) {
    case "time":
      // Each day names the day a window starts, as in tagging hours: Friday 22:00–02:00 holds on Saturday at 01:00.
      return weeklyOpen(c.days.map((day) => ({ day, from: c.from, to: c.to })), ctx.now, ctx.config.timeZone);
    case "caller-type":
      return c.in.includes(ctx.call.callerType);
    case "known":
      return (ctx.call.callerType !== "unknown") === c.value;
    case "area-code": {
      const code = areaCodeOf(ctx.call.callerNumber);
      return code !== null && c.in.includes(code);
    }
    case "hours": {
      const hours = ctx.config.receiving[c.receivingNumberId]?.taggingHours;
      // A number with no hours set is always open.
      return (hours ? isOpen(hours, ctx.now, ctx.config.timeZone) : true) === c.open;
    }
    case "business-hours":
      return businessOpenAt(ctx) === c.open;
    case "tag":
      return c.in.some((tag) => ctx.call.contactTags.includes(tag));
    default: {
      const unreachable: never = c;
      throw new Error(`unknown condition ${JSON.stringify(unreachable)}`);
    }
  }
}

// Dialling --------------------------------------------------------------------------------------

function entryOf(ctx: RoutingContext, receivingId: string): DialEntry | null {
  const r = ctx.config.receiving[receivingId];
  return r ? { number: r.number, receivingId } : null;
}

/**
 * Whether `number` is one the tenant's calls may ring, or one of its tracking numbers: receiving,
 * agent, termination and fail-safe numbers (the call's own tracking number's and every other's). A
 * call forwarded to us by one of them is one of ours coming back (a ring loop).
 */
export function ringsForUs(config: RoutingConfig, tracking: Pick<TrackingRoute, "terminationNumber" | "failsafeNumber">, number: string) {
  return (
    number === tracking.terminationNumber ||
    number === tracking.failsafeNumber ||
    config.trackingNumbers.includes(number) ||
    (config.fallbackNumbers ?? []).includes(number) ||
    Object.values(config.receiving).some((r) => r.number === number) ||
    Object.values(config.agents).some((a) => a.number === number)
  );
}

/** Never dial one of our own tracking numbers: the call would ring back into us, forever. */
function loopsBack(ctx: RoutingContext, number: string) {
  return number === ctx.tracking.trackingNumber || ctx.config.trackingNumbers.includes(number);
}

/** A dial step for `entries`, with ring time, whisper, extension, recording and after-hours tagging. */
function dialStep(ctx: RoutingContext, entries: DialEntry[], tags: string[]): { step: Step | null; dialling: string[]; tags: string[] } {
  const usable = entries.filter((e) => !loopsBack(ctx, e.number));
  if (usable.length === 0) return { step: null, dialling: [], tags };
  let ringSeconds = 0;
  let record = ctx.tracking.record;
  const nextTags = new Set(tags);
  const targets = usable.map((e): DialTarget => {
    const r = e.receivingId ? ctx.config.receiving[e.receivingId] : undefined;
    ringSeconds = Math.max(ringSeconds, r?.ringSeconds ?? DEFAULT_RING_SECONDS);
    record ||= r?.record ?? false;
    if (r?.taggingHours && !isOpen(r.taggingHours, ctx.now, ctx.config.timeZone)) nextTags.add(AFTER_HOURS_TAG);
    return {
      number: e.number,
      extension: r?.extension ?? null,
      extensionDelaySeconds: r?.extensionDelaySeconds ?? 0,
      // The tracking number's whisper, when it has one, replaces the receiving number's.
      whisper: ctx.tracking.whisper ?? r?.whisper ?? null,
    };
  });
  return { step: { kind: "dial", targets, ringSeconds, record }, dialling: usable.map((e) => e.number), tags: [...nextTags] };
}

/**
 * The entry smooth weighted round robin (nginx's) gives the call in slot `slot`: over every
 * sum-of-weights calls each entry is first weight-many times, spread out rather than bunched (3:1
 * is A A B A, not A A A B). With equal weights it is plain rotation: slot 0, 1, 2, ...
 */
export function weightedTurn(weights: number[], slot: number): number {
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (weights.length === 0 || total <= 0) return 0;
  const current = weights.map(() => 0);
  let chosen = 0;
  // The schedule repeats every `total` calls, so replaying one period is enough (at most 20 × 100 turns).
  for (let turn = 0; turn <= slot % total; turn++) {
    chosen = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i]! += weights[i]!;
      if (current[i]! > current[chosen]!) chosen = i;
    }
    current[chosen]! -= total;
  }
  return chosen;
}

function rotate<T>(list: T[], start: number): T[] {
  return [...list.slice(start), ...list.slice(0, start)];
}

export type DialOptions = { weights?: Record<string, number> | undefined; sticky?: boolean | undefined };

/**
 * The order this call rings a dial route's numbers, by pattern. Counters advance here, once per
 * call: a hunt or a rollover goes on from the rounds kept in the call's state.
 */
function roundsFor(ctx: RoutingContext, key: string, entries: DialEntry[], pattern: DialPattern, options: DialOptions = {}): DialEntry[][] {
  if (entries.length === 0) return [];
  if (options.sticky) {
    // Only a sticky route asks, so the hot path of every other call reads nothing more.
    const last = ctx.counters.lastAnswered?.(ctx.call.callerNumber) ?? null;
    const known = last === null ? undefined : entries.find((e) => e.number === last);
    if (known) return [[known], ...roundsFor(ctx, key, entries.filter((e) => e !== known), pattern, { ...options, sticky: false })];
  }
  const one = (list: DialEntry[]) => list.map((e) => [e]);
  switch (pattern) {
    case "simultaneous":
      return [entries];
    case "sequential":
      return one(entries);
    case "rotating":
      return one(rotate(entries, ctx.counters.take(`rotate:${key}`) % entries.length));
    case "round-robin": {
      // The number whose turn it is, then the others in list order after it: the caller is never stranded on one.
      const weights = entries.map((e) => (e.receivingId ? (options.weights?.[e.receivingId] ?? 1) : 1));
      return one(rotate(entries, weightedTurn(weights, ctx.counters.take(`rr:${key}`))));
    }
    case "least-connected":
      return [[leastConnected(ctx, entries)]];
  }
}

/** Fewest calls in progress; ties go to the one listed first. */
function leastConnected(ctx: RoutingContext, entries: DialEntry[]) {
  let best = entries[0]!;
  for (const e of entries) if (ctx.counters.connections(e.number) < ctx.counters.connections(best.number)) best = e;
  return best;
}

/** The rounds of a dial frame, whichever way it was kept. */
function roundsOf(frame: Extract<Frame, { kind: "dial" }>): DialEntry[][] {
  if ("rounds" in frame) return frame.rounds;
  return frame.pattern === "sequential" ? frame.entries.map((e) => [e]) : [frame.entries];
}

function startDial(ctx: RoutingContext, key: string, entries: DialEntry[], pattern: DialPattern, noAnswer: Target | null, tags: string[], depth: number, prefix: Step[], options: DialOptions = {}): Routed {
  const frame: Frame = { kind: "dial", rounds: roundsFor(ctx, key, entries, pattern, options), index: 0, noAnswer };
  return dialRound(ctx, frame, tags, depth, prefix);
}

/** Rings the frame's round now, or (when none of its numbers can be dialled) goes on as if it went unanswered. */
function dialRound(ctx: RoutingContext, frame: Extract<Frame, { kind: "dial" }>, tags: string[], depth: number, prefix: Step[]): Routed {
  const dial = dialStep(ctx, roundsOf(frame)[frame.index] ?? [], tags);
  if (!dial.step) return continueAfterDial(ctx, { frame, dialling: [], tags }, depth, prefix);
  return { decision: { steps: [...prefix, dial.step] }, state: { frame, dialling: dial.dialling, tags: dial.tags } };
}

// Targets ---------------------------------------------------------------------------------------

function resolve(ctx: RoutingContext, target: Target | null, tags: string[], depth: number, prefix: Step[] = []): Routed {
  if (!target) return hangup("nowhere left to route the call", tags, prefix);
  if (depth > MAX_DEPTH) return hangup("routes nest too deep", tags, prefix);
  switch (target.kind) {
    case "hangup":
      return hangup("the route ends the call", tags, prefix);
    case "voicemail":
      return {
        decision: { steps: [...prefix, { kind: "say", text: target.greeting ?? DEFAULT_VOICEMAIL_GREETING }, { kind: "voicemail", maxSeconds: 120 }] },
        state: routeOver(tags),
      };
    case "receiving": {
      const entry = entryOf(ctx, target.id);
      if (!entry) return hangup(`receiving number ${target.id} no longer exists`, tags, prefix);
      return startDial(ctx, target.id, [entry], "simultaneous", null, tags, depth, prefix);
    }
    case "route": {
      const route = ctx.config.routes[target.id];
      if (!route) return hangup(`route ${target.id} no longer exists`, tags, prefix);
      return enterRoute(ctx, route, tags, depth + 1, prefix);
    }
    default: {
      const unreachable: never = target;
      throw new Error(`unknown target ${JSON.stringify(unreachable)}`);
    }
  }
}

function enterRoute(ctx: RoutingContext, route: Route, tags: string[], depth: number, prefix: Step[]): Routed {
  switch (route.kind) {
    case "dial": {
      const entries = route.config.receivingNumberIds.map((id) => entryOf(ctx, id)).filter((e): e is DialEntry => e !== null);
      const { pattern, noAnswer, weights, sticky } = route.config;
      return startDial(ctx, route.id, entries, pattern, noAnswer ?? null, tags, depth, prefix, { weights, sticky });
    }
    case "menu":
      return {
        decision: { steps: [...prefix, { kind: "gather", prompt: route.config.greeting, timeoutSeconds: route.config.timeoutSeconds }] },
        state: { frame: { kind: "menu", routeId: route.id, attempt: 1 }, dialling: [], tags },
      };
    case "queue": {
      const greeting: Step[] = route.config.greeting ? [{ kind: "say", text: route.config.greeting }] : [];
      return queueAttempt(ctx, route, { kind: "queue", routeId: route.id, startedAt: ctx.now, attempt: 1 }, tags, depth, [...prefix, ...greeting]);
    }
    case "geo": {
      const location = chooseLocation(route, ctx.call.callerNumber);
      return resolve(ctx, location ? location.target : route.config.default, tags, depth, prefix);
    }
    case "conditional": {
      const rule = route.config.rules.find((r) => r.when.every((c) => conditionHolds(c, ctx)));
      return resolve(ctx, rule ? rule.target : route.config.default, tags, depth, prefix);
    }
    case "agent": {
      const agent = ctx.config.agents[route.config.userId];
      const noAnswer = route.config.noAnswer ?? null;
      if (!agent?.number) return resolve(ctx, noAnswer, tags, depth, prefix);
      return startDial(ctx, route.id, [{ number: agent.number, receivingId: null }], "simultaneous", noAnswer, tags, depth, prefix);
    }
    default: {
      const unreachable: never = route;
      throw new Error(`unknown route ${JSON.stringify(unreachable)}`);
    }
  }
}

/** One round of a queue: hold music, then the next agent by the queue's pattern. */
function queueAttempt(ctx: RoutingContext, route: Extract<Route, { kind: "queue" }>, frame: Extract<Frame, { kind: "queue" }>, tags: string[], depth: number, prefix: Step[]): Routed {
  const entries = route.config.receivingNumberIds.map((id) => entryOf(ctx, id)).filter((e): e is DialEntry => e !== null);
  if (entries.length === 0) return resolve(ctx, route.config.timeoutTarget ?? null, tags, depth, prefix);
  const turn = frame.attempt - 1;
  let chosen: DialEntry[];
  switch (route.config.pattern) {
    case "sequential":
      chosen = [entries[turn % entries.length]!];
      break;
    case "rotating":
      // Where this call's offers begin is taken once, on its first offer.
      frame = { ...frame, start: frame.start ?? ctx.counters.take(`rotate:${route.id}`) };
      chosen = [entries[(frame.start! + turn) % entries.length]!];
      break;
    case "round-robin":
      chosen = [entries[ctx.counters.take(`rr:${route.id}`) % entries.length]!];
      break;
    case "least-connected":
      chosen = [leastConnected(ctx, entries)];
      break;
    case "simultaneous":
      chosen = entries;
      break;
  }
  const dial = dialStep(ctx, chosen, tags);
  if (!dial.step) return resolve(ctx, route.config.timeoutTarget ?? null, tags, depth, prefix);
  const music: Step = { kind: "hold", musicUrl: route.config.holdMusicUrl ?? null };
  return { decision: { steps: [...prefix, music, dial.step] }, state: { frame, dialling: dial.dialling, tags: dial.tags } };
}

function continueAfterDial(ctx: RoutingContext, state: RoutingState, depth: number, prefix: Step[] = []): Routed {
  const frame = state.frame;
  if (frame.kind === "dial") {
    // A hunt (or a round robin's rollover) goes on to the next round until someone answers.
    const rounds = roundsOf(frame);
    if (frame.index + 1 < rounds.length) return dialRound(ctx, { kind: "dial", rounds, index: frame.index + 1, noAnswer: frame.noAnswer }, state.tags, depth, prefix);
    // With one number rung last, its own no-answer target applies when the route names none.
    const last = rounds.at(-1);
    const lastOwn = last?.length === 1 && last[0]!.receivingId ? (ctx.config.receiving[last[0]!.receivingId]?.noAnswerTarget ?? null) : null;
    return resolve(ctx, frame.noAnswer ?? lastOwn, state.tags, depth + 1, prefix);
  }
  if (frame.kind === "queue") {
    const route = ctx.config.routes[frame.routeId];
    if (route?.kind !== "queue") return hangup("the queue no longer exists", state.tags, prefix);
    if (ctx.now - frame.startedAt >= route.config.maxWaitSeconds * 1000) return resolve(ctx, route.config.timeoutTarget ?? null, state.tags, depth + 1, prefix);
    return queueAttempt(ctx, route, { ...frame, attempt: frame.attempt + 1 }, state.tags, depth, [...prefix, { kind: "say", text: "Thank you for holding." }]);
  }
  return hangup("the call's routing is over", state.tags, prefix);
}

// Entry points ----------------------------------------------------------------------------------

/**
 * Where a call goes while the business is closed: the tracking number's own after-hours target,
 * else the business hours' one, with the closed greeting said first; null when it routes as usual.
 */
function afterHours(ctx: RoutingContext, tags: string[]): Routed | null {
  const hours = ctx.config.businessHours;
  const own = ctx.tracking.afterHoursTarget ?? null;
  const target = own === "ignore" ? null : (own ?? hours?.afterHoursTarget ?? null);
  if (!hours || !target) return null;
  const greeting: Step[] = hours.closedGreeting ? [{ kind: "say", text: hours.closedGreeting }] : [];
  return resolve(ctx, target, tags, 0, greeting);
}

/**
 * Where a new call rings. While the business is closed (its business hours say so) the call is
 * tagged after-hours and goes to the after-hours target when there is one; otherwise the tracking
 * number's route, else its termination number, else its fail-safe number.
 */
export function startRouting(ctx: RoutingContext): Routed {
  const t = ctx.tracking;
  const closed = !businessOpenAt(ctx);
  const tags = closed ? [AFTER_HOURS_TAG] : [];
  const afterHoursRoute = closed ? afterHours(ctx, tags) : null;
  if (afterHoursRoute) return afterHoursRoute;
  if (t.routeId) return resolve(ctx, { kind: "route", id: t.routeId }, tags, 0);
  const number = t.terminationNumber ?? t.failsafeNumber;
  if (!number) return hangup("no route, termination or fail-safe number is set", tags);
  if (loopsBack(ctx, number)) return hangup("the termination number is a tracking number (a ring loop)", tags);
  return startDial(ctx, "termination", [{ number, receivingId: null }], "simultaneous", null, tags, 0, []);
}

/** A dial step ended. Answered: the conversation is over. Otherwise the route goes on. */
export function afterDial(ctx: RoutingContext, state: RoutingState, answered: boolean): Routed {
  if (answered) return hangup("the call was answered and has ended", state.tags);
  return continueAfterDial(ctx, { ...state, dialling: [] }, 0);
}

/** The caller pressed `digits` (null: nothing before the timeout) in a voice menu. */
export function afterGather(ctx: RoutingContext, state: RoutingState, digits: string | null): Routed {
  const frame = state.frame;
  if (frame.kind !== "menu") return hangup("no menu is waiting for a key", state.tags);
  const route = ctx.config.routes[frame.routeId];
  if (route?.kind !== "menu") return hangup("the menu no longer exists", state.tags);
  const option = digits ? route.config.options.find((o) => o.digit === digits[0]) : undefined;
  if (option) return resolve(ctx, option.target, state.tags, 1);
  if (frame.attempt < route.config.attempts) {
    const sorry = digits ? "Sorry, that is not an option." : "Sorry, I did not get that.";
    return {
      decision: { steps: [{ kind: "gather", prompt: `${sorry} ${route.config.greeting}`, timeoutSeconds: route.config.timeoutSeconds }] },
      state: { ...state, frame: { ...frame, attempt: frame.attempt + 1 } },
    };
  }
  return resolve(ctx, route.config.timeoutTarget ?? null, state.tags, 1);
}

/** The number a decision rings first (the dashboard's "where it rings"). */
export function ringsAt(decision: RoutingDecision) {
  for (const step of decision.steps) if (step.kind === "dial") return step.targets[0]?.number ?? null;
  return null;
}

export function endsCall(decision: RoutingDecision) {
  return decision.steps.at(-1)?.kind === "hangup";
}

/** What people call a number we ring: its receiving number's label, else its agent's name; null for a bare number. */
export function labelOf(config: RoutingConfig, number: string | null): string | null {
  if (number === null) return null;
  for (const r of Object.values(config.receiving)) if (r.number === number) return r.label;
  for (const a of Object.values(config.agents)) if (a.number === number) return a.name;
  return null;
}
