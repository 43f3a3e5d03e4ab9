/**
 * Issue #18's dialling behaviour, through the real webhooks and the real Switchboard: round robin
 * rolls an unanswered call over instead of stranding it, weights, a rotating hunt, sticky routing
 * (across an eviction), retries that count nothing twice, and the call naming where it rings and
 * who answered. The engine's own rounds are asserted as data at the end.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { afterDial, startRouting, weightedTurn, type Counters, type RoutingConfig, type RoutingContext, type RoutingState } from "../../party/routing.ts";
import type { ReceivingNumber, Route } from "../../schema/routing.ts";
import { apiJson, dialEnds, dialled, receiving, route, routingTenant, startCall, useRoute, type RoutingTenant } from "./routing-helpers.ts";
import type { Switchboard } from "../../party/switchboard.ts";
import { hexId, leg, parentStatus, postTwilio, switchboardOf, voiceParams } from "./twilio-helpers.ts";

async function dialRoute(t: RoutingTenant, config: Record<string, unknown>) {
  const r = await route(t, { kind: "dial", name: `Route ${crypto.randomUUID().slice(0, 8)}`, config });
  await useRoute(t, r.id);
  return r;
}

/** The number each of `n` new calls rings first, one after another. */
async function firstRings(t: RoutingTenant, n: number) {
  const firsts: string[] = [];
  for (let i = 0; i < n; i++) firsts.push(dialled((await startCall(t, `+1415555${String(2000 + i)}`)).xml)[0]!);
  return firsts;
}

describe("round robin never strands the caller", () => {
  it("rolls an unanswered (or busy) call over to the next numbers in turn, each once, then the no-answer target; the next call starts at the next slot", async () => {
    const t = await routingTenant();
    const [a, b, c] = [await receiving(t, "A"), await receiving(t, "B"), await receiving(t, "C")];
    await dialRoute(t, { receivingNumberIds: [a.id, b.id, c.id], pattern: "round-robin", noAnswer: { kind: "voicemail", greeting: "Leave a message." } });

    const first = await startCall(t, "+14155551001");
    expect(dialled(first.xml)).toEqual([a.number]);
    expect(dialled(await dialEnds(t, first.callSid, "no-answer"))).toEqual([b.number]);
    expect(dialled(await dialEnds(t, first.callSid, "busy"))).toEqual([c.number]);
    expect(await dialEnds(t, first.callSid, "no-answer")).toContain("<Say>Leave a message.</Say><Record ");

    // The second call's turn is B's: it rolls over to C, then A.
    const second = await startCall(t, "+14155551002");
    expect(dialled(second.xml)).toEqual([b.number]);
    expect(dialled(await dialEnds(t, second.callSid, "no-answer"))).toEqual([c.number]);
    expect(dialled(await dialEnds(t, second.callSid, "no-answer"))).toEqual([a.number]);
    // Answered: the call is over, and the third call starts at C.
    expect(await dialEnds(t, second.callSid, "completed", { DialCallSid: hexId("CA"), DialCallDuration: "20" })).toContain("<Hangup/>");
    expect(dialled((await startCall(t, "+14155551003")).xml)).toEqual([c.number]);
  });

  it("counts each call once: the voice webhook and a dial step's end sent again move nothing", async () => {
    const t = await routingTenant();
    const [a, b, c] = [await receiving(t, "A"), await receiving(t, "B"), await receiving(t, "C")];
    await dialRoute(t, { receivingNumberIds: [a.id, b.id, c.id], pattern: "round-robin" });

    const callSid = hexId("CA");
    const voice = () => postTwilio("/webhooks/twilio/voice", voiceParams(t, "+14155551001", callSid), { token: t.token }).then((r) => r.text());
    const xml = await voice();
    expect(dialled(xml)).toEqual([a.number]);
    expect(await voice()).toBe(xml);

    const legA = hexId("CA");
    const rolled = await dialEnds(t, callSid, "no-answer", { DialCallSid: legA });
    expect(dialled(rolled)).toEqual([b.number]);
    // Twilio retries the same callback (same leg): the same answer, B again, not C.
    expect(await dialEnds(t, callSid, "no-answer", { DialCallSid: legA })).toBe(rolled);
    expect(dialled(await dialEnds(t, callSid, "no-answer", { DialCallSid: hexId("CA") }))).toEqual([c.number]);

    // One call, one slot: the next call is B's turn.
    expect(dialled((await startCall(t, "+14155551002")).xml)).toEqual([b.number]);
    expect(dialled((await startCall(t, "+14155551003")).xml)).toEqual([c.number]);
  });

  it("weights share out first rings smoothly: 3:1 over 8 calls is A A B A twice", async () => {
    const t = await routingTenant();
    const [a, b] = [await receiving(t, "A"), await receiving(t, "B")];
    await dialRoute(t, { receivingNumberIds: [a.id, b.id], pattern: "round-robin", weights: { [a.id]: 3, [b.id]: 1 } });
    expect(await firstRings(t, 8)).toEqual([a, a, b, a, a, a, b, a].map((r) => r.number));
  });

  it("weights of a number not named default to 1; a route stored without weights keeps its plain rotation", async () => {
    const t = await routingTenant();
    const [a, b, c] = [await receiving(t, "A"), await receiving(t, "B"), await receiving(t, "C")];
    await dialRoute(t, { receivingNumberIds: [a.id, b.id, c.id], pattern: "round-robin", weights: { [c.id]: 2 } });
    const firsts = await firstRings(t, 8);
    expect(firsts.filter((n) => n === c.number)).toHaveLength(4);
    expect(firsts.filter((n) => n === a.number)).toHaveLength(2);
    // A weighted call rolls over in list order after the number whose turn it was.
    const call = await startCall(t, "+14155551009");
    const next = dialled(call.xml)[0];
    const order = [a.number, b.number, c.number];
    expect(dialled(await dialEnds(t, call.callSid, "no-answer"))).toEqual([order[(order.indexOf(next!) + 1) % 3]]);
  });
});

