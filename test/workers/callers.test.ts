/**
 * The voice webhook answers after one Durable Object round trip: the Switchboard matches the caller
 * from its own index of the tenant's contacts and routes by the tracking number's settings it holds.
 * These tests hold it to D1, which stays the record: through the contacts API, an import, a change
 * whose notice was lost, and tracking-number changes the Worker's isolate has not heard of.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CHECK_AFTER_MS } from "../../party/caller-index.ts";
import { isReady } from "../../party/callers.ts";
import { calls, contactPhones, contacts } from "../../schema/db.ts";
import { encryptSecret } from "../../worker/lib/crypto.ts";
import { call, db, login } from "./helpers.ts";
import { attrOf, createTwilioTenant, hexId, startCall, switchboardOf, uniqueNumber, type TwilioTenant } from "./twilio-helpers.ts";

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("the condition never held");
}

/** The index is built in the background after the first call; tests start from a built one. */
async function indexBuilt(t: TwilioTenant) {
  await until(() => runInDurableObject(switchboardOf(t), (_instance, state) => isReady(state.storage.sql)), Boolean);
}

async function callerOf(t: TwilioTenant, from: string) {
  const { res, callSid } = await startCall(t, from);
  expect(res.status).toBe(200);
  const live = (await switchboardOf(t).snapshot()).calls.find((c) => c.providerCallId === callSid)!;
  return { callSid, callerType: live.callerType, callerName: live.callerName, contactId: live.contactId, firstTime: live.firstTime };
}

async function api(cookie: string, method: string, path: string, json?: unknown) {
  const res = await call(path, { method, cookie, json });
  expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return res.status === 204 ? null : ((await res.json()) as { id: string });
}

describe("the Switchboard's caller index", () => {
  it("matches callers by what the contacts API saved a moment ago: created, renamed, number changed, deleted", async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    const number = uniqueNumber();
    expect((await callerOf(t, number)).callerType).toBe("unknown"); // asked of D1; the index is built meanwhile
    await indexBuilt(t);

    const contact = (await api(cookie, "POST", "/api/contacts", { kind: "customer", name: "Ada Lovelace", phones: [{ label: "mobile", number }] }))!;
    expect(await callerOf(t, number)).toMatchObject({ callerType: "customer", callerName: "Ada Lovelace", contactId: contact.id });

    await api(cookie, "PATCH", `/api/contacts/${contact.id}`, { name: "Ada King", kind: "vendor" });
    expect(await callerOf(t, number)).toMatchObject({ callerType: "vendor", callerName: "Ada King" });

    const other = uniqueNumber();
    await api(cookie, "PATCH", `/api/contacts/${contact.id}`, { phones: [{ label: "work", number: other }] });
    expect((await callerOf(t, number)).callerType).toBe("unknown");
    expect(await callerOf(t, other)).toMatchObject({ callerName: "Ada King", contactId: contact.id });

    await api(cookie, "POST", `/api/contacts/${contact.id}/phones`, { label: "other", number });
    expect((await callerOf(t, number)).callerName).toBe("Ada King");

    await api(cookie, "DELETE", `/api/contacts/${contact.id}`);
    expect(await callerOf(t, number)).toMatchObject({ callerType: "unknown", callerName: null, contactId: null });
    expect((await callerOf(t, other)).callerType).toBe("unknown");
  });

  it("gives a shared number to the contact that had it first, and to the other when the first lets it go", async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    await callerOf(t, uniqueNumber());
    await indexBuilt(t);
    const shared = uniqueNumber();
    const first = (await api(cookie, "POST", "/api/contacts", { kind: "customer", name: "First", phones: [{ label: "main", number: shared }] }))!;
    const second = (await api(cookie, "POST", "/api/contacts", { kind: "lead", name: "Second", phones: [{ label: "main", number: shared }] }))!;
    expect((await callerOf(t, shared)).contactId).toBe(first.id);
    await api(cookie, "PATCH", `/api/contacts/${first.id}`, { phones: [] });
    expect(await callerOf(t, shared)).toMatchObject({ contactId: second.id, callerType: "lead" });
  });

  it("says whether a number called before, counting the call log from before the index was built", async () => {
    const t = await createTwilioTenant();
    const old = uniqueNumber();
    await db().insert(calls).values({ id: crypto.randomUUID(), tenantId: t.id, provider: "twilio", providerCallId: hexId("CA"), fromNumber: old, toNumber: t.trackingNumber, status: "completed", startedAt: Date.now() - 86_400_000 });
    const fresh = uniqueNumber();
    expect((await callerOf(t, fresh)).firstTime).toBe(true); // asked of D1
    await indexBuilt(t);
    expect((await callerOf(t, old)).firstTime).toBe(false);
    expect((await callerOf(t, fresh)).firstTime).toBe(false);
    const newcomer = uniqueNumber();
    expect((await callerOf(t, newcomer)).firstTime).toBe(true);
    expect((await callerOf(t, newcomer)).firstTime).toBe(false);
  });

  it("heals a change whose notice never arrived: the check a second after the call shows the caller D1 knows, and so does the next call", async () => {
    const t = await createTwilioTenant();
    await callerOf(t, uniqueNumber());
    await indexBuilt(t);
    // Written to D1 behind the Switchboard's back, as when its notice is lost.
    const number = uniqueNumber();
    const contactId = crypto.randomUUID();
    await db().batch([
      db().insert(contacts).values({ id: contactId, tenantId: t.id, kind: "customer", name: "Grace Hopper", createdAt: Date.now(), updatedAt: Date.now() }),
      db().insert(contactPhones).values({ id: crypto.randomUUID(), tenantId: t.id, contactId, label: "mobile", number, raw: number }),
    ]);
    const rang = Date.now();
    const { callSid } = await callerOf(t, number);
    const healed = await until(
      async () => (await switchboardOf(t).snapshot()).calls.find((c) => c.providerCallId === callSid)!,
      (c) => c.contactId !== null,
    );
    expect(healed).toMatchObject({ contactId, callerName: "Grace Hopper", callerType: "customer" });
    // Put right by the check CHECK_AFTER_MS after the call (one D1 query), not by some later rebuild;
    // the margin is for a loaded test machine.
    expect(Date.now() - rang).toBeLessThan(CHECK_AFTER_MS + 1500);
    // Every dashboard saw it: rung as the index had it, then put right.
    const seen = await runInDurableObject(switchboardOf(t), (_instance, state) =>
      state.storage.sql
        .exec<{ message: string }>("select message from events order by seq")
        .toArray()
        .map((r) => JSON.parse(r.message) as { type: string; call?: { providerCallId: string; callerType: string } })
        .filter((m) => m.type === "call" && m.call?.providerCallId === callSid)
        .map((m) => m.call!.callerType),
    );
    expect(seen).toEqual(["unknown", "customer"]);
    expect(await callerOf(t, number)).toMatchObject({ contactId, callerName: "Grace Hopper" });
  });

  it("matches the contacts of a CSV import, a few at once or, for a big import, by rebuilding the index", async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    await callerOf(t, uniqueNumber());
    await indexBuilt(t);
    const [a, b] = [uniqueNumber(), uniqueNumber()];
    const res = await call("/api/contacts/import", { method: "POST", cookie, headers: { "Content-Type": "text/csv" }, body: `name,kind,phone\nAlan Turing,customer,${a}\n` });
    expect(res.status).toBe(200);
    expect((await callerOf(t, a)).callerName).toBe("Alan Turing");
    const rows = Array.from({ length: 501 }, (_, i) => `Caller ${i},lead,${i === 500 ? b : uniqueNumber()}`);
    const big = await call("/api/contacts/import", { method: "POST", cookie, headers: { "Content-Type": "text/csv" }, body: `name,kind,phone\n${rows.join("\n")}\n` });
    expect(((await big.json()) as { imported: number }).imported).toBe(501);
    expect(await callerOf(t, b)).toMatchObject({ callerName: "Caller 500", callerType: "lead" });
    expect((await callerOf(t, a)).callerName).toBe("Alan Turing");
  });
});

