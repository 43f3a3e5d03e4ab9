/**
 * REST API for where calls ring: receiving numbers, routes (with a tree view), the routing settings
 * of tracking numbers, and the agent's own number. Every change is checked as a whole (targets
 * exist, nothing leads back to itself, no number rings back into us) before it is written, and the
 * tenant's Switchboard is told so its next call reads the new configuration.
 */
import { Hono, type Context } from "hono";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { POPUP_CLOSE_SECONDS } from "../../schema/constants.ts";
import { smsAlertChoice } from "../../schema/webhooks.ts";
import { receivingNumbers, routes, trackingNumbers, users } from "../../schema/db.ts";
import { presentReceiving, receivingNumberInput, receivingNumberUpdate, routeInput, targetsOf, type Route, type Target } from "../../schema/routing.ts";
import type { AppEnv } from "../env.ts";
import { getDb } from "../../schema/d1.ts";
import { apiError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { invalid, phoneOrIssue, refuseLoops, ringTargetOrIssue, routingChanged } from "./checks.ts";
import { checkGraph, routeTree, type RoutingGraph } from "./graph.ts";
import { afterHoursUsers, loadGraph, presentRoute, receivingNumberByNumber } from "./queries.ts";
import { changesOf, noteAudit } from "../audit/note.ts";

type C = Context<AppEnv>;
const idParam = z.object({ id: z.string().min(1).max(100) });
const nullablePhone = z.string().trim().min(1).max(40).nullable();

/** A receiving number's settings as an audit event names them. */
const RECEIVING_FIELDS = {
  number: "number",
  country: "country",
  label: "label",
  extension: "extension",
  extensionDelaySeconds: "extension delay",
  whisper: "whisper",
  ringSeconds: "ring time (seconds)",
  noAnswerTarget: "when unanswered",
  taggingHours: "tagging hours",
  record: "recording",
} as const;

function graphProblems(c: C, problems: string[]) {
  return apiError(c, 400, `Invalid routing: ${problems[0]}`, problems.map((message) => ({ path: "", message })));
}

// Receiving numbers ------------------------------------------------------------------------------

export const receivingNumberRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const rows = await getDb(c.env.DB).select().from(receivingNumbers).where(eq(receivingNumbers.tenantId, c.get("auth").tenant.id)).orderBy(receivingNumbers.label);
    return c.json({ items: rows.map(presentReceiving) });
  })
  .get("/:id", validate("param", idParam), async (c) => {
    const row = await getDb(c.env.DB).query.receivingNumbers.findFirst({ where: and(eq(receivingNumbers.tenantId, c.get("auth").tenant.id), eq(receivingNumbers.id, c.req.valid("param").id)) });
    return row ? c.json(presentReceiving(row)) : apiError(c, 404, "No such receiving number");
  })
  .post("/", validate("json", receivingNumberInput), async (c) => {
    const { tenant } = c.get("auth");
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const issues: { path: string; message: string }[] = [];
    const number = ringTargetOrIssue(body.number, body.country, "number", issues);
    if (number) await refuseLoops(db, [{ path: "number", number }], issues);
    if (number && (await receivingNumberByNumber(db, tenant.id, number))) issues.push({ path: "number", message: `${number} is a receiving number already` });
    if (issues.length) return invalid(c, issues);
    const id = crypto.randomUUID();
    const graph = await loadGraph(db, tenant.id);
    graph.receiving.set(id, { id, label: body.label, noAnswerTarget: body.noAnswerTarget ?? null });
    const problems = checkGraph(graph);
    if (problems.length) return graphProblems(c, problems);
    const [row] = await db
      .insert(receivingNumbers)
      .values({ ...body, id, tenantId: tenant.id, number: number!, noAnswerTarget: body.noAnswerTarget ?? null, taggingHours: body.taggingHours ?? null })
      .returning();
    await routingChanged(c);
    noteAudit(c, { action: "receiving_number.created", targetType: "receiving-number", targetId: id, summary: `Added receiving number ${row!.number} "${row!.label}"`, details: { number: row!.number, label: row!.label } });
    return c.json(presentReceiving(row!), 201);
  })
  .patch("/:id", validate("param", idParam), validate("json", receivingNumberUpdate), async (c) => {
    const { tenant } = c.get("auth");
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const current = await db.query.receivingNumbers.findFirst({ where: and(eq(receivingNumbers.tenantId, tenant.id), eq(receivingNumbers.id, id)) });
    if (!current) return apiError(c, 404, "No such receiving number");
    const issues: { path: string; message: string }[] = [];
    let number = current.number;
    if (body.number !== undefined) {
      const parsed = ringTargetOrIssue(body.number, body.country ?? current.country, "number", issues);
      if (parsed) {
        number = parsed;
        await refuseLoops(db, [{ path: "number", number }], issues);
        const twin = await receivingNumberByNumber(db, tenant.id, number);
        if (twin && twin.id !== id) issues.push({ path: "number", message: `${number} is a receiving number already` });
      }
    }
    if (issues.length) return invalid(c, issues);
    const graph = await loadGraph(db, tenant.id);
    const noAnswerTarget = body.noAnswerTarget === undefined ? ((current.noAnswerTarget as Target | null) ?? null) : body.noAnswerTarget;
    graph.receiving.set(id, { id, label: body.label ?? current.label, noAnswerTarget });
    const problems = checkGraph(graph);
    if (problems.length) return graphProblems(c, problems);
    const [row] = await db
      .update(receivingNumbers)
      .set({ ...body, number, noAnswerTarget, ...(body.taggingHours !== undefined ? { taggingHours: body.taggingHours } : {}) })
      .where(and(eq(receivingNumbers.tenantId, tenant.id), eq(receivingNumbers.id, id)))
      .returning();
    await routingChanged(c);
    const { changes, text } = changesOf(current, row!, RECEIVING_FIELDS);
    noteAudit(c, { action: "receiving_number.updated", targetType: "receiving-number", targetId: id, summary: `Changed receiving number "${current.label}" (${current.number}): ${text}`, details: { number: current.number, changes } });
    return c.json(presentReceiving(row!));
  })
  .delete("/:id", validate("param", idParam), async (c) => {
    const { tenant } = c.get("auth");
    const { id } = c.req.valid("param");
    const db = getDb(c.env.DB);
    const graph = await loadGraph(db, tenant.id);
    if (!graph.receiving.has(id)) return apiError(c, 404, "No such receiving number");
    const users = [...usersOf(graph, { kind: "receiving", id }), ...(await afterHoursUsers(db, tenant.id, { kind: "receiving", id }))];
    if (users.length) return apiError(c, 409, `Still used by ${users.join(", ")}; change those first`);
    const [gone] = await db.delete(receivingNumbers).where(and(eq(receivingNumbers.tenantId, tenant.id), eq(receivingNumbers.id, id))).returning({ number: receivingNumbers.number, label: receivingNumbers.label });
    await routingChanged(c);
    if (gone) noteAudit(c, { action: "receiving_number.deleted", targetType: "receiving-number", targetId: id, summary: `Deleted receiving number "${gone.label}" (${gone.number})`, details: gone });
    return c.body(null, 204);
  });

