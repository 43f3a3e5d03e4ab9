/**
 * The call log, and what staff write on a call: call information (subject, notes, outcome, tags),
 * a follow-up reminder, and the contact the call belongs to (Select customer, save phone number).
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { and, count, desc, eq, gte, inArray, isNull, lt, ne, or, sql, type SQL } from "drizzle-orm";
import * as z from "zod/mini";
import { ensureCallLogRow } from "../../party/call-log.ts";
import { callListQuery, callUpdate } from "../../schema/api.ts";
import { calls, campaigns, contactPhones, contacts, trackingNumbers } from "../../schema/db.ts";
import type { AppEnv } from "../env.ts";
import { getDb, type Db } from "../../schema/d1.ts";
import { apiError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { formatPhone, phoneDigits } from "../../schema/phone.ts";
import { toCsv } from "../marketing/csv.ts";
import { contains } from "../lib/contains.ts";
import { dayRange, isoInZone, localDate } from "../../schema/zoned.ts";
import { isTerminal, type Answerer } from "../../schema/calls.ts";
import { outcomeOf, type CallOutcome } from "../../schema/words.ts";
import { contactsChanged } from "../contacts/routes.ts";
import type { CallVisit } from "../../schema/visits.ts";
import { emitEvent } from "../outbound/events.ts";
import { getContact } from "../contacts/queries.ts";
import { lazy } from "../../schema/lazy.ts";

type C = Context<AppEnv>;
const idParam = lazy(() => z.object({ id: z.string().check(z.minLength(1), z.maxLength(100)) }));
const MISSED = ["no-answer", "busy", "failed", "canceled"] as const;

const columns = {
  id: calls.id,
  provider: calls.provider,
  providerCallId: calls.providerCallId,
  status: calls.status,
  callerNumber: calls.fromNumber,
  callerType: calls.callerType,
  callerName: calls.callerName,
  contactId: calls.contactId,
  trackingNumber: calls.toNumber,
  trackingNumberId: calls.trackingNumberId,
  trackingLabel: trackingNumbers.label,
  campaignId: calls.campaignId,
  campaignName: campaigns.name,
  terminationNumber: calls.terminationNumber,
  firstTime: calls.firstTime,
  startedAt: calls.startedAt,
  answeredAt: calls.answeredAt,
  endedAt: calls.endedAt,
  durationSeconds: calls.durationSeconds,
  talkSeconds: calls.talkSeconds,
  recordingUrl: calls.recordingUrl,
  voicemail: calls.voicemail,
  // As a live call has it (LiveCall.answeredBy): `{ number, label }`, or null.
  answeredBy: sql<string | null>`case when ${calls.answeredBy} is null then null else json_object('number', ${calls.answeredBy}, 'label', ${calls.answeredByLabel}) end`.mapWith(
    (json: string | null): Answerer | null => (json === null ? null : (JSON.parse(json) as Answerer)),
  ),
  subject: calls.subject,
  notes: calls.notes,
  outcome: calls.outcome,
  tags: calls.tags,
  followUpAt: calls.followUpAt,
  // As a live call has it (LiveCall.visit): the website visit a pool number's call came from, or null.
  visit: sql<string | null>`case when ${calls.visitId} is null then null else json_object('id', ${calls.visitId}, 'source', ${calls.visitSource}, 'medium', ${calls.visitMedium}, 'campaign', ${calls.visitCampaign}, 'keyword', ${calls.visitKeyword}, 'landingPage', ${calls.visitLandingPage}, 'referrer', ${calls.visitReferrer}, 'gclid', ${calls.visitGclid}) end`.mapWith(
    (json: string | null): CallVisit | null => (json === null ? null : (JSON.parse(json) as CallVisit)),
  ),
};

function logged(db: Db) {
  return db.select(columns).from(calls).leftJoin(trackingNumbers, eq(trackingNumbers.id, calls.trackingNumberId)).leftJoin(campaigns, eq(campaigns.id, calls.campaignId));
}

async function loggedCall(db: Db, tenantId: string, id: string) {
  return (await logged(db).where(and(eq(calls.tenantId, tenantId), eq(calls.id, id))).get()) ?? null;
}

/**
 * Has the tenant's Switchboard write the calls that ended there to D1 now (it writes them a moment
 * after they end), so a read of the call log that follows includes them. If it cannot, the log is
 * read as it stands.
 */
export async function settledCallLog(env: Env, tenantId: string) {
  try {
    await env.Switchboard.getByName(tenantId).flushCallLog();
  } catch (err) {
    console.error("could not settle the call log before reading it", err);
  }
}

