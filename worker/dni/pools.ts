/**
 * Number pools, `/api/pools`: the tracking numbers shown to website visitors, one visit per number at
 * a time (dynamic number insertion). Read and written as tracking numbers are (numbers:read,
 * numbers:write), audited as every change to numbers is. A tracking number is in one pool at most
 * (D1 keys pool_numbers by the number); a number in no pool keeps working as a fixed number. How
 * busy each pool is (numbers leased now, leases taken over this week) is the Switchboard's.
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { and, asc, eq, inArray, ne } from "drizzle-orm";
import * as z from "zod/mini";
import { poolInput, poolUpdate, type PoolRule } from "../../schema/dni.ts";
import { campaigns, numberPools, poolNumbers, trackingNumbers } from "../../schema/db.ts";
import { chunks, getDb, type Db } from "../../schema/d1.ts";
import { formatPhone } from "../../schema/phone.ts";
import type { AppEnv } from "../env.ts";
import { apiError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { changesOf, noteAudit, plural } from "../audit/note.ts";
import { routingChanged } from "../routing/checks.ts";
import { lazy } from "../../schema/lazy.ts";

type C = Context<AppEnv>;
const idParam = lazy(() => z.object({ id: z.string().check(z.minLength(1), z.maxLength(100)) }));

type PoolRow = typeof numberPools.$inferSelect;

/** Pools as the API answers them: with their numbers, campaign, and use ("pool too small" when leases were taken over). */
async function present(c: C, db: Db, rows: PoolRow[]) {
  const { tenant } = c.get("auth");
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [numbers, named, use] = await Promise.all([
    db
      .select({ poolId: poolNumbers.poolId, id: trackingNumbers.id, number: trackingNumbers.number, label: trackingNumbers.label })
      .from(poolNumbers)
      .innerJoin(trackingNumbers, eq(trackingNumbers.id, poolNumbers.trackingNumberId))
      .where(eq(poolNumbers.tenantId, tenant.id))
      .orderBy(asc(trackingNumbers.number)),
    db.select({ id: campaigns.id, name: campaigns.name }).from(campaigns).where(eq(campaigns.tenantId, tenant.id)),
    c.env.Switchboard.getByName(tenant.id).poolUse(ids),
  ]);
  const campaignName = new Map(named.map((n) => [n.id, n.name]));
  return rows.map((r) => {
    const mine = numbers.filter((n) => n.poolId === r.id).map(({ poolId: _, ...n }) => n);
    const u = use.find((x) => x.poolId === r.id);
    return {
      id: r.id,
      name: r.name,
      campaignId: r.campaignId,
      campaignName: r.campaignId ? (campaignName.get(r.campaignId) ?? null) : null,
      sourceRules: (r.sourceRules as PoolRule[]) ?? [],
      leaseMinutes: r.leaseMinutes,
      trackingNumberIds: mine.map((n) => n.id),
      trackingNumbers: mine,
      /** Numbers leased to a visit now. */
      leased: u?.leased ?? 0,
      /** Leases taken over in the last 7 days because every number was leased: the pool is too small. */
      reused: u?.reused ?? 0,
      lastReusedAt: u?.lastReusedAt ?? null,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
  });
}

/** Why these tracking numbers and this campaign cannot be the pool's: another tenant's, unknown, or in another pool. */
async function refusal(c: C, db: Db, poolId: string | null, fields: { campaignId?: string | null | undefined; trackingNumberIds?: string[] | undefined }) {
  const { tenant } = c.get("auth");
  if (fields.campaignId) {
    const found = await db.query.campaigns.findFirst({ columns: { id: true }, where: and(eq(campaigns.tenantId, tenant.id), eq(campaigns.id, fields.campaignId)) });
    if (!found) return apiError(c, 400, "Invalid json: campaignId: no such campaign", [{ path: "campaignId", message: "no such campaign" }]);
  }
  const ids = fields.trackingNumberIds ?? [];
  if (ids.length === 0) return null;
  const found = (await Promise.all(chunks(ids).map((part) => db.select({ id: trackingNumbers.id }).from(trackingNumbers).where(and(eq(trackingNumbers.tenantId, tenant.id), inArray(trackingNumbers.id, part)))))).flat();
  const missing = ids.find((id) => !found.some((f) => f.id === id));
  if (missing) return apiError(c, 400, "Invalid json: trackingNumberIds: no such tracking number", [{ path: "trackingNumberIds", message: `no such tracking number: ${missing.slice(0, 100)}` }]);
  const taken = (
    await Promise.all(
      chunks(ids).map((part) =>
        db
          .select({ number: trackingNumbers.number, pool: numberPools.name })
          .from(poolNumbers)
          .innerJoin(trackingNumbers, eq(trackingNumbers.id, poolNumbers.trackingNumberId))
          .innerJoin(numberPools, eq(numberPools.id, poolNumbers.poolId))
          .where(and(eq(poolNumbers.tenantId, tenant.id), inArray(poolNumbers.trackingNumberId, part), poolId ? ne(poolNumbers.poolId, poolId) : undefined)),
      ),
    )
  ).flat();
  if (taken.length) {
    const said = taken.map((t) => `${formatPhone(t.number, tenant.defaultCountry)} is in the pool "${t.pool}"`).join("; ");
    return apiError(c, 409, `A number is in one pool at most: ${said}; take it out of that pool first`, [{ path: "trackingNumberIds", message: said }]);
  }
  return null;
}

const isUnique = (err: unknown) => /UNIQUE|PRIMARY KEY/i.test(`${String(err)} ${String((err as { cause?: unknown }).cause)}`);

/** A write that lost a race to the same name or number: said as the checks say it. */
function conflict(c: C, err: unknown) {
  if (!isUnique(err)) throw err;
  return apiError(c, 409, "Another pool has this name or one of these numbers; reload and try again");
}

async function poolOf(c: C, db: Db, id: string) {
  return (await db.query.numberPools.findFirst({ where: and(eq(numberPools.tenantId, c.get("auth").tenant.id), eq(numberPools.id, id)) })) ?? null;
}

async function nameTaken(c: C, db: Db, name: string, except: string | null) {
  const found = await db.query.numberPools.findFirst({ columns: { id: true }, where: and(eq(numberPools.tenantId, c.get("auth").tenant.id), eq(numberPools.name, name)) });
  return found !== undefined && found.id !== except;
}

export const poolRoutes = lazy(() => new Hono<AppEnv>()
  .get("/", async (c) => {
    const db = getDb(c.env.DB);
    const rows = await db.select().from(numberPools).where(eq(numberPools.tenantId, c.get("auth").tenant.id)).orderBy(asc(numberPools.createdAt), asc(numberPools.id));
    return c.json({ items: await present(c, db, rows) });
  })
  .post("/", validate("json", poolInput), async (c) => {
    const { tenant } = c.get("auth");
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const refused = await refusal(c, db, null, body);
    if (refused) return refused;
    if (await nameTaken(c, db, body.name, null)) return apiError(c, 409, `A pool named "${body.name}" exists already`, [{ path: "name", message: "is taken by another pool" }]);
    const id = `pool_${crypto.randomUUID()}`;
    const now = Date.now();
    try {
      await db.batch([
        db.insert(numberPools).values({ id, tenantId: tenant.id, name: body.name, campaignId: body.campaignId, sourceRules: body.sourceRules, leaseMinutes: body.leaseMinutes, createdAt: now, updatedAt: now }),
        ...chunks(body.trackingNumberIds, 30).map((part) => db.insert(poolNumbers).values(part.map((trackingNumberId) => ({ trackingNumberId, tenantId: tenant.id, poolId: id })))),
      ]);
    } catch (err) {
      return conflict(c, err);
    }
    await routingChanged(c);
    noteAudit(c, { action: "pool.created", targetType: "pool", targetId: id, summary: `Created pool "${body.name}" with ${plural(body.trackingNumberIds.length, "number")}, leases of ${body.leaseMinutes} minutes`, details: { ...body } });
    return c.json((await present(c, db, [(await poolOf(c, db, id))!]))[0], 201);
  })
  .get("/:id", validate("param", idParam), async (c) => {
    const db = getDb(c.env.DB);
    const row = await poolOf(c, db, c.req.valid("param").id);
    if (!row) return apiError(c, 404, "No such pool");
    return c.json((await present(c, db, [row]))[0]);
  })
  .patch("/:id", validate("param", idParam), validate("json", poolUpdate), async (c) => {
    const { tenant } = c.get("auth");
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const before = await poolOf(c, db, c.req.valid("param").id);
    if (!before) return apiError(c, 404, "No such pool");
    const refused = await refusal(c, db, before.id, body);
    if (refused) return refused;
    if (body.name !== undefined && (await nameTaken(c, db, body.name, before.id))) return apiError(c, 409, `A pool named "${body.name}" exists already`, [{ path: "name", message: "is taken by another pool" }]);
    const { trackingNumberIds, ...fields } = body;
    const numbersBefore = (await db.select({ id: poolNumbers.trackingNumberId }).from(poolNumbers).where(eq(poolNumbers.poolId, before.id))).map((r) => r.id);
    try {
      await db.batch([
        db.update(numberPools).set({ ...fields, updatedAt: Date.now() }).where(and(eq(numberPools.tenantId, tenant.id), eq(numberPools.id, before.id))),
        ...(trackingNumberIds === undefined
          ? []
          : [
              db.delete(poolNumbers).where(eq(poolNumbers.poolId, before.id)),
              ...chunks(trackingNumberIds, 30).map((part) => db.insert(poolNumbers).values(part.map((trackingNumberId) => ({ trackingNumberId, tenantId: tenant.id, poolId: before.id })))),
            ]),
      ]);
    } catch (err) {
      return conflict(c, err);
    }
    await routingChanged(c);
    const { changes, text } = changesOf({ ...before, trackingNumberIds: numbersBefore } as Record<string, unknown>, body, { leaseMinutes: "lease minutes", campaignId: "campaign", sourceRules: "source rules", trackingNumberIds: "numbers" });
    noteAudit(c, { action: "pool.updated", targetType: "pool", targetId: before.id, summary: `Changed pool "${body.name ?? before.name}": ${text}`, details: { changes } });
    return c.json((await present(c, db, [(await poolOf(c, db, before.id))!]))[0]);
  })
  .delete("/:id", validate("param", idParam), async (c) => {
    const { tenant } = c.get("auth");
    const db = getDb(c.env.DB);
    const [gone] = await db.delete(numberPools).where(and(eq(numberPools.tenantId, tenant.id), eq(numberPools.id, c.req.valid("param").id))).returning({ id: numberPools.id, name: numberPools.name });
    if (!gone) return apiError(c, 404, "No such pool");
    await routingChanged(c);
    noteAudit(c, { action: "pool.deleted", targetType: "pool", targetId: gone.id, summary: `Deleted pool "${gone.name}": its numbers are fixed tracking numbers again`, details: gone });
    return c.body(null, 204);
  }));
