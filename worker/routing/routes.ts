/**
 * REST API for where calls ring: receiving numbers, routes (with a tree view), the routing settings
 * of tracking numbers, and the agent's own number. Every change is checked as a whole (targets
 * exist, nothing leads back to itself, no number rings back into us) before it is written, and the
 * tenant's Switchboard is told so its next call reads the new configuration.
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { and, eq, inArray } from "drizzle-orm";
import * as z from "zod/mini";
import { POPUP_CLOSE_SECONDS } from "../../schema/constants.ts";
import { smsAlertChoice } from "../../schema/webhooks.ts";
import { receivingNumbers, routes, trackingNumbers, users } from "../../schema/db.ts";
import { mapReceivingIds, NEW_NUMBER_REF, presentReceiving, receivingNumberInput, receivingNumberUpdate, routeSave, targetsOf, type NewReceivingNumber, type Route, type RouteBody, type RouteSave, type Target } from "../../schema/routing.ts";
import type { AppEnv } from "../env.ts";
import { getDb, type Db } from "../../schema/d1.ts";
import { apiError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { invalid, phoneOrIssue, refuseLoops, ringTargetOrIssue, routingChanged, type Issue } from "./checks.ts";
import { checkGraph, routeTree, type RoutingGraph } from "./graph.ts";
import { afterHoursUsers, loadGraph, presentRoute, receivingNumberByNumber, receivingNumbersAmong } from "./queries.ts";
import { changesOf, noteAudit } from "../audit/note.ts";
import { lazy } from "../../schema/lazy.ts";

type C = Context<AppEnv>;
const idParam = lazy(() => z.object({ id: z.string().check(z.minLength(1), z.maxLength(100)) }));
const nullablePhone = lazy(() => z.nullable(z.string().check(z.trim(), z.minLength(1), z.maxLength(40))));

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

export const receivingNumberRoutes = lazy(() => new Hono<AppEnv>()
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
  }));

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

/** A receiving number typed into a route, by the ref it was sent as: made by the save (`created`), or the tenant's already. */
type Resolved = { ref: string; id: string; number: string; label: string; country: string; created: boolean };

/**
 * Reads the receiving numbers typed into a route (`newNumbers`): each a ring target the tenant may
 * ring (not a tracking number of any tenant: a ring loop), the tenant's receiving number when it is
 * one already, else a new one: `created` lists those to write, one per number however many refs name
 * it. Issues name the field.
 */
async function resolveNewNumbers(c: C, db: Db, sent: NewReceivingNumber[], issues: Issue[]): Promise<{ resolved: Resolved[]; created: Resolved[] }> {
  const { tenant } = c.get("auth");
  const read = sent.map((n, i) => ({ n, i, country: n.country ?? tenant.defaultCountry, number: ringTargetOrIssue(n.number, n.country ?? tenant.defaultCountry, `newNumbers.${i}.number`, issues) }));
  const numbers = read.filter((r): r is typeof r & { number: string } => r.number !== null);
  await refuseLoops(db, numbers.map((r) => ({ path: `newNumbers.${r.i}.number`, number: r.number })), issues);
  const existing = new Map((await receivingNumbersAmong(db, tenant.id, numbers.map((r) => r.number))).map((r) => [r.number, r]));
  const made = new Map<string, Resolved>();
  const resolved = numbers.map(({ n, number, country }): Resolved => {
    const known = existing.get(number);
    if (known) return { ref: n.ref, id: known.id, number, label: known.label, country, created: false };
    const first = made.get(number);
    if (first) return { ...first, ref: n.ref };
    const fresh = { ref: n.ref, id: crypto.randomUUID(), number, label: n.label ?? n.number.slice(0, 100), country, created: true };
    made.set(number, fresh);
    return fresh;
  });
  return { resolved, created: [...made.values()] };
}

/**
 * The route with the refs of its new receiving numbers replaced by their ids. A ref the route names
 * that `newNumbers` does not declare, and one declared that the route never names, are issues.
 */
function withIds(body: RouteBody, sent: NewReceivingNumber[], resolved: Resolved[], issues: Issue[]): RouteBody {
  const ids = new Map(resolved.map((r) => [r.ref, r.id]));
  const declared = new Set(sent.map((n) => n.ref));
  const named = new Set<string>();
  const route = mapReceivingIds(body, (id, path) => {
    if (declared.has(id)) named.add(id);
    else if (NEW_NUMBER_REF.test(id)) issues.push({ path, message: `${id} is not one of newNumbers` });
    return ids.get(id) ?? id;
  });
  sent.forEach((n, i) => {
    if (!named.has(n.ref)) issues.push({ path: `newNumbers.${i}.ref`, message: `${n.ref} is not named anywhere in the route` });
  });
  return route;
}

const isUniqueViolation = (err: unknown) => err instanceof Error && /UNIQUE constraint failed/i.test(`${err.message} ${String(err.cause ?? "")}`);