/** A call from the log, or, if it has no row yet, as its tenant's Switchboard knows it. */
async function findCall(c: C, id: string) {
  const { tenant } = c.get("auth");
  await settledCallLog(c.env, tenant.id);
  const row = await loggedCall(getDb(c.env.DB), tenant.id, id);
  if (row) return { row, live: null };
  const live = await c.env.Switchboard.getByName(tenant.id).liveCall(id);
  return live ? { row: null, live } : null;
}

/** The calls with this outcome (schema/words.ts outcomeOf, as SQL): a voicemail is any unanswered call with a message. */
function outcomeFilter(outcome: CallOutcome): SQL {
  const messageLeft = eq(calls.voicemail, "left");
  const noMessage = or(isNull(calls.voicemail), ne(calls.voicemail, "left"))!;
  switch (outcome) {
    case "answered":
      return eq(calls.status, "completed");
    case "voicemail":
      return and(inArray(calls.status, [...MISSED]), messageLeft)!;
    case "missed":
      return and(inArray(calls.status, [...MISSED]), noMessage)!;
    case "no-answer":
    case "busy":
    case "canceled":
    case "failed":
      return and(eq(calls.status, outcome), noMessage)!;
    default: {
      const unreachable: never = outcome;
      throw new Error(`unknown outcome ${String(unreachable)}`);
    }
  }
}

function callFilters(tenant: { id: string; timeZone: string }, q: z.infer<typeof callListQuery>) {
  const filters: SQL[] = [eq(calls.tenantId, tenant.id)];
  // Dates are the tenant's days (the dashboard's rule too): from its first moment, to the end of the "to" day.
  const days = dayRange(typeof q.from === "string" ? q.from : undefined, typeof q.to === "string" ? q.to : undefined, tenant.timeZone);
  const start = typeof q.from === "number" ? q.from : days.start;
  const end = typeof q.to === "number" ? q.to : days.end;
  if (start !== undefined) filters.push(gte(calls.startedAt, start));
  if (end !== undefined) filters.push(lt(calls.startedAt, end));
  if (q.trackingNumberId) filters.push(eq(calls.trackingNumberId, q.trackingNumberId));
  if (q.campaignId) filters.push(eq(calls.campaignId, q.campaignId));
  if (q.contactId) filters.push(eq(calls.contactId, q.contactId));
  if (q.status === "missed") filters.push(inArray(calls.status, [...MISSED]));
  else if (q.status) filters.push(eq(calls.status, q.status));
  if (q.outcome) filters.push(outcomeFilter(q.outcome));
  if (q.source) filters.push(q.source === "none" ? isNull(calls.visitSource) : eq(calls.visitSource, q.source));
  if (q.q) {
    const digits = phoneDigits(q.q);
    filters.push(digits.length >= 3 && !/\p{L}/u.test(q.q) ? contains(calls.fromNumber, digits) : contains(calls.callerName, q.q));
  }
  return and(...filters);
}

