import { describe, expect, it } from "vitest";
import type { Contact } from "../../worker/contacts/queries.ts";
import { call, createTenant, login, tableCounts } from "./helpers.ts";

type Page = { items: Contact[]; total: number; limit: number; offset: number };

async function adminOf(name = "Contacts") {
  const t = await createTenant(name);
  return { t, cookie: await login(t.adminEmail) };
}

async function create(cookie: string, body: unknown) {
  const res = await call("/api/contacts", { method: "POST", cookie, json: body });
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json<Contact>();
}

describe("contacts API", () => {
  it("creates a contact with its phones normalised to E.164, as typed kept beside", async () => {
    const { cookie } = await adminOf();
    const contact = await create(cookie, {
      kind: "customer",
      name: "Ann Archer",
      email: "ann@example.test",
      phones: [
        { label: "mobile", number: "(415) 555-0124" },
        { label: "work", number: "+1 415.555.0199 ext. 12" },
      ],
    });
    expect(contact).toMatchObject({ kind: "customer", name: "Ann Archer", email: "ann@example.test", company: null });
    expect(contact.phones).toEqual([
      { id: expect.any(String), label: "mobile", number: "+14155550124", extension: null, raw: "(415) 555-0124" },
      { id: expect.any(String), label: "work", number: "+14155550199", extension: "12", raw: "+1 415.555.0199 ext. 12" },
    ]);
    const read = await call(`/api/contacts/${contact.id}`, { cookie });
    expect(await read.json()).toEqual(contact);
  });

  it("updates fields, replaces phones when given, and deletes", async () => {
    const { cookie } = await adminOf();
    const c = await create(cookie, { kind: "lead", name: "Leo", phones: [{ number: "415-555-0163" }] });
    const renamed = await call(`/api/contacts/${c.id}`, { method: "PATCH", cookie, json: { name: "Leo Lopez", kind: "customer" } });
    expect(await renamed.json()).toMatchObject({ name: "Leo Lopez", kind: "customer", phones: [{ number: "+14155550163" }] });

    const rephoned = await call(`/api/contacts/${c.id}`, { method: "PATCH", cookie, json: { phones: [{ label: "other", number: "415 555 0170" }] } });
    expect((await rephoned.json<Contact>()).phones.map((p) => [p.label, p.number])).toEqual([["other", "+14155550170"]]);

    expect((await call(`/api/contacts/${c.id}`, { method: "DELETE", cookie })).status).toBe(204);
    expect((await call(`/api/contacts/${c.id}`, { cookie })).status).toBe(404);
    // The phones went with it: the number finds nobody.
    const search = await call("/api/contacts?q=4155550170", { cookie });
    expect((await search.json<Page>()).total).toBe(0);
  });

  it("finds a contact by name, company, or a phone in any format", async () => {
    const { cookie } = await adminOf();
    const bob = await create(cookie, { kind: "customer", name: "Bob Baker", company: "Baker Bakery", phones: [{ number: "+1 (415) 555-0125" }] });
    await create(cookie, { kind: "vendor", name: "Val Vance", phones: [{ number: "4155550131" }] });
    const queries = ["bob", "BAKERY", "+14155550125", "415-555-0125", "(415) 555 0125", "415.555.0125", "1 415 555 0125", "5550125", "0125"];
    for (const q of queries) {
      const page = await (await call(`/api/contacts?q=${encodeURIComponent(q)}`, { cookie })).json<Page>();
      expect(page.items.map((i) => i.id), `query ${q}`).toEqual([bob.id]);
    }
    const none = await (await call(`/api/contacts?q=${encodeURIComponent("%")}`, { cookie })).json<Page>();
    expect(none.total).toBe(0);
  });

  it("lists by kind and pages through in name order", async () => {
    const { cookie } = await adminOf();
    for (const name of ["Cara", "Abe", "Eve", "Dan", "Bea"]) await create(cookie, { kind: "customer", name });
    await create(cookie, { kind: "employee", name: "Emp" });
    const first = await (await call("/api/contacts?kind=customer&limit=2", { cookie })).json<Page>();
    expect(first).toMatchObject({ total: 5, limit: 2, offset: 0 });
    expect(first.items.map((i) => i.name)).toEqual(["Abe", "Bea"]);
    const last = await (await call("/api/contacts?kind=customer&limit=2&offset=4", { cookie })).json<Page>();
    expect(last.items.map((i) => i.name)).toEqual(["Eve"]);
    const employees = await (await call("/api/contacts?kind=employee", { cookie })).json<Page>();
    expect(employees.items.map((i) => i.name)).toEqual(["Emp"]);
  });

  it("lists a page of 200 contacts with all their phones (more than D1 binds in one statement)", async () => {
    const { t, cookie } = await adminOf();
    const { createContact, normalisePhoneInputs } = await import("../../worker/contacts/queries.ts");
    const { db } = await import("./helpers.ts");
    for (let i = 0; i < 130; i++) {
      const { phones } = normalisePhoneInputs([{ label: "main", number: `+1415201${String(i).padStart(4, "0")}` }], "US");
      await createContact(db(), t.id, { kind: "customer", name: `Bulk ${String(i).padStart(3, "0")}`, company: null, email: null, address: null, notes: null }, phones);
    }
    const page = await (await call("/api/contacts?limit=200", { cookie })).json<Page>();
    expect(page.total).toBe(130);
    expect(page.items).toHaveLength(130);
    expect(page.items.every((c) => c.phones.length === 1)).toBe(true);
  });

  it("needs a session or an API key", async () => {
    expect((await call("/api/contacts")).status).toBe(401);
    expect((await call("/api/contacts", { method: "POST", json: { kind: "customer", name: "x" } })).status).toBe(401);
  });
});

