/**
 * `GET /api/audit?limit=&before=`: the tenant's audit log, newest first, a page at a time. The
 * cursor is the last event's `<at>.<id>`: events that share a millisecond are ordered by id, so a
 * page never repeats or skips one, however many changes landed at once. Nothing here writes: the
 * log is read-only through the API and append-only in the database.
 */
import { Hono } from "hono/tiny";
import { and, desc, eq, lt, or } from "drizzle-orm";
import * as z from "zod/mini";
import { auditEvents } from "../../schema/db.ts";
import { getDb } from "../../schema/d1.ts";
import type { AppEnv } from "../env.ts";
import { validate } from "../lib/validate.ts";
import { lazy } from "../../schema/lazy.ts";

const CURSOR = /^(\d{1,15})\.([A-Za-z0-9_-]{1,100})$/;

export const auditQuery = lazy(() => z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)), 50),
  before: z.optional(z.pipe(z.string().check(z.regex(CURSOR, "must be the `next` cursor of an earlier page")), z.transform((s) => {
    const [, at, id] = CURSOR.exec(s)!;
    return { at: Number(at), id: id! };
  }))),
}));

export const auditRoutes = lazy(() => new Hono<AppEnv>().get("/", validate("query", auditQuery), async (c) => {
  const { limit, before } = c.req.valid("query");
  const mine = eq(auditEvents.tenantId, c.get("auth").tenant.id);
  const older = before ? or(lt(auditEvents.at, before.at), and(eq(auditEvents.at, before.at), lt(auditEvents.id, before.id))) : undefined;
  // One more than asked: whether there is a next page, without counting.
  const rows = await getDb(c.env.DB)
    .select()
    .from(auditEvents)
    .where(older ? and(mine, older) : mine)
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit).map(({ tenantId: _, ...event }) => event);
  const last = items.at(-1);
  return c.json({ items, next: rows.length > limit && last ? `${last.at}.${last.id}` : null });
}));
