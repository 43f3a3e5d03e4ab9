import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SESSION_CHECK_DELAY_MS, SESSION_CHECK_MS, SESSION_IDLE_CHECK_MS, type SocketSession } from "../../party/sessions.ts";
import * as store from "../../party/store.ts";
import type { Switchboard } from "../../party/switchboard.ts";
import { CLIENT_MESSAGE_BURST, CLOSE_SESSION_ENDED, MAX_CLIENT_MESSAGE_BYTES, PING_FRAME, type ServerMessage } from "../../schema/messages.ts";
import { sessionIdOf } from "../../worker/auth/sessions.ts";
import { BASE, call, createTenant, login } from "./helpers.ts";
import { Dashboard, openSocket, seqOf } from "./socket.ts";
import { createTwilioTenant, dialAction, hexId, leg, parentStatus, startCall, switchboardOf } from "./twilio-helpers.ts";

describe("who may open the realtime socket", () => {
  it("refuses no session, a foreign or missing Origin, another tenant, an API key, and a plain request", async () => {
    const a = await createTenant("A");
    const b = await createTenant("B");
    const cookieA = await login(a.adminEmail);
    const expectations: [Response, number, string][] = [
      [await openSocket(a.slug), 401, "Not logged in"],
      [await openSocket(a.slug, { cookie: "sb_session=forged" }), 401, "Not logged in"],
      [await openSocket(a.slug, { cookie: cookieA, origin: "https://evil.test" }), 403, "Origin not allowed"],
      [await openSocket(a.slug, { cookie: cookieA, origin: null }), 403, "Origin not allowed"],
      [await openSocket(b.slug, { cookie: cookieA }), 403, "Not your tenant"],
      [await openSocket(a.slug, { cookie: cookieA, upgrade: false }), 426, "Expected a WebSocket upgrade"],
    ];
    // A real, valid key of tenant A, for A's own socket: refused because it is a key, not a session.
    const { key } = await (await call("/api/keys", { method: "POST", cookie: cookieA, json: { name: "Realtime" } })).json<{ key: string }>();
    expect((await call("/api/auth/me", { bearer: key })).status).toBe(200);
    const withKey = new Request(`${BASE}/parties/switchboard/${a.slug}`, { headers: { Upgrade: "websocket", Origin: BASE, Authorization: `Bearer ${key}` } });
    expectations.push([await exports.default.fetch(withKey), 403, "The realtime socket takes a dashboard session"]);
    for (const [res, status, error] of expectations) {
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual({ error });
    }
  });

  it("accepts the tenant's own session and starts with a snapshot", async () => {
    const t = await createTwilioTenant();
    await startCall(t, "+14155550124");
    const dashboard = await Dashboard.connect(t.slug, await login(t.agentEmail));
    const [first] = await dashboard.waitFor(1);
    expect(first).toMatchObject({ type: "snapshot", seq: 2 });
    if (first?.type !== "snapshot") throw new Error("not a snapshot");
    expect(first.calls.map((c) => c.callerNumber)).toEqual(["+14155550124"]);
    expect(first.notifications.map((n) => n.kind)).toEqual(["incoming-call"]);
    dashboard.close();
  });
});

