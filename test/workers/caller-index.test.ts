/**
 * The caller index's work on its own (party/caller-index.ts), in a real Switchboard's storage against
 * real local D1: D1 answers until the index is built, answered callers are checked against D1 a
 * moment later, and the contacts API's notices are followed only once there is an index to keep.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { CallerIndex } from "../../party/caller-index.ts";
import { isReady, type CallerIdentity } from "../../party/callers.ts";
import type { Switchboard } from "../../party/switchboard.ts";
import { contactPhones, contacts } from "../../schema/db.ts";
import { db } from "./helpers.ts";
import { createTwilioTenant, switchboardOf, uniqueNumber } from "./twilio-helpers.ts";

async function addContact(tenantId: string, name: string, number: string) {
  const id = crypto.randomUUID();
  const now = Date.now();
  await db().batch([
    db().insert(contacts).values({ id, tenantId, kind: "customer", name, updatedAt: now }),
    db().insert(contactPhones).values({ id: crypto.randomUUID(), tenantId, contactId: id, label: "mobile", number, raw: number, createdAt: now }),
  ]);
  return id;
}

type Recognised = [string, string | null, CallerIdentity];

describe("the caller index's work", () => {
  it("answers from D1 while it builds itself, then from the index", async () => {
    const t = await createTwilioTenant();
    const number = uniqueNumber();
    const id = await addContact(t.id, "Ann Archer", number);
    await runInDurableObject(switchboardOf(t), async (_: Switchboard, state) => {
      const index = new CallerIndex({ d1: env.DB, tenantId: t.id, sql: state.storage.sql, recognised: () => undefined });
      const first = await index.identify(number);
      expect(first).toMatchObject({ fromIndex: false, identity: { contactId: id, callerName: "Ann Archer", callerType: "customer", firstTime: true } });
      await vi.waitFor(() => expect(isReady(state.storage.sql)).toBe(true));
      const second = await index.identify(number);
      expect(second).toMatchObject({ fromIndex: true, identity: { contactId: id, callerName: "Ann Archer", firstTime: false } });
    });
  });

  it("checks answered callers against D1 a moment later, and names the calls whose caller D1 knows otherwise", async () => {
    const t = await createTwilioTenant();
    const number = uniqueNumber();
    const id = await addContact(t.id, "Bob Baker", number);
    await runInDurableObject(switchboardOf(t), async (_: Switchboard, state) => {
      const recognised: Recognised[] = [];
      const index = new CallerIndex({ d1: env.DB, tenantId: t.id, sql: state.storage.sql, recognised: (...args) => void recognised.push(args), checkAfterMs: 10 });
      await index.identify(number);
      await vi.waitFor(() => expect(isReady(state.storage.sql)).toBe(true));
      // The contact is renamed in D1 and the notice is lost: the index still says Bob.
      await env.DB.prepare("update contacts set name = 'Robert Baker' where id = ?").bind(id).run();
      const { identity } = await index.identify(number);
      expect(identity.callerName).toBe("Bob Baker");
      index.checkLater(number, "call-1", identity);
      index.checkLater(number, "call-2", identity);
      await vi.waitFor(() => expect(recognised).toHaveLength(2));
      expect(recognised.map(([callId, contactId, who]) => [callId, contactId, who.callerName])).toEqual([
        ["call-1", id, "Robert Baker"],
        ["call-2", id, "Robert Baker"],
      ]);
      expect((await index.identify(number)).identity.callerName).toBe("Robert Baker");
    });
  });

  it("follows the contacts API's notices once built, and leaves a missing index to be built when needed", async () => {
    const t = await createTwilioTenant();
    const number = uniqueNumber();
    await runInDurableObject(switchboardOf(t), async (_: Switchboard, state) => {
      const index = new CallerIndex({ d1: env.DB, tenantId: t.id, sql: state.storage.sql, recognised: () => undefined });
      await index.contactsChanged(null);
      expect(isReady(state.storage.sql)).toBe(false);
      await index.identify(number);
      await vi.waitFor(() => expect(isReady(state.storage.sql)).toBe(true));
      const id = await addContact(t.id, "Val Vance", number);
      await index.contactsChanged([id]);
      expect(await index.identify(number)).toMatchObject({ fromIndex: true, identity: { contactId: id, callerName: "Val Vance" } });
    });
  });
});