describe("tracking numbers as the Switchboard holds them", () => {
  it("routes by a tracking number's settings of this moment, though this isolate looked it up a moment before", async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    const first = await startCall(t, uniqueNumber());
    expect(first.xml).toContain(`>${t.terminationNumber}</Number>`);
    const moved = uniqueNumber();
    await api(cookie, "PATCH", `/api/tracking-numbers/${t.trackingNumberId}`, { terminationNumber: moved, label: "Sales" });
    const next = await startCall(t, uniqueNumber());
    expect(next.xml).toContain(`>${moved}</Number>`);
    const live = (await switchboardOf(t).snapshot()).calls.find((c) => c.providerCallId === next.callSid)!;
    expect(live.trackingLabel).toBe("Sales");
    await api(cookie, "PATCH", `/api/campaigns/${t.campaignId}`, { name: "Radio" });
    const third = await startCall(t, uniqueNumber());
    expect((await switchboardOf(t).snapshot()).calls.find((c) => c.providerCallId === third.callSid)!.campaignName).toBe("Radio");
  });

  it("refuses a number that was deleted, though this isolate remembers it", async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    expect((await startCall(t, uniqueNumber())).res.status).toBe(200);
    await api(cookie, "DELETE", `/api/tracking-numbers/${t.trackingNumberId}`);
    const after = await startCall(t, uniqueNumber());
    expect(after.res.status).toBe(403);
    expect(attrOf(after.xml, "Dial", "action")).toBeUndefined();
  });

  it("takes a request signed with a changed auth token at once, and refuses the old token", async () => {
    const t = await createTwilioTenant();
    expect((await startCall(t, uniqueNumber())).res.status).toBe(200);
    const token = `token-${crypto.randomUUID()}`;
    await env.DB.prepare("update provider_accounts set credentials_encrypted = ? where tenant_id = ?").bind(await encryptSecret(JSON.stringify({ accountSid: t.accountSid, authToken: token }), env.SECRETS_KEY), t.id).run();
    expect((await startCall({ ...t, token }, uniqueNumber())).res.status).toBe(200);
    expect((await startCall(t, uniqueNumber())).res.status).toBe(403);
  });
});
