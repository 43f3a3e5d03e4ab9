import { describe, expect, it } from "vitest";
import { conditionHolds, isOpen, localTime, type RoutingContext } from "../../party/routing.ts";
import { condition, type Condition } from "../../schema/routing.ts";
import { tableCounts } from "./helpers.ts";
import { apiJson, dialled, receiving, route, routingTenant, startCall, useRoute } from "./routing-helpers.ts";

describe("the routing API refuses configurations that cannot work", () => {
  it("unknown targets, an empty menu, a menu key used twice, a dial with no numbers: 400 with a message, nothing written", async () => {
    const t = await routingTenant();
    const a = await receiving(t, "A");
    const before = await tableCounts();
    const cases: [unknown, RegExp][] = [
      [{ kind: "dial", name: "x", config: { receivingNumberIds: ["nope"] } }, /route "x" leads to receiving number nope, which does not exist/],
      [{ kind: "dial", name: "x", config: { receivingNumberIds: [] } }, /dial at least one receiving number/],
      [{ kind: "menu", name: "x", config: { greeting: "Hi", options: [] } }, /a menu needs at least one option/],
      [{ kind: "menu", name: "x", config: { greeting: "Hi", options: [{ digit: "1", target: { kind: "hangup" } }, { digit: "1", target: { kind: "hangup" } }] } }, /each key may lead to one target only/],
      [{ kind: "menu", name: "x", config: { greeting: "Hi", options: [{ digit: "A", target: { kind: "hangup" } }] } }, /digit/],
      [{ kind: "conditional", name: "x", config: { rules: [{ when: [{ type: "time", days: [1], from: "9am", to: "17:00" }], target: { kind: "hangup" } }], default: { kind: "hangup" } } }, /must be a time like 09:00/],
      [{ kind: "conditional", name: "x", config: { rules: [{ when: [{ type: "hours", receivingNumberId: "gone", open: true }], target: { kind: "hangup" } }], default: { kind: "hangup" } } }, /reads the hours of receiving number gone/],
      [{ kind: "agent", name: "x", config: { userId: "nobody" } }, /dials user nobody, who does not exist/],
      [{ kind: "geo", name: "x", config: { locations: [], default: { kind: "hangup" } } }, /at least one location/],
      [{ kind: "teleport", name: "x", config: {} }, /kind/],
      [{ kind: "dial", name: "x", config: { receivingNumberIds: [a.id], noAnswer: { kind: "route", id: "missing" } } }, /leads to route missing, which does not exist/],
    ];
    for (const [body, message] of cases) {
      const res = await apiJson<{ error: string }>(t, "POST", "/api/routes", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error, JSON.stringify(body)).toMatch(message);
    }
    expect(await tableCounts()).toEqual(before);
  });

  it("refuses a cycle between routes, naming the loop", async () => {
    const t = await routingTenant();
    const a = await receiving(t, "A");
    const one = await route(t, { kind: "dial", name: "One", config: { receivingNumberIds: [a.id] } });
    const two = await route(t, { kind: "menu", name: "Two", config: { greeting: "Hi", options: [{ digit: "1", target: { kind: "route", id: one.id } }] } });
    const res = await apiJson<{ error: string }>(t, "PUT", `/api/routes/${one.id}`, { kind: "dial", name: "One", config: { receivingNumberIds: [a.id], noAnswer: { kind: "route", id: two.id } } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/lead back to themselves.*route "One".*route "Two".*route "One"/);
    // Through receiving numbers' no-answer targets too.
    const b = await receiving(t, "B", { noAnswerTarget: { kind: "receiving", id: a.id } });
    const loop = await apiJson<{ error: string }>(t, "PATCH", `/api/receiving-numbers/${a.id}`, { noAnswerTarget: { kind: "receiving", id: b.id } });
    expect(loop.status).toBe(400);
    expect(loop.body.error).toMatch(/receiving number "A" → receiving number "B" → receiving number "A"/);
  });

  it("refuses any tracking number, of any tenant, as a receiving, termination, fail-safe or agent number", async () => {
    const t = await routingTenant();
    const other = await routingTenant("Other");
    const loop = /is a tracking number: ringing it would send the call back into Switchboard \(a ring loop\)/;
    for (const number of [t.trackingNumber, other.trackingNumber]) {
      const res = await apiJson<{ error: string }>(t, "POST", "/api/receiving-numbers", { number, label: "Loop" });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(loop);
    }
    for (const field of ["terminationNumber", "failsafeNumber"]) {
      const res = await apiJson<{ error: string }>(t, "PATCH", `/api/tracking-numbers/${t.trackingNumberId}`, { [field]: other.trackingNumber });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(loop);
    }
    const bulk = await apiJson<{ error: string }>(t, "POST", "/api/tracking-numbers/failsafe", { trackingNumberIds: [t.trackingNumberId], failsafeNumber: t.trackingNumber });
    expect(bulk.body.error).toMatch(loop);
    const profile = await apiJson<{ error: string }>(t, "PATCH", "/api/profile", { agentNumber: other.trackingNumber });
    expect(profile.body.error).toMatch(loop);
  });

  it("refuses to delete what is still in use, saying by what", async () => {
    const t = await routingTenant();
    const a = await receiving(t, "Office");
    const r = await route(t, { kind: "dial", name: "Office line", config: { receivingNumberIds: [a.id] } });
    await useRoute(t, r.id);
    const rcv = await apiJson<{ error: string }>(t, "DELETE", `/api/receiving-numbers/${a.id}`);
    expect(rcv.status).toBe(409);
    expect(rcv.body.error).toBe('Still used by route "Office line"; change those first');
    const rt = await apiJson<{ error: string }>(t, "DELETE", `/api/routes/${r.id}`);
    expect(rt.status).toBe(409);
    expect(rt.body.error).toBe(`Still used by tracking number ${t.trackingNumber}; change those first`);
    await useRoute(t, null);
    expect((await apiJson(t, "DELETE", `/api/routes/${r.id}`)).status).toBe(204);
    expect((await apiJson(t, "DELETE", `/api/receiving-numbers/${a.id}`)).status).toBe(204);
  });

  it("keeps tenants apart: another tenant's receiving numbers and routes are unknown here", async () => {
    const t = await routingTenant();
    const other = await routingTenant("Other");
    const theirs = await receiving(other, "Theirs");
    const theirRoute = await route(other, { kind: "dial", name: "Theirs", config: { receivingNumberIds: [theirs.id] } });
    const res = await apiJson<{ error: string }>(t, "POST", "/api/routes", { kind: "dial", name: "Steal", config: { receivingNumberIds: [theirs.id] } });
    expect(res.status).toBe(400);
    expect((await apiJson(t, "GET", `/api/routes/${theirRoute.id}`)).status).toBe(404);
    expect((await apiJson(t, "GET", `/api/receiving-numbers/${theirs.id}`)).status).toBe(404);
    expect((await apiJson(t, "PATCH", `/api/tracking-numbers/${other.trackingNumberId}`, { label: "mine" })).status).toBe(404);
    expect((await apiJson(t, "PATCH", `/api/tracking-numbers/${t.trackingNumberId}`, { routeId: theirRoute.id })).status).toBe(400);
    const bulk = await apiJson<{ error: string }>(t, "POST", "/api/tracking-numbers/failsafe", { trackingNumberIds: [other.trackingNumberId], failsafeNumber: "+14155559999" });
    expect(bulk.status).toBe(400);
    expect(bulk.body.error).toMatch(/does not exist/);
    expect((await apiJson<{ items: unknown[] }>(t, "GET", "/api/routes")).body.items).toEqual([]);
  });

  it("managers read and change the configuration; agents and reporting users do neither", async () => {
    const t = await routingTenant();
    const { login } = await import("./helpers.ts");
    const manager = { cookie: await login(t.managerEmail) };
    expect((await apiJson(manager, "GET", "/api/routes")).status).toBe(200);
    expect((await apiJson(manager, "POST", "/api/receiving-numbers", { number: "+14155559876", label: "x" })).status).toBe(201);
    for (const email of [t.agentEmail, t.reportingEmail]) {
      const user = { cookie: await login(email) };
      expect((await apiJson(user, "GET", "/api/routes")).status).toBe(403);
      expect((await apiJson(user, "POST", "/api/receiving-numbers", { number: "+14155559875", label: "x" })).status).toBe(403);
    }
  });
});

describe("the routing API", () => {
  it("sets one fail-safe number on many tracking numbers at once", async () => {
    const t = await routingTenant();
    const res = await apiJson<{ updated: number; failsafeNumber: string }>(t, "POST", "/api/tracking-numbers/failsafe", { trackingNumberIds: [t.trackingNumberId], failsafeNumber: "(415) 555-0177" });
    expect(res.body).toEqual({ updated: 1, failsafeNumber: "+14155550177" });
    const list = await apiJson<{ items: { failsafeNumber: string }[] }>(t, "GET", "/api/tracking-numbers");
    expect(list.body.items.map((i) => i.failsafeNumber)).toEqual(["+14155550177"]);
  });

  it("sets a fail-safe number on 150 tracking numbers at once", async () => {
    const t = await routingTenant();
    const { db } = await import("./helpers.ts");
    const { trackingNumbers } = await import("../../schema/db.ts");
    const { uniqueNumber } = await import("./twilio-helpers.ts");
    const ids = Array.from({ length: 149 }, () => crypto.randomUUID());
    for (const id of ids) await db().insert(trackingNumbers).values({ id, tenantId: t.id, number: uniqueNumber(), label: "bulk" });
    const res = await apiJson<{ updated: number }>(t, "POST", "/api/tracking-numbers/failsafe", { trackingNumberIds: [t.trackingNumberId, ...ids], failsafeNumber: "+14155550177" });
    expect(res.body).toEqual({ updated: 150, failsafeNumber: "+14155550177" });
    const list = await apiJson<{ items: { failsafeNumber: string }[] }>(t, "GET", "/api/tracking-numbers");
    expect(list.body.items.filter((i) => i.failsafeNumber === "+14155550177")).toHaveLength(150);
  });

  it("shows a route as a tree that says when each branch is taken", async () => {
    const t = await routingTenant();
    const [a, b, op] = [await receiving(t, "Sales A"), await receiving(t, "Sales B"), await receiving(t, "Operator")];
    const sales = await route(t, { kind: "dial", name: "Sales", config: { receivingNumberIds: [a.id, b.id], pattern: "sequential", noAnswer: { kind: "voicemail" } } });
    const menu = await route(t, {
      kind: "menu",
      name: "Main",
      config: { greeting: "Press 1 for sales", options: [{ digit: "1", target: { kind: "route", id: sales.id } }], timeoutTarget: { kind: "receiving", id: op.id } },
    });
    const tree = await apiJson(t, "GET", `/api/routes/${menu.id}/tree`);
    const shape = (n: { label: string; name: string; children: unknown[] }): unknown => ({ [`${n.label}: ${n.name}`]: n.children.map((c) => shape(c as typeof n)) });
    expect(shape(tree.body as never)).toEqual({
      "start: Main": [{ "press 1: Sales": [{ "1.: Sales A": [] }, { "2.: Sales B": [] }, { "no answer: Voicemail": [] }] }, { "no key: Operator": [] }],
    });
  });

  it("labels a conditional route's rules in words, one phrase for every kind of condition", async () => {
    const t = await routingTenant();
    const [office, after] = [await receiving(t, "Office"), await receiving(t, "After hours")];
    const to = { kind: "receiving", id: office.id };
    const when: [Condition[], string][] = [
      [[{ type: "area-code", in: ["415"] }], "Caller in area code 415"],
      [[{ type: "area-code", in: ["415", "628", "510"] }], "Caller in area codes 415, 628 or 510"],
      [[{ type: "time", days: [1, 2, 3, 4, 5], from: "09:00", to: "17:00" }], "Weekdays 09:00 – 17:00"],
      [[{ type: "time", days: [5], from: "22:00", to: "02:00" }], "Fri 22:00 – 02:00 the next day"],
      [[{ type: "time", days: [6, 0], from: "10:00", to: "14:00" }], "Weekends 10:00 – 14:00"],
      [[{ type: "time", days: [1, 3, 5], from: "08:00", to: "12:00" }], "Mon, Wed and Fri 08:00 – 12:00"],
      [[{ type: "time", days: [0, 1, 2, 3, 4, 5, 6], from: "00:00", to: "06:00" }], "Every day 00:00 – 06:00"],
      [[{ type: "business-hours", open: false }], "Outside business hours"],
      [[{ type: "business-hours", open: true }], "During business hours"],
      [[{ type: "known", value: true }], "Caller is a known contact"],
      [[{ type: "known", value: false }], "Caller is not a known contact"],
      [[{ type: "caller-type", in: ["customer"] }], "Caller is a customer"],
      [[{ type: "caller-type", in: ["employee", "lead", "unknown"] }], "Caller is an employee, a lead or unknown (not a contact)"],
      [[{ type: "hours", receivingNumberId: after.id, open: true }], "During the tagging hours of After hours"],
      [[{ type: "hours", receivingNumberId: after.id, open: false }], "Outside the tagging hours of After hours"],
      [[{ type: "tag", in: ["vip"] }], "Caller's contact is tagged vip"],
      [[{ type: "tag", in: ["vip", "commercial"] }], "Caller's contact is tagged vip or commercial"],
      [[{ type: "time", days: [2, 3, 4], from: "09:00", to: "17:00" }, { type: "area-code", in: ["415"] }, { type: "known", value: true }], "Tue–Thu 09:00 – 17:00 and caller in area code 415 and caller is a known contact"],
    ];
    // Every kind of condition the schema has is said here.
    expect(new Set(when.flatMap(([w]) => w.map((c) => c.type)))).toEqual(new Set(condition.def.options.map((o) => o.shape.type.def.values[0])));
    const r = await route(t, { kind: "conditional", name: "Rules", config: { rules: when.map(([w]) => ({ when: w, target: to })), default: { kind: "hangup" } } });
    const tree = await apiJson<{ children: { label: string; name: string }[] }>(t, "GET", `/api/routes/${r.id}/tree`);
    expect(tree.body.children.map((c) => c.label)).toEqual([...when.map(([, words]) => words), "otherwise"]);
    expect(tree.body.children[0]!.name).toBe("Office");
  });

  it("tells the Switchboard when routing changes, so the next call follows the new route", async () => {
    const t = await routingTenant();
    const [a, b] = [await receiving(t, "A"), await receiving(t, "B")];
    const r = await route(t, { kind: "dial", name: "R", config: { receivingNumberIds: [a.id] } });
    await useRoute(t, r.id);
    expect(dialled((await startCall(t, "+14155551001")).xml)).toEqual([a.number]);
    await apiJson(t, "PUT", `/api/routes/${r.id}`, { kind: "dial", name: "R", config: { receivingNumberIds: [b.id] } });
    expect(dialled((await startCall(t, "+14155551002")).xml)).toEqual([b.number]);
  });
});

describe("time conditions in the tenant's time zone", () => {
  // Monday 2026-11-23 17:30 UTC is 09:30 in Los Angeles and 18:30 in Paris.
  const monday1730utc = Date.UTC(2026, 10, 23, 17, 30);
  const ctx = (timeZone: string): RoutingContext => ({
    config: { timeZone, routes: {}, receiving: {}, agents: {}, trackingNumbers: [] },
    tracking: { trackingNumber: "+14155550100", routeId: null, terminationNumber: null, failsafeNumber: null, whisper: null, record: false },
    call: { callerNumber: "+14155550124", callerType: "customer", contactTags: ["vip"] },
    counters: { take: () => 0, connections: () => 0 },
    now: monday1730utc,
  });
  const businessHours = { type: "time" as const, days: [1, 2, 3, 4, 5], from: "09:00", to: "17:00" };

  it("reads the clock where the tenant is", () => {
    expect(localTime(monday1730utc, "America/Los_Angeles")).toEqual({ day: 1, minute: 9 * 60 + 30 });
    expect(conditionHolds(businessHours, ctx("America/Los_Angeles"))).toBe(true);
    expect(conditionHolds(businessHours, ctx("Europe/Paris"))).toBe(false);
    // A window past midnight belongs to the day it starts: Sunday night's covers Monday 09:30, Monday night's does not.
    expect(conditionHolds({ type: "time", days: [0], from: "22:00", to: "10:00" }, ctx("America/Los_Angeles"))).toBe(true);
    expect(conditionHolds({ type: "time", days: [1], from: "22:00", to: "10:00" }, ctx("America/Los_Angeles"))).toBe(false);
  });

  it("knows tags and opening hours", () => {
    expect(conditionHolds({ type: "tag", in: ["vip"] }, ctx("UTC"))).toBe(true);
    expect(conditionHolds({ type: "tag", in: ["spam"] }, ctx("UTC"))).toBe(false);
    expect(isOpen([{ day: 1, from: "09:00", to: "17:00" }], monday1730utc, "America/Los_Angeles")).toBe(true);
    expect(isOpen([{ day: 1, from: "09:00", to: "17:00" }], monday1730utc, "Asia/Tokyo")).toBe(false);
  });
});