describe("a rotating hunt", () => {
  it("starts each call one number further down, hunts on down the list and wraps, each number once", async () => {
    const t = await routingTenant();
    const [a, b, c] = [await receiving(t, "A"), await receiving(t, "B"), await receiving(t, "C")];
    await dialRoute(t, { receivingNumberIds: [a.id, b.id, c.id], pattern: "rotating", noAnswer: { kind: "hangup" } });
    const first = await startCall(t, "+14155551001");
    expect(dialled(first.xml)).toEqual([a.number]);
    const second = await startCall(t, "+14155551002");
    expect(dialled(second.xml)).toEqual([b.number]);
    expect(dialled(await dialEnds(t, second.callSid, "no-answer"))).toEqual([c.number]);
    expect(dialled(await dialEnds(t, second.callSid, "busy"))).toEqual([a.number]);
    expect(await dialEnds(t, second.callSid, "no-answer")).toContain("<Hangup/>");
    expect(dialled((await startCall(t, "+14155551003")).xml)).toEqual([c.number]);
    expect(dialled((await startCall(t, "+14155551004")).xml)).toEqual([a.number]);
  });

  it("sequential still hunts from the top on every call", async () => {
    const t = await routingTenant();
    const [a, b] = [await receiving(t, "A"), await receiving(t, "B")];
    await dialRoute(t, { receivingNumberIds: [a.id, b.id], pattern: "sequential" });
    expect(await firstRings(t, 3)).toEqual([a.number, a.number, a.number]);
  });
});

describe("sticky routing", () => {
  it("rings a returning caller's last answerer first, after an eviction too, then the route's pattern", async () => {
    const t = await routingTenant();
    const [a, b, c] = [await receiving(t, "A"), await receiving(t, "B"), await receiving(t, "C")];
    await dialRoute(t, { receivingNumberIds: [a.id, b.id, c.id], pattern: "round-robin", sticky: true });
    const caller = "+14155551001";

    // First call: A's turn, A does not answer, B does.
    const first = await startCall(t, caller);
    expect(dialled(first.xml)).toEqual([a.number]);
    expect(dialled(await dialEnds(t, first.callSid, "no-answer"))).toEqual([b.number]);
    await dialEnds(t, first.callSid, "completed", { DialCallSid: hexId("CA"), DialCallDuration: "30" });

    await evictDurableObject(switchboardOf(t));

    // The caller again: B first; B does not answer, and round robin goes on over the others.
    const again = await startCall(t, caller);
    expect(dialled(again.xml)).toEqual([b.number]);
    const rolled = dialled(await dialEnds(t, again.callSid, "no-answer"));
    expect([a.number, c.number]).toContain(rolled[0]);
    // Someone new is not sticky to anyone.
    expect(dialled((await startCall(t, "+14155551002")).xml)).not.toEqual([]);
    // A route that is not sticky ignores who answered.
    await dialRoute(t, { receivingNumberIds: [a.id, b.id, c.id], pattern: "sequential" });
    expect(dialled((await startCall(t, caller)).xml)).toEqual([a.number]);
  });
});

