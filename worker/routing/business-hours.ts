/**
 * REST API for the tenant's business hours and holidays (schema/hours.ts): read them (with whether
 * the business is open now), replace them as a whole, or clear them (always open). Conditional routes
 * read them, and while closed calls go to the after-hours target; the tenant's Switchboard is told of
 * every change, so the next call follows it.
 */
import { Hono } from "hono/tiny";
import { eq } from "drizzle-orm";
import { businessHours } from "../../schema/db.ts";
import { getDb } from "../../schema/d1.ts";
import { businessHoursInput, businessOpen, exceptionToday, presentBusinessHours, type BusinessHours } from "../../schema/hours.ts";
import type { Target } from "../../schema/routing.ts";
import type { AppEnv } from "../env.ts";
import { apiError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { plural, noteAudit } from "../audit/note.ts";
import { invalid, routingChanged, type Issue } from "./checks.ts";
import type { RoutingGraph } from "./graph.ts";
import { loadGraph } from "./queries.ts";
import { lazy } from "../../schema/lazy.ts";

const NOT_SET: BusinessHours = { weekly: [], exceptions: [], closedGreeting: null, afterHoursTarget: null };

/** The schedule as the API shows it: `set` false means none (always open); `open` and `exception` are of this moment. */
function present(hours: BusinessHours | null, timeZone: string, now = Date.now()) {
  return {
    ...(hours ?? NOT_SET),
    set: hours !== null,
    timeZone,
    open: hours ? businessOpen(hours, now, timeZone) : true,
    exception: hours ? exceptionToday(hours, now, timeZone) : null,
  };
}

/** An issue when `target` names a route or receiving number the tenant does not have. */
export function missingTarget(graph: RoutingGraph, target: Target | "ignore" | null | undefined, path: string, issues: Issue[]) {
  if (target && target !== "ignore" && target.kind === "route" && !graph.routes.has(target.id)) issues.push({ path, message: `route ${target.id} does not exist` });
  if (target && target !== "ignore" && target.kind === "receiving" && !graph.receiving.has(target.id)) issues.push({ path, message: `receiving number ${target.id} does not exist` });
}

export const businessHoursRoutes = lazy(() => new Hono<AppEnv>()
  .get("/", async (c) => {
    const { tenant } = c.get("auth");
    const row = await getDb(c.env.DB).query.businessHours.findFirst({ where: eq(businessHours.tenantId, tenant.id) });
    return c.json(present(row ? presentBusinessHours(row) : null, tenant.timeZone));
  })
  .put("/", validate("json", businessHoursInput), async (c) => {
    const { tenant } = c.get("auth");
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const issues: Issue[] = [];
    missingTarget(await loadGraph(db, tenant.id), body.afterHoursTarget, "afterHoursTarget", issues);
    if (issues.length) return invalid(c, issues);
    const hours: BusinessHours = {
      weekly: [...body.weekly].sort((a, b) => a.day - b.day || a.from.localeCompare(b.from)),
      exceptions: [...body.exceptions].sort((a, b) => a.date.localeCompare(b.date)),
      closedGreeting: body.closedGreeting ?? null,
      afterHoursTarget: body.afterHoursTarget ?? null,
    };
    const row = { ...hours, updatedAt: Date.now() };
    const before = await db.query.businessHours.findFirst({ where: eq(businessHours.tenantId, tenant.id) });
    await db
      .insert(businessHours)
      .values({ tenantId: tenant.id, ...row })
      .onConflictDoUpdate({ target: businessHours.tenantId, set: row });
    await routingChanged(c);
    const holidays = hours.exceptions.filter((e) => e.hours.length === 0).length;
    noteAudit(c, {
      action: before ? "business_hours.updated" : "business_hours.set",
      targetType: "business-hours",
      summary: `${before ? "Changed" : "Set"} the business hours: ${plural(hours.weekly.length, "weekly window")}, ${plural(holidays, "day")} closed, ${plural(hours.exceptions.length - holidays, "day")} of special hours${hours.afterHoursTarget ? `, after hours to ${hours.afterHoursTarget.kind}` : ""}`,
      details: { weekly: hours.weekly.length, exceptions: hours.exceptions.length, closedDays: holidays, afterHoursTarget: hours.afterHoursTarget },
    });
    return c.json(present(hours, tenant.timeZone));
  })
  .delete("/", async (c) => {
    const { tenant } = c.get("auth");
    const gone = await getDb(c.env.DB).delete(businessHours).where(eq(businessHours.tenantId, tenant.id)).returning({ tenantId: businessHours.tenantId });
    if (gone.length === 0) return apiError(c, 404, "No business hours are set: the business is always open");
    await routingChanged(c);
    noteAudit(c, { action: "business_hours.cleared", targetType: "business-hours", summary: "Cleared the business hours: the business is always open" });
    return c.body(null, 204);
  }));
