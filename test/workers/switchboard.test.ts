import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { advance, type CallMemory } from "../../party/calls.ts";
import { LOG_RETRY_MS } from "../../party/call-log.ts";
import { isReady } from "../../party/callers.ts";
import { HeldConfig, loadRoutingConfig, type SwitchboardConfig } from "../../party/config.ts";
import { ANSWERED_STALE_MS, RINGING_STALE_MS } from "../../party/pipeline.ts";
import type { Switchboard } from "../../party/switchboard.ts";
import type { LiveCall } from "../../schema/calls.ts";
import { getDb } from "../../schema/d1.ts";
import { call, login } from "./helpers.ts";
import { dialled } from "./routing-helpers.ts";
import { Dashboard } from "./socket.ts";
import { createTwilioTenant, dialAction, hexId, leg, parentStatus, startCall, switchboardOf, uniqueNumber } from "./twilio-helpers.ts";

async function age(t: { id: string }, ms: number) {
  await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => {
    state.storage.sql.exec("update calls set updated_at = updated_at - ?", ms);
  });
}

describe("the Switchboard's alarm", () => {
  it("is set when a call comes in, and ends calls whose end never arrived", async () => {
    const t = await createTwilioTenant();
    const ringing = await startCall(t, "+14155550124");
    const answered = await startCall(t, "+14155550125");
    await leg(t, answered.legStatus!, answered.callSid, hexId("CA"), "in-progress");
    expect(await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => state.storage.getAlarm())).not.toBeNull();

    // An hour and a bit of silence: the ringing call is over; the answered one may still be talking.
    await age(t, RINGING_STALE_MS + 1000);
    expect(await runDurableObjectAlarm(switchboardOf(t))).toBe(true);
    let snapshot = await switchboardOf(t).snapshot();
    expect(snapshot.calls.map((c) => c.providerCallId)).toEqual([answered.callSid]);
    expect(snapshot.notifications.filter((n) => n.kind === "missed-call").map((n) => n.title)).toEqual(["Missed call: (415) 555-0124"]);

    await age(t, ANSWERED_STALE_MS);
    await runDurableObjectAlarm(switchboardOf(t));
    snapshot = await switchboardOf(t).snapshot();
    expect(snapshot.calls).toEqual([]);
    const log = await env.DB.prepare("select provider_call_id, status from calls where tenant_id = ? order by status").bind(t.id).all();
    expect(log.results).toEqual([
      { provider_call_id: answered.callSid, status: "completed" },
      { provider_call_id: ringing.callSid, status: "no-answer" },
    ]);
    // Nothing left to watch: the alarm is not set again.
    expect(await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => state.storage.getAlarm())).toBeNull();
  });

  it("writes again to the call log what D1 refused the first time", async () => {
    const t = await createTwilioTenant();
    const started = await startCall(t, "+14155550124");
    // The call ended but its log write was lost (D1 refused it): it is marked pending.
    await runInDurableObject(switchboardOf(t), async (instance: Switchboard, state) => {
      await instance.recordProgress("twilio", started.callSid, { leg: "parent", legId: started.callSid, status: "busy", at: Date.now() });
      state.storage.sql.exec("update calls set log_pending = 1");
    });
    await env.DB.prepare("delete from calls where tenant_id = ?").bind(t.id).run();
    await runDurableObjectAlarm(switchboardOf(t));
    const rows = await env.DB.prepare("select status from calls where tenant_id = ?").bind(t.id).all();
    expect(rows.results).toEqual([{ status: "busy" }]);
    const pending = await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => state.storage.sql.exec("select count(*) as n from calls where log_pending = 1").one().n);
    expect(pending).toBe(0);
  });
});

describe("the call log", () => {
  it("logs thirty calls that end at once, each reported twice, once each, with none left pending once written", async () => {
    const t = await createTwilioTenant();
    const started = await Promise.all(Array.from({ length: 30 }, (_, i) => startCall(t, `+1415555${String(1000 + i)}`)));
    // Thirty hang-ups at once, each reported twice (providers retry).
    const ends = started.flatMap((c) => [c, c]).map((c) => switchboardOf(t).recordProgress("twilio", c.callSid, { leg: "parent", legId: c.callSid, status: "completed", at: Date.now() }));
    await Promise.all(ends);
    await switchboardOf(t).flushCallLog();
    const rows = await env.DB.prepare("select provider_call_id, count(*) as n from calls where tenant_id = ? group by provider_call_id").bind(t.id).all<{ provider_call_id: string; n: number }>();
    expect(rows.results.map((r) => r.provider_call_id).sort()).toEqual(started.map((c) => c.callSid).sort());
    expect(rows.results.every((r) => r.n === 1)).toBe(true);
    const pending = await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => state.storage.sql.exec("select count(*) as n from calls where log_pending = 1").one().n);
    expect(pending).toBe(0);
  });
});

