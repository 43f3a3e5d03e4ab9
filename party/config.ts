/**
 * A tenant's routing configuration: loaded from D1 (one batch) and held by the Switchboard, in memory
 * and as a copy in its own SQLite storage.
 */
import { eq } from "drizzle-orm";
import { businessHours, campaigns, receivingNumbers, routes, tenants, trackingNumbers, users } from "../schema/db.ts";
import { presentBusinessHours, type TrackingAfterHours } from "../schema/hours.ts";
import { presentReceiving, type ReceivingNumber, type Route } from "../schema/routing.ts";
import type { Db } from "../schema/d1.ts";
import type { TrackingRoute } from "../telephony/contract.ts";
import type { RoutingConfig } from "./routing.ts";
import { poolQueries, presentPools, type Pool } from "./dni.ts";
import { deleteMeta, getMeta, setMeta } from "./store.ts";

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

/** Bumped when SwitchboardConfig's shape or meaning changes: a copy of another version is read from D1 again. */
const COPY_VERSION = "1";
const COPY_KEY = "routing_config";

type Copy = { version: string; config: SwitchboardConfig };

/** The copy in storage, unless there is none, it is of another version, or it cannot be read (then D1 is asked). */
function readCopy(sql: SqlStorage): { config: SwitchboardConfig; text: string } | null {
  const text = getMeta(sql, COPY_KEY);
  if (text === null) return null;
  try {
    const copy = JSON.parse(text) as Copy;
    return copy.version === COPY_VERSION ? { config: copy.config, text } : null;
  } catch {
    return null;
  }
}

type HeldOptions = {
  /** The Switchboard's storage, whose `meta` table (store.ts) keeps the copy. */
  sql: SqlStorage;
  /** Reads the configuration from D1 (`loadRoutingConfig`). */
  load: () => Promise<SwitchboardConfig>;
};

/** How long after a copy is read on waking it is checked against D1. */
const CHECK_COPY_AFTER_MS = 1000;

/**
 * The routing configuration as the Switchboard holds it: in memory while the instance lives, and a
 * copy in its SQLite storage, so that an instance woken after an eviction or hibernation routes its
 * first call without waiting on D1. D1 stays the record: a change through the REST API drops both
 * (`changed`), and a copy read on waking is checked against D1 a second later, behind the call that
 * woke it: a change whose notice was lost holds from then on (when only memory held the configuration,
 * from the wake itself).
 */
export class HeldConfig {
  readonly #options: HeldOptions;
  #memory: Promise<SwitchboardConfig> | null = null;
  /** Bumped by every change: a load that began before one must neither store nor hold what it read. */
  #generation = 0;
  /** The copy's JSON as stored, so that a load that finds nothing new writes nothing. */
  #stored: string | null = null;

  constructor(options: HeldOptions) {
    this.#options = options;
  }

  get(): Promise<SwitchboardConfig> {
    if (this.#memory) return this.#memory;
    const copy = readCopy(this.#options.sql);
    if (!copy) {
      const loading = this.#load();
      this.#memory = loading;
      loading.catch(() => {
        if (this.#memory === loading) this.#memory = null; // the next call asks D1 again
      });
      return loading;
    }
    this.#stored = copy.text;
    this.#memory = Promise.resolve(copy.config);
    // A moment later: the call that woke this object is answered first.
    setTimeout(() => void this.#load().catch((err: unknown) => console.error("could not check the routing configuration's copy against D1", err)), CHECK_COPY_AFTER_MS);
    return this.#memory;
  }

  /** The configuration changed in D1: the next call reads it there. */
  changed() {
    this.#generation++;
    this.#memory = null;
    this.#stored = null;
    deleteMeta(this.#options.sql, COPY_KEY);
  }

  /** Reads D1; unless a change came meanwhile, holds the answer and keeps its copy. */
  async #load() {
    const generation = this.#generation;
    const config = await this.#options.load();
    if (generation === this.#generation) {
      this.#memory = Promise.resolve(config);
      const text = JSON.stringify({ version: COPY_VERSION, config } satisfies Copy);
      if (text !== this.#stored) {
        setMeta(this.#options.sql, COPY_KEY, text);
        this.#stored = text;
      }
    }
    return config;
  }
}
