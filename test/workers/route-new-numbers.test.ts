/**
 * Receiving numbers typed into a route are saved with it (`newNumbers` on `POST|PUT /api/routes`):
 * checked with the route as if they were receiving numbers already, written with it in one D1 batch,
 * or, when the save is refused, not at all. A number that is a receiving number already is reused;
 * a tracking number is a ring loop. Generated bodies never get a 5xx, and a refused one writes nothing.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { routeSave } from "../../schema/routing.ts";
import { arbitraryOf } from "./fuzz-arbitraries.ts";
import { login, tableCounts } from "./helpers.ts";
import { apiJson, dialled, receiving, route, routingTenant, startCall, useRoute, type RoutingTenant } from "./routing-helpers.ts";
import { uniqueNumber } from "./twilio-helpers.ts";

type Saved = { id: string; name: string; config: Record<string, unknown>; newNumbers?: { ref: string; id: string; number: string; label: string; created: boolean }[] };
type Refusal = { error: string; issues?: { path: string; message: string }[] };

/** What a save could have written: every receiving number and route of every tenant, and the rest. */
async function written() {
  const count = async (table: string) => (await env.DB.prepare(`select count(*) as n from ${table}`).first<{ n: number }>())!.n;
  return { ...(await tableCounts()), receiving: await count("receiving_numbers"), routes: await count("routes"), audit: await count("audit_events") };
}

async function receivingOf(t: RoutingTenant) {
  return (await apiJson<{ items: { id: string; number: string; label: string; country: string }[] }>(t, "GET", "/api/receiving-numbers")).body.items;
}

/** A national number in the 555-31xx block, written as people type it, and its E.164. */
function typed() {
  const e164 = uniqueNumber();
  return { e164, national: `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}` };
}