describe("live events", () => {
  it("every dashboard of the tenant sees each call as it changes, with seq rising by one; other tenants see nothing", async () => {
    const t = await createTwilioTenant();
    const other = await createTwilioTenant("Other");
    const one = await Dashboard.connect(t.slug, await login(t.adminEmail));
    const two = await Dashboard.connect(t.slug, await login(t.agentEmail));
    const stranger = await Dashboard.connect(other.slug, await login(other.adminEmail));
    // A dashboard opened before frames carried several events: it gets one event a frame.
    const older = await Dashboard.connect(t.slug, await login(t.agentEmail), undefined, "one");
    await Promise.all([one.waitFor(1), two.waitFor(1), stranger.waitFor(1), older.waitFor(1)]);

    const started = await startCall(t, "+14155550124");
    // The other tenant has a call of its own at the same time: news that must not cross either way.
    const theirs = await startCall(other, "+14155550199");
    const legSid = hexId("CA");
    await leg(t, started.legStatus!, started.callSid, legSid, "in-progress", { SequenceNumber: "2" });
    await dialAction(t, started.dialAction!, started.callSid, "completed", { DialCallSid: legSid, DialCallDuration: "12" });

    // The dial action's report brings the talk time and ends the call: one event, the call as it ends.
    const expected = ["snapshot", "call:ringing", "notification:incoming-call", "call:in-progress", "call:completed", "notification:call-activity"];
    for (const dashboard of [one, two]) {
      const messages = await dashboard.waitFor(expected.length);
      expect(messages.map((m) => (m.type === "call" ? `call:${m.call.status}` : m.type === "notification" ? `notification:${m.notification.kind}` : m.type))).toEqual(expected);
      expect(messages.map((m) => seqOf(m))).toEqual([0, 1, 2, 3, 4, 5]);
      const ended = messages[4]!;
      expect(ended.type === "call" && ended.call.talkSeconds).toBe(12);
      expect(dashboard.invalid).toEqual([]);
      expect(await dashboard.settle()).toHaveLength(expected.length);
      // Three frames for the call: ringing with its notification, answered, ended with its notification.
      expect(dashboard.frames).toBe(4);
    }
    // (This tenant's dashboards got exactly their six messages above: none of the other tenant's call.)
    // The stranger saw its own call ring and nothing of this tenant's.
    const strangers = await stranger.settle();
    expect(strangers.map((m) => (m.type === "call" ? `call:${m.call.status}` : m.type === "notification" ? `notification:${m.notification.kind}` : m.type))).toEqual(["snapshot", "call:ringing", "notification:incoming-call"]);
    expect(strangers.flatMap((m) => (m.type === "call" ? [m.call.providerCallId] : []))).toEqual([theirs.callSid]);
    expect(JSON.stringify(strangers)).not.toContain("+14155550124");
    expect((await older.waitFor(expected.length)).map((m) => seqOf(m))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(older.frames).toBe(6);
    // A reconnect from the start replays the five events in one frame, in seq order (one a frame to an older dashboard).
    const again = await Dashboard.connect(t.slug, await login(t.agentEmail), 0);
    expect((await again.waitFor(5)).map((m) => seqOf(m))).toEqual([1, 2, 3, 4, 5]);
    expect(again.frames).toBe(1);
    const olderAgain = await Dashboard.connect(t.slug, await login(t.agentEmail), 0, "one");
    expect((await olderAgain.waitFor(5)).map((m) => seqOf(m))).toEqual([1, 2, 3, 4, 5]);
    expect(olderAgain.frames).toBe(5);
    for (const d of [one, two, stranger, older, again, olderAgain]) d.close();
  });

  it("a figure filled in (a leg's talk time) is held for the call's next event; when none comes it goes alone a moment later, and a replay has it", async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    const dashboard = await Dashboard.connect(t.slug, cookie);
    await dashboard.waitFor(1);
    const started = await startCall(t, "+14155550124");
    const legSid = hexId("CA");
    await leg(t, started.legStatus!, started.callSid, legSid, "in-progress", { SequenceNumber: "1" });
    await dashboard.waitFor(4);
    const framesBefore = dashboard.frames;
    await leg(t, started.legStatus!, started.callSid, legSid, "completed", { SequenceNumber: "2", CallDuration: "9" });
    // Stored at once (the call log and the API read it), held from the dashboards.
    const held = await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => ({ held: store.hasHeldCalls(state.storage.sql), seq: store.currentSeq(state.storage.sql) }));
    expect(held).toEqual({ held: true, seq: 3 });
    // Nothing else happens on the line: the change goes by itself, as the call's next event.
    const messages = await dashboard.waitFor(5, 5000);
    expect(messages[4]).toMatchObject({ type: "call", seq: 4, call: { status: "in-progress", talkSeconds: 9 } });
    expect(dashboard.frames).toBe(framesBefore + 1);
    expect(await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => store.hasHeldCalls(state.storage.sql))).toBe(false);
    const again = await Dashboard.connect(t.slug, cookie, 3);
    expect(await again.waitFor(1)).toMatchObject([{ type: "call", seq: 4, call: { talkSeconds: 9 } }]);
    for (const d of [dashboard, again]) d.close();
  });

  it("the length the final status brings after a call's end rides in the next call's frame, before it, in seq order", async () => {
    const t = await createTwilioTenant();
    const dashboard = await Dashboard.connect(t.slug, await login(t.adminEmail));
    await dashboard.waitFor(1);
    const first = await startCall(t, "+14155550124");
    const legSid = hexId("CA");
    await leg(t, first.legStatus!, first.callSid, legSid, "in-progress", { SequenceNumber: "1" });
    await dialAction(t, first.dialAction!, first.callSid, "completed", { DialCallSid: legSid, DialCallDuration: "12" });
    const ended = await dashboard.waitFor(6);
    const computed = ended[4]?.type === "call" ? ended[4].call.durationSeconds : null;
    expect(computed).not.toBeNull();
    const framesBefore = dashboard.frames;
    // Twilio's own length of the call differs from the one the end worked out.
    await parentStatus(t, first.callSid, "completed", { CallDuration: String(computed! + 31) });
    const second = await startCall(t, "+14155550125");
    const messages = await dashboard.waitFor(9);
    expect(messages.slice(6).map((m) => [seqOf(m), m.type === "call" ? `${m.call.providerCallId}:${m.call.status}` : m.type])).toEqual([
      [6, `${first.callSid}:completed`],
      [7, `${second.callSid}:ringing`],
      [8, "notification"],
    ]);
    expect(messages[6]).toMatchObject({ call: { durationSeconds: computed! + 31, talkSeconds: 12 } });
    expect(dashboard.frames).toBe(framesBefore + 1);
    expect(await dashboard.settle()).toHaveLength(9);
    // The call log has Twilio's length.
    await switchboardOf(t).flushCallLog();
    const row = await env.DB.prepare("select duration_seconds as d from calls where provider_call_id = ?").bind(first.callSid).first<{ d: number }>();
    expect(row?.d).toBe(computed! + 31);
    dashboard.close();
  });

  it("answers ping with pong and unknown messages with an error, staying open", async () => {
    const t = await createTwilioTenant();
    const dashboard = await Dashboard.connect(t.slug, await login(t.adminEmail));
    await dashboard.waitFor(1);
    dashboard.send(JSON.stringify({ type: "ping" }));
    dashboard.send("not json");
    dashboard.send(JSON.stringify({ type: "launch-missiles" }));
    // Spaced otherwise than the dashboard writes it: the Switchboard answers it itself, the same way.
    dashboard.send('{ "type": "ping" }');
    const messages = await dashboard.waitFor(5);
    expect(messages.slice(1).map((m) => m.type)).toEqual(["pong", "error", "error", "pong"]);
    expect(messages[1]).toEqual({ type: "pong" });
    expect(messages[4]).toEqual({ type: "pong" });
    expect(dashboard.closed).toBe(false);
    dashboard.close();
  });

  it("the dashboard's keep-alive is answered by the runtime, not the Switchboard (it does not wake it from hibernation)", async () => {
    const t = await createTwilioTenant();
    const dashboard = await Dashboard.connect(t.slug, await login(t.adminEmail));
    await dashboard.waitFor(1);
    const answeredAt = () =>
      runInDurableObject(switchboardOf(t), (_: Switchboard, state) => state.getWebSockets().map((ws) => state.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? null));
    expect(await answeredAt()).toEqual([null]);
    const before = Date.now();
    dashboard.send(PING_FRAME);
    expect((await dashboard.waitFor(2))[1]).toEqual({ type: "pong" });
    const [at] = await answeredAt();
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    dashboard.close();
  });
});

