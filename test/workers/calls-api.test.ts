import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createContact, normalisePhoneInputs } from "../../worker/contacts/queries.ts";
import { db, login, tableCounts } from "./helpers.ts";
import { apiJson, dialEnds } from "./routing-helpers.ts";
import { Dashboard } from "./socket.ts";
import { createTwilioTenant, hexId, parentStatus, startCall, switchboardOf, type TwilioTenant } from "./twilio-helpers.ts";

type ApiCall = { id: string; status: string; callerNumber: string; callerName: string | null; callerType: string; contactId: string | null; subject: string | null; notes: string | null; outcome: string | null; tags: string[]; followUpAt: number | null; live: boolean; campaignName: string | null; trackingLabel: string | null };

async function admin(t: TwilioTenant) {
  return { cookie: await login(t.adminEmail) };
}

async function liveCallId(t: TwilioTenant, callSid: string) {
  return (await switchboardOf(t).snapshot()).calls.find((c) => c.providerCallId === callSid)!.id;
}

async function addContact(t: TwilioTenant, name: string, number: string, kind: "customer" | "vendor" = "customer") {
  return createContact(db(), t.id, { kind, name, company: null, email: null, address: null, notes: null }, normalisePhoneInputs([{ label: "mobile", number }], "US").phones);
}

describe("the call log", () => {
  it("lists ended calls newest first, filtered by status, caller, contact and date, and pages", async () => {
    const t = await createTwilioTenant();
    const u = await admin(t);
    const annId = await addContact(t, "Ann Archer", "+14155550124");
    const answered = await startCall(t, "+14155550124");
    await dialEnds(t, answered.callSid, "completed", { DialCallSid: hexId("CA"), DialCallDuration: "30" });
    const missed = await startCall(t, "+14155550177");
    await dialEnds(t, missed.callSid, "no-answer");
    const busy = await startCall(t, "+14155550188");
    await dialEnds(t, busy.callSid, "busy");

    const all = await apiJson<{ items: ApiCall[]; total: number }>(u, "GET", "/api/calls");
    expect(all.body.total).toBe(3);
    expect(all.body.items.map((c) => c.callerNumber)).toEqual(["+14155550188", "+14155550177", "+14155550124"]);
    expect(all.body.items[2]).toMatchObject({ status: "completed", callerName: "Ann Archer", campaignName: "Website", trackingLabel: "Main line" });

    const pick = async (query: string) => (await apiJson<{ items: ApiCall[]; total: number }>(u, "GET", `/api/calls?${query}`)).body;
    expect((await pick("status=missed")).items.map((c) => c.status)).toEqual(["busy", "no-answer"]);
    expect((await pick("status=completed")).total).toBe(1);
    expect((await pick("q=0177")).items.map((c) => c.callerNumber)).toEqual(["+14155550177"]);
    expect((await pick("q=Archer")).items.map((c) => c.callerNumber)).toEqual(["+14155550124"]);
    expect((await pick(`contactId=${annId}`)).total).toBe(1);
    expect((await pick(`campaignId=${t.campaignId}`)).total).toBe(3);
    expect((await pick(`trackingNumberId=${t.trackingNumberId}&limit=2&offset=2`)).items).toHaveLength(1);
    expect((await pick(`from=${Date.now() + 60_000}`)).total).toBe(0);
    expect((await pick("to=2020-01-01")).total).toBe(0);
  });

  it("reads dates in the tenant's time zone, the to-date included", async () => {
    const t = await createTwilioTenant("Zoned");
    const { tenants, calls } = await import("../../schema/db.ts");
    const { eq } = await import("drizzle-orm");
    await db().update(tenants).set({ timeZone: "America/Los_Angeles" }).where(eq(tenants.id, t.id));
    // 23:30 on Oct 31 in Los Angeles, already Nov 1 in UTC.
    await db().insert(calls).values({ id: crypto.randomUUID(), tenantId: t.id, provider: "twilio", providerCallId: hexId("CA"), fromNumber: "+14155550124", toNumber: t.trackingNumber, status: "completed", startedAt: Date.parse("2026-11-01T06:30:00Z") });
    const u = await admin(t);
    const total = async (q: string) => (await apiJson<{ total: number }>(u, "GET", `/api/calls?${q}`)).body.total;
    expect(await total("from=2026-10-31&to=2026-10-31")).toBe(1);
    expect(await total("from=2026-11-01")).toBe(0);
    expect(await total(`to=${Date.parse("2026-11-01T06:30:00Z")}`)).toBe(0);
    expect(await total(`to=${Date.parse("2026-11-01T06:30:01Z")}`)).toBe(1);
  });

  it("refuses bad filters with 400, and keeps tenants apart", async () => {
    const t = await createTwilioTenant();
    const other = await createTwilioTenant("Other");
    const started = await startCall(t, "+14155550124");
    const id = await liveCallId(t, started.callSid);
    const u = await admin(t);
    for (const q of ["status=exploded", "limit=0", "from=yesterday"]) expect((await apiJson(u, "GET", `/api/calls?${q}`)).status).toBe(400);
    const stranger = await admin(other);
    expect((await apiJson(stranger, "GET", `/api/calls/${id}`)).status).toBe(404);
    expect((await apiJson(stranger, "PATCH", `/api/calls/${id}`, { notes: "mine" })).status).toBe(404);
    const theirContact = await addContact(other, "Theirs", "+14155550190");
    const res = await apiJson<{ error: string }>(u, "PATCH", `/api/calls/${id}`, { contactId: theirContact });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("Invalid json: contactId: no such contact");
  });
});

