/** Contacts and their phones in D1. Every function takes the tenant explicitly. */
import { and, asc, count, eq, inArray, or, type SQL } from "drizzle-orm";
import type { PhoneInput, PhoneRecord } from "../../schema/api.ts";
import { contactPhones, contacts, type ContactKind, type PhoneLabel } from "../../schema/db.ts";
import { normalisePhone, phoneDigits } from "../../schema/phone.ts";
import { callerMatchQuery, chunks, type Db } from "../../schema/d1.ts";
import { contains } from "../lib/contains.ts";

export type ContactFields = {
  kind: ContactKind;
  name: string;
  company: string | null;
  email: string | null;
  address: string | null;
  notes: string | null;
  tags?: string[];
};
export type NormalisedPhoneInput = { label: PhoneLabel; number: string; extension: string | null; raw: string };

/**
 * Normalises the phones a person typed; a phone that is not a valid number, or one given twice,
 * comes back as an issue naming its place in the body.
 */
export function normalisePhoneInputs(inputs: PhoneInput[], country: string) {
  const phones: NormalisedPhoneInput[] = [];
  const issues: { path: string; message: string }[] = [];
  inputs.forEach((input, i) => {
    const parsed = normalisePhone(input.number, country);
    if (!parsed) {
      issues.push({ path: `phones.${i}.number`, message: `"${input.number}" is not a valid phone number` });
      return;
    }
    const twin = phones.findIndex((p) => p.number === parsed.number && p.extension === parsed.extension);
    if (twin >= 0) {
      issues.push({ path: `phones.${i}.number`, message: `the same number as phones.${twin}` });
      return;
    }
    phones.push({ label: input.label, number: parsed.number, extension: parsed.extension, raw: input.number });
  });
  return { phones, issues };
}

async function phonesOf(db: Db, tenantId: string, contactIds: string[]) {
  if (contactIds.length === 0) return new Map<string, PhoneRecord[]>();
  const parts = await Promise.all(
    chunks(contactIds).map((part) =>
      db
        .select()
        .from(contactPhones)
        .where(and(eq(contactPhones.tenantId, tenantId), inArray(contactPhones.contactId, part)))
        .orderBy(asc(contactPhones.createdAt), asc(contactPhones.id)),
    ),
  );
  const rows = parts.flat();
  const byContact = new Map<string, PhoneRecord[]>();
  for (const r of rows) {
    const list = byContact.get(r.contactId) ?? [];
    list.push({ id: r.id, label: r.label, number: r.number, extension: r.extension, raw: r.raw });
    byContact.set(r.contactId, list);
  }
  return byContact;
}

export type ContactSearch = { q?: string | undefined; kind?: ContactKind | undefined; limit: number; offset: number };

/**
 * Contacts of a tenant, by name, company or phone in any format: a query that reads as a full
 * phone number matches it exactly; three or more digits match anywhere inside a stored number.
 */
export async function listContacts(db: Db, tenantId: string, search: ContactSearch, country = "US") {
  const filters: SQL[] = [eq(contacts.tenantId, tenantId)];
  if (search.kind) filters.push(eq(contacts.kind, search.kind));
  const q = search.q?.trim();
  if (q) {
    const alternatives: SQL[] = [];
    const hasLetters = /\p{L}/u.test(q);
    if (hasLetters) {
      alternatives.push(contains(contacts.name, q), contains(contacts.company, q));
    }
    const phone = hasLetters ? null : normalisePhone(q, country);
    const digits = phoneDigits(q);
    const phoneFilter = phone
      ? eq(contactPhones.number, phone.number)
      : !hasLetters && digits.length >= 3
        ? contains(contactPhones.number, digits)
        : null;
    if (phoneFilter) {
      alternatives.push(
        inArray(
          contacts.id,
          db.select({ id: contactPhones.contactId }).from(contactPhones).where(and(eq(contactPhones.tenantId, tenantId), phoneFilter)),
        ),
      );
    }
    if (alternatives.length === 0) return { items: [], total: 0 };
    filters.push(or(...alternatives)!);
  }
  const where = and(...filters);
  const [rows, totals] = await Promise.all([
    db.select().from(contacts).where(where).orderBy(asc(contacts.name), asc(contacts.id)).limit(search.limit).offset(search.offset),
    db.select({ total: count() }).from(contacts).where(where),
  ]);
  const phones = await phonesOf(db, tenantId, rows.map((r) => r.id));
  return { items: rows.map((r) => present(r, phones.get(r.id) ?? [])), total: totals[0]?.total ?? 0 };
}