describe("reconnecting", () => {
  it("a dashboard that comes back with its last seq gets exactly what it missed, in order", async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    const first = await Dashboard.connect(t.slug, cookie);
    await startCall(t, "+14155550124");
    await first.waitFor(3);
    const lastSeen = first.lastSeq;
    first.close();

    // Missed while away: two more calls and an answer.
    const second = await startCall(t, "+14155550125");
    await startCall(t, "+14155550126");
    await leg(t, second.legStatus!, second.callSid, hexId("CA"), "in-progress");

    const back = await Dashboard.connect(t.slug, cookie, lastSeen);
    const missed = await back.waitFor(5);
    expect(missed.map((m) => seqOf(m))).toEqual([lastSeen + 1, lastSeen + 2, lastSeen + 3, lastSeen + 4, lastSeen + 5]);
    expect(missed.every((m) => m.type === "call" || m.type === "notification")).toBe(true);
    expect(await back.settle()).toHaveLength(5);

    // Up to date: nothing is sent, nothing is repeated.
    const current = await Dashboard.connect(t.slug, cookie, back.lastSeq);
    expect(await current.settle()).toEqual([]);
    back.close();
    current.close();
  });

  it("gets a snapshot instead when it is further behind than the log reaches, or ahead of it", async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    await startCall(t, "+14155550124");
    await startCall(t, "+14155550125");
    // The log has been trimmed past seq 2.
    await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => {
      state.storage.sql.exec("delete from events where seq <= 2");
    });
    for (const since of [0, 1, 99]) {
      const d = await Dashboard.connect(t.slug, cookie, since);
      const [message] = await d.waitFor(1);
      expect(message?.type).toBe("snapshot");
      expect(message && seqOf(message)).toBe(4);
      d.close();
    }
    const caughtUp = await Dashboard.connect(t.slug, cookie, 2);
    expect((await caughtUp.waitFor(2)).map((m) => seqOf(m))).toEqual([3, 4]);
    caughtUp.close();
  });

  it("an eviction of the Switchboard mid-call loses nothing: sockets stay, the call and the seq carry on", async () => {
    const t = await createTwilioTenant();
    const dashboard = await Dashboard.connect(t.slug, await login(t.adminEmail));
    await dashboard.waitFor(1);
    const started = await startCall(t, "+14155550124");
    const legSid = hexId("CA");
    await leg(t, started.legStatus!, started.callSid, legSid, "in-progress", { SequenceNumber: "2" });
    await dashboard.waitFor(4);

    await evictDurableObject(switchboardOf(t));

    const snapshot = await switchboardOf(t).snapshot();
    expect(snapshot.seq).toBe(3);
    expect(snapshot.calls).toMatchObject([{ providerCallId: started.callSid, status: "in-progress" }]);
    await leg(t, started.legStatus!, started.callSid, legSid, "completed", { SequenceNumber: "3", CallDuration: "9" });
    await dialAction(t, started.dialAction!, started.callSid, "completed", { DialCallSid: legSid, DialCallDuration: "9" });
    // The leg's talk time is held a moment and goes with the call's end (one event, not two).
    const messages = await dashboard.waitFor(6);
    expect(messages.map((m) => seqOf(m))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(messages.at(-2)).toMatchObject({ type: "call", call: { status: "completed", talkSeconds: 9 } });
    dashboard.close();
  });
});