/** What in the configuration leads to `target`, named for a person. */
function usersOf(graph: RoutingGraph, target: Target) {
  const same = (t: Target) => (t.kind === "route" || t.kind === "receiving") && t.kind === target.kind && t.id === (target as { id: string }).id;
  const names: string[] = [];
  for (const r of graph.routes.values()) {
    const hours = r.kind === "conditional" && target.kind === "receiving" && r.config.rules.some((rule) => rule.when.some((w) => w.type === "hours" && w.receivingNumberId === target.id));
    if (targetsOf(r).some(same) || hours) names.push(`route "${r.name}"`);
  }
  for (const r of graph.receiving.values()) if (r.noAnswerTarget && same(r.noAnswerTarget)) names.push(`receiving number "${r.label}"`);
  return names;
}

// Routes -----------------------------------------------------------------------------------------

async function saveRoute(c: C, id: string, existing: { name: string; kind: string; config: unknown } | null, body: z.infer<typeof routeInput>) {
  const { tenant } = c.get("auth");
  const db = getDb(c.env.DB);
  const graph = await loadGraph(db, tenant.id);
  const route = { ...body, id } as Route;
  graph.routes.set(id, route);
  const problems = checkGraph(graph);
  if (problems.length) return graphProblems(c, problems);
  const now = Date.now();
  const row = existing
    ? (await db.update(routes).set({ name: body.name, kind: body.kind, config: body.config, updatedAt: now }).where(and(eq(routes.tenantId, tenant.id), eq(routes.id, id))).returning())[0]
    : (await db.insert(routes).values({ id, tenantId: tenant.id, name: body.name, kind: body.kind, config: body.config, createdAt: now, updatedAt: now }).returning())[0];
  await routingChanged(c);
  if (existing) {
    const { changes, text } = changesOf({ name: existing.name, kind: existing.kind }, { name: body.name, kind: body.kind });
    const configChanged = JSON.stringify(existing.config) !== JSON.stringify(body.config);
    const said = [...(Object.keys(changes).length ? [text] : []), ...(configChanged ? ["its steps changed"] : [])];
    noteAudit(c, { action: "route.updated", targetType: "route", targetId: id, summary: `Changed route "${existing.name}": ${said.join(", ") || "nothing changed"}`, details: { name: body.name, kind: body.kind, changes, configChanged } });
  } else noteAudit(c, { action: "route.created", targetType: "route", targetId: id, summary: `Created route "${body.name}" (${body.kind})`, details: { name: body.name, kind: body.kind } });
  return c.json(presentRoute(row!), existing ? 200 : 201);
}

