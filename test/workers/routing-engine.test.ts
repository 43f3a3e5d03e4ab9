/**
 * The routing engine on its own: plain functions from (configuration, counters, the call, the clock)
 * to a RoutingDecision, asserted as data, not as any provider's markup. The adapters' own suite
 * (adapters.test.ts) checks that every step renders; these check which steps a route decides.
 */
import { describe, expect, it } from "vitest";
import { afterDial, afterGather, endsCall, ringsAt, startRouting, type Counters, type RoutingConfig, type RoutingContext } from "../../party/routing.ts";
import type { ReceivingNumber, Route } from "../../schema/routing.ts";
import { failsafeDecision, type TrackingRoute } from "../../telephony/contract.ts";

const TRACKING = "+14155550100";
const NOON_TUESDAY_LA = Date.parse("2026-12-01T20:00:00Z");

function receiving(id: string, number: string, extra: Partial<ReceivingNumber> = {}): ReceivingNumber {
  return { id, number, label: id, extension: null, extensionDelaySeconds: 0, whisper: null, ringSeconds: 20, noAnswerTarget: null, taggingHours: null, record: false, ...extra };
}

const RECEIVING = {
  office: receiving("office", "+14155550150"),
  dispatch: receiving("dispatch", "+14155550151", { ringSeconds: 15 }),
  desk: receiving("desk", "+14155550153", { extension: "12", extensionDelaySeconds: 1, whisper: "Service call" }),
};

function memoryCounters(): Counters & { slots: Map<string, number>; busy: Map<string, number> } {
  const slots = new Map<string, number>();
  const busy = new Map<string, number>();
  return {
    slots,
    busy,
    take: (key) => {
      const slot = slots.get(key) ?? 0;
      slots.set(key, slot + 1);
      return slot;
    },
    connections: (number) => busy.get(number) ?? 0,
  };
}

function context(routes: Route[], tracking: Partial<TrackingRoute> = {}, call: Partial<RoutingContext["call"]> = {}, counters = memoryCounters()): RoutingContext {
  const config: RoutingConfig = {
    timeZone: "America/Los_Angeles",
    routes: Object.fromEntries(routes.map((r) => [r.id, r])),
    receiving: RECEIVING,
    agents: { dana: { name: "Dana", number: "+14155550152" }, away: { name: "Away", number: null } },
    trackingNumbers: [TRACKING, "+14155550101"],
  };
  return {
    config,
    tracking: { trackingNumber: TRACKING, routeId: null, terminationNumber: "+14155550150", failsafeNumber: "+14155550151", whisper: null, record: false, ...tracking },
    call: { callerNumber: "+12125550123", callerType: "unknown", contactTags: [], ...call },
    counters,
    now: NOON_TUESDAY_LA,
  };
}

const dial = (numbers: string[], ringSeconds = 20, record = false) => ({ kind: "dial", targets: numbers.map((number) => expect.objectContaining({ number })), ringSeconds, record });