describe("the first call after an eviction", () => {
  it("reaches every dashboard, in order, and is routed as before", async () => {
    const t = await createTwilioTenant();
    const dashboards = [await Dashboard.connect(t.slug, await login(t.adminEmail)), await Dashboard.connect(t.slug, await login(t.agentEmail))];
    await Promise.all(dashboards.map((d) => d.waitFor(1)));
    await startCall(t, "+14155550124");
    await Promise.all(dashboards.map((d) => d.waitFor(3)));

    // Gone from memory, as after the runtime evicts it idle; its sockets hibernate and stay open.
    await evictDurableObject(switchboardOf(t));

    const first = await startCall(t, "+14155550125");
    expect(first.xml).toContain(`<Number`);
    expect(first.xml).toContain(t.terminationNumber);
    const expected = ["snapshot", "call:ringing", "notification:incoming-call", "call:ringing", "notification:incoming-call"];
    for (const dashboard of dashboards) {
      const messages = await dashboard.waitFor(expected.length);
      expect(messages.map((m) => (m.type === "call" ? `call:${m.call.status}` : m.type === "notification" ? `notification:${m.notification.kind}` : m.type))).toEqual(expected);
      expect(messages.map((m) => seqOf(m))).toEqual([0, 1, 2, 3, 4]);
      expect(messages[3]).toMatchObject({ type: "call", call: { providerCallId: first.callSid, callerNumber: "+14155550125", callerType: "unknown" } });
      expect(await dashboard.settle()).toHaveLength(expected.length);
      expect(dashboard.closed).toBe(false);
      dashboard.close();
    }
  });
});

/** The id D1 keys a cookie's session by. */
const sessionOfCookie = (cookie: string) => sessionIdOf(cookie.slice(cookie.indexOf("=") + 1));
const userIdOf = async (email: string) => (await env.DB.prepare("select id from users where email = ?").bind(email).first<{ id: string }>())!.id;

/** A ping is answered: the socket is open and served. */
async function answersPing(d: Dashboard) {
  const before = d.messages.length;
  d.send(JSON.stringify({ type: "ping" }));
  const messages = await d.waitFor(before + 1);
  expect(messages.at(-1)?.type).toBe("pong");
  expect(d.closed).toBe(false);
}