describe("tenant isolation", () => {
  it("tenant B can never read, find, change or delete tenant A's contacts", async () => {
    const a = await adminOf("A");
    const b = await adminOf("B");
    const ann = await create(a.cookie, { kind: "customer", name: "Ann Archer", phones: [{ number: "415-555-0124" }] });

    expect((await call(`/api/contacts/${ann.id}`, { cookie: b.cookie })).status).toBe(404);
    const bList = await (await call("/api/contacts", { cookie: b.cookie })).json<Page>();
    expect(bList.total).toBe(0);
    for (const q of ["Ann", "4155550124"]) {
      expect((await (await call(`/api/contacts?q=${q}`, { cookie: b.cookie })).json<Page>()).total).toBe(0);
    }
    expect((await call(`/api/contacts/${ann.id}`, { method: "PATCH", cookie: b.cookie, json: { name: "Hijacked" } })).status).toBe(404);
    expect((await call(`/api/contacts/${ann.id}`, { method: "PATCH", cookie: b.cookie, json: { phones: [] } })).status).toBe(404);
    expect((await call(`/api/contacts/${ann.id}`, { method: "DELETE", cookie: b.cookie })).status).toBe(404);

    // A tenant id offered by the client changes nothing: it is not read.
    const sneaky = await call("/api/contacts", { method: "POST", cookie: b.cookie, json: { kind: "lead", name: "Sneak", tenantId: a.t.id } });
    expect(sneaky.status).toBe(201);
    expect((await (await call("/api/contacts?q=Sneak", { cookie: a.cookie })).json<Page>()).total).toBe(0);

    const after = await (await call(`/api/contacts/${ann.id}`, { cookie: a.cookie })).json<Contact>();
    expect(after).toEqual(ann);
  });

  it("an API key sees only its own tenant's contacts", async () => {
    const a = await adminOf("A");
    const b = await adminOf("B");
    await create(a.cookie, { kind: "customer", name: "Only A" });
    const { key } = await (await call("/api/keys", { method: "POST", cookie: b.cookie, json: { name: "B key" } })).json<{ key: string }>();
    expect((await (await call("/api/contacts", { bearer: key })).json<Page>()).total).toBe(0);
  });
});

describe("bad input", () => {
  it("gets a 4xx with a message and writes nothing", async () => {
    const { cookie } = await adminOf();
    const existing = await create(cookie, { kind: "customer", name: "Keep Me", phones: [{ number: "415-555-0100" }] });
    const before = await tableCounts();
    const cases: [string, string, unknown, number, RegExp][] = [
      ["POST", "/api/contacts", {}, 400, /kind/],
      ["POST", "/api/contacts", { kind: "customer" }, 400, /name/],
      ["POST", "/api/contacts", { kind: "friend", name: "x" }, 400, /kind/],
      ["POST", "/api/contacts", { kind: "customer", name: 42 }, 400, /name/],
      ["POST", "/api/contacts", { kind: "customer", name: "   " }, 400, /name: must not be empty/],
      ["POST", "/api/contacts", { kind: "customer", name: "x", phones: "4155550100" }, 400, /phones/],
      ["POST", "/api/contacts", { kind: "customer", name: "x", phones: [{ number: "12" }] }, 400, /phones\.0\.number: "12" is not a valid phone number/],
      ["POST", "/api/contacts", { kind: "customer", name: "x", phones: [{ number: "415-555-0101" }, { number: "not a phone" }] }, 400, /phones\.1\.number/],
      ["POST", "/api/contacts", { kind: "customer", name: "x", phones: [{ number: "415-555-0101" }, { number: "(415) 555-0101" }] }, 400, /phones\.1\.number: the same number as phones\.0/],
      ["POST", "/api/contacts", { kind: "customer", name: "x", phones: [{ label: "fax", number: "415-555-0101" }] }, 400, /phones\.0\.label/],
      ["POST", "/api/contacts", { kind: "customer", name: "x", email: "nope" }, 400, /email/],
      ["PATCH", `/api/contacts/${existing.id}`, {}, 400, /nothing to update/],
      ["PATCH", `/api/contacts/${existing.id}`, { phones: [{ number: "555" }] }, 400, /phones\.0\.number/],
      ["PATCH", `/api/contacts/${existing.id}`, { kind: 7 }, 400, /kind/],
      ["GET", "/api/contacts?limit=0", undefined, 400, /limit/],
      ["GET", "/api/contacts?limit=abc", undefined, 400, /limit/],
      ["GET", "/api/contacts?kind=alien", undefined, 400, /kind/],
      ["PATCH", "/api/contacts/does-not-exist", { name: "x" }, 404, /No such contact/],
      ["DELETE", "/api/contacts/does-not-exist", undefined, 404, /No such contact/],
    ];
    for (const [method, path, json, status, message] of cases) {
      const res = await call(path, { method, cookie, ...(json === undefined ? {} : { json }) });
      expect(res.status, `${method} ${path} ${JSON.stringify(json)}`).toBe(status);
      const body = await res.json<{ error: string }>();
      expect(body.error, `${method} ${path} ${JSON.stringify(json)}`).toMatch(message);
    }
    const malformed = await call("/api/contacts", { method: "POST", cookie, body: '{"kind":', headers: { "Content-Type": "application/json" } });
    expect(malformed.status).toBe(400);
    expect(await tableCounts()).toEqual(before);
    expect(await (await call(`/api/contacts/${existing.id}`, { cookie })).json()).toEqual(existing);
  });
});
