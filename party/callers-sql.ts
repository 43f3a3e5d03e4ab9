/** The caller index's SQL, apart from its code so that the benchmark (on Node) can use the very same statements. */

/** The index's tables (exported for the benchmark, which probes them at a million contacts). */
export const CALLERS_DDL = `
  create table if not exists caller_index (number text primary key, contact_id text not null, kind text not null, name text not null, tags text not null) without rowid;
  create index if not exists caller_index_contact on caller_index (contact_id);
  create table if not exists callers_seen (number text primary key) without rowid;
`;
/** The voice webhook's lookups: one primary-key probe each. */
export const ENTRY_SQL = "select contact_id, kind, name, tags from caller_index where number = ?";
export const SEEN_SQL = "select 1 from callers_seen where number = ?";