describe("sessions that end", () => {
  it("logout closes that session's sockets at once with 4401; the user's other session and another user's socket stay open", async () => {
    const t = await createTwilioTenant();
    const [adminCookie, adminElsewhere, agentCookie] = [await login(t.adminEmail), await login(t.adminEmail), await login(t.agentEmail)];
    const loggingOut = await Dashboard.connect(t.slug, adminCookie);
    const otherSession = await Dashboard.connect(t.slug, adminElsewhere);
    const agent = await Dashboard.connect(t.slug, agentCookie);
    await Promise.all([loggingOut.waitFor(1), otherSession.waitFor(1), agent.waitFor(1)]);

    expect((await call("/api/auth/logout", { method: "POST", cookie: adminCookie })).status).toBe(200);
    // Closed by the logout itself: the periodic check is a minute away.
    expect(await loggingOut.waitForClose(1000)).toEqual({ code: CLOSE_SESSION_ENDED, reason: "logged out" });

    await startCall(t, "+14155550124");
    for (const open of [otherSession, agent]) {
      await open.waitFor(3);
      await answersPing(open);
    }
    expect(loggingOut.messages).toHaveLength(1);
    for (const d of [otherSession, agent]) d.close();
  });

  it("an expired session's socket is closed by the periodic check (the alarm, while sockets are open); another user's stays open", async () => {
    const t = await createTwilioTenant();
    const adminCookie = await login(t.adminEmail);
    const expiring = await Dashboard.connect(t.slug, adminCookie);
    const agent = await Dashboard.connect(t.slug, await login(t.agentEmail));
    await Promise.all([expiring.waitFor(1), agent.waitFor(1)]);
    const alarm = await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm!).toBeLessThanOrEqual(Date.now() + SESSION_IDLE_CHECK_MS);

    await env.DB.prepare("update sessions set expires_at = ? where id = ?").bind(Date.now() - 1, await sessionOfCookie(adminCookie)).run();
    // Nobody logged out, and the socket keeps the expiry it opened with: only the check can see this.
    expect(await expiring.settle()).toHaveLength(1);
    expect(expiring.closed).toBe(false);
    expect(await runDurableObjectAlarm(switchboardOf(t))).toBe(true);
    expect(await expiring.waitForClose()).toEqual({ code: CLOSE_SESSION_ENDED, reason: "session expired" });
    await answersPing(agent);
    // A socket is still open: the check comes round again.
    expect(await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => state.storage.getAlarm())).not.toBeNull();
    agent.close();
  });

  it("an idle Switchboard checks its sockets' sessions hourly or at the first expiry, not every minute; events after a minute unchecked bring the check a moment later", async () => {
    const t = await createTwilioTenant();
    const adminCookie = await login(t.adminEmail);
    const admin = await Dashboard.connect(t.slug, adminCookie);
    const agent = await Dashboard.connect(t.slug, await login(t.agentEmail));
    await Promise.all([admin.waitFor(1), agent.waitFor(1)]);
    const alarm = () => runInDurableObject(switchboardOf(t), (_: Switchboard, state) => state.storage.getAlarm());
    const checkedAt = () => runInDurableObject(switchboardOf(t), (_: Switchboard, state) => Number(store.getMeta(state.storage.sql, "sessions_checked_at")));

    // Nothing happening: after a check the next is an hour away.
    expect(await runDurableObjectAlarm(switchboardOf(t))).toBe(true);
    const checked = await checkedAt();
    expect(checked).toBeGreaterThan(Date.now() - 5000);
    expect(await alarm()).toBeGreaterThan(Date.now() + SESSION_IDLE_CHECK_MS - 5000);

    // A session that expires sooner brings it to its expiry (D1's, which the check goes by).
    const expiresAt = Date.now() + 10 * 60 * 1000;
    await env.DB.prepare("update sessions set expires_at = ? where id = ?").bind(expiresAt, await sessionOfCookie(adminCookie)).run();
    await runDurableObjectAlarm(switchboardOf(t));
    expect(await alarm()).toBe(expiresAt);

    // Events within a minute of the check: no new check is asked for.
    await startCall(t, "+14155550124");
    await admin.waitFor(2);
    expect(await alarm()).toBeGreaterThan(Date.now() + SESSION_CHECK_MS);

    // The admin logs out where the Switchboard is not told (the session's row goes from D1 alone),
    // and the last check is now more than a minute old.
    await env.DB.prepare("delete from sessions where id = ?").bind(await sessionOfCookie(adminCookie)).run();
    await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => store.setMeta(state.storage.sql, "sessions_checked_at", String(checked - SESSION_CHECK_MS)));
    const before = Date.now();
    await startCall(t, "+14155550125");
    await admin.waitFor(3);
    // The events went out, and the check comes a moment after them.
    expect(await alarm()).toBeLessThanOrEqual(Date.now() + SESSION_CHECK_DELAY_MS);
    expect(await alarm()).toBeGreaterThanOrEqual(before);
    expect(await runDurableObjectAlarm(switchboardOf(t))).toBe(true);
    expect(await admin.waitForClose()).toEqual({ code: CLOSE_SESSION_ENDED, reason: "session ended" });
    await answersPing(agent);
    agent.close();
  });

  it("a message after the session's expiry closes the socket without waiting for the check", async () => {
    const t = await createTwilioTenant();
    const d = await Dashboard.connect(t.slug, await login(t.adminEmail));
    await d.waitFor(1);
    await runInDurableObject(switchboardOf(t), (instance: Switchboard) => {
      for (const connection of instance.getConnections<SocketSession>()) connection.setState({ ...connection.state!, expiresAt: Date.now() - 1 });
    });
    // (Not the keep-alive, which the runtime answers: the alarm at the session's expiry closes those.)
    d.send(JSON.stringify({ type: "mark-read", ids: "all" }));
    expect(await d.waitForClose()).toEqual({ code: CLOSE_SESSION_ENDED, reason: "session expired" });
    expect(d.messages).toHaveLength(1);
  });

  it("a removed user's sockets close: at once when the Switchboard is told (by user), or at the next check once D1 no longer has the user", async () => {
    const t = await createTwilioTenant();
    const agentId = await userIdOf(t.agentEmail);
    const desk = await Dashboard.connect(t.slug, await login(t.agentEmail));
    const phone = await Dashboard.connect(t.slug, await login(t.agentEmail));
    const admin = await Dashboard.connect(t.slug, await login(t.adminEmail));
    await Promise.all([desk.waitFor(1), phone.waitFor(1), admin.waitFor(1)]);
    expect(await switchboardOf(t).closeSessions({ userId: agentId }, "user removed")).toBe(2);
    for (const d of [desk, phone]) expect(await d.waitForClose(1000)).toEqual({ code: CLOSE_SESSION_ENDED, reason: "user removed" });
    await answersPing(admin);

    const again = await Dashboard.connect(t.slug, await login(t.agentEmail));
    await again.waitFor(1);
    await env.DB.prepare("delete from sessions where user_id = ?").bind(agentId).run();
    await env.DB.prepare("delete from users where id = ?").bind(agentId).run();
    await runDurableObjectAlarm(switchboardOf(t));
    expect(await again.waitForClose()).toEqual({ code: CLOSE_SESSION_ENDED, reason: "session ended" });
    await answersPing(admin);
    admin.close();
  });
});

