/**
 * The demo tenant's SignalWire sandbox project and its tracking number, exactly as SPEC's provider
 * table gives them: webhooks signed with the demo Signing Key, numbers from the sandbox's fictional
 * range (so no space or API token), and the number rings the Office when it has no route.
 */
import type { Db } from "../../../schema/d1.ts";
import { providerAccounts, trackingNumbers } from "../../../schema/db.ts";
import { encryptSecret } from "../../lib/crypto.ts";

export const SIGNALWIRE_DEMO = {
  projectId: "00000000-0000-4000-8000-000000000000",
  signingKey: "demo-signalwire-signing-key",
  trackingNumber: "+14155550102",
} as const;

/** Insert-or-ignore, as the rest of the demo: seeding twice changes nothing. */
export async function seedSignalWireDemo(db: Db, tenantId: string, office: string, secretsKey: string) {
  const credentials = await encryptSecret(JSON.stringify({ projectId: SIGNALWIRE_DEMO.projectId, signingKey: SIGNALWIRE_DEMO.signingKey }), secretsKey);
  await db.batch([
    db
      .insert(providerAccounts)
      .values({ id: "pra_demo_signalwire", tenantId, provider: "signalwire", externalId: SIGNALWIRE_DEMO.projectId, credentialsEncrypted: credentials, sandbox: true })
      .onConflictDoNothing(),
    db
      .insert(trackingNumbers)
      .values({ id: "trk_demo_signalwire", tenantId, number: SIGNALWIRE_DEMO.trackingNumber, label: "SignalWire line", terminationNumber: office, failsafeNumber: "+14155550151", providerAccountId: "pra_demo_signalwire" })
      .onConflictDoNothing(),
  ]);
}