describe("the call log, off the caller's path", () => {
  const logRow = (t: { id: string }, callSid: string) =>
    env.DB.prepare("select status, duration_seconds, talk_seconds from calls where tenant_id = ? and provider_call_id = ?").bind(t.id, callSid).first();
  const pending = (t: { id: string }) => runInDurableObject(switchboardOf(t), (_: Switchboard, state) => state.storage.sql.exec("select count(*) as n from calls where log_pending = 1").one().n);

  it("waits a moment after a call ends, so the provider's last report is in the one write", async () => {
    const t = await createTwilioTenant();
    const started = await startCall(t, "+14155550124");
    const legSid = hexId("CA");
    await leg(t, started.legStatus!, started.callSid, legSid, "in-progress");
    // The dial ends the call here: the webhook is answered before anything is written to D1.
    expect((await dialAction(t, started.dialAction!, started.callSid, "completed", { DialCallSid: legSid, DialCallDuration: "42" })).status).toBe(200);
    expect(await logRow(t, started.callSid)).toBeNull();
    expect(await pending(t)).toBe(1);
    // Twilio's own duration of the call arrives a moment later and joins the same write.
    await parentStatus(t, started.callSid, "completed", { CallDuration: "50" });
    expect(await logRow(t, started.callSid)).toBeNull();
    await switchboardOf(t).flushCallLog();
    expect(await logRow(t, started.callSid)).toEqual({ status: "completed", duration_seconds: 50, talk_seconds: 42 });
    expect(await pending(t)).toBe(0);
  });

  it("writes an ended call by itself, without anyone reading the log", async () => {
    const t = await createTwilioTenant();
    const started = await startCall(t, "+14155550124");
    await parentStatus(t, started.callSid, "busy");
    await vi.waitFor(async () => expect(await logRow(t, started.callSid)).toMatchObject({ status: "busy" }), { timeout: 10_000, interval: 100 });
    await vi.waitFor(async () => expect(await pending(t)).toBe(0), { timeout: 1000, interval: 50 });
  });

  it("reads of the call log through the API include a call that ended a moment ago", async () => {
    const t = await createTwilioTenant();
    const started = await startCall(t, "+14155550124");
    await parentStatus(t, started.callSid, "no-answer");
    expect(await logRow(t, started.callSid)).toBeNull();
    const list = await call("/api/calls?status=missed", { cookie: await login(t.adminEmail) });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: { providerCallId: string; status: string }[] }).items).toMatchObject([{ providerCallId: started.callSid, status: "no-answer" }]);
  });
});