describe("socket limits", () => {
  it(`a message over ${MAX_CLIENT_MESSAGE_BYTES} bytes closes its socket with 1009; a dashboard's largest message does not`, async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    const big = await Dashboard.connect(t.slug, cookie);
    const normal = await Dashboard.connect(t.slug, cookie);
    await Promise.all([big.waitFor(1), normal.waitFor(1)]);
    big.send(JSON.stringify({ type: "ping", pad: "x".repeat(MAX_CLIENT_MESSAGE_BYTES) }));
    expect(await big.waitForClose()).toEqual({ code: 1009, reason: "message too big" });
    expect(big.messages).toHaveLength(1);
    // A hundred notification ids of ours, as long as they come (a reminder's): the most a dashboard sends.
    const ids = Array.from({ length: 100 }, () => `${crypto.randomUUID()}:reminder:${Date.now()}`);
    normal.send(JSON.stringify({ type: "mark-read", ids }));
    await answersPing(normal);
    expect(normal.messages.filter((m) => m.type === "error")).toEqual([]);
    normal.close();
  });

  it(`a socket that sends more than ${CLIENT_MESSAGE_BURST} messages at once is closed with 1008; a dashboard at a person's pace is not`, async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    const flood = await Dashboard.connect(t.slug, cookie);
    const person = await Dashboard.connect(t.slug, cookie);
    await Promise.all([flood.waitFor(1), person.waitFor(1)]);
    for (let i = 0; i < 2000; i++) flood.send(JSON.stringify({ type: "mark-read", ids: [`n${i}`] }));
    expect(await flood.waitForClose()).toEqual({ code: 1008, reason: "too many messages" });

    // Ten clicks and pings a second for two seconds: within the burst and the refill.
    for (let i = 0; i < 20; i++) {
      person.send(JSON.stringify(i % 2 ? { type: "ping" } : { type: "mark-read", ids: [`n${i}`] }));
      await new Promise((r) => setTimeout(r, 100));
    }
    await answersPing(person);
    expect(person.messages.filter((m) => m.type === "pong")).toHaveLength(11);
    // The flood did not stop the tenant's calls.
    const seen = person.messages.length;
    await startCall(t, "+14155550124");
    await person.waitFor(seen + 2);
    person.close();
  }, 10_000);

  it("a notice only admins can act on (a webhook disabled) reaches admins' dashboards live, on replay and in their snapshot; never an agent's, nor their unread count", async () => {
    const t = await createTwilioTenant();
    const [adminCookie, agentCookie] = [await login(t.adminEmail), await login(t.agentEmail)];
    const admin = await Dashboard.connect(t.slug, adminCookie);
    const agent = await Dashboard.connect(t.slug, agentCookie);
    await Promise.all([admin.waitFor(1), agent.waitFor(1)]);
    await switchboardOf(t).integrationNotice({ id: "webhook:w1:disabled:1", title: "Webhook to hooks.test disabled", body: "Every attempt failed for 3 days.", at: Date.now() });
    await startCall(t, "+14155550124");
    const shape = (m: ServerMessage) => (m.type === "call" ? `call:${m.call.status}` : m.type === "notification" ? `notification:${m.notification.kind}` : m.type);
    expect((await admin.waitFor(4)).map(shape)).toEqual(["snapshot", "notification:integration", "call:ringing", "notification:incoming-call"]);
    expect((await agent.waitFor(3)).map(shape)).toEqual(["snapshot", "call:ringing", "notification:incoming-call"]);
    expect((await agent.settle()).map(shape)).toEqual(["snapshot", "call:ringing", "notification:incoming-call"]);
    admin.close();
    agent.close();

    // A reconnect from before the notice replays it to the admin only; a fresh start's snapshot likewise.
    const replays = await Promise.all([Dashboard.connect(t.slug, adminCookie, 0), Dashboard.connect(t.slug, agentCookie, 0)]);
    expect((await replays[0].waitFor(3)).map(shape)).toEqual(["notification:integration", "call:ringing", "notification:incoming-call"]);
    expect((await replays[1].settle()).map(shape)).toEqual(["call:ringing", "notification:incoming-call"]);
    const fresh = await Promise.all([Dashboard.connect(t.slug, adminCookie), Dashboard.connect(t.slug, agentCookie)]);
    const [adminStart, agentStart] = [(await fresh[0].waitFor(1))[0]!, (await fresh[1].waitFor(1))[0]!];
    if (adminStart.type !== "snapshot" || agentStart.type !== "snapshot") throw new Error("not a snapshot");
    expect(adminStart.notifications.map((n) => n.kind).sort()).toEqual(["incoming-call", "integration"]);
    expect(adminStart.unread).toBe(2);
    expect(agentStart.notifications.map((n) => n.kind)).toEqual(["incoming-call"]);
    expect(agentStart.unread).toBe(1);
    // The agent marking everything read is told 0 unread; the admin still has the notice to read.
    fresh[1].send(JSON.stringify({ type: "mark-read", ids: "all" }));
    const read = (await fresh[1].waitFor(2))[1]!;
    expect(read).toMatchObject({ type: "read", unread: 0 });
    expect(await fresh[0].settle()).toHaveLength(1);
    for (const d of [...replays, ...fresh]) d.close();
  });

  it("a role change reconnects the user's dashboards, which then get what the new role sees: an agent made admin gets admins' notices, an admin made agent no longer does", async () => {
    const t = await createTwilioTenant();
    const adminCookie = await login(t.adminEmail);
    const agentId = await userIdOf(t.agentEmail);
    const agent = await Dashboard.connect(t.slug, await login(t.agentEmail));
    const bystander = await Dashboard.connect(t.slug, adminCookie);
    await Promise.all([agent.waitFor(1), bystander.waitFor(1)]);
    const setRole = async (role: string) => expect((await call(`/api/users/${agentId}`, { method: "PATCH", cookie: adminCookie, json: { role } })).status).toBe(200);

    await setRole("admin");
    expect(await agent.waitForClose()).toEqual({ code: 1012, reason: "role changed" });
    expect(bystander.closed).toBe(false);
    // The dashboard reconnects from its last seq, as the app does after any close but 4401.
    const promoted = await Dashboard.connect(t.slug, await login(t.agentEmail), agent.lastSeq);
    await switchboardOf(t).integrationNotice({ id: "webhook:w1:disabled:2", title: "Webhook to hooks.test disabled", body: "Every attempt failed for 3 days.", at: Date.now() });
    expect(await promoted.waitFor(1)).toMatchObject([{ type: "notification", notification: { kind: "integration" } }]);

    await setRole("agent");
    expect(await promoted.waitForClose()).toEqual({ code: 1012, reason: "role changed" });
    const demoted = await Dashboard.connect(t.slug, await login(t.agentEmail), promoted.lastSeq);
    await switchboardOf(t).integrationNotice({ id: "webhook:w1:disabled:3", title: "Webhook to hooks.test disabled", body: "Every attempt failed for 3 days.", at: Date.now() });
    await startCall(t, "+14155550124");
    expect((await demoted.waitFor(2)).map((m) => m.type)).toEqual(["call", "notification"]);
    expect((await demoted.settle()).some((m) => m.type === "notification" && m.notification.kind === "integration")).toBe(false);
    // A change that is no change reconnects nobody.
    await setRole("agent");
    expect((await demoted.settle(), demoted.closed)).toBe(false);
    for (const d of [demoted, bystander]) d.close();
  });

  it("mark-read marks many ids in one statement: only known notifications, each once, in the order given", async () => {
    const t = await createTwilioTenant();
    await startCall(t, "+14155550124");
    await startCall(t, "+14155550125");
    await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => {
      const sql = state.storage.sql;
      const known = store.recentNotifications(sql, { admin: true }).map((n) => n.id);
      expect(known).toHaveLength(2);
      expect(store.markRead(sql, { userId: "u1", admin: true }, [known[1]!, "unknown", known[1]!, known[0]!])).toEqual([known[1], known[0]]);
      expect(store.markRead(sql, { userId: "u1", admin: true }, known)).toEqual([]);
      expect(store.markRead(sql, { userId: "u2", admin: true }, "all").sort()).toEqual([...known].sort());
      expect(store.markRead(sql, { userId: "u2", admin: true }, "all")).toEqual([]);
      expect(store.readAmong(sql, "u1", known)).toEqual(known);
    });
  });
});

