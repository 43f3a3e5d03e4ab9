/**
 * API keys for programs (an accounting system, a PBX). Least privilege: a key has a role and scopes;
 * admins make them from their session (and alone may grant the powers keys:manage and
 * providers:manage); a key with keys:manage makes keys no stronger than itself, never with a power;
 * revoking a key revokes the keys it made.
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import * as z from "zod/mini";
import { apiKeyCreate } from "../../schema/api.ts";
import { mayDo, ORDINARY_SCOPES, POWER_SCOPES, ROLE_SCOPES, type ApiScope, type UserRole } from "../../schema/constants.ts";
import { apiKeys, users } from "../../schema/db.ts";
import type { AppEnv } from "../env.ts";
import { getDb, type Db } from "../../schema/d1.ts";
import { apiError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { createApiKey } from "./queries.ts";
import { noteAudit, plural } from "../audit/note.ts";
import { lazy } from "../../schema/lazy.ts";

const POWERS: readonly ApiScope[] = POWER_SCOPES;

/** Revokes these keys and, after them, every key they made (and so on). */
export async function revokeKeys(db: Db, tenantId: string, ids: string[], now = Date.now()) {
  let next = ids;
  const revoked: string[] = [];
  while (next.length) {
    const done = await db
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.tenantId, tenantId), inArray(apiKeys.id, next), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    revoked.push(...done.map((d) => d.id));
    const children = await db.select({ id: apiKeys.id }).from(apiKeys).where(and(eq(apiKeys.tenantId, tenantId), inArray(apiKeys.createdByKeyId, next), isNull(apiKeys.revokedAt)));
    next = children.map((k) => k.id);
  }
  return revoked;
}

/** Revokes every key a user made, and the keys those made: for a user who is removed or disabled. */
export async function revokeKeysOfUser(db: Db, tenantId: string, userId: string) {
  const theirs = await db.select({ id: apiKeys.id }).from(apiKeys).where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.createdByUserId, userId), isNull(apiKeys.revokedAt)));
  return revokeKeys(db, tenantId, theirs.map((k) => k.id));
}

/** The role and scopes a new key may have, given who asks; or why not. */
function grant(c: Context<AppEnv>, wanted: { role: UserRole; scopes?: ApiScope[] | undefined }): { role: UserRole; scopes: ApiScope[] } | { refused: string } {
  const auth = c.get("auth");
  const scopes = [...new Set(wanted.scopes ?? ORDINARY_SCOPES)];
  if (auth.via === "session") return { role: wanted.role, scopes };
  // A key makes keys no stronger than itself, and never with a power.
  if (ROLE_SCOPES[wanted.role].some((s) => !mayDo(auth.apiKey.role, s))) return { refused: "a key may not make a key with a stronger role than its own" };
  const powers = scopes.filter((s) => POWERS.includes(s));
  if (powers.length) return { refused: `only an admin's session grants ${powers.join(" and ")}` };
  const beyond = scopes.filter((s) => !auth.apiKey.scopes.includes(s));
  if (beyond.length) return { refused: `a key may not grant scopes it does not have: ${beyond.join(", ")}` };
  return { role: wanted.role, scopes };
}

/** "every ordinary scope and keys:manage", or the scopes one by one: a line people can read. */
function scopesInWords(scopes: ApiScope[]) {
  const powers = scopes.filter((s) => POWERS.includes(s));
  const ordinary = scopes.filter((s) => !POWERS.includes(s));
  const all = ORDINARY_SCOPES.every((s) => ordinary.includes(s));
  const parts = [...(all ? ["every ordinary scope"] : ordinary.length ? [`scopes ${ordinary.join(", ")}`] : []), ...powers];
  return parts.length ? parts.join(" and ") : "no scope";
}

export const apiKeyRoutes = lazy(() => new Hono<AppEnv>()
  .get("/", async (c) => {
    const rows = await getDb(c.env.DB)
      .select({
        id: apiKeys.id,
        name: apiKeys.name,
        prefix: apiKeys.prefix,
        role: apiKeys.role,
        scopes: apiKeys.scopes,
        createdByUserId: apiKeys.createdByUserId,
        createdBy: users.name,
        createdByKeyId: apiKeys.createdByKeyId,
        createdAt: apiKeys.createdAt,
        lastUsedAt: apiKeys.lastUsedAt,
      })
      .from(apiKeys)
      .leftJoin(users, eq(users.id, apiKeys.createdByUserId))
      .where(and(eq(apiKeys.tenantId, c.get("auth").tenant.id), isNull(apiKeys.revokedAt)))
      .orderBy(desc(apiKeys.createdAt));
    return c.json({ items: rows });
  })
  .post("/", validate("json", apiKeyCreate), async (c) => {
    const auth = c.get("auth");
    const body = c.req.valid("json");
    const granted = grant(c, body);
    if ("refused" in granted) return apiError(c, 403, `Refused: ${granted.refused}`);
    const by = auth.via === "session" ? { createdByUserId: auth.user.id } : { createdByKeyId: auth.apiKey.id };
    // The key itself is shown once, here; only its hash is kept (and the audit log has its prefix at most).
    const made = await createApiKey(getDb(c.env.DB), auth.tenant.id, { name: body.name, ...granted, ...by });
    noteAudit(c, {
      action: "key.created",
      targetType: "api-key",
      targetId: made.id,
      summary: `Created API key "${made.name}" (${made.prefix}…) with the ${made.role} role and ${scopesInWords(made.scopes)}`,
      details: { name: made.name, prefix: made.prefix, role: made.role, scopes: made.scopes },
    });
    return c.json(made, 201);
  })
  .delete("/:id", validate("param", lazy(() => z.object({ id: z.string().check(z.minLength(1), z.maxLength(100)) }))), async (c) => {
    const db = getDb(c.env.DB);
    const { tenant } = c.get("auth");
    const { id } = c.req.valid("param");
    const key = await db.query.apiKeys.findFirst({ columns: { name: true, prefix: true }, where: and(eq(apiKeys.tenantId, tenant.id), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)) });
    const revoked = await revokeKeys(db, tenant.id, [id]);
    if (!key || !revoked.length) return apiError(c, 404, "No such API key");
    const made = revoked.length - 1;
    noteAudit(c, {
      action: "key.revoked",
      targetType: "api-key",
      targetId: id,
      summary: `Revoked API key "${key.name}" (${key.prefix}…)${made ? ` and ${plural(made, "key")} it made` : ""}`,
      details: { name: key.name, prefix: key.prefix, revoked },
    });
    return c.body(null, 204);
  }));