function present(row: typeof contacts.$inferSelect, phones: PhoneRecord[]) {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    company: row.company,
    email: row.email,
    address: row.address,
    notes: row.notes,
    tags: row.tags,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    createdFromCallId: row.createdFromCallId,
    phones,
  };
}
export type Contact = ReturnType<typeof present>;

export async function getContact(db: Db, tenantId: string, id: string): Promise<Contact | null> {
  const row = await db.query.contacts.findFirst({ where: and(eq(contacts.tenantId, tenantId), eq(contacts.id, id)) });
  if (!row) return null;
  const phones = await phonesOf(db, tenantId, [id]);
  return present(row, phones.get(id) ?? []);
}

function phoneRows(tenantId: string, contactId: string, phones: NormalisedPhoneInput[], now: number) {
  return phones.map((p, i) => ({ id: crypto.randomUUID(), tenantId, contactId, ...p, createdAt: now + i }));
}

/** Creates a contact with its phones in one batch: all of it is written or none. */
export async function createContact(
  db: Db,
  tenantId: string,
  fields: ContactFields & { createdFromCallId?: string | null | undefined },
  phones: NormalisedPhoneInput[],
  now = Date.now(),
) {
  const id = crypto.randomUUID();
  const insertContact = db.insert(contacts).values({ id, tenantId, ...fields, createdFromCallId: fields.createdFromCallId ?? null, createdAt: now, updatedAt: now });
  if (phones.length) await db.batch([insertContact, db.insert(contactPhones).values(phoneRows(tenantId, id, phones, now))]);
  else await insertContact;
  return id;
}

/** Updates fields; when `phones` is given it replaces the contact's phones, in the same batch. */
export async function updateContact(
  db: Db,
  tenantId: string,
  id: string,
  fields: Partial<ContactFields>,
  phones: NormalisedPhoneInput[] | undefined,
  now = Date.now(),
) {
  const scope = and(eq(contacts.tenantId, tenantId), eq(contacts.id, id));
  const update = db.update(contacts).set({ ...fields, updatedAt: now }).where(scope).returning({ id: contacts.id });
  if (!phones) return (await update).length > 0;
  const existing = await db.query.contacts.findFirst({ columns: { id: true }, where: scope });
  if (!existing) return false;
  const replace = db.delete(contactPhones).where(and(eq(contactPhones.tenantId, tenantId), eq(contactPhones.contactId, id)));
  if (phones.length) await db.batch([update, replace, db.insert(contactPhones).values(phoneRows(tenantId, id, phones, now))]);
  else await db.batch([update, replace]);
  return true;
}

export async function deleteContact(db: Db, tenantId: string, id: string) {
  const deleted = await db.delete(contacts).where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id))).returning({ id: contacts.id });
  return deleted.length > 0;
}

/** Adds one phone to an existing contact ("save phone number" from a call). */
export async function addPhone(db: Db, tenantId: string, contactId: string, phone: NormalisedPhoneInput, now = Date.now()) {
  const [row] = phoneRows(tenantId, contactId, [phone], now);
  await db.insert(contactPhones).values(row!);
  return row!.id;
}

export async function matchCaller(db: Db, tenantId: string, number: string) {
  return callerMatchQuery(db, tenantId, number).get();
}