/** The first message of `type` the dashboard has had, once it has come. */
async function first<T extends ServerMessage["type"]>(dashboard: Dashboard, type: T, from = 0): Promise<Extract<ServerMessage, { type: T }>> {
  for (let seen = from + 1; ; seen++) {
    const m = (await dashboard.waitFor(seen))[seen - 1]!;
    if (m.type === type) return m as Extract<ServerMessage, { type: T }>;
  }
}

describe("unread counts", () => {
  it(`come from the server: a snapshot counts all of the user's unread notifications, not the ${store.RECENT_NOTIFICATIONS} it carries`, async () => {
    const t = await createTwilioTenant();
    const total = store.RECENT_NOTIFICATIONS + 34;
    await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => {
      for (let i = 0; i < total; i++) store.putNotification(state.storage.sql, { id: `n${i}`, kind: "missed-call", callId: null, contactId: null, title: `Missed ${i}`, body: "", at: 1_000 + i });
    });
    const [admin, agent] = [await login(t.adminEmail), await login(t.agentEmail)];
    const screen = await Dashboard.connect(t.slug, admin);
    const snapshot = await first(screen, "snapshot");
    expect(snapshot.notifications).toHaveLength(store.RECENT_NOTIFICATIONS);
    expect(snapshot.unread).toBe(total);

    // One read in the window and one beyond it: the read event says how many are left.
    screen.send(JSON.stringify({ type: "mark-read", ids: [`n${total - 1}`, "n0"] }));
    expect(await first(screen, "read")).toMatchObject({ ids: [`n${total - 1}`, "n0"], unread: total - 2 });
    // A call brings a notification nobody has read.
    await startCall(t, "+14155550124");
    await first(screen, "notification");

    const reload = await Dashboard.connect(t.slug, admin);
    expect((await first(reload, "snapshot")).unread).toBe(total - 1);
    const colleague = await Dashboard.connect(t.slug, agent);
    expect((await first(colleague, "snapshot")).unread).toBe(total + 1);

    // Mark all read: every one of them, beyond the window too; the colleague's count is theirs.
    const before = reload.lastSeq;
    reload.send(JSON.stringify({ type: "mark-read", ids: "all" }));
    const all = await first(reload, "read", 1);
    expect([all.ids.length, all.unread]).toEqual([total - 1, 0]);
    const [mine, theirs] = [await Dashboard.connect(t.slug, admin), await Dashboard.connect(t.slug, agent)];
    expect([(await first(mine, "snapshot")).unread, (await first(theirs, "snapshot")).unread]).toEqual([0, total + 1]);
    // A screen that comes back gets the read event again, with the count it carried.
    const back = await Dashboard.connect(t.slug, admin, before);
    expect(await first(back, "read")).toMatchObject({ seq: all.seq, unread: 0 });
    expect(colleague.messages.some((m) => m.type === "read")).toBe(false);
    for (const d of [screen, reload, colleague, mine, theirs, back]) d.close();
  });
});

