/** What the voice webhook reads from D1: the dialled tracking number, its tenant and account. */
import { and, eq, sql } from "drizzle-orm";
import { campaigns, providerAccounts, tenants, trackingNumbers, type Provider } from "../../schema/db.ts";
import type { Db } from "../../schema/d1.ts";
import type { StoredAccount } from "../providers/index.ts";

export type TrackingTarget = {
  tenant: { id: string; slug: string; defaultCountry: string; timeZone: string };
  tracking: {
    id: string;
    number: string;
    label: string;
    terminationNumber: string | null;
    routeId: string | null;
    failsafeNumber: string | null;
    whisper: string | null;
    record: boolean;
  };
  /** The number's campaign, with its end date: whether it still takes a call is read at the call's time. */
  campaign: { id: string; name: string; endsOn: string | null } | null;
  account: StoredAccount | null;
};

/** The tenant a tracking number belongs to (status callbacks that do not name it). */
export async function tenantOfTrackingNumber(db: Db, number: string): Promise<string | null> {
  const row = await db.select({ tenantId: trackingNumbers.tenantId }).from(trackingNumbers).where(eq(trackingNumbers.number, number)).get();
  return row?.tenantId ?? null;
}

/** A tenant's provider account by its id at the provider (callbacks name the account they come from). */
export async function findProviderAccount(db: Db, tenantId: string, provider: Provider, externalId: string): Promise<StoredAccount | undefined> {
  return db
    .select({ provider: providerAccounts.provider, externalId: providerAccounts.externalId, credentialsEncrypted: providerAccounts.credentialsEncrypted })
    .from(providerAccounts)
    .where(and(eq(providerAccounts.tenantId, tenantId), eq(providerAccounts.provider, provider), eq(providerAccounts.externalId, externalId)))
    .get();
}

/**
 * The dialled tracking number with its tenant, campaign and provider account, in one query: what
 * the voice webhook needs to verify the request and find the tenant's Switchboard (which matches
 * the caller itself, from its own index).
 */
export async function lookupTracking(db: Db, to: string): Promise<TrackingTarget | null> {
  const row = await db.get<{
    tracking_id: string;
    number: string;
    label: string;
    termination_number: string | null;
    route_id: string | null;
    failsafe_number: string | null;
    whisper: string | null;
    record: number;
    tenant_id: string;
    slug: string;
    default_country: string;
    time_zone: string;
    campaign_id: string | null;
    campaign_name: string | null;
    campaign_ends_on: string | null;
    provider: Provider | null;
    external_id: string | null;
    credentials_encrypted: string | null;
  }>(sql`
    select t.id as tracking_id, t.number, t.label, t.termination_number, t.route_id, t.failsafe_number, t.whisper, t.record,
      tn.id as tenant_id, tn.slug, tn.default_country, tn.time_zone,
      cp.id as campaign_id, cp.name as campaign_name, cp.ends_on as campaign_ends_on,
      pa.provider, pa.external_id, pa.credentials_encrypted
    from ${trackingNumbers} t
    join ${tenants} tn on tn.id = t.tenant_id
    left join ${campaigns} cp on cp.id = t.campaign_id
    left join ${providerAccounts} pa on pa.id = t.provider_account_id
    where t.number = ${to}`);
  if (!row) return null;
  return {
    tenant: { id: row.tenant_id, slug: row.slug, defaultCountry: row.default_country, timeZone: row.time_zone },
    tracking: {
      id: row.tracking_id,
      number: row.number,
      label: row.label,
      terminationNumber: row.termination_number,
      routeId: row.route_id,
      failsafeNumber: row.failsafe_number,
      whisper: row.whisper,
      record: row.record === 1,
    },
    campaign: row.campaign_id && row.campaign_name ? { id: row.campaign_id, name: row.campaign_name, endsOn: row.campaign_ends_on } : null,
    account: row.provider && row.external_id !== null && row.credentials_encrypted ? { provider: row.provider, externalId: row.external_id, credentialsEncrypted: row.credentials_encrypted } : null,
  };
}
