/** Loads a tenant's routing configuration from D1 (one batch), for the Switchboard to hold. */
import { eq } from "drizzle-orm";
import { receivingNumbers, routes, tenants, trackingNumbers, users } from "../schema/db.ts";
import type { ReceivingNumber, Route } from "../schema/routing.ts";
import { presentReceiving } from "../worker/routing/queries.ts";
import type { Db } from "../worker/db.ts";
import type { RoutingConfig } from "./routing.ts";

export async function loadRoutingConfig(db: Db, tenantId: string): Promise<RoutingConfig> {
  const [tenantRows, routeRows, receivingRows, agentRows, trackingRows] = await db.batch([
    db.select({ timeZone: tenants.timeZone }).from(tenants).where(eq(tenants.id, tenantId)),
    db.select().from(routes).where(eq(routes.tenantId, tenantId)),
    db.select().from(receivingNumbers).where(eq(receivingNumbers.tenantId, tenantId)),
    db.select({ id: users.id, name: users.name, number: users.agentNumber }).from(users).where(eq(users.tenantId, tenantId)),
    db.select({ number: trackingNumbers.number }).from(trackingNumbers).where(eq(trackingNumbers.tenantId, tenantId)),
  ]);
  return {
    timeZone: tenantRows[0]?.timeZone ?? "UTC",
    // Stored routes were validated on the way in (the REST API parses them with zod).
    routes: Object.fromEntries(routeRows.map((r) => [r.id, { id: r.id, name: r.name, kind: r.kind, config: r.config } as Route])),
    receiving: Object.fromEntries(receivingRows.map((r): [string, ReceivingNumber] => [r.id, presentReceiving(r)])),
    agents: Object.fromEntries(agentRows.map((a) => [a.id, { name: a.name, number: a.number }])),
    trackingNumbers: trackingRows.map((t) => t.number),
  };
}
