/** Loads a tenant's routing configuration from D1 (one batch), for the Switchboard to hold. */
import { eq } from "drizzle-orm";
import { businessHours, campaigns, receivingNumbers, routes, tenants, trackingNumbers, users } from "../schema/db.ts";
import { presentBusinessHours, type TrackingAfterHours } from "../schema/hours.ts";
import { presentReceiving, type ReceivingNumber, type Route } from "../schema/routing.ts";
import type { Db } from "../schema/d1.ts";
import type { TrackingRoute } from "../telephony/contract.ts";
import type { RoutingConfig } from "./routing.ts";
import { poolQueries, presentPools, type Pool } from "./dni.ts";

/** A tracking number as a call to it is registered: its routing, label and campaign. */
export type TrackedNumber = {
  id: string;
  label: string;
  campaignId: string | null;
  campaignName: string | null;
  /** The campaign's last day: calls after it are no campaign's (schema/campaigns.ts). */
  campaignEndsOn: string | null;
  route: TrackingRoute;
};

/**
 * What the Switchboard holds: the routing configuration, and its tracking numbers in full, so that a
 * call is routed by the settings of this moment whatever the Worker that took it remembers. Every
 * change through the REST API drops it (`routingChanged`).
 */
export type SwitchboardConfig = RoutingConfig & {
  tracking: Record<string, TrackedNumber>;
  /** The tenant's country, for numbers written in notifications. */
  country: string;
  /** Number pools for website visitors (dynamic number insertion), with their numbers. */
  pools: Pool[];
};

export async function loadRoutingConfig(db: Db, tenantId: string): Promise<SwitchboardConfig> {
  const [pools, poolNumbers] = poolQueries(db, tenantId);
  const [tenantRows, routeRows, receivingRows, agentRows, trackingRows, hoursRows, poolRows, poolNumberRows] = await db.batch([
    db.select({ timeZone: tenants.timeZone, country: tenants.defaultCountry }).from(tenants).where(eq(tenants.id, tenantId)),
    db.select().from(routes).where(eq(routes.tenantId, tenantId)),
    db.select().from(receivingNumbers).where(eq(receivingNumbers.tenantId, tenantId)),
    db.select({ id: users.id, name: users.name, number: users.agentNumber }).from(users).where(eq(users.tenantId, tenantId)),
    db
      .select({ t: trackingNumbers, campaignName: campaigns.name, campaignEndsOn: campaigns.endsOn })
      .from(trackingNumbers)
      .leftJoin(campaigns, eq(campaigns.id, trackingNumbers.campaignId))
      .where(eq(trackingNumbers.tenantId, tenantId)),
    db.select().from(businessHours).where(eq(businessHours.tenantId, tenantId)),
    pools,
    poolNumbers,
  ]);
  const hours = hoursRows[0];
  return {
    timeZone: tenantRows[0]?.timeZone ?? "UTC",
    country: tenantRows[0]?.country ?? "US",
    pools: presentPools(poolRows, poolNumberRows),
    // Stored routes were validated on the way in (the REST API parses them with zod).
    routes: Object.fromEntries(routeRows.map((r) => [r.id, { id: r.id, name: r.name, kind: r.kind, config: r.config } as Route])),
    receiving: Object.fromEntries(receivingRows.map((r): [string, ReceivingNumber] => [r.id, presentReceiving(r)])),
    agents: Object.fromEntries(agentRows.map((a) => [a.id, { name: a.name, number: a.number }])),
    trackingNumbers: trackingRows.map(({ t }) => t.number),
    businessHours: hours ? presentBusinessHours(hours) : null,
    fallbackNumbers: [...new Set(trackingRows.flatMap(({ t }) => [t.terminationNumber, t.failsafeNumber]).filter((n): n is string => n !== null))],
    tracking: Object.fromEntries(
      trackingRows.map(({ t, campaignName, campaignEndsOn }): [string, TrackedNumber] => [
        t.number,
        {
          id: t.id,
          label: t.label,
          campaignId: campaignName === null ? null : t.campaignId,
          campaignName,
          campaignEndsOn: campaignName === null ? null : campaignEndsOn,
          route: { trackingNumber: t.number, routeId: t.routeId, terminationNumber: t.terminationNumber, failsafeNumber: t.failsafeNumber, whisper: t.whisper, record: t.record, afterHoursTarget: (t.afterHoursTarget as TrackingAfterHours) ?? null },
        },
      ]),
    ),
  };
}
