/**
 * Switchboard talking back, end to end through the real outbound queue (miniflare's Queues, with
 * this Worker's queue() handler as consumer): a business registers a receiver (a local fake,
 * test/fakes/receiver.ts), calls and contacts happen, and every event arrives signed, verified
 * here by the Standard Webhooks reference library. Retries keep their webhook-id; a dead endpoint
 * is disabled and the tenant told; a missed call texts the opted-in agent once, through the fake
 * Twilio API; retried provider webhooks emit nothing twice; tenants never see each other's.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { WEBHOOK_EVENT_TYPES, type WebhookPayload } from "../../schema/webhooks.ts";
import { handleMessage } from "../../worker/outbound/consumer.ts";
import { payloadOf } from "../../worker/outbound/deliveries.ts";
import { DISABLE_AFTER_MS } from "../../worker/outbound/schedule.ts";
import { login } from "./helpers.ts";
import { buySandboxNumber, signUp } from "./sandbox.ts";
import { apiJson, dialEnds, receiving, route, routingTenant, useRoute, type RoutingTenant } from "./routing-helpers.ts";
import { attrOf, hexId, leg, parentStatus, pathOf, postTwilio, startCall, switchboardOf, uniqueNumber } from "./twilio-helpers.ts";

type Received = { headers: Record<string, string>; body: string; answered: number; at: number };
type Endpoint = { id: string; url: string; secret: string; enabled: boolean; disabledAt: number | null; disabledReason: string | null; failingSince: number | null };
type Delivery = { id: string; eventType: string; status: string; attempts: number; lastStatusCode: number | null; lastResponse: string | null };

/** A receiver of its own for one test (`query` says how it answers: see test/fakes/receiver.ts). */
function receiver(query = "") {
  const box = crypto.randomUUID();
  return { box, url: `https://hooks.test/${box}${query}` };
}

async function received(box: string): Promise<Received[]> {
  return (await fetch(`https://hooks.test/${box}/received`)).json();
}

/** Waits (polling, up to `ms`) until `check` holds of what `read` answers; answers the last read. */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function register(t: RoutingTenant, url: string, events: readonly string[] = WEBHOOK_EVENT_TYPES) {
  const res = await apiJson<Endpoint>(t, "POST", "/api/webhooks", { url, events, description: "CRM" });
  expect(res.status).toBe(201);
  return res.body;
}

/** What the receiver got, each verified with the endpoint's secret by the reference library. */
function verified(secret: string, list: Received[]) {
  const webhook = new Webhook(secret);
  return list.map((r) => ({ id: r.headers["webhook-id"]!, payload: webhook.verify(r.body, r.headers) as WebhookPayload, answered: r.answered }));
}

/** A tenant whose number rings one desk and takes a voicemail when nobody answers. */
async function voicemailTenant(name: string) {
  const t = await routingTenant(name);
  const desk = await receiving(t, "Desk");
  await useRoute(t, (await route(t, { kind: "dial", name: "Desk", config: { receivingNumberIds: [desk.id], noAnswer: { kind: "voicemail", greeting: "Leave a message." } } })).id);
  return { ...t, desk };
}

/** An answered call, in the order Twilio reports it: rings, a leg answers, the caller hangs up. */
async function answeredCall(t: RoutingTenant, from: string) {
  const started = await startCall(t, from);
  const legSid = hexId("CA");
  await leg(t, started.legStatus!, started.callSid, legSid, "in-progress");
  await leg(t, started.legStatus!, started.callSid, legSid, "completed", { CallDuration: "30" });
  await dialEnds(t, started.callSid, "completed", { DialCallSid: legSid, DialCallDuration: "30" });
  await parentStatus(t, started.callSid, "completed", { CallDuration: "35" });
  return started.callSid;
}