describe("call information", () => {
  it("is saved on a live call and kept when the call ends", async () => {
    const t = await createTwilioTenant();
    const u = await admin(t);
    const started = await startCall(t, "+14155550124");
    const id = await liveCallId(t, started.callSid);
    const live = await apiJson<ApiCall>(u, "GET", `/api/calls/${id}`);
    expect(live.body).toMatchObject({ id, status: "ringing", live: true, subject: null });

    const saved = await apiJson<ApiCall>(u, "PATCH", `/api/calls/${id}`, { subject: "No heat", notes: "Boiler pilot light out", outcome: "Booked visit", tags: ["urgent", "boiler", "urgent"] });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ subject: "No heat", notes: "Boiler pilot light out", outcome: "Booked visit", tags: ["urgent", "boiler"], live: true });

    await dialEnds(t, started.callSid, "completed", { DialCallSid: hexId("CA"), DialCallDuration: "95" });
    const after = await apiJson<ApiCall & { talkSeconds: number }>(u, "GET", `/api/calls/${id}`);
    expect(after.body).toMatchObject({ status: "completed", talkSeconds: 95, subject: "No heat", outcome: "Booked visit", live: false });
  });

  it("refuses bad input with 400 and writes nothing", async () => {
    const t = await createTwilioTenant();
    const u = await admin(t);
    const started = await startCall(t, "+14155550124");
    const id = await liveCallId(t, started.callSid);
    const before = await tableCounts();
    for (const [body, message] of [
      [{}, /nothing to update/],
      [{ tags: "vip" }, /tags/],
      [{ followUpAt: "tomorrow" }, /followUpAt/],
      [{ savePhone: "mobile" }, /savePhone needs a contactId/],
      [{ subject: "x".repeat(201) }, /subject: must be at most 200 characters/],
    ] as const) {
      const res = await apiJson<{ error: string }>(u, "PATCH", `/api/calls/${id}`, body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(message);
    }
    expect(await tableCounts()).toEqual(before);
    expect((await apiJson(u, "PATCH", "/api/calls/nope", { notes: "x" })).status).toBe(404);
  });
});

describe("linking a call to a contact", () => {
  it("Select customer with save phone number: the dashboards see the name, the next call from that number matches", async () => {
    const t = await createTwilioTenant();
    const u = await admin(t);
    const bob = await addContact(t, "Bob Baker", "+14155550125");
    const dashboard = await Dashboard.connect(t.slug, u.cookie);
    await dashboard.waitFor(1);
    const started = await startCall(t, "+14155550199");
    const id = await liveCallId(t, started.callSid);
    const res = await apiJson<ApiCall>(u, "PATCH", `/api/calls/${id}`, { contactId: bob, savePhone: "other" });
    expect(res.body).toMatchObject({ contactId: bob, callerName: "Bob Baker", callerType: "customer" });
    const messages = await dashboard.waitFor(5);
    expect(messages.at(-2)).toMatchObject({ type: "call", call: { id, callerName: "Bob Baker", contactId: bob } });
    // The call's notification is sent again, under its id, naming the contact.
    expect(messages.at(-1)).toMatchObject({ type: "notification", notification: { id: `${id}:incoming`, title: "Incoming call: Bob Baker", body: "Customer · Main line", contactId: bob } });
    const contact = await apiJson<{ phones: { number: string; label: string }[] }>(u, "GET", `/api/contacts/${bob}`);
    expect(contact.body.phones.map((p) => [p.label, p.number])).toEqual([["mobile", "+14155550125"], ["other", "+14155550199"]]);
    // Saving it twice adds nothing.
    await apiJson(u, "PATCH", `/api/calls/${id}`, { contactId: bob, savePhone: "other" });
    expect((await apiJson<{ phones: unknown[] }>(u, "GET", `/api/contacts/${bob}`)).body.phones).toHaveLength(2);

    const next = await startCall(t, "+14155550199");
    expect((await switchboardOf(t).snapshot()).calls.find((c) => c.providerCallId === next.callSid)).toMatchObject({ callerName: "Bob Baker", callerType: "customer" });
    // The log keeps the link after the call ends.
    await parentStatus(t, started.callSid, "completed");
    expect((await apiJson<ApiCall>(u, "GET", `/api/calls/${id}`)).body).toMatchObject({ contactId: bob, callerName: "Bob Baker", status: "canceled" });
    dashboard.close();
  });

  it("a number can be added to a contact once, through the contacts API", async () => {
    const t = await createTwilioTenant();
    const u = await admin(t);
    const ann = await addContact(t, "Ann", "+14155550124");
    expect((await apiJson(u, "POST", `/api/contacts/${ann}/phones`, { label: "work", number: "(415) 555-0130" })).status).toBe(201);
    const again = await apiJson<{ error: string }>(u, "POST", `/api/contacts/${ann}/phones`, { label: "other", number: "415.555.0130" });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe("Ann has +14155550130 already");
    expect((await apiJson(u, "POST", `/api/contacts/${ann}/phones`, { number: "12" })).status).toBe(400);
  });
});