describe("a route saved with the numbers typed into it", () => {
  it("makes them receiving numbers in the same save, wherever the route names them, and calls ring them", async () => {
    const t = await routingTenant();
    const office = await receiving(t, "Office");
    const [one, two] = [typed(), typed()];
    const res = await apiJson<Saved>(t, "POST", "/api/routes", {
      kind: "dial",
      name: "Techs",
      config: { receivingNumberIds: ["new:1", office.id], pattern: "round-robin", weights: { "new:1": 2 }, noAnswer: { kind: "receiving", id: "new:2" } },
      newNumbers: [
        { ref: "new:1", number: one.national, country: "US" },
        { ref: "new:2", number: two.e164, label: "Backup" },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [made1, made2] = res.body.newNumbers!;
    expect(res.body.newNumbers).toEqual([
      { ref: "new:1", id: made1!.id, number: one.e164, label: one.national, created: true },
      { ref: "new:2", id: made2!.id, number: two.e164, label: "Backup", created: true },
    ]);
    expect(res.body.config).toMatchObject({ receivingNumberIds: [made1!.id, office.id], weights: { [made1!.id]: 2 }, noAnswer: { kind: "receiving", id: made2!.id } });
    const stored = await receivingOf(t);
    expect(stored.map((r) => [r.label, r.number, r.country]).sort()).toEqual([
      ["Backup", two.e164, "US"],
      ["Office", office.number, "US"],
      [one.national, one.e164, "US"],
    ].sort());
    // The route is what the Switchboard routes by: the first call rings the new number.
    await useRoute(t, res.body.id);
    expect(dialled((await startCall(t, "+14155551001")).xml)).toEqual([one.e164]);
    // One audit event, naming the numbers made.
    const audit = await apiJson<{ items: { action: string; summary: string }[] }>(t, "GET", "/api/audit?limit=5");
    expect(audit.body.items.find((e) => e.action === "route.created")?.summary).toBe(`Created route "Techs" (dial) with new receiving numbers ${one.e164}, ${two.e164}`);
  });

  it("reuses a receiving number typed again in another format, and makes a number typed twice once", async () => {
    const t = await routingTenant();
    const office = await receiving(t, "Office");
    const fresh = typed();
    const national = `${office.number.slice(2, 5)}.${office.number.slice(5, 8)}.${office.number.slice(8)}`;
    const res = await apiJson<Saved>(t, "POST", "/api/routes", {
      kind: "menu",
      name: "Menu",
      config: { greeting: "Hi", options: [{ digit: "1", target: { kind: "receiving", id: "new:a" } }, { digit: "2", target: { kind: "receiving", id: "new:b" } }, { digit: "3", target: { kind: "receiving", id: "new:c" } }] },
      newNumbers: [
        { ref: "new:a", number: national },
        { ref: "new:b", number: fresh.national },
        { ref: "new:c", number: fresh.e164 },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [a, b, c] = res.body.newNumbers!;
    expect(a).toEqual({ ref: "new:a", id: office.id, number: office.number, label: "Office", created: false });
    expect(b!.created && c!.created).toBe(true);
    expect(c!.id).toBe(b!.id);
    expect((await receivingOf(t)).map((r) => r.number).sort()).toEqual([office.number, fresh.e164].sort());
  });

  it("adds typed numbers to a route it changes (PUT)", async () => {
    const t = await routingTenant();
    const office = await receiving(t, "Office");
    const r = await route(t, { kind: "queue", name: "Queue", config: { receivingNumberIds: [office.id] } });
    const fresh = typed();
    const res = await apiJson<Saved>(t, "PUT", `/api/routes/${r.id}`, { kind: "queue", name: "Queue", config: { receivingNumberIds: [office.id, "new:1"] }, newNumbers: [{ ref: "new:1", number: fresh.national }] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.config.receivingNumberIds).toEqual([office.id, res.body.newNumbers![0]!.id]);
    expect((await receivingOf(t)).map((r) => r.number).sort()).toEqual([office.number, fresh.e164].sort());
    // The numbers of a conditional route's hours condition are named too.
    const cond = await apiJson<Saved>(t, "PUT", `/api/routes/${r.id}`, {
      kind: "conditional",
      name: "Queue",
      config: { rules: [{ when: [{ type: "hours", receivingNumberId: "new:h", open: true }], target: { kind: "hangup" } }], default: { kind: "receiving", id: office.id } },
      newNumbers: [{ ref: "new:h", number: fresh.e164 }],
    });
    expect(cond.status, JSON.stringify(cond.body)).toBe(200);
    expect(cond.body.config).toMatchObject({ rules: [{ when: [{ type: "hours", receivingNumberId: res.body.newNumbers![0]!.id }] }] });
  });

  it("keeps tenants apart: another tenant's receiving number typed here is a new one here; their ids stay unknown", async () => {
    const t = await routingTenant();
    const other = await routingTenant("Other");
    const theirs = await receiving(other, "Theirs");
    const res = await apiJson<Saved>(t, "POST", "/api/routes", { kind: "dial", name: "Mine", config: { receivingNumberIds: ["new:1"] }, newNumbers: [{ ref: "new:1", number: theirs.number }] });
    expect(res.status).toBe(201);
    expect(res.body.newNumbers![0]).toMatchObject({ number: theirs.number, created: true });
    expect(res.body.newNumbers![0]!.id).not.toBe(theirs.id);
    const steal = await apiJson<Refusal>(t, "POST", "/api/routes", { kind: "dial", name: "Steal", config: { receivingNumberIds: [theirs.id, "new:1"] }, newNumbers: [{ ref: "new:1", number: typed().e164 }] });
    expect(steal.status).toBe(400);
    expect((await receivingOf(other)).map((r) => r.id)).toEqual([theirs.id]);
  });
});

describe("a refused save writes nothing", () => {
  it("a loop, a ring loop, a bad field, a ref undeclared or unused or named twice: 400 at the field, no receiving number made", async () => {
    const t = await routingTenant();
    const other = await routingTenant("Other");
    const a = await receiving(t, "A");
    const one = await route(t, { kind: "dial", name: "One", config: { receivingNumberIds: [a.id] } });
    const two = await route(t, { kind: "menu", name: "Two", config: { greeting: "Hi", options: [{ digit: "1", target: { kind: "route", id: one.id } }] } });
    const fresh = typed();
    const dial = (ids: string[], extra: Record<string, unknown> = {}) => ({ kind: "dial", name: "One", config: { receivingNumberIds: ids, ...extra } });
    const cases: [string, string, unknown, string, RegExp][] = [
      ["PUT", `/api/routes/${one.id}`, { ...dial(["new:1"], { noAnswer: { kind: "route", id: two.id } }), newNumbers: [{ ref: "new:1", number: fresh.e164 }] }, "", /lead back to themselves.*route "One".*route "Two".*route "One"/],
      ["POST", "/api/routes", { ...dial(["new:1"]), newNumbers: [{ ref: "new:1", number: t.trackingNumber }] }, "newNumbers.0.number", /is a tracking number: ringing it would send the call back into Switchboard \(a ring loop\)/],
      ["POST", "/api/routes", { ...dial(["new:1", "new:2"]), newNumbers: [{ ref: "new:1", number: fresh.e164 }, { ref: "new:2", number: other.trackingNumber }] }, "newNumbers.1.number", /a ring loop/],
      ["POST", "/api/routes", { ...dial(["new:1"]), newNumbers: [{ ref: "new:1", number: "12" }] }, "newNumbers.0.number", /is not a valid phone number/],
      ["POST", "/api/routes", { ...dial(["new:1"]), newNumbers: [{ ref: "new:1", number: "sip:<x>@pbx" }] }, "newNumbers.0.number", /SIP URI/],
      ["POST", "/api/routes", { ...dial(["new:1"]), newNumbers: [{ ref: "new:1", number: fresh.e164, country: "usa" }] }, "newNumbers.0.country", /two-letter country code/],
      ["POST", "/api/routes", { ...dial(["new:1"]), newNumbers: [{ ref: "1", number: fresh.e164 }] }, "newNumbers.0.ref", /must be like "new:1"/],
      ["POST", "/api/routes", { ...dial(["new:1", "new:9"]), newNumbers: [{ ref: "new:1", number: fresh.e164 }] }, "config.receivingNumberIds.1", /new:9 is not one of newNumbers/],
      ["POST", "/api/routes", { ...dial(["new:1"]), newNumbers: [{ ref: "new:1", number: fresh.e164 }, { ref: "new:2", number: typed().e164 }] }, "newNumbers.1.ref", /new:2 is not named anywhere in the route/],
      ["POST", "/api/routes", { ...dial(["new:1"]), newNumbers: [{ ref: "new:1", number: fresh.e164 }, { ref: "new:1", number: typed().e164 }] }, "newNumbers.1.ref", /new:1 is named twice/],
      ["POST", "/api/routes", { ...dial(["new:1"], { noAnswer: { kind: "route", id: "gone" } }), newNumbers: [{ ref: "new:1", number: fresh.e164 }] }, "", /leads to route gone, which does not exist/],
      ["POST", "/api/routes", { ...dial(["new:1"]), name: "", newNumbers: [{ ref: "new:1", number: fresh.e164 }] }, "name", /must not be empty/],
      ["PUT", "/api/routes/no-such-route", { ...dial(["new:1"]), newNumbers: [{ ref: "new:1", number: fresh.e164 }] }, "", /No such route/],
    ];
    const before = await written();
    for (const [method, path, body, at, message] of cases) {
      const res = await apiJson<Refusal>(t, method, path, body);
      const what = JSON.stringify(body);
      expect(res.status, what).toBe(path.endsWith("no-such-route") ? 404 : 400);
      expect(res.body.error, what).toMatch(message);
      if (at) expect(res.body.issues?.map((i) => i.path), what).toContain(at);
    }
    expect(await written()).toEqual(before);
    expect((await receivingOf(t)).map((r) => r.id)).toEqual([a.id]);
  });

  it("roles: an agent or a reporting user saves nothing", async () => {
    const t = await routingTenant();
    const users = [{ cookie: await login(t.agentEmail) }, { cookie: await login(t.reportingEmail) }];
    const before = await written();
    for (const user of users) {
      const res = await apiJson(user, "POST", "/api/routes", { kind: "dial", name: "x", config: { receivingNumberIds: ["new:1"] }, newNumbers: [{ ref: "new:1", number: typed().e164 }] });
      expect(res.status).toBe(403);
    }
    expect(await written()).toEqual(before);
  });
});

describe("generated route saves", () => {
  it("never get a 5xx; a 4xx writes nothing, a 2xx makes exactly the numbers it says it made", async () => {
    const t = await routingTenant();
    const other = await routingTenant("Other");
    const office = await receiving(t, "Office");
    const theirs = await receiving(other, "Theirs");
    const existing = await route(t, { kind: "dial", name: "Existing", config: { receivingNumberIds: [office.id] } });
    const numbers = [typed(), typed(), typed()];
    const strings = ["new:1", "new:2", "new:x", "new:", "1", office.id, theirs.id, existing.id, t.trackingNumber, other.trackingNumber, office.number, theirs.number, ...numbers.flatMap((n) => [n.e164, n.national]), "sip:desk@pbx.example.com", "sip:bad uri"];
    const pool = fc.constantFrom(...strings);
    // Good five times in six (fc.oneof's own bias favours its first choice on small sizes).
    const often = <T,>(good: fc.Arbitrary<T>, other: fc.Arbitrary<T>) => fc.integer({ min: 0, max: 5 }).chain((i) => (i === 5 ? other : good));
    // Bodies near valid: typed numbers (mostly good ones) named by refs in the route beside the
    // tenant's own receiving number, and now and then a bad number, name, pattern, label or ref.
    // Numbers no tenant tracks (tracking numbers here are in 415): new receiving numbers, or one made by an earlier case.
    const fresh = fc.integer({ min: 0, max: 9999 }).map((n) => `+1628555${String(n).padStart(4, "0")}`);
    const nearValid = fc
      .record({
        kind: fc.constantFrom("dial", "queue"),
        name: often(fc.constant("Generated"), fc.constantFrom("", "x".repeat(101))),
        pattern: often(fc.constantFrom("simultaneous", "round-robin", "rotating"), fc.constant("bogus")),
        typed: fc.array(fc.record({ number: often(fc.oneof(fresh, fc.constantFrom(...numbers.flatMap((n) => [n.e164, n.national]), office.number, "sip:desk@pbx.example.com")), pool), country: fc.option(often(fc.constant("US"), fc.constantFrom("GB", "us")), { nil: undefined }), label: fc.option(often(fc.constant("Typed"), fc.string({ minLength: 101, maxLength: 110 })), { nil: undefined }) }, { requiredKeys: ["number"] }), { maxLength: 3 }),
        others: fc.array(often(fc.constant(office.id), pool), { maxLength: 2 }),
        stray: often(fc.constant(undefined), fc.constantFrom("new:9", "new:")),
      })
      .map(({ kind, name, pattern, typed, others, stray }) => ({
        kind,
        name,
        config: { receivingNumberIds: [...typed.map((_, i) => `new:${i + 1}`), ...others, ...(stray ? [stray] : [])], pattern },
        newNumbers: typed.map((n, i) => ({ ref: `new:${i + 1}`, ...n })),
      }));
    const body = fc.integer({ min: 0, max: 3 }).chain((i) => (i === 3 ? arbitraryOf(routeSave, pool) : nearValid));
    const target = often(fc.constantFrom<[string, string]>(["POST", "/api/routes"], ["PUT", `/api/routes/${existing.id}`]), fc.constant<[string, string]>(["PUT", "/api/routes/gone"]));
    const seen = { saved: 0, made: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(target, body, async ([method, path], json) => {
        const before = await written();
        const res = await apiJson<Saved & Refusal>(t, method, path, json);
        expect(res.status, JSON.stringify(json)).toBeLessThan(500);
        const after = await written();
        if (res.status >= 400) {
          seen.refused++;
          expect(res.body.error, JSON.stringify(json)).toBeTruthy();
          expect(after, JSON.stringify(json)).toEqual(before);
        } else {
          const made = new Set((res.body.newNumbers ?? []).filter((n) => n.created).map((n) => n.id)).size;
          seen.saved++;
          seen.made += made;
          expect(after.receiving - before.receiving, JSON.stringify(json)).toBe(made);
          expect(after.routes - before.routes).toBe(method === "POST" ? 1 : 0);
        }
      }),
      { seed: 20261122, numRuns: 250 },
    );
    // The generated bodies reach both ends: saves that make numbers, and refusals.
    expect(seen.saved).toBeGreaterThan(25);
    expect(seen.made).toBeGreaterThan(10);
    expect(seen.refused).toBeGreaterThan(25);
  }, 120_000);
});