export const routeRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const rows = await getDb(c.env.DB).select().from(routes).where(eq(routes.tenantId, c.get("auth").tenant.id)).orderBy(routes.name);
    return c.json({ items: rows.map(presentRoute) });
  })
  // Who a "dial agent" route can ring, for whoever edits routes (a manager may not list the team):
  // names and the numbers they take calls on, nothing else. Before "/:id", which would take "agents".
  .get("/agents", async (c) => {
    const rows = await getDb(c.env.DB).select({ id: users.id, name: users.name, agentNumber: users.agentNumber }).from(users).where(eq(users.tenantId, c.get("auth").tenant.id)).orderBy(users.name);
    return c.json({ items: rows });
  })
  .get("/:id", validate("param", idParam), async (c) => {
    const row = await getDb(c.env.DB).query.routes.findFirst({ where: and(eq(routes.tenantId, c.get("auth").tenant.id), eq(routes.id, c.req.valid("param").id)) });
    return row ? c.json(presentRoute(row)) : apiError(c, 404, "No such route");
  })
  .get("/:id/tree", validate("param", idParam), async (c) => {
    const graph = await loadGraph(getDb(c.env.DB), c.get("auth").tenant.id);
    const { id } = c.req.valid("param");
    if (!graph.routes.has(id)) return apiError(c, 404, "No such route");
    return c.json(routeTree(graph, { kind: "route", id }));
  })
  .post("/", validate("json", routeInput), (c) => saveRoute(c, crypto.randomUUID(), null, c.req.valid("json")))
  .put("/:id", validate("param", idParam), validate("json", routeInput), async (c) => {
    const { id } = c.req.valid("param");
    const found = await getDb(c.env.DB).query.routes.findFirst({ columns: { name: true, kind: true, config: true }, where: and(eq(routes.tenantId, c.get("auth").tenant.id), eq(routes.id, id)) });
    return found ? saveRoute(c, id, found, c.req.valid("json")) : apiError(c, 404, "No such route");
  })
  .delete("/:id", validate("param", idParam), async (c) => {
    const { tenant } = c.get("auth");
    const { id } = c.req.valid("param");
    const db = getDb(c.env.DB);
    const graph = await loadGraph(db, tenant.id);
    if (!graph.routes.has(id)) return apiError(c, 404, "No such route");
    const users = usersOf(graph, { kind: "route", id });
    const numbers = await db.select({ number: trackingNumbers.number }).from(trackingNumbers).where(and(eq(trackingNumbers.tenantId, tenant.id), eq(trackingNumbers.routeId, id)));
    users.push(...numbers.map((n) => `tracking number ${n.number}`), ...(await afterHoursUsers(db, tenant.id, { kind: "route", id })));
    if (users.length) return apiError(c, 409, `Still used by ${users.join(", ")}; change those first`);
    await db.delete(routes).where(and(eq(routes.tenantId, tenant.id), eq(routes.id, id)));
    await routingChanged(c);
    const gone = graph.routes.get(id)!;
    noteAudit(c, { action: "route.deleted", targetType: "route", targetId: id, summary: `Deleted route "${gone.name}" (${gone.kind})`, details: { name: gone.name, kind: gone.kind } });
    return c.body(null, 204);
  });

