/** What the voice webhook reads from D1: the dialled tracking number's tenant, and who is calling. */
import { and, eq, sql } from "drizzle-orm";
import { calls, campaigns, contactPhones, contacts, providerAccounts, tenants, trackingNumbers, type Provider } from "../../schema/db.ts";
import type { CallerType } from "../../schema/calls.ts";
import type { Db } from "../db.ts";

export type TrackingTarget = {
  tenant: { id: string; slug: string; defaultCountry: string };
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
  campaign: { id: string; name: string } | null;
  account: { provider: Provider; accountSid: string; authTokenEncrypted: string } | null;
};

/** The tenant a tracking number belongs to (status callbacks that do not name it). */
export async function tenantOfTrackingNumber(db: Db, number: string): Promise<string | null> {
  const row = await db.select({ tenantId: trackingNumbers.tenantId }).from(trackingNumbers).where(eq(trackingNumbers.number, number)).get();
  return row?.tenantId ?? null;
}

/** A tenant's provider account by its id at the provider (callbacks name the account they come from). */
export async function findProviderAccount(db: Db, tenantId: string, provider: Provider, accountSid: string) {
  return db
    .select({ provider: providerAccounts.provider, accountSid: providerAccounts.accountSid, authTokenEncrypted: providerAccounts.authTokenEncrypted })
    .from(providerAccounts)
    .where(and(eq(providerAccounts.tenantId, tenantId), eq(providerAccounts.provider, provider), eq(providerAccounts.accountSid, accountSid)))
    .get();
}

export type CallerIdentity = {
  callerType: CallerType;
  callerName: string | null;
  contactId: string | null;
  contactTags: string[];
  firstTime: boolean;
};

export type IncomingLookup = { target: TrackingTarget; identity: CallerIdentity };

/**
 * Everything the voice webhook reads from D1, in one query: the dialled tracking number with its
 * tenant, campaign and provider account, the caller's contact in that tenant, and whether they
 * called before. One round trip on the caller's critical path instead of two.
 */
export async function lookupIncoming(db: Db, to: string, from: string | null): Promise<IncomingLookup | null> {
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
    campaign_id: string | null;
    campaign_name: string | null;
    provider: Provider | null;
    account_sid: string | null;
    auth_token_encrypted: string | null;
    contact_id: string | null;
    kind: CallerType | null;
    name: string | null;
    tags: string | null;
    called_before: number;
  }>(sql`
    select t.id as tracking_id, t.number, t.label, t.termination_number, t.route_id, t.failsafe_number, t.whisper, t.record,
      tn.id as tenant_id, tn.slug, tn.default_country,
      cp.id as campaign_id, cp.name as campaign_name,
      pa.provider, pa.account_sid, pa.auth_token_encrypted,
      k.id as contact_id, k.kind, k.name, k.tags,
      exists (select 1 from ${calls} c where c.tenant_id = t.tenant_id and c.from_number = ${from ?? ""}) as called_before
    from ${trackingNumbers} t
    join ${tenants} tn on tn.id = t.tenant_id
    left join ${campaigns} cp on cp.id = t.campaign_id
    left join ${providerAccounts} pa on pa.id = t.provider_account_id
    left join ${contacts} k on k.id = (
      select p.contact_id from ${contactPhones} p where p.tenant_id = t.tenant_id and p.number = ${from ?? ""} order by p.created_at limit 1
    )
    where t.number = ${to}`);
  if (!row) return null;
  return {
    target: {
      tenant: { id: row.tenant_id, slug: row.slug, defaultCountry: row.default_country },
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
      campaign: row.campaign_id && row.campaign_name ? { id: row.campaign_id, name: row.campaign_name } : null,
      account: row.provider && row.account_sid && row.auth_token_encrypted ? { provider: row.provider, accountSid: row.account_sid, authTokenEncrypted: row.auth_token_encrypted } : null,
    },
    identity:
      from && row.contact_id && row.kind && row.name
        ? { callerType: row.kind, callerName: row.name, contactId: row.contact_id, contactTags: row.tags ? (JSON.parse(row.tags) as string[]) : [], firstTime: row.called_before === 0 }
        : { callerType: "unknown", callerName: null, contactId: null, contactTags: [], firstTime: from ? row.called_before === 0 : false },
  };
}
