/**
 * The tenant's callers, indexed in the Switchboard's own SQLite so that the voice webhook answers
 * after one Durable Object round trip instead of a D1 query and then the Durable Object: each phone
 * number on file → the contact it belongs to (the earliest added phone wins, as the D1 match does),
 * and every number that has called before.
 *
 * D1 stays the record; this is an index of it. It is built from D1 when missing (calls meanwhile
 * ask D1, as before), kept in step by the contacts API after each write (`contactsChanged`), and
 * the numbers of answered calls are matched against D1 again a moment later (`refreshNumbers`), so a
 * change whose notice was lost shows on that call and the next. Plain functions over `SqlStorage`
 * and a drizzle `Db`.
 */
import { and, asc, eq, gt, inArray, sql as dsql, type SQL } from "drizzle-orm";
import type { CallerType } from "../schema/calls.ts";
import { calls, contactPhones, contacts } from "../schema/db.ts";
import { callerMatchQuery, chunks, type Db } from "../schema/d1.ts";
import { CALLERS_DDL, ENTRY_SQL, SEEN_SQL } from "./callers-sql.ts";
import { deleteMeta, getMeta, setMeta } from "./store.ts";

/** Bumped when the index's shape or meaning changes: a Switchboard with another version rebuilds. */
const INDEX_VERSION = "1";
const READY_KEY = "callers_index";
/** Rows per D1 read while building: well within D1's response size, few round trips. */
const PAGE = 5000;

export type CallerIdentity = {
  callerType: CallerType;
  callerName: string | null;
  contactId: string | null;
  contactTags: string[];
  firstTime: boolean;
};

type Entry = { contactId: string; kind: CallerType; name: string; tags: string[] };

export function migrateCallers(sql: SqlStorage) {
  sql.exec(CALLERS_DDL);
}

export function isReady(sql: SqlStorage) {
  return getMeta(sql, READY_KEY) === INDEX_VERSION;
}

function identity(entry: Entry | null, seenBefore: boolean): CallerIdentity {
  return entry
    ? { callerType: entry.kind, callerName: entry.name, contactId: entry.contactId, contactTags: entry.tags, firstTime: !seenBefore }
    : { callerType: "unknown", callerName: null, contactId: null, contactTags: [], firstTime: !seenBefore };
}

type IndexRow = { contact_id: string; kind: CallerType; name: string; tags: string };

function readEntry(sql: SqlStorage, number: string): Entry | null {
  const row = sql.exec<IndexRow>(ENTRY_SQL, number).toArray()[0];
  return row ? { contactId: row.contact_id, kind: row.kind, name: row.name, tags: JSON.parse(row.tags) as string[] } : null;
}

/** Who is calling, from the index alone; null while the index is not built. */
export function identify(sql: SqlStorage, number: string): CallerIdentity | null {
  if (!isReady(sql)) return null;
  const seen = sql.exec(SEEN_SQL, number).toArray().length > 0;
  return identity(readEntry(sql, number), seen);
}

/** A number has called: the next call from it is not a first-time call. */
export function markSeen(sql: SqlStorage, number: string) {
  sql.exec("insert or ignore into callers_seen (number) values (?)", number);
}

/** Makes the index say, for each of `numbers`, what `entries` say (no entry: not on file). */
function putEntries(sql: SqlStorage, numbers: Iterable<string>, entries: Map<string, Entry>) {
  for (const number of numbers) {
    const entry = entries.get(number);
    if (entry) {
      sql.exec(
        "insert into caller_index (number, contact_id, kind, name, tags) values (?, ?, ?, ?, ?) on conflict (number) do update set contact_id = excluded.contact_id, kind = excluded.kind, name = excluded.name, tags = excluded.tags",
        number,
        entry.contactId,
        entry.kind,
        entry.name,
        JSON.stringify(entry.tags),
      );
    } else {
      sql.exec("delete from caller_index where number = ?", number);
    }
  }
}

// From D1 --------------------------------------------------------------------------------------------

type EntryRow = { number: string; contactId: string; kind: CallerType; name: string; tags: string[] };

/** The tenant's phones with their contacts, oldest phone first within a number, as the match sees them. */
function phonesOf(db: Db, tenantId: string, numbers: SQL) {
  return db
    .select({ number: contactPhones.number, contactId: contacts.id, kind: contacts.kind, name: contacts.name, tags: contacts.tags })
    .from(contactPhones)
    .innerJoin(contacts, eq(contacts.id, contactPhones.contactId))
    .where(and(eq(contactPhones.tenantId, tenantId), numbers))
    .orderBy(asc(contactPhones.number), asc(contactPhones.createdAt));
}