/**
 * Saves a route with the receiving numbers typed into it, checked as a whole (the new numbers count
 * as receiving numbers already) and written in one D1 batch: a refusal writes neither.
 */
async function saveRoute(c: C, id: string, existing: { name: string; kind: string; config: unknown } | null, save: RouteSave) {
  const { tenant } = c.get("auth");
  const db = getDb(c.env.DB);
  const { newNumbers: sent = [], ...body } = save;
  const issues: Issue[] = [];
  const { resolved, created } = await resolveNewNumbers(c, db, sent, issues);
  const input = withIds(body, sent, resolved, issues);
  if (issues.length) return invalid(c, issues);
  const graph = await loadGraph(db, tenant.id);
  for (const r of created) graph.receiving.set(r.id, { id: r.id, label: r.label, noAnswerTarget: null });
  const route = { ...input, id } as Route;
  graph.routes.set(id, route);
  const problems = checkGraph(graph);
  if (problems.length) return graphProblems(c, problems);
  const now = Date.now();
  const numberRows = created.map((r) => db.insert(receivingNumbers).values({ id: r.id, tenantId: tenant.id, number: r.number, country: r.country, label: r.label }));
  const write = existing
    ? db.update(routes).set({ name: input.name, kind: input.kind, config: input.config, updatedAt: now }).where(and(eq(routes.tenantId, tenant.id), eq(routes.id, id))).returning()
    : db.insert(routes).values({ id, tenantId: tenant.id, name: input.name, kind: input.kind, config: input.config, createdAt: now, updatedAt: now }).returning();
  let row: typeof routes.$inferSelect | undefined;
  try {
    // One batch, one transaction: the receiving numbers and the route, or nothing.
    const results = await db.batch([write, ...numberRows]);
    row = results[0][0];
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return apiError(c, 409, "A number typed here was made a receiving number meanwhile; save again to use it");
  }
  if (!row) {
    // The route was deleted while this was checked: take back the numbers made for it.
    if (created.length) await db.delete(receivingNumbers).where(and(eq(receivingNumbers.tenantId, tenant.id), inArray(receivingNumbers.id, created.map((r) => r.id))));
    return apiError(c, 404, "No such route");
  }
  await routingChanged(c);
  const made = created.length ? ` with new receiving number${created.length === 1 ? "" : "s"} ${created.map((r) => r.number).join(", ")}` : "";
  const numbersMade = created.length ? { receivingNumbersCreated: created.map((r) => ({ id: r.id, number: r.number, label: r.label })) } : {};
  if (existing) {
    const { changes, text } = changesOf({ name: existing.name, kind: existing.kind }, { name: input.name, kind: input.kind });
    const configChanged = JSON.stringify(existing.config) !== JSON.stringify(input.config);
    const said = [...(Object.keys(changes).length ? [text] : []), ...(configChanged ? ["its steps changed"] : [])];
    noteAudit(c, { action: "route.updated", targetType: "route", targetId: id, summary: `Changed route "${existing.name}": ${said.join(", ") || "nothing changed"}${made}`, details: { name: input.name, kind: input.kind, changes, configChanged, ...numbersMade } });
  } else noteAudit(c, { action: "route.created", targetType: "route", targetId: id, summary: `Created route "${input.name}" (${input.kind})${made}`, details: { name: input.name, kind: input.kind, ...numbersMade } });
  // What became of each typed number, so the caller can name them by id from now on.
  const answer = sent.length ? { newNumbers: resolved.map((r) => ({ ref: r.ref, id: r.id, number: r.number, label: r.label, created: r.created })) } : {};
  return c.json({ ...presentRoute(row), ...answer }, existing ? 200 : 201);
}

export const routeRoutes = lazy(() => new Hono<AppEnv>()
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
  .post("/", validate("json", routeSave), (c) => saveRoute(c, crypto.randomUUID(), null, c.req.valid("json")))
  .put("/:id", validate("param", idParam), validate("json", routeSave), async (c) => {
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
  }));

// The user's own profile ---------------------------------------------------------------------------

const profileUpdate = lazy(() => z.partial(z.object({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
    /** The number this agent takes calls on now ("dial agent" routes ring it). */
    agentNumber: nullablePhone,
    popupOn: z.enum(["ring", "answer"]),
    /** How long a popup stays after its call ended; 0: until the user closes it. */
    popupCloseSeconds: z.literal(POPUP_CLOSE_SECONDS),
    /** Texts at the agent number about unanswered calls: "off", "mine" (calls that rang me) or "all" (every call of the business). */
    smsAlerts: smsAlertChoice,
  })).check(z.refine((v) => Object.values(v).some((x) => x !== undefined), "nothing to update")));

function profileView(u: typeof users.$inferSelect) {
  return { id: u.id, email: u.email, name: u.name, role: u.role, popupOn: u.popupOn, popupCloseSeconds: u.popupCloseSeconds, agentNumber: u.agentNumber, smsAlerts: u.smsAlerts };
}

export const profileRoutes = lazy(() => new Hono<AppEnv>()
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
  }));
