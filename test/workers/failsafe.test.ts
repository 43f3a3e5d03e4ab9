/**
 * The voice webhook under failure. D1 and the Durable Object cannot be made to fail on demand, so
 * these tests hand the real Worker an environment in which one binding throws, answers late or
 * never answers; everything else (the other binding, the signature check, TwiML) is real. The fakes
 * count what they are asked and the tests check it: a fault the Worker never reached (a cached
 * answer, a renamed method failing with a TypeError) must not pass for the one under test.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { app } from "../../worker/app.ts";
import { tableCounts } from "./helpers.ts";
import { attrOf, createTwilioTenant, sdkSignature, switchboardOf, uniqueNumber, voiceParams, type TwilioTenant } from "./twilio-helpers.ts";

const URL_ = "http://switchboard.test/webhooks/twilio/voice";

async function voiceThrough(testEnv: Env, t: TwilioTenant, from: string, opts: { token?: string; to?: string } = {}) {
  const params = { ...voiceParams(t, from), ...(opts.to ? { To: opts.to } : {}) };
  const signature = await sdkSignature(opts.token ?? t.token, URL_, params);
  const ctx = createExecutionContext();
  const started = Date.now();
  const res = await app.fetch(
    new Request(URL_, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature }, body: new URLSearchParams(params).toString() }),
    testEnv,
    ctx,
  );
  const xml = await res.text();
  const ms = Date.now() - started;
  await waitOnExecutionContext(ctx);
  return { res, xml, ms };
}

const unavailable = () => Promise.reject(new Error("D1_ERROR: the database is unavailable"));
const never = () => new Promise<never>(() => {});

/**
 * A D1 binding whose queries all answer with `answer()` (fail, never answer, answer late...), in
 * the shape drizzle drives it: prepare(sql).bind(...).first/all/raw/run(), batch, exec. It counts
 * what it was asked, so a test can tell a fault it caused from one it never reached.
 */
function fakeD1(answer: (run: () => Promise<unknown>) => Promise<unknown>) {
  const asked = { prepare: 0, queries: 0, batch: 0, exec: 0, sql: [] as string[] };
  const pending: Promise<unknown>[] = [];
  const settle = (run: () => Promise<unknown>) => {
    asked.queries++;
    const p = answer(run);
    pending.push(p.catch(() => {}));
    return p;
  };
  const statement = (sql: string, values: unknown[] = []) => {
    const real = () => env.DB.prepare(sql).bind(...values);
    return {
      bind: (...bound: unknown[]) => statement(sql, bound),
      first: (column?: string) => settle(() => (column === undefined ? real().first() : real().first(column))),
      all: () => settle(() => real().all()),
      raw: (options?: { columnNames?: boolean }) => settle(() => (options?.columnNames ? real().raw({ columnNames: true }) : real().raw())),
      run: () => settle(() => real().run()),
    };
  };
  const db = {
    prepare(sql: string) {
      asked.prepare++;
      asked.sql.push(sql);
      return statement(sql);
    },
    batch() {
      asked.batch++;
      return answer(unavailable);
    },
    exec() {
      asked.exec++;
      return answer(unavailable);
    },
  };
  return { db: db as unknown as D1Database, asked, settled: () => Promise.all(pending) };
}

const failingD1 = () => fakeD1(unavailable);
/** Every query waits `ms` and then asks the real database; by default it never answers. */
const slowD1 = (ms = Infinity) => fakeD1((run) => (ms === Infinity ? never() : new Promise((r) => setTimeout(r, ms)).then(run)));

/**
 * A Switchboard namespace whose stubs have one method, registerCall, the one the voice webhook
 * calls; each call is counted with the stub's name and input, and any other name the Worker
 * reaches for is recorded (a renamed RPC must show up as such, not pass as a Durable Object fault).
 */
/** What these tests read of a registration the Worker sends (its full type is the Switchboard's own business). */
type Registered = { callerNumber: string; failsafe?: boolean };

function switchboardThat(registerCall: (input: Registered, n: number) => Promise<unknown>) {
  const asked = { names: [] as string[], registerCall: [] as Registered[], unexpected: [] as string[] };
  const namespace = {
    getByName(name: string) {
      asked.names.push(name);
      const stub = {
        registerCall(input: Registered) {
          asked.registerCall.push(input);
          return registerCall(input, asked.registerCall.length);
        },
      };
      return new Proxy(stub, {
        get(target, prop, receiver) {
          if (typeof prop === "string" && !(prop in target) && prop !== "then") asked.unexpected.push(prop);
          return Reflect.get(target, prop, receiver);
        },
      });
    },
  };
  const ns = new Proxy(namespace, {
    get(target, prop, receiver) {
      if (typeof prop === "string" && !(prop in target) && prop !== "then") asked.unexpected.push(`namespace.${prop}`);
      return Reflect.get(target, prop, receiver);
    },
  });
  return { ns: ns as unknown as Env["Switchboard"], asked };
}

