import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { providerAccounts, receivingNumbers, trackingNumbers } from "../../schema/db.ts";
import { matchCaller } from "../../worker/contacts/queries.ts";
import { decryptSecret } from "../../worker/lib/crypto.ts";
import { DEMO, seedDemo } from "../../worker/seed.ts";
import { call, db, login, tableCounts } from "./helpers.ts";

describe("the demo tenant", () => {
  it("is what the public contract says, and seeding twice changes nothing", async () => {
    await seedDemo(db(), env.SECRETS_KEY);
    const once = await tableCounts();
    const twilioAccount = and(eq(providerAccounts.tenantId, DEMO.tenantId), eq(providerAccounts.provider, "twilio"));
    const token = (await db().query.providerAccounts.findFirst({ where: twilioAccount }))!;
    await seedDemo(db(), env.SECRETS_KEY);
    expect(await tableCounts()).toEqual(once);
    // Not re-encrypted or re-hashed either: the rows are untouched.
    expect(await db().query.providerAccounts.findFirst({ where: twilioAccount })).toEqual(token);

    const cookie = await login("admin@demo.test", "demo-password");
    const me = await (await call("/api/auth/me", { cookie })).json<{ tenant: { slug: string }; user: { role: string } }>();
    expect(me.tenant.slug).toBe("demo");
    expect(me.user.role).toBe("admin");

    expect(JSON.parse(await decryptSecret(token.credentialsEncrypted, env.SECRETS_KEY))).toEqual({ accountSid: "AC00000000000000000000000000000000", authToken: "demo-twilio-auth-token" });

    const tracking = await db().query.trackingNumbers.findFirst({ where: eq(trackingNumbers.number, "+14155550100") });
    expect(tracking).toMatchObject({ tenantId: DEMO.tenantId, terminationNumber: "+14155550150", campaignId: "cmp_demo_website" });
    const campaign = await db().query.campaigns.findFirst({ where: (c, { eq }) => eq(c.id, tracking!.campaignId!) });
    expect(campaign?.name).toBe("Website");
    const office = await db().query.receivingNumbers.findFirst({ where: eq(receivingNumbers.number, "+14155550150") });
    expect(office?.label).toBe("Office");

    // Telnyx's demo number (SPEC): its sandbox account holds the SPEC's public key, and it rings the Office.
    const telnyx = (await db().query.providerAccounts.findFirst({ where: and(eq(providerAccounts.tenantId, DEMO.tenantId), eq(providerAccounts.provider, "telnyx")) }))!;
    expect(telnyx.sandbox).toBe(true);
    expect(JSON.parse(await decryptSecret(telnyx.credentialsEncrypted, env.SECRETS_KEY))).toMatchObject({ publicKey: "6XYJFvvZixGIUYZSs5L2mlmBlbEWDeZoRYHSIFidO/Q=", accountSid: telnyx.externalId });
    expect(await db().query.trackingNumbers.findFirst({ where: eq(trackingNumbers.number, "+14155550103") })).toMatchObject({ tenantId: DEMO.tenantId, terminationNumber: "+14155550150", routeId: null, providerAccountId: telnyx.id });
    // Vonage's sandbox application and tracking number, as SPEC's provider contract names them, ringing the office.
    const vonage = (await db().query.providerAccounts.findFirst({ where: and(eq(providerAccounts.tenantId, DEMO.tenantId), eq(providerAccounts.provider, "vonage")) }))!;
    expect(vonage).toMatchObject({ externalId: "00000000-0000-4000-8000-00000000d0d0", sandbox: true });
    expect(JSON.parse(await decryptSecret(vonage.credentialsEncrypted, env.SECRETS_KEY))).toEqual({ applicationId: "00000000-0000-4000-8000-00000000d0d0", signatureSecret: "demo-vonage-signature-secret" });
    expect(await db().query.trackingNumbers.findFirst({ where: eq(trackingNumbers.number, "+14155550105") })).toMatchObject({ tenantId: DEMO.tenantId, terminationNumber: "+14155550150", routeId: null, providerAccountId: vonage.id });

    expect(await matchCaller(db(), DEMO.tenantId, "+14155550124")).toMatchObject({ kind: "customer", name: "Ann Archer", label: "mobile" });

    // The PBX's sandbox account and its number: the PBX routes the calls, so nothing rings here.
    const pbx = (await db().query.providerAccounts.findFirst({ where: and(eq(providerAccounts.tenantId, DEMO.tenantId), eq(providerAccounts.provider, "pbx")) }))!;
    expect(JSON.parse(await decryptSecret(pbx.credentialsEncrypted, env.SECRETS_KEY))).toEqual({ secret: "whsec_ZGVtby1wYngtd2ViaG9vay1zZWNyZXQtMzJieXRlcyE=" });
    expect(pbx.sandbox).toBe(true);
    const pbxNumber = await db().query.trackingNumbers.findFirst({ where: eq(trackingNumbers.number, "+14155550106") });
    expect(pbxNumber).toMatchObject({ tenantId: DEMO.tenantId, providerAccountId: pbx.id, routeId: null, terminationNumber: null });
  });

  it("has the Plivo sandbox account and tracking number of the provider contract, ringing the Office", async () => {
    await seedDemo(db(), env.SECRETS_KEY);
    const plivo = (await db().query.providerAccounts.findFirst({ where: and(eq(providerAccounts.tenantId, DEMO.tenantId), eq(providerAccounts.provider, "plivo")) }))!;
    expect(plivo).toMatchObject({ externalId: "MA0000000000000000DEMO", sandbox: true });
    expect(JSON.parse(await decryptSecret(plivo.credentialsEncrypted, env.SECRETS_KEY))).toEqual({ authId: "MA0000000000000000DEMO", authToken: "demo-plivo-auth-token" });
    const tracking = await db().query.trackingNumbers.findFirst({ where: eq(trackingNumbers.number, "+14155550104") });
    expect(tracking).toMatchObject({ tenantId: DEMO.tenantId, providerAccountId: plivo.id, terminationNumber: "+14155550150", routeId: null });
  });

  it("has SPEC's SignalWire sandbox project, whose number rings the Office", async () => {
    await seedDemo(db(), env.SECRETS_KEY);
    const account = (await db().query.providerAccounts.findFirst({ where: and(eq(providerAccounts.tenantId, DEMO.tenantId), eq(providerAccounts.provider, "signalwire")) }))!;
    expect(account).toMatchObject({ externalId: "00000000-0000-4000-8000-000000000000", sandbox: true });
    expect(JSON.parse(await decryptSecret(account.credentialsEncrypted, env.SECRETS_KEY))).toEqual({ projectId: "00000000-0000-4000-8000-000000000000", signingKey: "demo-signalwire-signing-key" });
    const tracking = await db().query.trackingNumbers.findFirst({ where: eq(trackingNumbers.number, "+14155550102") });
    expect(tracking).toMatchObject({ tenantId: DEMO.tenantId, providerAccountId: account.id, routeId: null, terminationNumber: "+14155550150" });
  });
});