describe("the call names where it rings and who answered", () => {
  it("shows the receiving number's label, and with simultaneous ringing the number whose leg answered, kept in the call log", async () => {
    const t = await routingTenant();
    const [office, warehouse] = [await receiving(t, "Office"), await receiving(t, "Warehouse")];
    await dialRoute(t, { receivingNumberIds: [office.id, warehouse.id], pattern: "simultaneous" });
    const start = await startCall(t, "+14155551001");
    expect(dialled(start.xml)).toEqual([office.number, warehouse.number]);
    const ringing = (await switchboardOf(t).snapshot()).calls[0]!;
    expect(ringing).toMatchObject({ terminationNumber: office.number, ringsAtLabel: "Office", answeredBy: null });

    // The second number's leg answers (its report again, and the first leg's no-answer, change nothing).
    const warehouseLeg = hexId("CA");
    await leg(t, start.legStatus!, start.callSid, warehouseLeg, "in-progress", { To: warehouse.number });
    await leg(t, start.legStatus!, start.callSid, warehouseLeg, "in-progress", { To: warehouse.number });
    await leg(t, start.legStatus!, start.callSid, hexId("CA"), "no-answer", { To: office.number });
    const answered = (await switchboardOf(t).snapshot()).calls[0]!;
    expect(answered).toMatchObject({ status: "in-progress", answeredBy: { number: warehouse.number, label: "Warehouse" } });

    await dialEnds(t, start.callSid, "completed", { DialCallSid: warehouseLeg, DialCallDuration: "30" });
    await parentStatus(t, start.callSid, "completed", { CallDuration: "40" });
    await switchboardOf(t).flushCallLog();
    const row = await env.DB.prepare("select answered_by, answered_by_label from calls where provider_call_id = ?").bind(start.callSid).first();
    expect(row).toEqual({ answered_by: warehouse.number, answered_by_label: "Warehouse" });
    const listed = await apiJson<{ items: { providerCallId: string; answeredBy: unknown }[] }>(t, "GET", "/api/calls");
    expect(listed.body.items.find((c) => c.providerCallId === start.callSid)?.answeredBy).toEqual({ number: warehouse.number, label: "Warehouse" });
  });

  it("a one-number dial step's answer names that number, from the dial step's end alone", async () => {
    const t = await routingTenant();
    const [a, b] = [await receiving(t, "Front desk"), await receiving(t, "Back office")];
    await dialRoute(t, { receivingNumberIds: [a.id, b.id], pattern: "sequential" });
    const start = await startCall(t, "+14155551001");
    expect(dialled(await dialEnds(t, start.callSid, "no-answer"))).toEqual([b.number]);
    expect((await switchboardOf(t).snapshot()).calls[0]).toMatchObject({ terminationNumber: b.number, ringsAtLabel: "Back office" });
    await dialEnds(t, start.callSid, "completed", { DialCallSid: hexId("CA"), DialCallDuration: "12" });
    await switchboardOf(t).flushCallLog();
    const row = await env.DB.prepare("select answered_by_label from calls where provider_call_id = ?").bind(start.callSid).first();
    expect(row).toEqual({ answered_by_label: "Back office" });
  });
});