/** A Switchboard the request must never reach (a refused or unverified request registers nothing). */
const untouchable = () => switchboardThat(() => Promise.reject(new Error("the Switchboard was asked")));

const realNow = Date.now.bind(Date);
/** Moves Date.now `ms` ahead: the isolate's one-minute lookups of tracking numbers grow old. */
function later(ms: number) {
  vi.spyOn(Date, "now").mockImplementation(() => realNow() + ms);
}
afterEach(() => {
  vi.restoreAllMocks();
});

const APOLOGY = /^<\?xml version="1.0" encoding="UTF-8"\?><Response><Say>We are sorry, your call cannot be connected right now\.[^<]*<\/Say><Hangup\/><\/Response>$/;

describe("the fail-safe answer", () => {
  it("dials the fail-safe number when the Durable Object throws", async () => {
    const t = await createTwilioTenant();
    const sb = switchboardThat(() => Promise.reject(new Error("Durable Object reset")));
    const { res, xml } = await voiceThrough({ ...env, Switchboard: sb.ns }, t, "+14155550124");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/xml; charset=utf-8");
    expect(xml).toMatch(new RegExp(`<Dial [^>]*timeout="30"[^>]*><Number [^>]*>\\${t.failsafeNumber}</Number></Dial>`));
    // It was asked to route the call, then (after the answer) to show it as a fail-safe call.
    expect(sb.asked.unexpected).toEqual([]);
    expect(sb.asked.names).toEqual([t.id, t.id]);
    expect(sb.asked.registerCall.map((c) => [c.callerNumber, c.failsafe ?? false])).toEqual([
      ["+14155550124", false],
      ["+14155550124", true],
    ]);
  });

  it("dials the fail-safe number when the Durable Object does not answer within the budget", async () => {
    const t = await createTwilioTenant();
    // It never answers the call's registration; the late retry after answering fails fast.
    const sb = switchboardThat((_, n) => (n === 1 ? never() : Promise.reject(new Error("still down"))));
    const { res, xml, ms } = await voiceThrough({ ...env, VOICE_BUDGET_MS: "50", Switchboard: sb.ns }, t, "+14155550124");
    expect(res.status).toBe(200);
    expect(xml).toContain(`>${t.failsafeNumber}</Number>`);
    expect(ms).toBeLessThan(1000); // the budget, not the default of two seconds nor forever
    expect(sb.asked.unexpected).toEqual([]);
    expect(sb.asked.registerCall).toHaveLength(2);
  });

  it("dials the termination number when no fail-safe number is set", async () => {
    const t = await createTwilioTenant();
    await env.DB.prepare("update tracking_numbers set failsafe_number = null where id = ?").bind(t.trackingNumberId).run();
    const sb = switchboardThat(() => Promise.reject(new Error("boom")));
    const { xml } = await voiceThrough({ ...env, Switchboard: sb.ns }, t, "+14155550124");
    expect(xml).toContain(`>${t.terminationNumber}</Number>`);
    expect(sb.asked.unexpected).toEqual([]);
    expect(sb.asked.registerCall).toHaveLength(2);
  });

  it("within a minute of learning a number, the isolate routes it without asking D1 at all", async () => {
    const t = await createTwilioTenant();
    // A first call teaches this isolate the tracking number; then D1 goes down for the Worker.
    await voiceThrough(env, t, "+14155550124");
    const d1 = failingD1();
    const { res, xml } = await voiceThrough({ ...env, DB: d1.db }, t, "+14155550125");
    expect(res.status).toBe(200);
    expect(xml).toContain(`>${t.terminationNumber}</Number>`);
    expect(d1.asked.prepare + d1.asked.queries + d1.asked.batch + d1.asked.exec).toBe(0);
  });

  it("routes as usual when D1 fails after this isolate learnt the number, even long ago: the Switchboard holds the rest", async () => {
    const t = await createTwilioTenant();
    await voiceThrough(env, t, "+14155550124");
    // Over a minute later the isolate asks D1 again, which fails; the last answer it gave stands in.
    later(61_000);
    const d1 = failingD1();
    const { res, xml } = await voiceThrough({ ...env, DB: d1.db }, t, "+14155550125");
    expect(d1.asked.queries).toBeGreaterThan(0);
    expect(res.status).toBe(200);
    expect(xml).toContain(`>${t.terminationNumber}</Number>`);
    expect(xml).not.toContain(`>${t.failsafeNumber}</Number>`);
    const calls = (await switchboardOf(t).snapshot()).calls;
    expect(calls.map((c) => [c.callerNumber, c.failsafe, c.callerType])).toEqual([
      ["+14155550124", false, "unknown"],
      ["+14155550125", false, "unknown"],
    ]);
  });

  it("still registers the call for the dashboards after a fail-safe answer", async () => {
    const t = await createTwilioTenant();
    // The Switchboard's routing fails once; the late registration after the answer goes through.
    const real = switchboardOf(t);
    const sb = switchboardThat((input, n) => (n === 1 ? Promise.reject(new Error("Durable Object reset")) : real.registerCall(input as never)));
    const { res, xml } = await voiceThrough({ ...env, Switchboard: sb.ns }, t, "+14155550125");
    expect(res.status).toBe(200);
    expect(xml).toContain(`>${t.failsafeNumber}</Number>`);
    expect(sb.asked.unexpected).toEqual([]);
    expect(sb.asked.registerCall).toHaveLength(2);
    const calls = (await real.snapshot()).calls;
    expect(calls.map((c) => [c.callerNumber, c.failsafe, c.callerType])).toEqual([["+14155550125", true, "unknown"]]);
  });

  it("with D1 down, a request for a number this isolate never saw gets a spoken apology, not silence nor a 5xx", async () => {
    const t = await createTwilioTenant();
    const before = await tableCounts();
    const d1 = failingD1();
    const sb = untouchable();
    const { res, xml } = await voiceThrough({ ...env, DB: d1.db, Switchboard: sb.ns }, t, "+14155550124", { to: uniqueNumber() });
    expect(res.status).toBe(200);
    expect(xml).toMatch(APOLOGY);
    expect(d1.asked.queries).toBeGreaterThan(0);
    expect(sb.asked.names).toEqual([]);
    expect(await tableCounts()).toEqual(before);
  });

  it("keeps checking signatures while D1 is down: a forged request is still refused", async () => {
    const t = await createTwilioTenant();
    await voiceThrough(env, t, "+14155550124");
    const d1 = failingD1();
    const sb = untouchable();
    const { res } = await voiceThrough({ ...env, DB: d1.db, Switchboard: sb.ns }, t, "+14155550124", { token: "forged" });
    expect(res.status).toBe(403);
    // The isolate's recent lookup failed the signature, so D1 was asked again (and failed).
    expect(d1.asked.queries).toBeGreaterThan(0);
    expect(sb.asked.names).toEqual([]);
  });

  it("apologises without naming any number when the request cannot be verified because of an internal fault", async () => {
    const t = await createTwilioTenant();
    const sb = untouchable();
    const { res, xml } = await voiceThrough({ ...env, SECRETS_KEY: "not-a-valid-key", Switchboard: sb.ns }, t, "+14155550124");
    expect(res.status).toBe(200);
    expect(xml).toMatch(APOLOGY);
    expect(xml).not.toContain(t.failsafeNumber);
    expect(attrOf(xml, "Dial", "action")).toBeUndefined();
    expect(sb.asked.names).toEqual([]);
  });
});