/** A call nobody answers that leaves a voicemail. */
async function voicemailCall(t: RoutingTenant, from: string) {
  const started = await startCall(t, from);
  const xml = await dialEnds(t, started.callSid, "no-answer");
  const action = attrOf(xml, "Record", "action")!;
  const recording = `https://api.twilio.com/2010-04-01/Accounts/${t.accountSid}/Recordings/${hexId("RE")}`;
  const done = () => postTwilio(pathOf(action), { AccountSid: t.accountSid, CallSid: started.callSid, RecordingUrl: recording, RecordingDuration: "9" }, { token: t.token });
  expect((await done()).status).toBe(200);
  return { callSid: started.callSid, done, final: () => parentStatus(t, started.callSid, "completed", { CallDuration: "40" }) };
}

describe("webhooks to the business's own systems", () => {
  it("every event type arrives signed, and the reference library verifies each", async () => {
    const t = await voicemailTenant("Every event");
    const r = receiver();
    const endpoint = await register(t, r.url);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);

    const created = await apiJson<{ id: string }>(t, "POST", "/api/contacts", { kind: "customer", name: "Ann Archer", phones: [{ number: "+14155550124" }] });
    await apiJson(t, "PATCH", `/api/contacts/${created.body.id}`, { company: "Archer & Co" });
    const answered = await answeredCall(t, "+14155550124");
    await voicemailCall(t, "+14155550199");
    await switchboardOf(t).flushCallLog();
    const callId = (await env.DB.prepare("select id from calls where tenant_id = ? and provider_call_id = ?").bind(t.id, answered).first<{ id: string }>())!.id;
    expect((await apiJson(t, "PATCH", `/api/calls/${callId}`, { subject: "Quote", notes: "Wants a quote", outcome: "lead", tags: ["new"] })).status).toBe(200);

    const list = await until(() => received(r.box), (l) => new Set(l.map((x) => JSON.parse(x.body).type)).size === WEBHOOK_EVENT_TYPES.length);
    const events = verified(endpoint.secret, list);
    expect(new Set(events.map((e) => e.payload.type))).toEqual(new Set(WEBHOOK_EVENT_TYPES));
    // Exactly one of each for the answered call, and its data is the call as the API shows it.
    const ofAnswered = events.filter((e) => (e.payload.data as { id?: string }).id === callId).map((e) => e.payload.type);
    expect(ofAnswered.sort()).toEqual(["call.answered", "call.ended", "call.info_saved", "call.ringing"]);
    const ended = events.find((e) => e.payload.type === "call.ended" && (e.payload.data as { id: string }).id === callId)!;
    expect(ended.payload.data).toMatchObject({ id: callId, status: "completed", callerName: "Ann Archer", callerType: "customer", trackingNumber: t.trackingNumber, live: false });
    expect(Date.parse(ended.payload.timestamp)).toBeGreaterThan(0);
    expect(events.find((e) => e.payload.type === "call.info_saved")!.payload.data).toMatchObject({ id: callId, subject: "Quote", notes: "Wants a quote", outcome: "lead", tags: ["new"] });
    expect(events.find((e) => e.payload.type === "contact.updated")!.payload.data).toMatchObject({ id: created.body.id, company: "Archer & Co" });
    expect(events.find((e) => e.payload.type === "voicemail.ready")!.payload.data).toMatchObject({ voicemail: "left", recordingUrl: expect.stringContaining("/Recordings/") });
    // Each delivery has its own webhook-id, and the log shows them delivered.
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    for (const e of events) expect(e.id).toMatch(/^msg_/);
    const log = await apiJson<{ items: Delivery[]; total: number }>(t, "GET", `/api/webhooks/${endpoint.id}/deliveries?limit=200`);
    expect(log.body.items.every((d) => d.status === "delivered" && d.attempts === 1 && d.lastStatusCode === 200 && d.lastResponse === `ok ${r.box}`)).toBe(true);
  });

  it("a call's events reach an endpoint in the order they happened", async () => {
    const t = await routingTenant("Order");
    const r = receiver();
    const endpoint = await register(t, r.url, ["call.ringing", "call.answered", "call.ended"]);
    await answeredCall(t, "+14155550124");
    const list = await until(() => received(r.box), (l) => l.length >= 3);
    expect(verified(endpoint.secret, list).map((e) => e.payload.type)).toEqual(["call.ringing", "call.answered", "call.ended"]);
  });

  it("a receiver that fails twice (503, Retry-After: 1) gets the same webhook-id a third time, and takes it", async () => {
    const t = await routingTenant("Retries");
    const r = receiver("?fail=2");
    const endpoint = await register(t, r.url, ["contact.created"]);
    await apiJson(t, "POST", "/api/contacts", { kind: "lead", name: "Lee Retry" });
    const list = await until(() => received(r.box), (l) => l.some((x) => x.answered === 200));
    expect(list.map((x) => x.answered)).toEqual([503, 503, 200]);
    expect(new Set(list.map((x) => x.headers["webhook-id"])).size).toBe(1);
    // Each attempt is signed afresh (its own timestamp), and each verifies.
    expect(verified(endpoint.secret, list)).toHaveLength(3);
    const log = await until(
      () => apiJson<{ items: Delivery[] }>(t, "GET", `/api/webhooks/${endpoint.id}/deliveries`),
      (l) => l.body.items[0]?.status === "delivered",
    );
    expect(log.body.items).toEqual([expect.objectContaining({ id: list[0]!.headers["webhook-id"], status: "delivered", attempts: 3, lastStatusCode: 200 })]);
  });

  it("an endpoint that has failed for 3 days is disabled at its next failure, and the admins are told", async () => {
    const t = await routingTenant("Dead end");
    const r = receiver("?status=500");
    const endpoint = await register(t, r.url, ["contact.created"]);
    // The simulated clock: this endpoint's failures began 3 days ago.
    await env.DB.prepare("update webhook_endpoints set failing_since = ? where id = ?").bind(Date.now() - DISABLE_AFTER_MS - 60_000, endpoint.id).run();
    await apiJson(t, "POST", "/api/contacts", { kind: "lead", name: "Dee Dead" });
    const after = await until(
      () => apiJson<Endpoint>(t, "GET", `/api/webhooks/${endpoint.id}`),
      (e) => !e.body.enabled,
    );
    expect(after.body).toMatchObject({ enabled: false, disabledReason: "Every attempt failed for 3 days", disabledAt: expect.any(Number) });
    const notices = (await switchboardOf(t).snapshot()).notifications.filter((n) => n.kind === "integration");
    expect(notices).toEqual([expect.objectContaining({ title: "Webhook to hooks.test disabled", callId: null })]);
    // What was on its way is failed, not retried into a disabled endpoint.
    const log = await until(
      () => apiJson<{ items: Delivery[] }>(t, "GET", `/api/webhooks/${endpoint.id}/deliveries`),
      (l) => l.body.items[0]?.status === "failed",
    );
    expect(log.body.items[0]).toMatchObject({ status: "failed", attempts: 1, lastStatusCode: 500 });
    // Nothing more is sent to it.
    await apiJson(t, "POST", "/api/contacts", { kind: "lead", name: "Dee Again" });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await received(r.box)).toHaveLength(1);
  });

  it("retried and reordered provider webhooks emit each of a call's events once", async () => {
    const t = await voicemailTenant("Retried");
    const r = receiver();
    await register(t, r.url, ["call.ringing", "call.ended", "call.missed", "voicemail.ready"]);
    const call = await voicemailCall(t, "+14155550188");
    // Twilio retries: the voicemail's end again, the final status twice, the voice webhook again.
    await call.done();
    await call.final();
    await call.final();
    await switchboardOf(t).flushOutbound();
    const list = await until(() => received(r.box), (l) => l.length >= 4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const types = (await received(r.box)).map((x) => JSON.parse(x.body).type as string);
    expect(types.sort()).toEqual(["call.ended", "call.missed", "call.ringing", "voicemail.ready"]);
    expect(list.length).toBe(4);
  });

  it("an event the queue brings twice, even at the same moment, is sent once; one whose attempt never wrote down its answer is tried again when the event comes back", async () => {
    const t = await routingTenant("Twice");
    const r = receiver();
    const endpoint = await register(t, r.url, ["contact.created"]);
    const event = (name: string) => ({ id: `evt_${crypto.randomUUID().replace(/-/g, "")}`, type: "contact.created" as const, at: Date.now(), data: { name }, orderingKey: null, ordinal: 0 });
    const message = (e: ReturnType<typeof event>) => ({ kind: "event" as const, tenantId: t.id, event: e });
    const twice = event("Tess Twice");
    await Promise.all([handleMessage(env, message(twice), Date.now()), handleMessage(env, message(twice), Date.now())]);
    await handleMessage(env, message(twice), Date.now());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await received(r.box)).map((x) => JSON.parse(x.body).data.name)).toEqual(["Tess Twice"]);

    // An attempt claimed a delivery and died before writing how it went: its claim runs out, and
    // the event brought again tries it (once the claim is over, not before).
    const lost = event("Lou Lost");
    await env.DB.prepare("insert into webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, payload, ordering_key, ordinal, created_at, next_attempt_at, attempts, lease_until) values (?, ?, ?, ?, ?, ?, null, 0, ?, ?, 1, ?)")
      .bind("msg_lost", t.id, endpoint.id, lost.id, lost.type, payloadOf(lost), Date.now(), Date.now(), Date.now() + 60_000)
      .run();
    await handleMessage(env, message(lost), Date.now());
    expect(await received(r.box)).toHaveLength(1);
    await handleMessage(env, message(lost), Date.now() + 61_000);
    const list = await until(() => received(r.box), (l) => l.length === 2);
    expect(list[1]!.headers["webhook-id"]).toBe("msg_lost");
  });

  it("a test event goes to the one endpoint asked; redelivering sends the same webhook-id again", async () => {
    const t = await routingTenant("Test event");
    const r = receiver();
    const endpoint = await register(t, r.url, ["call.ended"]);
    const test = await apiJson<Delivery>(t, "POST", `/api/webhooks/${endpoint.id}/test`);
    expect(test.status).toBe(202);
    expect(test.body).toMatchObject({ eventType: "webhook.test", status: "pending" });
    await until(() => received(r.box), (l) => l.length === 1);
    const again = await apiJson<Delivery>(t, "POST", `/api/webhooks/${endpoint.id}/deliveries/${test.body.id}/redeliver`);
    expect(again.status).toBe(202);
    const list = await until(() => received(r.box), (l) => l.length === 2);
    expect(list.map((x) => x.headers["webhook-id"])).toEqual([test.body.id, test.body.id]);
    expect(verified(endpoint.secret, list).map((e) => e.payload.type)).toEqual(["webhook.test", "webhook.test"]);
  });

  it("after a rotation both secrets sign for a day: a receiver holding either verifies", async () => {
    const t = await routingTenant("Rotation");
    const r = receiver();
    const endpoint = await register(t, r.url, ["contact.created"]);
    const rotated = await apiJson<Endpoint & { previousSecretExpiresAt: number }>(t, "POST", `/api/webhooks/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect(rotated.body.previousSecretExpiresAt).toBeGreaterThan(Date.now() + 23 * 3600 * 1000);
    await apiJson(t, "POST", "/api/contacts", { kind: "lead", name: "Rita Rotate" });
    const list = await until(() => received(r.box), (l) => l.length === 1);
    expect(list[0]!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(verified(endpoint.secret, list)).toHaveLength(1);
    expect(verified(rotated.body.secret, list)).toHaveLength(1);
    // The secret is never shown again.
    const read = await apiJson<Record<string, unknown>>(t, "GET", `/api/webhooks/${endpoint.id}`);
    expect(JSON.stringify(read.body)).not.toContain("whsec_");
  });
});

describe("missed-call and voicemail texts", () => {
  async function optIn(email: string, smsAlerts: "mine" | "all") {
    const cookie = await login(email);
    const agentNumber = uniqueNumber();
    const res = await apiJson({ cookie }, "PATCH", "/api/profile", { agentNumber, smsAlerts });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ agentNumber, smsAlerts });
    return agentNumber;
  }

  async function textsTo(t: RoutingTenant, to: string) {
    const res = await fetch(`https://api.twilio.com/2010-04-01/Accounts/${t.accountSid}/Messages.json?To=${encodeURIComponent(to)}`, { headers: { Authorization: `Basic ${btoa(`${t.accountSid}:${t.token}`)}` } });
    return ((await res.json()) as { messages: { from: string; to: string; body: string }[] }).messages;
  }

  it("a missed call texts the opted-in agent once, through Twilio's messaging API, from the number called", async () => {
    const t = await routingTenant("Texts");
    const agentNumber = await optIn(t.agentEmail, "all");
    const started = await startCall(t, "+14155550166");
    await parentStatus(t, started.callSid, "no-answer");
    // Twilio retries the final status: still one text.
    await parentStatus(t, started.callSid, "no-answer");
    const texts = await until(() => textsTo(t, agentNumber), (l) => l.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await textsTo(t, agentNumber)).toHaveLength(1);
    const live = (await switchboardOf(t).snapshot()).notifications.find((n) => n.kind === "missed-call")!;
    expect(texts[0]).toMatchObject({ from: t.trackingNumber, to: agentNumber, body: `Switchboard: Missed call from (415) 555-0166 to Main line. http://switchboard.test/calls/${live.callId}` });
    const ledger = await env.DB.prepare("select status, provider_message_id from sms_alerts where tenant_id = ?").bind(t.id).all();
    expect(ledger.results).toEqual([{ status: "sent", provider_message_id: expect.stringMatching(/^SM/) }]);
  });

  it("at most 5 texts per user in 10 minutes: the sixth missed call is recorded as rate-limited, not sent", async () => {
    const t = await routingTenant("Busy day");
    const agentNumber = await optIn(t.agentEmail, "all");
    for (let i = 0; i < 6; i++) {
      const started = await startCall(t, `+1415555013${i}`);
      await parentStatus(t, started.callSid, "busy");
      // One after another, so the window counts each before the next.
      await until(
        async () => (await env.DB.prepare("select count(*) as n from sms_alerts where tenant_id = ?").bind(t.id).first<{ n: number }>())!.n,
        (n) => n === i + 1,
      );
    }
    const ledger = await until(
      async () => (await env.DB.prepare("select status from sms_alerts where tenant_id = ? order by created_at").bind(t.id).all<{ status: string }>()).results.map((r) => r.status),
      (l) => !l.includes("queued"),
    );
    expect(ledger).toEqual(["sent", "sent", "sent", "sent", "sent", "rate-limited"]);
    expect(await textsTo(t, agentNumber)).toHaveLength(5);
  });

  it("'mine' texts everyone a hunt rang, not only the last number: each once", async () => {
    const t = await routingTenant("Hunt texts");
    const first = await optIn(t.agentEmail, "mine");
    const second = await optIn(t.managerEmail, "mine");
    const desks = [];
    for (const [number, label] of [[first, "Agent desk"], [second, "Manager desk"]] as const) {
      const res = await apiJson<{ id: string }>(t, "POST", "/api/receiving-numbers", { number, label });
      expect(res.status).toBe(201);
      desks.push(res.body.id);
    }
    await useRoute(t, (await route(t, { kind: "dial", name: "Hunt", config: { receivingNumberIds: desks, pattern: "sequential" } })).id);
    const started = await startCall(t, "+14155550168");
    await dialEnds(t, started.callSid, "no-answer");
    await dialEnds(t, started.callSid, "no-answer");
    await parentStatus(t, started.callSid, "no-answer");
    const [a, b] = [await until(() => textsTo(t, first), (l) => l.length >= 1), await until(() => textsTo(t, second), (l) => l.length >= 1)];
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([a.length, b.length, (await textsTo(t, first)).length, (await textsTo(t, second)).length]).toEqual([1, 1, 1, 1]);
    expect(a[0]!.body).toContain("Missed call from (415) 555-0168");
  });

  it("a sandbox number's text is recorded, not sent: the ledger says sandbox and no provider is called", async () => {
    const t = await signUp("Sandbox Texts");
    const number = await buySandboxNumber(t);
    const agentNumber = uniqueNumber();
    expect((await apiJson({ cookie: t.cookie }, "PATCH", "/api/profile", { agentNumber, smsAlerts: "all" })).status).toBe(200);
    const placed = await apiJson<{ callId: string }>({ cookie: t.cookie }, "POST", `/api/tracking-numbers/${number.id}/test-call`, {});
    expect(placed.status).toBe(202);
    // Time passes: nobody answers the test call, and the Switchboard ends it as missed.
    await runInDurableObject(switchboardOf({ id: t.tenant.id }), (_: unknown, state) => {
      state.storage.sql.exec("update sandbox_calls set ends_at = ?", Date.now() - 1);
    });
    await runDurableObjectAlarm(switchboardOf({ id: t.tenant.id }));
    const ledger = await until(
      () => env.DB.prepare("select status, to_number, from_number, body, provider_message_id from sms_alerts where tenant_id = ?").bind(t.tenant.id).all().then((r) => r.results),
      (rows) => rows.some((r) => r.status === "sandbox"),
    );
    expect(ledger).toEqual([{ status: "sandbox", to_number: agentNumber, from_number: number.number, body: expect.stringContaining("Missed call from Test caller"), provider_message_id: null }]);
  });

  it("'mine' texts only about calls that rang the user's own number; without an agent number there is no opting in", async () => {
    const t = await routingTenant("Mine");
    const mine = await optIn(t.agentEmail, "mine");
    const started = await startCall(t, "+14155550167");
    await parentStatus(t, started.callSid, "no-answer");
    await switchboardOf(t).flushOutbound();
    await new Promise((resolve) => setTimeout(resolve, 800));
    // The call rang the tracking number's termination number, not the agent.
    expect(await textsTo(t, mine)).toEqual([]);
    const manager = { cookie: await login(t.managerEmail) };
    const refused = await apiJson(manager, "PATCH", "/api/profile", { smsAlerts: "all" });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ issues: [{ path: "smsAlerts" }] });
  });
});