describe("calls kept before the new fields", () => {
  it("read with no label and nobody answering, and go on to be answered and named", async () => {
    const t = await routingTenant();
    const a = await receiving(t, "Office");
    await dialRoute(t, { receivingNumberIds: [a.id], pattern: "simultaneous" });
    const start = await startCall(t, "+14155551001");
    // The call as an older Switchboard kept it: no ringsAtLabel or answeredBy, no ringing in its memory.
    await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => {
      const row = state.storage.sql.exec<{ call: string; memory: string }>("select call, memory from calls").one();
      const { ringsAtLabel: _label, answeredBy: _by, ...older } = JSON.parse(row.call) as Record<string, unknown>;
      const { ringing: _ringing, ...olderMemory } = JSON.parse(row.memory) as Record<string, unknown>;
      state.storage.sql.exec("update calls set call = ?, memory = ?", JSON.stringify(older), JSON.stringify(olderMemory));
    });
    expect((await switchboardOf(t).snapshot()).calls[0]).toMatchObject({ ringsAtLabel: null, answeredBy: null });
    await leg(t, start.legStatus!, start.callSid, hexId("CA"), "in-progress", { To: a.number });
    expect((await switchboardOf(t).snapshot()).calls[0]).toMatchObject({ status: "in-progress", answeredBy: { number: a.number, label: null } });
  });
});

describe("the API refuses bad weights and writes nothing", () => {
  it.each([
    ["zero", 0],
    ["above 100", 101],
    ["a fraction", 1.5],
    ["a string", "3"],
  ])("a weight that is %s", async (_, weight) => {
    const t = await routingTenant();
    const [a, b] = [await receiving(t, "A"), await receiving(t, "B")];
    const res = await apiJson<{ error: string }>(t, "POST", "/api/routes", { kind: "dial", name: "RR", config: { receivingNumberIds: [a.id, b.id], pattern: "round-robin", weights: { [a.id]: weight } } });
    expect(res.status).toBe(400);
    expect((await apiJson<{ items: unknown[] }>(t, "GET", "/api/routes")).body.items).toEqual([]);
  });

  it("a weight for a number the route does not dial, and a bad one on an edit, which leaves the route as it was", async () => {
    const t = await routingTenant();
    const [a, b] = [await receiving(t, "A"), await receiving(t, "B")];
    const refused = await apiJson<{ error: string }>(t, "POST", "/api/routes", { kind: "dial", name: "RR", config: { receivingNumberIds: [a.id], pattern: "round-robin", weights: { [b.id]: 2 } } });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toContain("weighs a receiving number the route does not dial");

    const good = { kind: "dial", name: "RR", config: { receivingNumberIds: [a.id, b.id], pattern: "round-robin", weights: { [a.id]: 3 } } };
    const r = await route(t, good);
    const edit = await apiJson(t, "PUT", `/api/routes/${r.id}`, { ...good, config: { ...good.config, weights: { [a.id]: 0 } } });
    expect(edit.status).toBe(400);
    expect((await apiJson<{ config: unknown }>(t, "GET", `/api/routes/${r.id}`)).body.config).toEqual(good.config);
  });
});

// The engine on its own ----------------------------------------------------------------------------

const number = (n: number) => `+1415555${String(n).padStart(4, "0")}`;

function engine(route: Route, receivingIds: string[], lastAnswered: string | null = null) {
  const slots = new Map<string, number>();
  const counters: Counters = {
    take: (key) => {
      const slot = slots.get(key) ?? 0;
      slots.set(key, slot + 1);
      return slot;
    },
    connections: () => 0,
    lastAnswered: () => lastAnswered,
  };
  const receiving = Object.fromEntries(
    receivingIds.map((id, i): [string, ReceivingNumber] => [id, { id, number: number(150 + i), label: id, extension: null, extensionDelaySeconds: 0, whisper: null, ringSeconds: 20, noAnswerTarget: null, taggingHours: null, record: false }]),
  );
  const config: RoutingConfig = { timeZone: "UTC", routes: { [route.id]: route }, receiving, agents: {}, trackingNumbers: ["+14155550100"] };
  const ctx: RoutingContext = {
    config,
    tracking: { trackingNumber: "+14155550100", routeId: route.id, terminationNumber: null, failsafeNumber: null, whisper: null, record: false },
    call: { callerNumber: "+12125550123", callerType: "unknown", contactTags: [] },
    counters,
    now: 0,
  };
  /** The numbers one call rings in turn, with nobody answering. */
  const hunt = () => {
    const rung: string[] = [];
    let routed = startRouting(ctx);
    for (let i = 0; i < 10 && routed.state.dialling.length; i++) {
      rung.push(routed.state.dialling.join("+"));
      routed = afterDial(ctx, routed.state, false);
    }
    return rung;
  };
  return { ctx, hunt, slots };
}

