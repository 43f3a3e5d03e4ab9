/**
 * The demo tenant of the public contract, written with fixed ids and insert-or-ignore so that
 * seeding twice changes nothing. Used by `npm run dev` (through scripts/seed.ts) and by the tests.
 */
import { campaigns, contactPhones, contacts, providerAccounts, receivingNumbers, routes, tenants, trackingNumbers, users } from "../schema/db.ts";
import { normalisePhone } from "../schema/phone.ts";
import type { Db } from "../schema/d1.ts";
import { encryptSecret, hashPassword } from "./lib/crypto.ts";

export const DEMO = {
  tenantId: "tnt_demo",
  slug: "demo",
  adminEmail: "admin@demo.test",
  agentEmail: "agent@demo.test",
  managerEmail: "manager@demo.test",
  reportingEmail: "reporting@demo.test",
  password: "demo-password",
  twilioAccountSid: "AC00000000000000000000000000000000",
  twilioAuthToken: "demo-twilio-auth-token",
  trackingNumber: "+14155550100",
  receivingNumber: "+14155550150",
  annArcherMobile: "+14155550124",
} as const;

type DemoContact = { id: string; kind: "customer" | "vendor" | "employee" | "lead"; name: string; company?: string; phones: [label: "main" | "mobile" | "work" | "other", typed: string][] };

// Phones are typed in mixed formats on purpose: matching must not care how a number was entered.
const DEMO_CONTACTS: DemoContact[] = [
  { id: "con_demo_ann", kind: "customer", name: "Ann Archer", phones: [["mobile", "(415) 555-0124"]] },
  { id: "con_demo_bob", kind: "customer", name: "Bob Baker", company: "Baker Bakery", phones: [["main", "415.555.0125"], ["work", "+1 415 555 0126 x12"]] },
  { id: "con_demo_val", kind: "vendor", name: "Val Vance", company: "Vance Plumbing Supply", phones: [["work", "415-555-0131"]] },
  { id: "con_demo_erin", kind: "employee", name: "Erin Ellis", phones: [["mobile", "+14155550142"]] },
  { id: "con_demo_leo", kind: "lead", name: "Leo Lopez", phones: [["main", "1 (415) 555-0163"]] },
];

export async function seedDemo(db: Db, secretsKey: string) {
  const now = Date.now();
  const t = DEMO.tenantId;
  const passwordHash = await hashPassword(DEMO.password);
  const twilioCredentials = await encryptSecret(JSON.stringify({ accountSid: DEMO.twilioAccountSid, authToken: DEMO.twilioAuthToken }), secretsKey);
  const phoneRows = DEMO_CONTACTS.flatMap((c) =>
    c.phones.map(([label, typed], i) => {
      const parsed = normalisePhone(typed, "US");
      if (!parsed) throw new Error(`demo phone ${typed} does not parse`);
      return { id: `${c.id}_phone_${i}`, tenantId: t, contactId: c.id, label, number: parsed.number, extension: parsed.extension, raw: typed, createdAt: now + i };
    }),
  );
  await db.batch([
    db.insert(tenants).values({ id: t, slug: DEMO.slug, name: "Demo Heating & Plumbing", timeZone: "America/Los_Angeles", defaultCountry: "US" }).onConflictDoNothing(),
    db
      .insert(users)
      .values([
        { id: "usr_demo_admin", tenantId: t, email: DEMO.adminEmail, name: "Demo Admin", role: "admin", passwordHash },
        { id: "usr_demo_agent", tenantId: t, email: DEMO.agentEmail, name: "Dana Dispatcher", role: "agent", passwordHash, agentNumber: "+14155550152" },
        { id: "usr_demo_manager", tenantId: t, email: DEMO.managerEmail, name: "Morgan Manager", role: "manager", passwordHash },
        { id: "usr_demo_reporting", tenantId: t, email: DEMO.reportingEmail, name: "Riley Reports", role: "reporting", passwordHash },
      ])
      .onConflictDoNothing(),
    db
      .insert(providerAccounts)
      // A sandbox account: its webhooks are signed with the demo token; numbers are bought offline.
      .values({ id: "pra_demo_twilio", tenantId: t, provider: "twilio", externalId: DEMO.twilioAccountSid, credentialsEncrypted: twilioCredentials, sandbox: true })
      .onConflictDoNothing(),
    db
      .insert(campaigns)
      .values([
        { id: "cmp_demo_website", tenantId: t, name: "Website", channel: "website", monthlyCostCents: 30000 },
        { id: "cmp_demo_yard", tenantId: t, name: "Yard Signs", channel: "yard signs", monthlyCostCents: 12000 },
      ])
      .onConflictDoNothing(),
    db
      .insert(receivingNumbers)
      .values([
        { id: "rcv_demo_office", tenantId: t, number: DEMO.receivingNumber, label: "Office" },
        { id: "rcv_demo_dispatch", tenantId: t, number: "+14155550151", label: "Dispatch mobile", ringSeconds: 15 },
        { id: "rcv_demo_service", tenantId: t, number: "+14155550153", label: "Service desk", extension: "12", extensionDelaySeconds: 1, whisper: "Service call from the yard signs" },
      ])
      .onConflictDoNothing(),
    // The second tracking number answers with a voice menu: 1 rings the office, 2 hunts for a
    // service technician and takes a voicemail when nobody answers.
    db
      .insert(routes)
      .values([
        {
          id: "rte_demo_service",
          tenantId: t,
          name: "Service hunt",
          kind: "dial",
          config: { receivingNumberIds: ["rcv_demo_dispatch", "rcv_demo_service"], pattern: "sequential", noAnswer: { kind: "voicemail" } },
          createdAt: now,
          updatedAt: now,
        },
        {
          id: "rte_demo_menu",
          tenantId: t,
          name: "Main menu",
          kind: "menu",
          config: {
            greeting: "Thanks for calling Demo Heating and Plumbing. Press 1 for the office, press 2 for service.",
            options: [
              { digit: "1", target: { kind: "receiving", id: "rcv_demo_office" } },
              { digit: "2", target: { kind: "route", id: "rte_demo_service" } },
            ],
            timeoutSeconds: 5,
            attempts: 2,
            timeoutTarget: { kind: "receiving", id: "rcv_demo_office" },
          },
          createdAt: now,
          updatedAt: now,
        },
      ])
      .onConflictDoNothing(),
    db
      .insert(trackingNumbers)
      .values([
        { id: "trk_demo_website", tenantId: t, number: DEMO.trackingNumber, label: "Website", campaignId: "cmp_demo_website", terminationNumber: DEMO.receivingNumber, failsafeNumber: "+14155550151", providerAccountId: "pra_demo_twilio" },
        { id: "trk_demo_yard", tenantId: t, number: "+14155550101", label: "Yard signs", campaignId: "cmp_demo_yard", terminationNumber: DEMO.receivingNumber, failsafeNumber: "+14155550151", routeId: "rte_demo_menu", providerAccountId: "pra_demo_twilio" },
      ])
      .onConflictDoNothing(),
    db
      .insert(contacts)
      .values(DEMO_CONTACTS.map((c) => ({ id: c.id, tenantId: t, kind: c.kind, name: c.name, company: c.company ?? null, createdAt: now, updatedAt: now })))
      .onConflictDoNothing(),
    db.insert(contactPhones).values(phoneRows).onConflictDoNothing(),
  ]);
}
