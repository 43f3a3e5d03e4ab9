/**
 * Dynamic number insertion in the tenant's Switchboard: website visits, the pool numbers leased to
 * them, and which visit a call to a pool number belongs to. A number is leased to one visit at a
 * time, for its pool's lease minutes after the visit's last page view; a visit keeps its number while
 * it browses; when every number of a pool is leased, the least recently used lease is taken over (and
 * counted: the pool is too small). Leases end at the alarm (`expire`), and who held a number is kept
 * for a day, so a call a moment after a lease ended still finds its visit. Plain functions over the
 * Switchboard's SQLite storage.
 */
import { asc, eq, sql } from "drizzle-orm";
import { campaigns, numberPools, poolNumbers, trackingNumbers } from "../schema/db.ts";
import type { Db } from "../schema/d1.ts";
import type { PoolRule } from "../schema/dni.ts";
import type { CallVisit, VisitFacts } from "../schema/visits.ts";

/** A pool as the Switchboard holds it, with its numbers (E.164) and its campaign. */
export type Pool = {
  id: string;
  name: string;
  rules: PoolRule[];
  leaseMinutes: number;
  numbers: string[];
  campaign: { id: string; name: string; endsOn: string | null } | null;
};

/** Who held a number is kept this long (past the longest lease), for calls that come a little late. */
const HELD_KEEP_MS = 2 * 24 * 60 * 60 * 1000;
/** A visit not seen for this long is forgotten: its browser gets a new one. */
export const VISIT_KEEP_MS = 30 * 24 * 60 * 60 * 1000;
/** The window in which a pool's takeovers are counted for the dashboard ("pool too small"). */
export const REUSE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export function migrateDni(sql: SqlStorage) {
  sql.exec(`
    create table if not exists dni_visits (id text primary key, facts text not null, pool_id text, number text, first_at integer not null, last_at integer not null);
    create index if not exists dni_visits_last on dni_visits (last_at);
    create table if not exists dni_leases (number text primary key, pool_id text not null, visit_id text, leased_at integer not null, expires_at integer not null, used_at integer not null);
    create index if not exists dni_leases_expiry on dni_leases (expires_at) where visit_id is not null;
    create table if not exists dni_held (number text not null, visit_id text not null, from_at integer not null, to_at integer not null);
    create index if not exists dni_held_number on dni_held (number, to_at);
    create table if not exists dni_reuses (pool_id text not null, at integer not null);
    create index if not exists dni_reuses_pool on dni_reuses (pool_id, at);
  `);
}

/** The tenant's pools with their numbers and campaigns, from D1 (statements for the config's batch). */
export function poolQueries(db: Db, tenantId: string) {
  return [
    db
      // Named apart: a D1 batch answers rows as objects, where two columns called `name` would be one.
      .select({ id: numberPools.id, name: numberPools.name, rules: numberPools.sourceRules, leaseMinutes: numberPools.leaseMinutes, campaignId: numberPools.campaignId, campaignName: sql<string | null>`${campaigns.name}`.as("campaign_name"), campaignEndsOn: sql<string | null>`${campaigns.endsOn}`.as("campaign_ends_on") })
      .from(numberPools)
      .leftJoin(campaigns, eq(campaigns.id, numberPools.campaignId))
      .where(eq(numberPools.tenantId, tenantId))
      .orderBy(asc(numberPools.createdAt), asc(numberPools.id)),
    db
      .select({ poolId: poolNumbers.poolId, number: trackingNumbers.number })
      .from(poolNumbers)
      .innerJoin(trackingNumbers, eq(trackingNumbers.id, poolNumbers.trackingNumberId))
      .where(eq(poolNumbers.tenantId, tenantId))
      .orderBy(asc(trackingNumbers.number)),
  ] as const;
}

type PoolRow = Awaited<ReturnType<typeof poolQueries>[0]>[number];
type PoolNumberRow = Awaited<ReturnType<typeof poolQueries>[1]>[number];

export function presentPools(rows: PoolRow[], numbers: PoolNumberRow[]): Pool[] {
  return rows.map((p) => ({
    id: p.id,
    name: p.name,
    // Stored rules were validated on the way in (the REST API parses them with zod).
    rules: (p.rules as PoolRule[]) ?? [],
    leaseMinutes: p.leaseMinutes,
    numbers: numbers.filter((n) => n.poolId === p.id).map((n) => n.number),
    campaign: p.campaignId && p.campaignName !== null ? { id: p.campaignId, name: p.campaignName, endsOn: p.campaignEndsOn } : null,
  }));
}

