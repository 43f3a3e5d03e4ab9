/**
 * The demo tenant's Plivo sandbox account and tracking number, as the README's provider contract
 * states them (insert-or-ignore, fixed ids: seeding twice changes nothing). With no route, the
 * number rings the Office.
 */
import { providerAccounts, trackingNumbers } from "../../../schema/db.ts";
import type { Db } from "../../../schema/d1.ts";
import { encryptSecret } from "../../lib/crypto.ts";

export const PLIVO_DEMO = { authId: "MA0000000000000000DEMO", authToken: "demo-plivo-auth-token", trackingNumber: "+14155550104" } as const;

export async function seedPlivoDemo(db: Db, tenantId: string, officeNumber: string, secretsKey: string) {
  const credentials = await encryptSecret(JSON.stringify({ authId: PLIVO_DEMO.authId, authToken: PLIVO_DEMO.authToken }), secretsKey);
  await db.batch([
    db.insert(providerAccounts).values({ id: "pra_demo_plivo", tenantId, provider: "plivo", externalId: PLIVO_DEMO.authId, credentialsEncrypted: credentials, sandbox: true }).onConflictDoNothing(),
    db
      .insert(trackingNumbers)
      .values({ id: "trk_demo_plivo", tenantId, number: PLIVO_DEMO.trackingNumber, label: "Plivo line", terminationNumber: officeNumber, providerAccountId: "pra_demo_plivo" })
      .onConflictDoNothing(),
  ]);
}