describe("who may, and whose", () => {
  it("only admins manage webhooks: managers, agents and reporting users get 403", async () => {
    const t = await routingTenant("Roles");
    for (const email of [t.managerEmail, t.agentEmail, t.reportingEmail]) {
      const cookie = await login(email);
      for (const [method, path] of [["GET", "/api/webhooks"], ["POST", "/api/webhooks"]] as const) {
        const res = await apiJson({ cookie }, method, path, method === "POST" ? { url: "https://hooks.test/x", events: ["call.ended"] } : undefined);
        expect(res.status).toBe(403);
      }
    }
  });

  it("another tenant never sees, changes or receives a tenant's webhooks", async () => {
    const a = await routingTenant("Tenant A");
    const b = await routingTenant("Tenant B");
    const ra = receiver();
    const rb = receiver();
    const ea = await register(a, ra.url, ["contact.created"]);
    await register(b, rb.url, ["contact.created"]);
    expect((await apiJson<{ items: Endpoint[] }>(b, "GET", "/api/webhooks")).body.items.map((e) => e.id)).not.toContain(ea.id);
    for (const [method, path] of [
      ["GET", `/api/webhooks/${ea.id}`],
      ["PATCH", `/api/webhooks/${ea.id}`],
      ["DELETE", `/api/webhooks/${ea.id}`],
      ["POST", `/api/webhooks/${ea.id}/rotate-secret`],
      ["POST", `/api/webhooks/${ea.id}/test`],
      ["GET", `/api/webhooks/${ea.id}/deliveries`],
    ] as const) {
      expect((await apiJson(b, method, path, method === "PATCH" ? { enabled: false } : undefined)).status).toBe(404);
    }
    await apiJson(a, "POST", "/api/contacts", { kind: "lead", name: "Only A's" });
    await until(() => received(ra.box), (l) => l.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await received(rb.box)).toEqual([]);
    expect((await apiJson<Endpoint>(a, "GET", `/api/webhooks/${ea.id}`)).body.enabled).toBe(true);
  });
});