describe("the call log across an eviction or a crash", () => {
  const logRow = (t: { id: string }, callSid: string) => env.DB.prepare("select status from calls where tenant_id = ? and provider_call_id = ?").bind(t.id, callSid).first();
  const listed = async (t: { id: string; adminEmail: string }) => {
    const res = await call("/api/calls", { cookie: await login(t.adminEmail) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: { providerCallId: string; status: string }[] }).items;
  };
  // The two ways an instance goes before its settle timer writes the call: torn down gracefully, or killed.
  const endings = {
    evicted: (t: { id: string }) => evictDurableObject(switchboardOf(t)),
    aborted: (t: { id: string }) =>
      runInDurableObject(switchboardOf(t), (_: Switchboard, state) => state.abort("crash in a test")).then(
        () => undefined,
        () => undefined, // the abort rejects the call that made it
      ),
  };

  for (const [how, end] of Object.entries(endings)) {
    it(`a call that ended just before the Switchboard was ${how} is in the call log at once`, async () => {
      const t = await createTwilioTenant();
      const started = await startCall(t, "+14155550124");
      await parentStatus(t, started.callSid, "busy");
      await end(t);
      expect(await listed(t)).toMatchObject([{ providerCallId: started.callSid, status: "busy" }]);
    });
  }

  it("its first use after a crash resumes the writes storage marks pending, without anyone reading the log", async () => {
    const t = await createTwilioTenant();
    const started = await startCall(t, "+14155550124");
    await parentStatus(t, started.callSid, "no-answer");
    await endings.aborted(t);
    // Any use: the health check's round trip.
    await switchboardOf(t).ping();
    await vi.waitFor(async () => expect(await logRow(t, started.callSid)).toEqual({ status: "no-answer" }), { timeout: 10_000, interval: 100 });
  }, 15_000);

  it("asks for the alarm within a retry's time once a call waits for its write, so an instance that dies unused still writes it", async () => {
    const t = await createTwilioTenant();
    const before = Date.now();
    const started = await startCall(t, "+14155550124");
    await parentStatus(t, started.callSid, "busy");
    const alarm = await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm!).toBeLessThanOrEqual(Date.now() + LOG_RETRY_MS);
    expect(alarm!).toBeGreaterThanOrEqual(before);
    await endings.aborted(t);
    await runDurableObjectAlarm(switchboardOf(t));
    expect(await logRow(t, started.callSid)).toEqual({ status: "busy" });
  });

  it("gives that alarm up once the call is written: a quiet Switchboard is not woken 30 s after every call", async () => {
    const t = await createTwilioTenant();
    const alarm = () => runInDurableObject(switchboardOf(t), (_: Switchboard, state) => state.storage.getAlarm());
    const started = await startCall(t, "+14155550124");
    // Ringing: the sweep's alarm, ten minutes on (it ends a call whose end never comes).
    const sweep = await alarm();
    expect(sweep).toBeGreaterThan(Date.now() + 5 * 60_000);
    await parentStatus(t, started.callSid, "busy");
    // Ended: the call log's backstop, should this instance go before the write.
    expect(await alarm()).toBeLessThanOrEqual(Date.now() + LOG_RETRY_MS);
    // Written (after the settle time): the alarm is the sweep's again.
    await vi.waitFor(async () => expect(await logRow(t, started.callSid)).toEqual({ status: "busy" }), { timeout: 10_000, interval: 100 });
    await vi.waitFor(async () => expect(await alarm()).toBe(sweep), { timeout: 5_000, interval: 50 });

    // A second call, ended and written in the same way, leaves the alarm where the first call's sweep set it.
    const second = await startCall(t, "+14155550125");
    await parentStatus(t, second.callSid, "no-answer");
    await vi.waitFor(async () => expect(await logRow(t, second.callSid)).toEqual({ status: "no-answer" }), { timeout: 10_000, interval: 100 });
    await vi.waitFor(async () => expect(await alarm()).toBe(sweep), { timeout: 5_000, interval: 50 });
  }, 30_000);
});

/** The routing configuration's copy in the Switchboard's storage, as it reads it back (null: none). */
function copyOf(t: { id: string }) {
  return runInDurableObject(switchboardOf(t), (_: Switchboard, state) => {
    const value = state.storage.sql.exec<{ value: string }>("select value from meta where key = 'routing_config'").toArray()[0]?.value;
    return value === undefined ? null : (JSON.parse(value) as { config: SwitchboardConfig }).config;
  });
}

