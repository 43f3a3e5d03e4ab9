import { Hono } from "hono";
import { eq } from "drizzle-orm";
import { campaigns } from "../../schema/db.ts";
import type { AppEnv } from "../env.ts";
import { getDb } from "../db.ts";

/** The tenant's marketing campaigns. */
export const campaignRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const rows = await getDb(c.env.DB)
    .select({ id: campaigns.id, name: campaigns.name, channel: campaigns.channel, monthlyCostCents: campaigns.monthlyCostCents, startsOn: campaigns.startsOn, endsOn: campaigns.endsOn })
    .from(campaigns)
    .where(eq(campaigns.tenantId, c.get("auth").tenant.id))
    .orderBy(campaigns.name);
  return c.json({ items: rows });
});
