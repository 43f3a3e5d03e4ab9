/** What the voice webhook reads from D1: the dialled tracking number's tenant, and who is calling. */
import { and, eq } from "drizzle-orm";
import { calls, campaigns, providerAccounts, tenants, trackingNumbers, type Provider } from "../../schema/db.ts";
import { callerMatchQuery } from "../contacts/queries.ts";
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

/** One query: the tracking number with its tenant, campaign and provider account. */
export async function findTrackingNumber(db: Db, number: string): Promise<TrackingTarget | null> {
  const row = await db
    .select({
      tenant: { id: tenants.id, slug: tenants.slug, defaultCountry: tenants.defaultCountry },
      tracking: {
        id: trackingNumbers.id,
        number: trackingNumbers.number,
        label: trackingNumbers.label,
        terminationNumber: trackingNumbers.terminationNumber,
        routeId: trackingNumbers.routeId,
        failsafeNumber: trackingNumbers.failsafeNumber,
        whisper: trackingNumbers.whisper,
        record: trackingNumbers.record,
      },
      campaignId: campaigns.id,
      campaignName: campaigns.name,
      provider: providerAccounts.provider,
      accountSid: providerAccounts.accountSid,
      authTokenEncrypted: providerAccounts.authTokenEncrypted,
    })
    .from(trackingNumbers)
    .innerJoin(tenants, eq(tenants.id, trackingNumbers.tenantId))
    .leftJoin(campaigns, eq(campaigns.id, trackingNumbers.campaignId))
    .leftJoin(providerAccounts, eq(providerAccounts.id, trackingNumbers.providerAccountId))
    .where(eq(trackingNumbers.number, number))
    .get();
  if (!row) return null;
  return {
    tenant: row.tenant,
    tracking: row.tracking,
    campaign: row.campaignId && row.campaignName ? { id: row.campaignId, name: row.campaignName } : null,
    account: row.provider && row.accountSid && row.authTokenEncrypted ? { provider: row.provider, accountSid: row.accountSid, authTokenEncrypted: row.authTokenEncrypted } : null,
  };
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

/**
 * Who is calling, and whether they called before: two index probes in one D1 round trip.
 * A number that is not a phone number (withheld, "anonymous") matches nobody.
 */
export async function identifyCaller(db: Db, tenantId: string, number: string | null): Promise<CallerIdentity> {
  if (!number) return { callerType: "unknown", callerName: null, contactId: null, contactTags: [], firstTime: false };
  const [match, earlier] = await db.batch([
    callerMatchQuery(db, tenantId, number),
    db.select({ id: calls.id }).from(calls).where(and(eq(calls.tenantId, tenantId), eq(calls.fromNumber, number))).limit(1),
  ]);
  const contact = match[0];
  return {
    callerType: contact?.kind ?? "unknown",
    callerName: contact?.name ?? null,
    contactId: contact?.contactId ?? null,
    contactTags: contact?.tags ?? [],
    firstTime: earlier.length === 0,
  };
}