describe("a slow D1 (it answers late or never; it does not fail)", () => {
  it.each([
    ["never answers", Infinity],
    ["answers after 500 ms", 500],
  ])("a number this isolate never saw: a spoken apology within the budget when D1 %s", async (_, delay) => {
    const t = await createTwilioTenant();
    const d1 = slowD1(delay);
    const sb = untouchable();
    const { res, xml, ms } = await voiceThrough({ ...env, VOICE_BUDGET_MS: "50", DB: d1.db, Switchboard: sb.ns }, t, "+14155550124", { to: uniqueNumber() });
    expect(res.status).toBe(200);
    expect(xml).toMatch(APOLOGY);
    expect(ms).toBeLessThan(300); // the 50 ms budget, with room for a loaded machine
    expect(d1.asked.queries).toBeGreaterThan(0);
    expect(sb.asked.names).toEqual([]);
    if (delay !== Infinity) await d1.settled();
  });

  it("a number seen within the minute: routes normally from the isolate's memory, D1 not asked", async () => {
    const t = await createTwilioTenant();
    await voiceThrough(env, t, "+14155550124");
    const d1 = slowD1();
    const { res, xml, ms } = await voiceThrough({ ...env, VOICE_BUDGET_MS: "50", DB: d1.db }, t, "+14155550125");
    expect(res.status).toBe(200);
    expect(xml).toContain(`>${t.terminationNumber}</Number>`);
    expect(ms).toBeLessThan(300); // the 50 ms budget, with room for a loaded machine
    expect(d1.asked.prepare + d1.asked.queries).toBe(0);
    expect((await switchboardOf(t).snapshot()).calls.map((c) => [c.callerNumber, c.failsafe])).toEqual([
      ["+14155550124", false],
      ["+14155550125", false],
    ]);
  });

  it("a number seen over a minute ago: D1 is asked; the last known answer still dials someone within the budget", async () => {
    const t = await createTwilioTenant();
    await voiceThrough(env, t, "+14155550124");
    later(61_000);
    const d1 = slowD1();
    // A Switchboard a few milliseconds away, as a real one is (the local one answers at once).
    const real = switchboardOf(t);
    const sb = switchboardThat((input) => new Promise((r) => setTimeout(r, 5)).then(() => real.registerCall(input as never) as Promise<unknown>));
    const { res, xml, ms } = await voiceThrough({ ...env, VOICE_BUDGET_MS: "50", DB: d1.db, Switchboard: sb.ns }, t, "+14155550125");
    expect(d1.asked.queries).toBeGreaterThan(0);
    expect(res.status).toBe(200);
    expect(ms).toBeLessThan(300); // the 50 ms budget, with room for a loaded machine
    // The lookup waited out the budget, so whether the Switchboard still routes in time is a race;
    // either way the caller is put through to a number of the tenant's, and the dashboards see the call.
    const dialledNumber = /<Number [^>]*>([^<]+)<\/Number>/.exec(xml)?.[1];
    expect([t.terminationNumber, t.failsafeNumber]).toContain(dialledNumber);
    expect(sb.asked.unexpected).toEqual([]);
    expect((await real.snapshot()).calls.map((c) => c.callerNumber)).toEqual(["+14155550124", "+14155550125"]);
  });
});