describe("follow-up reminders", () => {
  it("fire at their time from the Switchboard's alarm, once, with no dashboard open", async () => {
    const t = await createTwilioTenant();
    const u = await admin(t);
    await addContact(t, "Ann Archer", "+14155550124");
    const started = await startCall(t, "+14155550124");
    const id = await liveCallId(t, started.callSid);
    await dialEnds(t, started.callSid, "completed", { DialCallSid: hexId("CA"), DialCallDuration: "20" });
    await apiJson(u, "PATCH", `/api/calls/${id}`, { subject: "Send the quote", followUpAt: Date.now() + 3_600_000 });
    await runDurableObjectAlarm(switchboardOf(t));
    const reminders = async () => (await switchboardOf(t).snapshot()).notifications.filter((n) => n.kind === "reminder");
    expect(await reminders()).toEqual([]);

    // Moved to a moment ago: due now.
    await apiJson(u, "PATCH", `/api/calls/${id}`, { followUpAt: Date.now() - 1000 });
    expect(await runDurableObjectAlarm(switchboardOf(t))).toBe(true);
    expect(await reminders()).toMatchObject([{ title: "Follow up: Ann Archer", body: "Send the quote", callId: id }]);
    await runDurableObjectAlarm(switchboardOf(t));
    expect(await reminders()).toHaveLength(1);
    const row = await env.DB.prepare("select follow_up_at from calls where id = ?").bind(id).first<{ follow_up_at: number }>();
    expect(row?.follow_up_at).toBeLessThan(Date.now());
  });

  it("can be cleared before it fires", async () => {
    const t = await createTwilioTenant();
    const u = await admin(t);
    const started = await startCall(t, "+14155550124");
    const id = await liveCallId(t, started.callSid);
    await apiJson(u, "PATCH", `/api/calls/${id}`, { followUpAt: Date.now() - 1000 });
    await apiJson(u, "PATCH", `/api/calls/${id}`, { followUpAt: null });
    await runDurableObjectAlarm(switchboardOf(t));
    expect((await switchboardOf(t).snapshot()).notifications.filter((n) => n.kind === "reminder")).toEqual([]);
  });
});

describe("read marks", () => {
  it("are per user: every screen of that user learns them, other users do not, and reconnects keep them", async () => {
    const t = await createTwilioTenant();
    const adminCookie = await login(t.adminEmail);
    const agentCookie = await login(t.agentEmail);
    await startCall(t, "+14155550124");
    const adminDesk = await Dashboard.connect(t.slug, adminCookie);
    const adminPhone = await Dashboard.connect(t.slug, adminCookie);
    const agent = await Dashboard.connect(t.slug, agentCookie);
    const [snapshot] = await adminDesk.waitFor(1);
    if (snapshot?.type !== "snapshot") throw new Error("no snapshot");
    expect(snapshot.read).toEqual([]);
    const ids = snapshot.notifications.map((n) => n.id);
    await adminPhone.waitFor(1);
    await agent.waitFor(1);

    adminDesk.send(JSON.stringify({ type: "mark-read", ids }));
    await adminDesk.waitFor(2);
    await adminPhone.waitFor(2);
    expect(adminPhone.messages[1]).toMatchObject({ type: "read", ids });
    expect(await agent.settle()).toHaveLength(1);
    // Marking again changes nothing and sends nothing.
    adminDesk.send(JSON.stringify({ type: "mark-read", ids: "all" }));
    expect(await adminDesk.settle()).toHaveLength(2);

    const back = await Dashboard.connect(t.slug, adminCookie);
    const [fresh] = await back.waitFor(1);
    expect(fresh).toMatchObject({ type: "snapshot", read: ids });
    const agentBack = await Dashboard.connect(t.slug, agentCookie, 0);
    const replay = await agentBack.settle();
    expect(replay.some((m) => m.type === "read")).toBe(false);
    for (const d of [adminDesk, adminPhone, agent, back, agentBack]) d.close();
  });
});
