import { describe, expect, it } from "vitest";
import { formatPhone, normalisePhone, normaliseProviderNumber } from "../../schema/phone.ts";
import { createContact, matchCaller, normalisePhoneInputs } from "../../worker/contacts/queries.ts";
import { createTenant, db } from "./helpers.ts";

describe("normalisePhone", () => {
  it.each([
    ["+14155550124", "+14155550124", null],
    ["4155550124", "+14155550124", null],
    ["(415) 555-0124", "+14155550124", null],
    ["415 555 0124", "+14155550124", null],
    ["415-555-0124", "+14155550124", null],
    ["415.555.0124", "+14155550124", null],
    ["1 (415) 555-0124", "+14155550124", null],
    ["+1 415 555 0124", "+14155550124", null],
    ["  +1-415-555-0124  ", "+14155550124", null],
    ["415-555-0124 x12", "+14155550124", "12"],
    ["(415) 555-0124 ext. 7", "+14155550124", "7"],
    ["+44 20 7946 0958", "+442079460958", null],
    ["011 44 20 7946 0958", "+442079460958", null],
  ])("%s → %s", (raw, number, extension) => {
    expect(normalisePhone(raw, "US")).toEqual({ number, extension });
  });

  it("reads national numbers by the tenant's country", () => {
    expect(normalisePhone("020 7946 0958", "GB")).toEqual({ number: "+442079460958", extension: null });
  });

  it.each(["", "12", "abc", "555-0124", "+1 555 555 5555", "4155550124999999"])("refuses %j", (raw) => {
    expect(normalisePhone(raw, "US")).toBeNull();
  });

  it("accepts provider numbers with or without the plus", () => {
    expect(normaliseProviderNumber("+14155550124")).toBe("+14155550124");
    expect(normaliseProviderNumber("14155550124")).toBe("+14155550124");
    expect(normaliseProviderNumber("anonymous")).toBeNull();
  });
});

describe("matching a caller", () => {
  it("finds the contact whatever format each phone was stored in", async () => {
    const t = await createTenant();
    const typed = ["(415) 555-0141", "415.555.0142", "+1 415 555 0143 x9", "1-415-555-0144"];
    const ids: string[] = [];
    for (const [i, raw] of typed.entries()) {
      const { phones } = normalisePhoneInputs([{ label: "main", number: raw }], "US");
      ids.push(await createContact(db(), t.id, { kind: "customer", name: `C${i}`, company: null, email: null, address: null, notes: null }, phones));
    }
    for (const [i, caller] of ["+14155550141", "+14155550142", "+14155550143", "+14155550144"].entries()) {
      expect((await matchCaller(db(), t.id, caller))?.contactId).toBe(ids[i]);
    }
    expect(await matchCaller(db(), t.id, "+14155550145")).toBeUndefined();
  });

  it("matches any phone of a contact, and only within the tenant", async () => {
    const a = await createTenant("A");
    const b = await createTenant("B");
    const { phones } = normalisePhoneInputs(
      [
        { label: "main", number: "415 555 0151" },
        { label: "mobile", number: "415 555 0152" },
        { label: "work", number: "415 555 0153" },
        { label: "other", number: "415 555 0154" },
      ],
      "US",
    );
    const id = await createContact(db(), a.id, { kind: "vendor", name: "Four Phones", company: null, email: null, address: null, notes: null }, phones);
    for (const n of ["+14155550151", "+14155550152", "+14155550153", "+14155550154"]) {
      expect(await matchCaller(db(), a.id, n)).toMatchObject({ contactId: id, kind: "vendor", name: "Four Phones" });
      expect(await matchCaller(db(), b.id, n)).toBeUndefined();
    }
  });

  it("uses one probe of the (tenant, number) index", async () => {
    const { env } = await import("cloudflare:workers");
    const plan = await env.DB.prepare(
      "explain query plan select contact_id from contact_phones where tenant_id = ? and number = ? order by created_at limit 1",
    )
      .bind("t", "+14155550124")
      .all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join("\n");
    expect(details).toMatch(/SEARCH contact_phones USING (COVERING )?INDEX contact_phones_tenant_number \(tenant_id=\? AND number=\?\)/);
    expect(details).not.toMatch(/SCAN|TEMP B-TREE/);
  });
});

describe("formatPhone", () => {
  it.each([
    ["+14155550124", "US", "(415) 555-0124"],
    // Dialled the same way from the US (the +1 plan): national too.
    ["+14165550123", "US", "(416) 555-0123"],
    ["+442079460958", "US", "+44 20 7946 0958"],
    ["+442079460958", "GB", "020 7946 0958"],
    ["+14155550124", "GB", "+1 415 555 0124"],
    ["+4930123456", "DE", "030 123456"],
  ])("%s for a tenant in %s reads %s", (number, country, expected) => {
    expect(formatPhone(number, country)).toBe(expected);
  });

  it.each(["sip:frontdesk@pbx.example.com", "Anonymous", "+1415", "12345", "", "garbage"])("%j is not a phone number: passed through as given", (text) => {
    expect(formatPhone(text, "US")).toBe(text);
  });
});