describe("notifications' retention", () => {
  it("forgets notifications after 30 days, and beyond the newest 2,000, with who read them: the counts follow", async () => {
    const t = await createTwilioTenant();
    const now = Date.now();
    const day = 24 * 60 * 60 * 1000;
    // Three old enough to go (two of them read), then the newest 2,000 and 5 more that the limit takes.
    await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => {
      const sql = state.storage.sql;
      for (let i = 0; i < 3; i++) store.putNotification(sql, { id: `old${i}`, kind: "missed-call", callId: null, contactId: null, title: `Old ${i}`, body: "", at: now - store.KEEP_NOTIFICATIONS_MS - day + i });
      for (let i = 0; i < store.NOTIFICATIONS_KEPT + 5; i++) store.putNotification(sql, { id: `n${String(i).padStart(4, "0")}`, kind: "missed-call", callId: null, contactId: null, title: `Missed ${i}`, body: "", at: now - 10 * day + i });
      store.markRead(sql, { userId: "u1", admin: true }, ["old0", "old1", "n0000", "n2004"]);
      store.markRead(sql, { userId: "u2", admin: true }, ["old2"]);
    });
    // A call in progress sets the alarm, whose sweep applies the retention.
    await startCall(t, "+14155550124");
    expect(await runDurableObjectAlarm(switchboardOf(t))).toBe(true);
    await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => {
      const sql = state.storage.sql;
      const ids = sql.exec<{ id: string }>("select id from notifications order by at").toArray().map((r) => r.id);
      expect(ids).toHaveLength(store.NOTIFICATIONS_KEPT);
      // The call's own notification is the newest; the oldest kept is the sixth of the 2,005.
      expect(ids[0]).toBe("n0006");
      expect(ids.at(-1)).toMatch(/:incoming$/);
      expect(sql.exec<{ user_id: string; notification_id: string }>("select user_id, notification_id from notification_reads").toArray()).toEqual([{ user_id: "u1", notification_id: "n2004" }]);
      expect(store.unreadCount(sql, { userId: "u1", admin: true })).toBe(store.NOTIFICATIONS_KEPT - 1);
      expect(store.unreadCount(sql, { userId: "u2", admin: true })).toBe(store.NOTIFICATIONS_KEPT);
    });
  });

  it("forgets reminders that fired more than 30 days ago, and keeps later ones and those still to fire", async () => {
    const t = await createTwilioTenant();
    const day = 24 * 60 * 60 * 1000;
    const now = Date.now();
    await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => {
      const sql = state.storage.sql;
      const remind = (callId: string, dueAt: number) => store.setReminder(sql, callId, { callId, contactId: null, dueAt, title: `Call back (${callId})`, body: "" });
      remind("fired-long-ago", now - store.KEEP_NOTIFICATIONS_MS - day);
      store.markReminderFired(sql, "fired-long-ago");
      remind("fired-last-week", now - 7 * day);
      store.markReminderFired(sql, "fired-last-week");
      remind("due-tomorrow", now + day);
    });
    await startCall(t, "+14155550124");
    expect(await runDurableObjectAlarm(switchboardOf(t))).toBe(true);
    const left = await runInDurableObject(switchboardOf(t), (_: Switchboard, state) =>
      state.storage.sql.exec<{ call_id: string; fired: number }>("select call_id, fired from reminders order by call_id").toArray(),
    );
    expect(left).toEqual([
      { call_id: "due-tomorrow", fired: 0 },
      { call_id: "fired-last-week", fired: 1 },
    ]);
  });
});
