/**
 * D1 as the Worker and the Switchboard both reach it: one drizzle instance per binding, D1's limit on
 * bound values, and the caller match (the voice webhook's Switchboard and the contacts API ask the same).
 */
import { and, asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "./db.ts";

const { contactPhones, contacts } = schema;

export type Db = ReturnType<typeof getDb>;

/** One drizzle instance per binding: building its table map costs more than most queries. */
const instances = new WeakMap<D1Database, ReturnType<typeof make>>();

const make = (d1: D1Database) => drizzle(d1, { schema });

export function getDb(d1: D1Database) {
  let db = instances.get(d1);
  if (!db) {
    db = make(d1);
    instances.set(d1, db);
  }
  return db;
}

/** D1 binds at most 100 values per statement: long `in (...)` lists are asked in parts. */
export function chunks<T>(list: readonly T[], size = 90): T[][] {
  return Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, i * size + size));
}

/**
 * The contact a caller's E.164 number belongs to: one probe of the (tenant, number) index.
 * When several contacts share the number, the one who has had it longest wins.
 */
export function callerMatchQuery(db: Db, tenantId: string, number: string) {
  return db
    .select({ contactId: contacts.id, kind: contacts.kind, name: contacts.name, tags: contacts.tags, label: contactPhones.label })
    .from(contactPhones)
    .innerJoin(contacts, eq(contacts.id, contactPhones.contactId))
    .where(and(eq(contactPhones.tenantId, tenantId), eq(contactPhones.number, number)))
    .orderBy(asc(contactPhones.createdAt))
    .limit(1);
}