const matches = (rule: PoolRule, facts: VisitFacts) =>
  (rule.source === undefined || rule.source === facts.source) && (rule.medium === undefined || rule.medium === facts.medium) && (rule.campaign === undefined || rule.campaign === facts.campaign?.toLowerCase());

/** How closely a rule fits: the fields it names. */
const fit = (rule: PoolRule) => Number(rule.source !== undefined) + Number(rule.medium !== undefined) + Number(rule.campaign !== undefined);

/**
 * The pool that serves a visit: of the pools with numbers, the one whose matching rule names the
 * most fields (a "google / cpc" pool before a "google" one), then a pool without rules (every visit);
 * ties go to the older pool.
 */
export function choosePool(pools: Pool[], facts: VisitFacts): Pool | null {
  let best: { pool: Pool; score: number } | null = null;
  for (const pool of pools) {
    if (pool.numbers.length === 0) continue;
    const score = pool.rules.length === 0 ? 0 : Math.max(-1, ...pool.rules.filter((r) => matches(r, facts)).map(fit));
    if (score < 0) continue;
    if (!best || score > best.score) best = { pool, score };
  }
  return best?.pool ?? null;
}

/** The pool a tracking number is in, if any. */
export function poolOf(pools: Pool[], number: string): Pool | null {
  return pools.find((p) => p.numbers.includes(number)) ?? null;
}

