/**
 * `GET /api/setup`: the first-run checklist of an empty tenant's dashboard, computed here from what
 * the tenant has, so every step ticks itself when the thing is done (wherever it was done: the
 * dashboard, the API, the operator's CLI). Readable by every role (settings:read): an agent sees
 * what the business still has to do, and the dashboard links each step to where it is done.
 */
import { Hono } from "hono/tiny";
import { and, asc, count, eq, gt, isNull } from "drizzle-orm";
import { getDb } from "../../schema/d1.ts";
import { formatPhone } from "../../schema/phone.ts";
import { calls, invitations, providerAccounts, trackingNumbers, users } from "../../schema/db.ts";
import type { AppEnv } from "../env.ts";
import { ringsSomewhere } from "../../telephony/contract.ts";
import { adapterOf } from "../providers/index.ts";
import { lazy } from "../../schema/lazy.ts";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export const setupRoutes = lazy(() => new Hono<AppEnv>().get("/", async (c) => {
  const { tenant } = c.get("auth");
  const db = getDb(c.env.DB);
  const now = Date.now();
  const [accounts, numbers, [loggedCall], [team], [pending]] = await db.batch([
    db.select({ provider: providerAccounts.provider, sandbox: providerAccounts.sandbox }).from(providerAccounts).where(eq(providerAccounts.tenantId, tenant.id)).orderBy(asc(providerAccounts.createdAt)),
    db
      .select({ id: trackingNumbers.id, number: trackingNumbers.number, routeId: trackingNumbers.routeId, terminationNumber: trackingNumbers.terminationNumber, failsafeNumber: trackingNumbers.failsafeNumber, sandbox: providerAccounts.sandbox, provider: providerAccounts.provider })
      .from(trackingNumbers)
      .leftJoin(providerAccounts, eq(providerAccounts.id, trackingNumbers.providerAccountId))
      .where(eq(trackingNumbers.tenantId, tenant.id))
      .orderBy(trackingNumbers.number),
    db.select({ id: calls.id }).from(calls).where(eq(calls.tenantId, tenant.id)).limit(1),
    db.select({ n: count() }).from(users).where(and(eq(users.tenantId, tenant.id), isNull(users.disabledAt))),
    db.select({ n: count() }).from(invitations).where(and(eq(invitations.tenantId, tenant.id), isNull(invitations.acceptedAt), gt(invitations.expiresAt, now))),
  ]);
  // A call still ringing is in the Switchboard only: the call log has a call once it has ended.
  const hadCall = loggedCall !== undefined || (await c.env.Switchboard.getByName(tenant.id).hasCalls());

  const real = accounts.find((a) => !a.sandbox);
  const account = real ?? accounts[0];
  const providerName = account ? (adapterOf(account.provider)?.name ?? account.provider) : null;
  // A number whose provider routes its calls itself (a PBX) needs nothing set here.
  const rings = (n: (typeof numbers)[number]) => ringsSomewhere(n, n.provider !== null && adapterOf(n.provider)?.routesItself === true);
  const unrouted = numbers.filter((n) => !rings(n)).map(({ id, number }) => ({ id, number }));
  // The number the checklist's test-call button rings: a sandbox number that rings somewhere.
  const testable = numbers.find((n) => n.sandbox && rings(n));
  const activeUsers = team?.n ?? 0;
  const invited = pending?.n ?? 0;

  const steps = [
    {
      id: "provider" as const,
      done: account !== undefined,
      detail: !account ? "No provider account: connect one under provider accounts" : real ? `${providerName} account connected` : `Using the ${providerName} sandbox (fictional 555-01xx numbers); connect a real account when you are ready`,
      provider: account?.provider ?? null,
      sandbox: account !== undefined && !real,
    },
    {
      id: "number" as const,
      done: numbers.length > 0,
      detail: numbers.length ? `${plural(numbers.length, "tracking number")}` : "No tracking number yet: get one",
      count: numbers.length,
    },
    {
      id: "routing" as const,
      done: numbers.length > 0 && unrouted.length === 0,
      detail: !numbers.length ? "Get a tracking number first" : unrouted.length ? `${plural(unrouted.length, "tracking number")} ring${unrouted.length === 1 ? "s" : ""} nowhere: give a route, a termination or a fail-safe number` : "Every tracking number rings somewhere",
      unrouted,
    },
    {
      id: "test-call" as const,
      done: hadCall,
      detail: hadCall ? "A call has come in" : testable ? `Place a test call to ${formatPhone(testable.number, tenant.defaultCountry)} to see the popup` : "Call one of your tracking numbers to see the popup",
      trackingNumberId: testable?.id ?? null,
    },
    {
      id: "team" as const,
      done: activeUsers > 1 || invited > 0,
      detail: activeUsers > 1 || invited > 0 ? `${plural(activeUsers, "user")}${invited ? `, ${plural(invited, "invitation")} pending` : ""}` : "Only you so far: invite your team",
      users: activeUsers,
      pendingInvitations: invited,
    },
  ];
  return c.json({ steps, done: steps.every((s) => s.done) });
}));