describe("the engine's rounds, as data", () => {
  it("smooth weighted round robin spreads 5:1:1 as nginx does, and equal weights are plain rotation", () => {
    const turns = (weights: number[], n: number) => Array.from({ length: n }, (_, slot) => weightedTurn(weights, slot));
    expect(turns([5, 1, 1], 7)).toEqual([0, 0, 1, 0, 2, 0, 0]);
    expect(turns([1, 1, 1], 6)).toEqual([0, 1, 2, 0, 1, 2]);
    const counts = turns([3, 1], 400).reduce((m, i) => m.set(i, (m.get(i) ?? 0) + 1), new Map<number, number>());
    expect(Object.fromEntries(counts)).toEqual({ 0: 300, 1: 100 });
  });

  it("round robin: every number once from the one whose turn it is, a slot per call; rotating hunts the same way; sticky goes first", () => {
    const rr: Route = { id: "rr", name: "RR", kind: "dial", config: { receivingNumberIds: ["a", "b", "c"], pattern: "round-robin" } };
    const { hunt, slots } = engine(rr, ["a", "b", "c"]);
    expect(hunt()).toEqual([number(150), number(151), number(152)]);
    expect(hunt()).toEqual([number(151), number(152), number(150)]);
    expect(slots.get("rr:rr")).toBe(2);

    const rotating: Route = { ...rr, id: "rot", config: { ...rr.config, pattern: "rotating" } };
    const rot = engine(rotating, ["a", "b", "c"]);
    rot.hunt();
    expect(rot.hunt()).toEqual([number(151), number(152), number(150)]);
    expect(rot.slots.get("rotate:rot")).toBe(2);

    const sticky: Route = { ...rr, id: "sticky", config: { ...rr.config, pattern: "simultaneous", sticky: true } };
    expect(engine(sticky, ["a", "b", "c"], number(152)).hunt()).toEqual([number(152), `${number(150)}+${number(151)}`]);
    // Someone who answered but is no longer on the route is not rung.
    expect(engine(sticky, ["a", "b", "c"], "+19995550000").hunt()).toEqual([`${number(150)}+${number(151)}+${number(152)}`]);
  });

  it("a rotating queue offers each call from the next agent on, one slot per call however many offers", () => {
    const queue: Route = { id: "q", name: "Q", kind: "queue", config: { receivingNumberIds: ["a", "b", "c"], pattern: "rotating", maxWaitSeconds: 300 } };
    const { ctx, slots } = engine(queue, ["a", "b", "c"]);
    const offers = () => {
      let routed = startRouting(ctx);
      const rung = [routed.state.dialling[0]];
      for (let i = 0; i < 3; i++) rung.push((routed = afterDial(ctx, routed.state, false)).state.dialling[0]);
      return rung;
    };
    expect(offers()).toEqual([number(150), number(151), number(152), number(150)]);
    expect(offers()).toEqual([number(151), number(152), number(150), number(151)]);
    expect(slots.get("rotate:q")).toBe(2);
  });

  it("a call ringing when the rounds came in goes on as it was kept (its frame from before)", () => {
    const rr: Route = { id: "rr", name: "RR", kind: "dial", config: { receivingNumberIds: ["a", "b", "c"], pattern: "sequential" } };
    const { ctx } = engine(rr, ["a", "b", "c"]);
    const entries = ["a", "b", "c"].map((id, i) => ({ number: number(150 + i), receivingId: id }));
    const older = { frame: { kind: "dial", entries, pattern: "sequential", index: 0, noAnswer: { kind: "hangup" } }, dialling: [number(150)], tags: [] } as unknown as RoutingState;
    expect(afterDial(ctx, older, false).state.dialling).toEqual([number(151)]);
    const oneOfRr = { frame: { kind: "dial", entries: [entries[1]], pattern: "round-robin", index: 0, noAnswer: null }, dialling: [number(151)], tags: [] } as unknown as RoutingState;
    expect(afterDial(ctx, oneOfRr, false).decision.steps).toEqual([{ kind: "hangup" }]);
  });
});