/** `v_` and 16 random bytes, base64url (schema/dni.ts VISIT_ID). */
export function newVisitId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `v_${btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

type VisitRow = { id: string; facts: string; pool_id: string | null; number: string | null; first_at: number; last_at: number };
type LeaseRow = { number: string; pool_id: string; visit_id: string | null; leased_at: number; expires_at: number; used_at: number };

function visitRow(sql: SqlStorage, id: string) {
  return sql.exec<VisitRow>("select * from dni_visits where id = ?", id).toArray()[0] ?? null;
}

function leaseRow(sql: SqlStorage, number: string) {
  return sql.exec<LeaseRow>("select * from dni_leases where number = ?", number).toArray()[0] ?? null;
}

const held = (lease: LeaseRow | null, now: number) => lease !== null && lease.visit_id !== null && lease.expires_at > now;

/** Gives `number` to `visitId` (ending another visit's lease of it, which is remembered); the same visit's lease runs on. */
function lease(sql: SqlStorage, pool: Pool, number: string, visitId: string, now: number) {
  const before = leaseRow(sql, number);
  const mine = before?.visit_id === visitId;
  if (before?.visit_id && !mine) sql.exec("insert into dni_held (number, visit_id, from_at, to_at) values (?, ?, ?, ?)", number, before.visit_id, before.leased_at, Math.min(before.expires_at, now));
  const leasedAt = mine && before ? before.leased_at : now;
  sql.exec(
    `insert into dni_leases (number, pool_id, visit_id, leased_at, expires_at, used_at) values (?, ?, ?, ?, ?, ?)
     on conflict (number) do update set pool_id = excluded.pool_id, visit_id = excluded.visit_id, leased_at = excluded.leased_at, expires_at = excluded.expires_at, used_at = excluded.used_at`,
    number,
    pool.id,
    visitId,
    leasedAt,
    now + pool.leaseMinutes * 60_000,
    now,
  );
}

function release(sql: SqlStorage, number: string, visitId: string, now: number) {
  const row = leaseRow(sql, number);
  if (!row || row.visit_id !== visitId || row.expires_at <= now) return;
  sql.exec("insert into dni_held (number, visit_id, from_at, to_at) values (?, ?, ?, ?)", number, visitId, row.leased_at, now);
  sql.exec("update dni_leases set visit_id = null, expires_at = ? where number = ?", now, number);
}

export type VisitResult = { visitId: string; number: string | null; poolId: string | null; reused: boolean; expiresAt: number | null };

/**
 * A page view of a visit (a new one when `visitId` is unknown here): the number it shows, leased to
 * it. The visit keeps the number it had while its lease holds (or the number is still free); else it
 * gets the pool's free number used longest ago; else the pool's least recently used lease is taken
 * over, and counted.
 */
export function visit(sql: SqlStorage, pools: Pool[], input: { visitId: string | null; facts: VisitFacts; explicit: boolean }, now: number): VisitResult {
  const known = input.visitId ? visitRow(sql, input.visitId) : null;
  const id = known?.id ?? newVisitId();
  // A visit keeps where it came from, unless this page says it came from somewhere (a new campaign click).
  const facts: VisitFacts = known && !input.explicit ? (JSON.parse(known.facts) as VisitFacts) : input.facts;
  const pool = choosePool(pools, facts);
  let number: string | null = null;
  let reused = false;
  if (pool) {
    const kept = known?.number && pool.numbers.includes(known.number) ? leaseRow(sql, known.number) : undefined;
    if (known?.number && kept !== undefined && (!held(kept, now) || kept?.visit_id === id)) number = known.number;
    if (number === null) {
      const leases = new Map(sql.exec<LeaseRow>("select * from dni_leases where pool_id = ?", pool.id).toArray().map((l) => [l.number, l]));
      const free = pool.numbers.filter((n) => !held(leases.get(n) ?? null, now)).sort((a, b) => (leases.get(a)?.used_at ?? -1) - (leases.get(b)?.used_at ?? -1));
      number = free[0] ?? null;
      if (number === null) {
        number = pool.numbers.map((n) => leases.get(n)!).sort((a, b) => a.used_at - b.used_at)[0]!.number;
        reused = true;
        sql.exec("insert into dni_reuses (pool_id, at) values (?, ?)", pool.id, now);
      }
    }
    lease(sql, pool, number, id, now);
  }
  // A visit that moved to another pool (a new campaign click) lets its old number go at once.
  if (known?.number && known.number !== number) release(sql, known.number, id, now);
  sql.exec(
    `insert into dni_visits (id, facts, pool_id, number, first_at, last_at) values (?, ?, ?, ?, ?, ?)
     on conflict (id) do update set facts = excluded.facts, pool_id = excluded.pool_id, number = excluded.number, last_at = excluded.last_at`,
    id,
    JSON.stringify(facts),
    pool?.id ?? null,
    number,
    now,
    now,
  );
  return { visitId: id, number, poolId: pool?.id ?? null, reused, expiresAt: pool ? now + pool.leaseMinutes * 60_000 : null };
}

/**
 * The visit a call to a pool number belongs to: the one holding the number's lease when it rang
 * (`at`), else the one whose lease of it ended within the pool's lease window before. The visit
 * holding it keeps it a lease longer (the caller may call again), and it becomes its most recent use.
 */
export function attribute(sql: SqlStorage, pool: Pool, number: string, at: number): CallVisit | null {
  const windowMs = pool.leaseMinutes * 60_000;
  const current = leaseRow(sql, number);
  let visitId: string | null = null;
  if (current?.visit_id && current.leased_at <= at && at <= current.expires_at + windowMs) {
    visitId = current.visit_id;
    sql.exec("update dni_leases set used_at = max(used_at, ?), expires_at = max(expires_at, ?) where number = ?", at, at + windowMs, number);
  } else {
    visitId = sql.exec<{ visit_id: string }>("select visit_id from dni_held where number = ? and from_at <= ? and to_at >= ? order by to_at desc limit 1", number, at, at - windowMs).toArray()[0]?.visit_id ?? null;
  }
  const row = visitId ? visitRow(sql, visitId) : null;
  return row ? { id: row.id, ...(JSON.parse(row.facts) as VisitFacts) } : null;
}

/** Ends the leases whose time is up (remembering who held them) and forgets what is too old; the next expiry, or null. */
export function expire(sql: SqlStorage, now: number): number | null {
  sql.exec("insert into dni_held (number, visit_id, from_at, to_at) select number, visit_id, leased_at, expires_at from dni_leases where visit_id is not null and expires_at <= ?", now);
  sql.exec("update dni_leases set visit_id = null where visit_id is not null and expires_at <= ?", now);
  sql.exec("delete from dni_held where to_at < ?", now - HELD_KEEP_MS);
  sql.exec("delete from dni_visits where last_at < ?", now - VISIT_KEEP_MS);
  sql.exec("delete from dni_reuses where at < ?", now - REUSE_WINDOW_MS);
  return nextExpiry(sql);
}

export function nextExpiry(sql: SqlStorage): number | null {
  return sql.exec<{ at: number | null }>("select min(expires_at) as at from dni_leases where visit_id is not null").one().at;
}

export type PoolUse = { poolId: string; leased: number; reused: number; lastReusedAt: number | null };

/** Per pool: its numbers leased now, and how often a lease was taken over in the last week (the pool is too small). */
export function poolUse(sql: SqlStorage, poolIds: string[], now: number): PoolUse[] {
  return poolIds.map((poolId) => {
    const leased = sql.exec<{ n: number }>("select count(*) as n from dni_leases where pool_id = ? and visit_id is not null and expires_at > ?", poolId, now).one().n;
    const r = sql.exec<{ n: number; last: number | null }>("select count(*) as n, max(at) as last from dni_reuses where pool_id = ? and at > ?", poolId, now - REUSE_WINDOW_MS).one();
    return { poolId, leased, reused: r.n, lastReusedAt: r.last };
  });
}