describe("a slow Switchboard (it answers after the budget; it does not fail)", () => {
  /**
   * The voice webhook with a real Switchboard, warm (it has routed a call: its routing settings are
   * in memory), that is busy for the next 400 ms, the budget being 50 ms: what is sent to it
   * meanwhile waits, and is then served in the order sent.
   */
  async function slowSwitchboardCall() {
    const t = await createTwilioTenant();
    const real = switchboardOf(t);
    await voiceThrough(env, t, "+14155550123");
    const ready = new Promise((r) => setTimeout(r, 400));
    const landed: Promise<unknown>[] = [];
    const sb = switchboardThat((input) => {
      const answer = ready.then(() => real.registerCall(input as never) as Promise<unknown>);
      landed.push(answer.catch(() => {}));
      return answer;
    });
    const { res, xml, ms } = await voiceThrough({ ...env, VOICE_BUDGET_MS: "50", Switchboard: sb.ns }, t, "+14155550124");
    // The slow registration was not stopped: let it land before looking at the Switchboard.
    await Promise.all(landed);
    const calls = (await real.snapshot()).calls.filter((c) => c.callerNumber === "+14155550124");
    return { t, sb, res, xml, ms, calls };
  }

  it("the caller gets the fail-safe number within the budget, and the call is registered once", async () => {
    const { t, sb, res, xml, ms, calls } = await slowSwitchboardCall();
    expect(res.status).toBe(200);
    expect(ms).toBeLessThan(300); // not waiting for the Switchboard (400 ms)
    expect(xml).toContain(`>${t.failsafeNumber}</Number>`);
    expect(sb.asked.unexpected).toEqual([]);
    // The registration that timed out, then the late one marked as fail-safe.
    expect(sb.asked.registerCall.map((c) => c.failsafe ?? false)).toEqual([false, true]);
    expect(calls).toHaveLength(1);
  });

  // The registration that timed out is not cancelled: the Switchboard gets to it before the late
  // fail-safe one (it was sent first, and with the routing settings in memory it registers without
  // waiting on D1) and routes the call its own way. The late fail-safe registration then makes it
  // the fail-safe call the provider was told to make, ringing nowhere else. (With a cold Switchboard
  // the fail-safe registration lands first, as it does not wait on D1.)
  it("the dashboards show the call as the fail-safe call Twilio was told to make", async () => {
    const { t, xml, calls } = await slowSwitchboardCall();
    expect(xml).toContain(`>${t.failsafeNumber}</Number>`);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ failsafe: true, terminationNumber: t.failsafeNumber });
    // The termination number rings for the warm-up call only, not for this one.
    expect(await switchboardOf(t).connections([t.terminationNumber])).toEqual({ [t.terminationNumber]: 1 });
  });
});
