import { Hono } from "hono";
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { apiKeyCreate } from "../../schema/api.ts";
import { apiKeys } from "../../schema/db.ts";
import type { AppEnv } from "../env.ts";
import { getDb } from "../../schema/d1.ts";
import { apiError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { requireAdmin } from "./middleware.ts";
import { createApiKey } from "./queries.ts";

/** API keys for programs (an accounting system, a PBX): admins create and revoke them. */
export const apiKeyRoutes = new Hono<AppEnv>()
  .use(requireAdmin())
  .get("/", async (c) => {
    const rows = await getDb(c.env.DB)
      .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt })
      .from(apiKeys)
      .where(and(eq(apiKeys.tenantId, c.get("auth").tenant.id), isNull(apiKeys.revokedAt)))
      .orderBy(desc(apiKeys.createdAt));
    return c.json({ items: rows });
  })
  .post("/", validate("json", apiKeyCreate), async (c) => {
    // The key itself is shown once, here; only its hash is kept.
    return c.json(await createApiKey(getDb(c.env.DB), c.get("auth").tenant.id, c.req.valid("json").name), 201);
  })
  .delete("/:id", validate("param", z.object({ id: z.string().min(1).max(100) })), async (c) => {
    const revoked = await getDb(c.env.DB)
      .update(apiKeys)
      .set({ revokedAt: Date.now() })
      .where(and(eq(apiKeys.tenantId, c.get("auth").tenant.id), eq(apiKeys.id, c.req.valid("param").id), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    return revoked.length ? c.body(null, 204) : apiError(c, 404, "No such API key");
  });
