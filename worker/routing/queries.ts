/** Routing configuration in D1: receiving numbers and routes, read as the graph the checks need. */
import { and, eq, inArray, or } from "drizzle-orm";
import { businessHours, receivingNumbers, routes, trackingNumbers, users } from "../../schema/db.ts";
import type { Route, Target } from "../../schema/routing.ts";
import { chunks, type Db } from "../../schema/d1.ts";
import type { RoutingGraph } from "./graph.ts";

export function presentRoute(r: typeof routes.$inferSelect): Route & { createdAt: number; updatedAt: number } {
  // Stored routes were parsed by zod on the way in.
  return { id: r.id, name: r.name, kind: r.kind, config: r.config, createdAt: r.createdAt, updatedAt: r.updatedAt } as Route & { createdAt: number; updatedAt: number };
}

export async function loadGraph(db: Db, tenantId: string): Promise<RoutingGraph> {
  const [routeRows, receivingRows, userRows] = await db.batch([
    db.select().from(routes).where(eq(routes.tenantId, tenantId)),
    db.select().from(receivingNumbers).where(eq(receivingNumbers.tenantId, tenantId)),
    db.select({ id: users.id }).from(users).where(eq(users.tenantId, tenantId)),
  ]);
  return {
    routes: new Map(routeRows.map((r) => [r.id, presentRoute(r)])),
    receiving: new Map(receivingRows.map((r) => [r.id, { id: r.id, label: r.label, noAnswerTarget: (r.noAnswerTarget as Target | null) ?? null }])),
    users: new Set(userRows.map((u) => u.id)),
  };
}

/**
 * The numbers among `numbers` that are tracking numbers of any tenant. Ringing one would send the
 * call back into Switchboard: a ring loop.
 */
export async function trackingNumbersAmong(db: Db, numbers: string[]) {
  const found = await Promise.all(chunks(numbers).map((part) => db.select({ number: trackingNumbers.number }).from(trackingNumbers).where(inArray(trackingNumbers.number, part))));
  return found.flat().map((r) => r.number);
}

/** The tenant's receiving numbers among `numbers` (ids, numbers, labels). */
export async function receivingNumbersAmong(db: Db, tenantId: string, numbers: string[]) {
  const found = await Promise.all(chunks(numbers).map((part) => db.select({ id: receivingNumbers.id, number: receivingNumbers.number, label: receivingNumbers.label }).from(receivingNumbers).where(and(eq(receivingNumbers.tenantId, tenantId), inArray(receivingNumbers.number, part)))));
  return found.flat();
}

export async function receivingNumberByNumber(db: Db, tenantId: string, number: string) {
  return db.query.receivingNumbers.findFirst({ where: and(eq(receivingNumbers.tenantId, tenantId), eq(receivingNumbers.number, number)) });
}

/**
 * What of the tenant's dials `number`, named for a person: a receiving number, a tracking number's
 * termination or fail-safe number, an agent's number. Made a tracking number, it would ring back
 * into Switchboard (a ring loop). Empty when nothing does.
 */
export async function whatDials(db: Db, tenantId: string, number: string) {
  const [receiving, tracking, agents] = await db.batch([
    db.select({ label: receivingNumbers.label }).from(receivingNumbers).where(and(eq(receivingNumbers.tenantId, tenantId), eq(receivingNumbers.number, number))),
    db
      .select({ number: trackingNumbers.number, terminationNumber: trackingNumbers.terminationNumber, failsafeNumber: trackingNumbers.failsafeNumber })
      .from(trackingNumbers)
      .where(and(eq(trackingNumbers.tenantId, tenantId), or(eq(trackingNumbers.terminationNumber, number), eq(trackingNumbers.failsafeNumber, number)))),
    db.select({ name: users.name }).from(users).where(and(eq(users.tenantId, tenantId), eq(users.agentNumber, number))),
  ]);
  return [
    ...receiving.map((r) => `receiving number "${r.label}"`),
    ...tracking.flatMap((t) => [...(t.terminationNumber === number ? [`the termination number of tracking number ${t.number}`] : []), ...(t.failsafeNumber === number ? [`the fail-safe number of tracking number ${t.number}`] : [])]),
    ...agents.map((a) => `${a.name}'s agent number`),
  ];
}

/** What sends calls to `target` while the business is closed (the business hours, tracking numbers), named for a person. */
export async function afterHoursUsers(db: Db, tenantId: string, target: { kind: "route" | "receiving"; id: string }) {
  const [hours, numbers] = await db.batch([
    db.select({ target: businessHours.afterHoursTarget }).from(businessHours).where(eq(businessHours.tenantId, tenantId)),
    db.select({ number: trackingNumbers.number, target: trackingNumbers.afterHoursTarget }).from(trackingNumbers).where(eq(trackingNumbers.tenantId, tenantId)),
  ]);
  const same = (t: unknown) => typeof t === "object" && t !== null && (t as Target).kind === target.kind && (t as { id?: string }).id === target.id;
  return [...(hours.some((h) => same(h.target)) ? ["the business hours (after hours)"] : []), ...numbers.filter((n) => same(n.target)).map((n) => `tracking number ${n.number} (after hours)`)];
}