describe("the routing engine decides steps, as data", () => {
  it("rings the termination number when the tracking number has no route", () => {
    const { decision } = startRouting(context([]));
    expect(decision.steps).toEqual([{ kind: "dial", targets: [{ number: "+14155550150", extension: null, extensionDelaySeconds: 0, whisper: null }], ringSeconds: 20, record: false }]);
    expect(ringsAt(decision)).toBe("+14155550150");
    expect(endsCall(decision)).toBe(false);
  });

  it("hangs up, saying why, with nowhere to ring or a termination number that is a tracking number", () => {
    expect(startRouting(context([], { terminationNumber: null, failsafeNumber: null })).decision).toEqual({ steps: [{ kind: "hangup" }], reason: "no route, termination or fail-safe number is set" });
    expect(startRouting(context([], { terminationNumber: "+14155550101" })).decision.reason).toBe("the termination number is a tracking number (a ring loop)");
  });

  it("simultaneous rings every number with its whisper and extension, recording when one asks, the longest ring time", () => {
    const route: Route = { id: "all", name: "All", kind: "dial", config: { receivingNumberIds: ["dispatch", "desk"], pattern: "simultaneous" } };
    const { decision, state } = startRouting(context([route], { routeId: "all", record: true }));
    expect(decision.steps).toEqual([
      {
        kind: "dial",
        targets: [
          { number: "+14155550151", extension: null, extensionDelaySeconds: 0, whisper: null },
          { number: "+14155550153", extension: "12", extensionDelaySeconds: 1, whisper: "Service call" },
        ],
        ringSeconds: 20,
        record: true,
      },
    ]);
    expect(state.dialling).toEqual(["+14155550151", "+14155550153"]);
  });

  it("round robin takes the next slot of its counter; sequential hunts and then goes to the no-answer target", () => {
    const counters = memoryCounters();
    const rr: Route = { id: "rr", name: "RR", kind: "dial", config: { receivingNumberIds: ["office", "dispatch"], pattern: "round-robin" } };
    const picks = [0, 1, 2].map(() => ringsAt(startRouting(context([rr], { routeId: "rr" }, {}, counters)).decision));
    expect(picks).toEqual(["+14155550150", "+14155550151", "+14155550150"]);

    const hunt: Route = { id: "hunt", name: "Hunt", kind: "dial", config: { receivingNumberIds: ["office", "dispatch"], pattern: "sequential", noAnswer: { kind: "voicemail", greeting: "Leave a message." } } };
    const ctx = context([hunt], { routeId: "hunt" });
    const first = startRouting(ctx);
    expect(first.decision.steps).toEqual([dial(["+14155550150"])]);
    const second = afterDial(ctx, first.state, false);
    expect(second.decision.steps).toEqual([dial(["+14155550151"], 15)]);
    const last = afterDial(ctx, second.state, false);
    expect(last.decision.steps).toEqual([{ kind: "say", text: "Leave a message." }, { kind: "voicemail", maxSeconds: 120 }]);
    // An answered dial ends the call's routing.
    expect(afterDial(ctx, first.state, true).decision).toEqual({ steps: [{ kind: "hangup" }], reason: "the call was answered and has ended" });
  });

  it("least connected rings the number with the fewest calls in progress", () => {
    const counters = memoryCounters();
    counters.busy.set("+14155550150", 2);
    const lc: Route = { id: "lc", name: "LC", kind: "dial", config: { receivingNumberIds: ["office", "dispatch"], pattern: "least-connected" } };
    expect(ringsAt(startRouting(context([lc], { routeId: "lc" }, {}, counters)).decision)).toBe("+14155550151");
  });

  it("a voice menu gathers a key, repeats on a wrong one, and follows the key's target", () => {
    const menu: Route = { id: "menu", name: "Menu", kind: "menu", config: { greeting: "Press 1.", options: [{ digit: "1", target: { kind: "receiving", id: "office" } }], timeoutSeconds: 5, attempts: 2, timeoutTarget: { kind: "hangup" } } };
    const ctx = context([menu], { routeId: "menu" });
    const start = startRouting(ctx);
    expect(start.decision.steps).toEqual([{ kind: "gather", prompt: "Press 1.", timeoutSeconds: 5 }]);
    const wrong = afterGather(ctx, start.state, "7");
    expect(wrong.decision.steps).toEqual([{ kind: "gather", prompt: "Sorry, that is not an option. Press 1.", timeoutSeconds: 5 }]);
    expect(afterGather(ctx, wrong.state, null).decision).toEqual({ steps: [{ kind: "hangup" }], reason: "the route ends the call" });
    expect(afterGather(ctx, start.state, "1").decision.steps).toEqual([dial(["+14155550150"])]);
  });

  it("a queue plays hold music (the route's, or the provider's own) before each offer", () => {
    const queue: Route = { id: "q", name: "Q", kind: "queue", config: { greeting: "Please hold.", receivingNumberIds: ["office", "dispatch"], pattern: "round-robin", maxWaitSeconds: 300 } };
    const { decision } = startRouting(context([queue], { routeId: "q" }));
    expect(decision.steps).toEqual([{ kind: "say", text: "Please hold." }, { kind: "hold", musicUrl: null }, dial(["+14155550150"])]);
    const withMusic: Route = { ...queue, config: { ...queue.config, holdMusicUrl: "https://example.test/hold.mp3" } };
    expect(startRouting(context([withMusic], { routeId: "q" })).decision.steps[1]).toEqual({ kind: "hold", musicUrl: "https://example.test/hold.mp3" });
  });

  it("geo and conditional routes choose a target by the caller; an agent route rings the agent's number", () => {
    const geo: Route = {
      id: "geo",
      name: "Geo",
      kind: "geo",
      config: { locations: [{ name: "NY", target: { kind: "receiving", id: "dispatch" }, areaCodes: ["212"], regions: [] }], default: { kind: "receiving", id: "office" } },
    };
    expect(ringsAt(startRouting(context([geo], { routeId: "geo" })).decision)).toBe("+14155550151");
    expect(ringsAt(startRouting(context([geo], { routeId: "geo" }, { callerNumber: "+14155550124" })).decision)).toBe("+14155550150");

    const vip: Route = { id: "vip", name: "VIP", kind: "conditional", config: { rules: [{ when: [{ type: "tag", in: ["vip"] }], target: { kind: "receiving", id: "desk" } }], default: { kind: "hangup" } } };
    expect(ringsAt(startRouting(context([vip], { routeId: "vip" }, { contactTags: ["vip"] })).decision)).toBe("+14155550153");
    expect(startRouting(context([vip], { routeId: "vip" })).decision.steps).toEqual([{ kind: "hangup" }]);

    const agent: Route = { id: "agent", name: "Dana", kind: "agent", config: { userId: "dana" } };
    expect(ringsAt(startRouting(context([agent], { routeId: "agent" })).decision)).toBe("+14155550152");
  });

  it("never dials a tracking number, and tags a call to a number outside its hours as after-hours", () => {
    const loop: Route = { id: "loop", name: "Loop", kind: "dial", config: { receivingNumberIds: ["office"], pattern: "simultaneous" } };
    const ctx = context([loop], { routeId: "loop" });
    ctx.config.receiving = { ...RECEIVING, office: receiving("office", TRACKING) };
    expect(startRouting(ctx).decision.steps).toEqual([{ kind: "hangup" }]);

    const closed = context([{ ...loop, id: "closed" }], { routeId: "closed" });
    closed.config.receiving = { ...RECEIVING, office: receiving("office", "+14155550150", { taggingHours: [{ day: 1, from: "09:00", to: "17:00" }] }) };
    expect(startRouting(closed).state.tags).toEqual(["after-hours"]);
  });

  it("the fail-safe dials the fail-safe number, else the termination number, never the tracking number itself", () => {
    const route = { trackingNumber: TRACKING, failsafeNumber: "+14155550151", terminationNumber: "+14155550150" };
    expect(failsafeDecision(route)).toEqual({ steps: [{ kind: "dial", targets: [{ number: "+14155550151" }], ringSeconds: 30, record: false }], reason: "fail-safe" });
    expect(ringsAt(failsafeDecision({ ...route, failsafeNumber: null }))).toBe("+14155550150");
    expect(failsafeDecision({ ...route, failsafeNumber: TRACKING, terminationNumber: null }).steps).toEqual([{ kind: "hangup" }]);
  });
});