// The user's own profile ---------------------------------------------------------------------------

const profileUpdate = z
  .object({
    name: z.string().trim().min(1).max(100),
    /** The number this agent takes calls on now ("dial agent" routes ring it). */
    agentNumber: nullablePhone,
    popupOn: z.enum(["ring", "answer"]),
    /** How long a popup stays after its call ended; 0: until the user closes it. */
    popupCloseSeconds: z.literal(POPUP_CLOSE_SECONDS),
    /** Texts at the agent number about unanswered calls: "off", "mine" (calls that rang me) or "all" (every call of the business). */
    smsAlerts: smsAlertChoice,
  })
  .partial()
  .refine((v) => Object.values(v).some((x) => x !== undefined), "nothing to update");

function profileView(u: typeof users.$inferSelect) {
  return { id: u.id, email: u.email, name: u.name, role: u.role, popupOn: u.popupOn, popupCloseSeconds: u.popupCloseSeconds, agentNumber: u.agentNumber, smsAlerts: u.smsAlerts };
}

export const profileRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const auth = c.get("auth");
    if (auth.via !== "session") return apiError(c, 403, "A profile belongs to a logged-in user");
    const user = await getDb(c.env.DB).query.users.findFirst({ where: eq(users.id, auth.user.id) });
    return c.json(profileView(user!));
  })
  .patch("/", validate("json", profileUpdate), async (c) => {
    const auth = c.get("auth");
    if (auth.via !== "session") return apiError(c, 403, "A profile belongs to a logged-in user");
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const issues: { path: string; message: string }[] = [];
    let agentNumber = body.agentNumber;
    if (agentNumber) {
      const n = phoneOrIssue(agentNumber, auth.tenant.defaultCountry, "agentNumber", issues);
      if (n) await refuseLoops(db, [{ path: "agentNumber", number: n }], issues);
      agentNumber = n;
    }
    if (issues.length) return invalid(c, issues);
    // Texts go to the agent number: opting in needs one, and so does keeping the opt-in.
    const current = await db.query.users.findFirst({ columns: { agentNumber: true, smsAlerts: true }, where: eq(users.id, auth.user.id) });
    const alerts = body.smsAlerts ?? current?.smsAlerts ?? "off";
    const number = agentNumber !== undefined ? agentNumber : (current?.agentNumber ?? null);
    if (alerts !== "off" && !number) return invalid(c, [{ path: body.smsAlerts !== undefined ? "smsAlerts" : "agentNumber", message: "texts about missed calls go to your agent number: set one, or turn the texts off" }]);
    const [user] = await db
      .update(users)
      .set({ ...body, ...(agentNumber !== undefined ? { agentNumber } : {}) })
      .where(eq(users.id, auth.user.id))
      .returning();
    await routingChanged(c);
    return c.json(profileView(user!));
  });