/** Each number's contact: the first row of each number wins (the rows come oldest phone first). */
function firstOfEach(rows: EntryRow[], into = new Map<string, Entry>()) {
  for (const { number, ...entry } of rows) if (!into.has(number)) into.set(number, entry);
  return into;
}

/** The contact each number belongs to in D1. */
async function entriesFromD1(db: Db, tenantId: string, numbers: string[]) {
  const entries = new Map<string, Entry>();
  for (const part of chunks(numbers)) firstOfEach(await phonesOf(db, tenantId, inArray(contactPhones.number, part)), entries);
  return entries;
}

/** Who is calling, asked of D1 (while the index is being built): the same answer in one round trip. */
export async function identifyInD1(db: Db, tenantId: string, number: string): Promise<CallerIdentity> {
  const [matches, before] = await db.batch([
    callerMatchQuery(db, tenantId, number),
    db.select({ one: dsql<number>`1` }).from(calls).where(and(eq(calls.tenantId, tenantId), eq(calls.fromNumber, number))).limit(1),
  ]);
  const match = matches[0];
  return identity(match ? { contactId: match.contactId, kind: match.kind, name: match.name, tags: match.tags } : null, before.length > 0);
}

/**
 * Builds the index from D1, a page at a time in number order (the index D1 matches with), then the
 * numbers that called before from the call log. Marks it ready only when the whole of it is in.
 */
export async function build(sql: SqlStorage, db: Db, tenantId: string) {
  deleteMeta(sql, READY_KEY);
  sql.exec("delete from caller_index");
  let after = "";
  for (;;) {
    const rows = await phonesOf(db, tenantId, gt(contactPhones.number, after)).limit(PAGE);
    if (rows.length === 0) break;
    // A page may end inside one number's phones: that number is read again, whole, on the next page.
    const last = rows.at(-1)!.number;
    const whole = rows.length === PAGE && rows[0]!.number !== last ? rows.filter((r) => r.number !== last) : rows;
    const entries = firstOfEach(whole);
    putEntries(sql, entries.keys(), entries);
    if (rows.length < PAGE) break;
    after = whole.at(-1)!.number;
  }
  after = "";
  for (;;) {
    const rows = await db
      .selectDistinct({ number: calls.fromNumber })
      .from(calls)
      .where(and(eq(calls.tenantId, tenantId), gt(calls.fromNumber, after)))
      .orderBy(asc(calls.fromNumber))
      .limit(PAGE);
    for (const r of rows) markSeen(sql, r.number);
    if (rows.length < PAGE) break;
    after = rows.at(-1)!.number;
  }
  setMeta(sql, READY_KEY, INDEX_VERSION);
}

/** Numbers the index holds for these contacts now, before D1's answer replaces them. */
function indexedNumbersOf(sql: SqlStorage, contactIds: string[]) {
  const numbers: string[] = [];
  for (const part of chunks(contactIds)) {
    const rows = sql.exec<{ number: string }>(`select number from caller_index where contact_id in (${part.map(() => "?").join(", ")})`, ...part).toArray();
    numbers.push(...rows.map((r) => r.number));
  }
  return numbers;
}

/**
 * Brings the index in step with D1 for these contacts, after they were created, changed or
 * deleted: every number they had or have now is matched again, so a number shared with another
 * contact falls back to that contact when this one lets it go.
 */
export async function refreshContacts(sql: SqlStorage, db: Db, tenantId: string, contactIds: string[]) {
  const numbers = new Set(indexedNumbersOf(sql, contactIds));
  for (const part of chunks(contactIds)) {
    const rows = await db
      .select({ number: contactPhones.number })
      .from(contactPhones)
      .where(and(eq(contactPhones.tenantId, tenantId), inArray(contactPhones.contactId, part)));
    for (const r of rows) numbers.add(r.number);
  }
  await refreshNumbers(sql, db, tenantId, [...numbers]);
}

/** Matches these numbers again in D1 and makes the index say the same; returns what changed. */
export async function refreshNumbers(sql: SqlStorage, db: Db, tenantId: string, numbers: string[]) {
  const entries = await entriesFromD1(db, tenantId, numbers);
  const changed = numbers.filter((n) => JSON.stringify(readEntry(sql, n)) !== JSON.stringify(entries.get(n) ?? null));
  putEntries(sql, changed, entries);
  return changed.map((number) => ({ number, identity: identity(entries.get(number) ?? null, true) }));
}