describe("the routing configuration, kept in the Switchboard's storage", () => {
  it("is a copy of D1's, whole, once a call has read it; a change through the API replaces it before the next call", async () => {
    const t = await createTwilioTenant();
    await startCall(t, "+14155550124");
    expect(await copyOf(t)).toEqual(await loadRoutingConfig(getDb(env.DB), t.id));
    await env.DB.prepare("update tenants set time_zone = 'America/Chicago' where id = ?").bind(t.id).run();
    await switchboardOf(t).routingChanged();
    await vi.waitFor(async () => expect((await copyOf(t))?.timeZone).toBe("America/Chicago"));
    expect(await copyOf(t)).toEqual(await loadRoutingConfig(getDb(env.DB), t.id));
  });

  it("is read, with the caller index built, when a dashboard opens, before the first call", async () => {
    const t = await createTwilioTenant();
    const dashboard = await Dashboard.connect(t.slug, await login(t.adminEmail));
    await dashboard.waitFor(1);
    await vi.waitFor(async () => expect(await copyOf(t)).toEqual(await loadRoutingConfig(getDb(env.DB), t.id)));
    await vi.waitFor(() => runInDurableObject(switchboardOf(t), (_: Switchboard, state) => expect(isReady(state.storage.sql)).toBe(true)));
    dashboard.close();
  });

  it("routes the first call after an eviction from the copy, checks it against D1 a moment later, and a change through the API holds on the next call", async () => {
    const t = await createTwilioTenant();
    expect(dialled((await startCall(t, "+14155550124")).xml)).toEqual([t.terminationNumber]);

    // D1 changes and the notice is lost: the first call after the eviction is routed as the copy says...
    const moved = uniqueNumber();
    await env.DB.prepare("update tracking_numbers set termination_number = ? where id = ?").bind(moved, t.trackingNumberId).run();
    await evictDurableObject(switchboardOf(t));
    expect(dialled((await startCall(t, "+14155550125")).xml)).toEqual([t.terminationNumber]);
    // ...and the copy is checked against D1 a moment later, so the calls after it follow D1.
    await vi.waitFor(async () => expect((await copyOf(t))?.tracking[t.trackingNumber]?.route.terminationNumber).toBe(moved), { timeout: 5000 });
    expect(dialled((await startCall(t, "+14155550126")).xml)).toEqual([moved]);

    // A change told to the Switchboard holds on the next call, after an eviction too.
    const again = uniqueNumber();
    await env.DB.prepare("update tracking_numbers set termination_number = ? where id = ?").bind(again, t.trackingNumberId).run();
    await switchboardOf(t).routingChanged();
    await evictDurableObject(switchboardOf(t));
    expect(dialled((await startCall(t, "+14155550127")).xml)).toEqual([again]);
  });

  it("is not overwritten by a read of D1 that began before a change", async () => {
    const t = await createTwilioTenant();
    await runInDurableObject(switchboardOf(t), async (_: Switchboard, state) => {
      const sql = state.storage.sql;
      const reads: ((config: SwitchboardConfig) => void)[] = [];
      const held = new HeldConfig({ sql, load: () => new Promise((resolve) => reads.push(resolve)) });
      const config = (timeZone: string): SwitchboardConfig => ({ timeZone, routes: {}, receiving: {}, agents: {}, trackingNumbers: [], tracking: {}, country: "US", pools: [] });
      const stale = held.get();
      held.changed();
      const fresh = held.get();
      reads[0]!(config("Europe/London"));
      reads[1]!(config("America/Chicago"));
      expect((await stale).timeZone).toBe("Europe/London"); // a call already waiting gets what it asked for
      expect((await fresh).timeZone).toBe("America/Chicago");
      expect((await held.get()).timeZone).toBe("America/Chicago");
      const copy = JSON.parse(sql.exec<{ value: string }>("select value from meta where key = 'routing_config'").one().value) as { config: SwitchboardConfig };
      expect(copy.config.timeZone).toBe("America/Chicago");
    });
  });
});

describe("call transitions", () => {
  const base: LiveCall = {
    id: "c1",
    provider: "twilio",
    providerCallId: "CA1",
    status: "ringing",
    callerNumber: "+14155550124",
    callerType: "customer",
    callerName: "Ann",
    contactId: "k1",
    trackingNumber: "+14155550100",
    trackingNumberId: "t1",
    trackingLabel: "Website",
    campaignId: null,
    campaignName: null,
    terminationNumber: "+14155550150",
    firstTime: false,
    startedAt: 1_000_000,
    answeredAt: null,
    endedAt: null,
    durationSeconds: null,
    talkSeconds: null,
    failsafe: false,
    tags: [],
    recordingUrl: null,
    voicemail: null,
    ringsAtLabel: null,
    answeredBy: null,
  };
  const memory: CallMemory = {
    dialOutcome: null,
    sequences: {},
    routing: { frame: { kind: "done" }, dialling: [], tags: [] },
    tracking: { trackingNumber: "+14155550100", routeId: null, terminationNumber: "+14155550150", failsafeNumber: null, whisper: null, record: false },
    contactTags: [],
  };

  it("only move forward: a ringing report after the answer changes nothing", () => {
    const answered = advance(base, memory, { leg: "dialled", legId: "L", status: "in-progress", at: 1_005_000 });
    expect(answered.call).toMatchObject({ status: "in-progress", answeredAt: 1_005_000 });
    const again = advance(answered.call, answered.memory, { leg: "dialled", legId: "L", status: "ringing", at: 1_006_000 });
    expect(again.changed).toBe(false);
    expect(again.call).toBe(answered.call);
  });

  it("work out the answer time of a completed leg from its duration when its answer report was lost", () => {
    const t = advance(base, memory, { leg: "dialled", legId: "L", status: "completed", at: 1_060_000, durationSeconds: 45 });
    expect(t.call).toMatchObject({ status: "in-progress", answeredAt: 1_015_000, talkSeconds: 45 });
  });

  it("end with the caller's hang-up as canceled when nobody answered and nothing was dialled", () => {
    const t = advance(base, memory, { leg: "parent", legId: "CA1", status: "completed", at: 1_010_000 });
    expect(t.call).toMatchObject({ status: "canceled", endedAt: 1_010_000, durationSeconds: 10, talkSeconds: null });
    expect(t.ended).toBe(true);
  });
});