/** The call log as CSV, with the same filters as the list (at most 50,000 calls). */
export const callCsvRoutes = lazy(() => new Hono<AppEnv>().get("/", validate("query", callListQuery), async (c) => {
  const { tenant } = c.get("auth");
  await settledCallLog(c.env, tenant.id);
  const rows = await logged(getDb(c.env.DB)).where(callFilters(tenant, c.req.valid("query"))).orderBy(desc(calls.startedAt)).limit(50_000);
  const columns = ["started_at", "caller_number", "caller_name", "caller_type", "tracking_number", "tracking_label", "campaign", "status", "result", "rang_at", "duration_seconds", "talk_seconds", "first_time", "subject", "outcome", "notes", "tags", "visit_source", "visit_medium", "visit_campaign", "visit_keyword", "landing_page", "referrer"];
  const csv = await toCsv(
    rows.map((r) => ({
      // The tenant's wall time with its offset: what the dashboard shows, and still one exact instant.
      started_at: isoInZone(r.startedAt, tenant.timeZone),
      caller_number: r.callerNumber,
      caller_name: r.callerName,
      caller_type: r.callerType,
      tracking_number: r.trackingNumber,
      tracking_label: r.trackingLabel,
      campaign: r.campaignName,
      status: r.status,
      // What became of the call in the dashboard's words (a voicemail is an unanswered status with a message).
      result: outcomeOf(r) ?? r.status,
      rang_at: r.terminationNumber,
      duration_seconds: r.durationSeconds,
      talk_seconds: r.talkSeconds,
      first_time: r.firstTime,
      subject: r.subject,
      outcome: r.outcome,
      notes: r.notes,
      tags: (r.tags ?? []).join(";"),
      // The website visit of a call to a pool number (empty for a fixed number's).
      visit_source: r.visit?.source ?? null,
      visit_medium: r.visit?.medium ?? null,
      visit_campaign: r.visit?.campaign ?? null,
      visit_keyword: r.visit?.keyword ?? null,
      landing_page: r.visit?.landingPage ?? null,
      referrer: r.visit?.referrer ?? null,
    })),
    columns,
  );
  return c.body(csv, 200, { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="calls.csv"' });
}));

export const callRoutes = lazy(() => new Hono<AppEnv>()
  .get("/", validate("query", callListQuery), async (c) => {
    const q = c.req.valid("query");
    const where = callFilters(c.get("auth").tenant, q);
    const db = getDb(c.env.DB);
    await settledCallLog(c.env, c.get("auth").tenant.id);
    const [items, totals] = await Promise.all([
      logged(db).where(where).orderBy(desc(calls.startedAt), desc(calls.id)).limit(q.limit).offset(q.offset),
      db.select({ total: count() }).from(calls).where(where),
    ]);
    return c.json({ items, total: totals[0]?.total ?? 0, limit: q.limit, offset: q.offset });
  })
  .get("/:id", validate("param", idParam), async (c) => {
    const found = await findCall(c, c.req.valid("param").id);
    if (!found) return apiError(c, 404, "No such call");
    if (found.row) return c.json({ ...found.row, live: !isTerminal(found.row.status) });
    const l = found.live!;
    return c.json({ ...l, subject: null, notes: null, outcome: null, followUpAt: null, live: true });
  })
  .patch("/:id", validate("param", idParam), validate("json", callUpdate), async (c) => {
    const { tenant } = c.get("auth");
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const found = await findCall(c, id);
    if (!found) return apiError(c, 404, "No such call");
    const stub = c.env.Switchboard.getByName(tenant.id);
    const callerNumber = found.row?.callerNumber ?? found.live!.callerNumber;

    let contact: { id: string; kind: "customer" | "vendor" | "employee" | "lead"; name: string } | undefined;
    if (body.contactId) {
      contact = await db.query.contacts.findFirst({ columns: { id: true, kind: true, name: true }, where: and(eq(contacts.tenantId, tenant.id), eq(contacts.id, body.contactId)) });
      if (!contact) return apiError(c, 400, "Invalid json: contactId: no such contact", [{ path: "contactId", message: "no such contact" }]);
    }

    // A live call gets its row now, so what staff write is kept when the call ends.
    if (found.live) await ensureCallLogRow(db, tenant.id, found.live);
    const link = body.contactId === undefined ? {} : contact ? { contactId: contact.id, callerType: contact.kind, callerName: contact.name } : { contactId: null, callerType: "unknown", callerName: null };
    const { savePhone, contactId: _contactId, ...info } = body;
    await db.update(calls).set({ ...info, ...link }).where(and(eq(calls.tenantId, tenant.id), eq(calls.id, id)));
    if (contact) {
      await stub.linkContact(id, contact);
      if (savePhone) {
        const has = await db.query.contactPhones.findFirst({ columns: { id: true }, where: and(eq(contactPhones.tenantId, tenant.id), eq(contactPhones.contactId, contact.id), eq(contactPhones.number, callerNumber)) });
        if (!has) {
          await db.insert(contactPhones).values({ id: crypto.randomUUID(), tenantId: tenant.id, contactId: contact.id, label: savePhone, number: callerNumber, raw: callerNumber });
          await contactsChanged(c, [contact.id]);
          emitEvent(c, "contact.updated", await getContact(db, tenant.id, contact.id));
        }
      }
    }
    const row = (await loggedCall(db, tenant.id, id))!;
    if (body.followUpAt !== undefined) {
      const who = row.callerName ?? formatPhone(row.callerNumber, tenant.defaultCountry);
      await stub.setReminder(
        id,
        body.followUpAt === null ? null : { callId: id, contactId: row.contactId, dueAt: body.followUpAt, title: `Follow up: ${who}`, body: row.subject ?? `Call of ${localDate(row.startedAt, tenant.timeZone)}` },
      );
    }
    const saved = { ...row, live: !isTerminal(row.status) };
    emitEvent(c, "call.info_saved", saved, { callId: id });
    return c.json(saved);
  }));
