/**
 * Marketing: campaigns and their costs, income from accounting (API and CSV import), contacts from
 * CSV, the campaign report (JSON and CSV), the call log as CSV, and the tenant's settings.
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { and, count, desc, eq, gte, inArray, lte } from "drizzle-orm";
import * as z from "zod/mini";
import {
  campaignCostInput,
  campaignCreate,
  campaignUpdate,
  incomeInput,
  incomeListQuery,
  incomeUpdate,
  reportQuery,
  tenantUpdate,
} from "../../schema/api.ts";
import { CONTACT_KINDS, PHONE_LABELS, type ContactKind } from "../../schema/constants.ts";
import { campaignCosts, campaigns, contactPhones, contacts, income, tenants, trackingNumbers } from "../../schema/db.ts";
import { normalisePhone } from "../../schema/phone.ts";
import { campaignEnded } from "../../schema/campaigns.ts";
import { normalisePhoneInputs, type NormalisedPhoneInput } from "../contacts/queries.ts";
import { contactsChanged } from "../contacts/routes.ts";
import type { AppEnv } from "../env.ts";
import { chunks, getDb, type Db } from "../../schema/d1.ts";
import { isTenantCall } from "../calls/owned.ts";
import { apiError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { parseAmount, parseCsv, toCsv } from "./csv.ts";
import { campaignReport } from "./report.ts";
import { settledCallLog } from "../calls/routes.ts";
import { amount, changesOf, noteAudit, plural } from "../audit/note.ts";
import { lazy } from "../../schema/lazy.ts";

type C = Context<AppEnv>;
const idParam = lazy(() => z.object({ id: z.string().check(z.minLength(1), z.maxLength(100)) }));
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

async function csvBody(c: C) {
  const type = c.req.header("Content-Type") ?? "";
  if (!/^text\/(csv|plain)\b/i.test(type)) return { refused: apiError(c, 415, "Send the file as text/csv") };
  const parsed = await parseCsv(await c.req.text());
  if (parsed.error) return { refused: apiError(c, 400, `Invalid CSV: ${parsed.error}`) };
  if (parsed.rows.length === 0) return { refused: apiError(c, 400, "Invalid CSV: no rows under the header") };
  if (parsed.rows.length > 10_000) return { refused: apiError(c, 400, "Invalid CSV: at most 10,000 rows at a time") };
  return { rows: parsed.rows };
}

// Campaigns ---------------------------------------------------------------------------------------

export const campaignRoutes = lazy(() => new Hono<AppEnv>()
  .get("/", async (c) => {
    const { tenant } = c.get("auth");
    const db = getDb(c.env.DB);
    const [rows, numbers] = await db.batch([
      db.select().from(campaigns).where(eq(campaigns.tenantId, tenant.id)).orderBy(campaigns.name),
      db.select({ campaignId: trackingNumbers.campaignId, n: count() }).from(trackingNumbers).where(eq(trackingNumbers.tenantId, tenant.id)).groupBy(trackingNumbers.campaignId),
    ]);
    const counts = new Map(numbers.map((n) => [n.campaignId, n.n]));
    return c.json({ items: rows.map((r) => ({ ...present(r), ended: ended(c, r), trackingNumbers: counts.get(r.id) ?? 0 })) });
  })
  .get("/:id", validate("param", idParam), async (c) => {
    const { tenant } = c.get("auth");
    const db = getDb(c.env.DB);
    const id = c.req.valid("param").id;
    const row = await db.query.campaigns.findFirst({ where: and(eq(campaigns.tenantId, tenant.id), eq(campaigns.id, id)) });
    if (!row) return apiError(c, 404, "No such campaign");
    const [costs, numbers] = await db.batch([
      db.select().from(campaignCosts).where(and(eq(campaignCosts.tenantId, tenant.id), eq(campaignCosts.campaignId, id))).orderBy(desc(campaignCosts.spentOn)),
      db.select({ id: trackingNumbers.id, number: trackingNumbers.number, label: trackingNumbers.label }).from(trackingNumbers).where(and(eq(trackingNumbers.tenantId, tenant.id), eq(trackingNumbers.campaignId, id))),
    ]);
    return c.json({ ...present(row), ended: ended(c, row), costs: costs.map((k) => ({ id: k.id, spentOn: k.spentOn, amountCents: k.amountCents, note: k.note })), trackingNumbers: numbers });
  })
  .post("/", validate("json", campaignCreate), async (c) => {
    const { tenant } = c.get("auth");
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    if (await sameName(db, tenant.id, body.name)) return apiError(c, 409, `There is a campaign called "${body.name}" already`);
    const [row] = await db.insert(campaigns).values({ ...body, id: crypto.randomUUID(), tenantId: tenant.id, startsOn: body.startsOn ?? null, endsOn: body.endsOn ?? null }).returning();
    const cost = row!.monthlyCostCents ? `, ${amount(row!.monthlyCostCents)} a month` : "";
    noteAudit(c, { action: "campaign.created", targetType: "campaign", targetId: row!.id, summary: `Created campaign "${row!.name}" (${row!.channel}${cost})`, details: present(row!) });
    return c.json(present(row!), 201);
  })
  .patch("/:id", validate("param", idParam), validate("json", campaignUpdate), async (c) => {
    const { tenant } = c.get("auth");
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    if (body.name) {
      const twin = await sameName(db, tenant.id, body.name);
      if (twin && twin.id !== id) return apiError(c, 409, `There is a campaign called "${body.name}" already`);
    }
    const before = await db.query.campaigns.findFirst({ where: and(eq(campaigns.tenantId, tenant.id), eq(campaigns.id, id)) });
    if (!before) return apiError(c, 404, "No such campaign");
    const startsOn = body.startsOn === undefined ? before.startsOn : body.startsOn;
    const endsOn = body.endsOn === undefined ? before.endsOn : body.endsOn;
    if (startsOn && endsOn && endsOn < startsOn) return apiError(c, 400, `Invalid json: endsOn: the campaign would end (${endsOn}) before it starts (${startsOn})`, [{ path: "endsOn", message: "must not be before startsOn" }]);
    const [row] = await db.update(campaigns).set(body).where(and(eq(campaigns.tenantId, tenant.id), eq(campaigns.id, id))).returning();
    // The Switchboard holds each tracking number's campaign name for the calls it registers.
    if (row) await c.env.Switchboard.getByName(tenant.id).routingChanged();
    if (!row) return apiError(c, 404, "No such campaign");
    const { changes, text } = changesOf(present(before), present(row), CAMPAIGN_FIELDS);
    noteAudit(c, { action: "campaign.updated", targetType: "campaign", targetId: id, summary: `Changed campaign "${before.name}": ${text}`, details: { changes } });
    return c.json({ ...present(row), ended: ended(c, row) });
  })
  .delete("/:id", validate("param", idParam), async (c) => {
    const { tenant } = c.get("auth");
    const deleted = await getDb(c.env.DB).delete(campaigns).where(and(eq(campaigns.tenantId, tenant.id), eq(campaigns.id, c.req.valid("param").id))).returning({ id: campaigns.id, name: campaigns.name });
    // Its one-off spend goes with it (the foreign key cascades); its tracking numbers stay and keep
    // tracking calls, with no campaign; its past calls stay in the log and count in the report as no
    // campaign's, and income from their callers with them. To keep a campaign's history, end it instead.
    if (deleted.length) await c.env.Switchboard.getByName(tenant.id).routingChanged();
    const [gone] = deleted;
    if (!gone) return apiError(c, 404, "No such campaign");
    noteAudit(c, { action: "campaign.deleted", targetType: "campaign", targetId: gone.id, summary: `Deleted campaign "${gone.name}" and its one-off spend (its tracking numbers keep tracking, with no campaign)`, details: { name: gone.name } });
    return c.body(null, 204);
  })
  .post("/:id/costs", validate("param", idParam), validate("json", campaignCostInput), async (c) => {
    const { tenant } = c.get("auth");
    const { id } = c.req.valid("param");
    const db = getDb(c.env.DB);
    const campaign = await db.query.campaigns.findFirst({ columns: { name: true }, where: and(eq(campaigns.tenantId, tenant.id), eq(campaigns.id, id)) });
    if (!campaign) return apiError(c, 404, "No such campaign");
    const [row] = await db.insert(campaignCosts).values({ ...c.req.valid("json"), id: crypto.randomUUID(), tenantId: tenant.id, campaignId: id }).returning();
    noteAudit(c, {
      action: "campaign.cost_added",
      targetType: "campaign",
      targetId: id,
      summary: `Added a cost of ${amount(row!.amountCents)} on ${row!.spentOn} to campaign "${campaign.name}"${row!.note ? ` (${row!.note})` : ""}`,
      details: { costId: row!.id, spentOn: row!.spentOn, amountCents: row!.amountCents, note: row!.note },
    });
    return c.json({ id: row!.id, spentOn: row!.spentOn, amountCents: row!.amountCents, note: row!.note }, 201);
  })
  .delete("/:id/costs/:costId", validate("param", lazy(() => z.object({ id: z.string().check(z.maxLength(100)), costId: z.string().check(z.maxLength(100)) }))), async (c) => {
    const { id, costId } = c.req.valid("param");
    const db = getDb(c.env.DB);
    const tenantId = c.get("auth").tenant.id;
    const [gone] = await db
      .delete(campaignCosts)
      .where(and(eq(campaignCosts.tenantId, tenantId), eq(campaignCosts.campaignId, id), eq(campaignCosts.id, costId)))
      .returning({ id: campaignCosts.id, spentOn: campaignCosts.spentOn, amountCents: campaignCosts.amountCents });
    if (!gone) return apiError(c, 404, "No such cost");
    const campaign = await db.query.campaigns.findFirst({ columns: { name: true }, where: and(eq(campaigns.tenantId, tenantId), eq(campaigns.id, id)) });
    noteAudit(c, {
      action: "campaign.cost_deleted",
      targetType: "campaign",
      targetId: id,
      summary: `Removed the cost of ${amount(gone.amountCents)} on ${gone.spentOn} from campaign "${campaign?.name ?? id}"`,
      details: { costId: gone.id, spentOn: gone.spentOn, amountCents: gone.amountCents },
    });
    return c.body(null, 204);
  }));

/** A campaign's fields as an audit event names them. */
const CAMPAIGN_FIELDS = { name: "name", channel: "channel", monthlyCostCents: "monthly cost (cents)", startsOn: "start", endsOn: "end" } as const;

function present(r: typeof campaigns.$inferSelect) {
  return { id: r.id, name: r.name, channel: r.channel, monthlyCostCents: r.monthlyCostCents, startsOn: r.startsOn, endsOn: r.endsOn };
}

/** Whether the campaign's end date has passed, today in the tenant's time zone: it takes no more calls. */
function ended(c: C, r: { endsOn: string | null }) {
  return campaignEnded(r.endsOn, Date.now(), c.get("auth").tenant.timeZone);
}

function sameName(db: Db, tenantId: string, name: string) {
  return db.query.campaigns.findFirst({ columns: { id: true }, where: and(eq(campaigns.tenantId, tenantId), eq(campaigns.name, name)) });
}

// Income -------------------------------------------------------------------------------------------

/**
 * Finds the contacts income rows name — by id, else by any of their phones, else by email — with one
 * query per kind of key for the whole file, not one per row.
 */
async function contactsFor(db: Db, tenantId: string, country: string, rows: Record<string, string>[]) {
  const ids = [...new Set(rows.map((v) => v.contact_id).filter((x): x is string => !!x))];
  const phones = new Map(rows.filter((v) => !v.contact_id && v.phone).map((v) => [v.phone!, normalisePhone(v.phone!, country)?.number ?? null]));
  const emails = [...new Set(rows.filter((v) => !v.contact_id && !v.phone && v.email).map((v) => v.email!.toLowerCase()))];
  const byId = new Set<string>();
  for (const part of chunks(ids)) for (const r of await db.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.tenantId, tenantId), inArray(contacts.id, part)))) byId.add(r.id);
  const byPhone = new Map<string, string>();
  const numbers = [...new Set([...phones.values()].filter((n): n is string => !!n))];
  for (const part of chunks(numbers)) {
    const found = await db
      .select({ number: contactPhones.number, contactId: contactPhones.contactId })
      .from(contactPhones)
      .where(and(eq(contactPhones.tenantId, tenantId), inArray(contactPhones.number, part)))
      .orderBy(contactPhones.createdAt);
    // The contact who has had the number longest, as for a call.
    for (const r of found) if (!byPhone.has(r.number)) byPhone.set(r.number, r.contactId);
  }
  const byEmail = new Map<string, string>();
  for (const part of chunks(emails)) for (const r of await db.select({ id: contacts.id, email: contacts.email }).from(contacts).where(and(eq(contacts.tenantId, tenantId), inArray(contacts.email, part)))) byEmail.set(r.email!, r.id);
  return (v: Record<string, string>) => {
    if (v.contact_id) return byId.has(v.contact_id) ? v.contact_id : null;
    if (v.phone) {
      const number = phones.get(v.phone);
      return number ? (byPhone.get(number) ?? null) : null;
    }
    return v.email ? (byEmail.get(v.email.toLowerCase()) ?? null) : null;
  };
}

export const incomeRoutes = lazy(() => new Hono<AppEnv>()
  .get("/", validate("query", incomeListQuery), async (c) => {
    const { tenant } = c.get("auth");
    const q = c.req.valid("query");
    const filters = [eq(income.tenantId, tenant.id)];
    if (q.contactId) filters.push(eq(income.contactId, q.contactId));
    if (q.from) filters.push(gte(income.receivedOn, q.from));
    if (q.to) filters.push(lte(income.receivedOn, q.to));
    const rows = await getDb(c.env.DB)
      .select({ id: income.id, contactId: income.contactId, contactName: contacts.name, amountCents: income.amountCents, receivedOn: income.receivedOn, reference: income.reference, callId: income.callId })
      .from(income)
      .innerJoin(contacts, eq(contacts.id, income.contactId))
      .where(and(...filters))
      .orderBy(desc(income.receivedOn), desc(income.createdAt))
      .limit(q.limit)
      .offset(q.offset);
    return c.json({ items: rows });
  })
  .post("/", validate("json", incomeInput), async (c) => {
    const { tenant } = c.get("auth");
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const contact = await db.query.contacts.findFirst({ columns: { name: true }, where: and(eq(contacts.tenantId, tenant.id), eq(contacts.id, body.contactId)) });
    if (!contact)
      return apiError(c, 400, "Invalid json: contactId: no such contact", [{ path: "contactId", message: "no such contact" }]);
    if (body.callId && !(await isTenantCall(c.env, tenant.id, body.callId))) return apiError(c, 400, "Invalid json: callId: no such call", [{ path: "callId", message: "no such call" }]);
    if (body.reference && (await db.query.income.findFirst({ columns: { id: true }, where: and(eq(income.tenantId, tenant.id), eq(income.reference, body.reference)) })))
      return apiError(c, 409, `Income with reference ${body.reference} is recorded already`);
    const [row] = await db.insert(income).values({ ...body, id: crypto.randomUUID(), tenantId: tenant.id, callId: body.callId ?? null }).returning();
    noteAudit(c, {
      action: "income.recorded",
      targetType: "income",
      targetId: row!.id,
      summary: `Recorded income of ${amount(row!.amountCents)} from ${contact.name} on ${row!.receivedOn}${row!.reference ? ` (${row!.reference})` : ""}`,
      details: { contactId: row!.contactId, amountCents: row!.amountCents, receivedOn: row!.receivedOn, reference: row!.reference, callId: row!.callId },
    });
    return c.json(row, 201);
  })
  .patch("/:id", validate("param", idParam), validate("json", incomeUpdate), async (c) => {
    const { tenant } = c.get("auth");
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const before = await db.query.income.findFirst({ where: and(eq(income.tenantId, tenant.id), eq(income.id, id)) });
    if (!before) return apiError(c, 404, "No such income");
    const contact = await db.query.contacts.findFirst({ columns: { name: true }, where: and(eq(contacts.tenantId, tenant.id), eq(contacts.id, body.contactId ?? before.contactId)) });
    if (!contact) return apiError(c, 400, "Invalid json: contactId: no such contact", [{ path: "contactId", message: "no such contact" }]);
    if (body.callId && !(await isTenantCall(c.env, tenant.id, body.callId))) return apiError(c, 400, "Invalid json: callId: no such call", [{ path: "callId", message: "no such call" }]);
    if (body.reference) {
      const twin = await db.query.income.findFirst({ columns: { id: true }, where: and(eq(income.tenantId, tenant.id), eq(income.reference, body.reference)) });
      if (twin && twin.id !== id) return apiError(c, 409, `Income with reference ${body.reference} is recorded already`);
    }
    const [row] = await db.update(income).set(body).where(and(eq(income.tenantId, tenant.id), eq(income.id, id))).returning();
    if (!row) return apiError(c, 404, "No such income");
    const { changes, text } = changesOf(before, row, INCOME_FIELDS);
    noteAudit(c, {
      action: "income.updated",
      targetType: "income",
      targetId: id,
      summary: `Changed income of ${amount(before.amountCents)} from ${contact.name} received ${before.receivedOn}: ${text}`,
      details: { changes },
    });
    return c.json({ ...row, contactName: contact.name });
  })
  .delete("/:id", validate("param", idParam), async (c) => {
    const [gone] = await getDb(c.env.DB)
      .delete(income)
      .where(and(eq(income.tenantId, c.get("auth").tenant.id), eq(income.id, c.req.valid("param").id)))
      .returning({ id: income.id, amountCents: income.amountCents, receivedOn: income.receivedOn, reference: income.reference, contactId: income.contactId });
    if (!gone) return apiError(c, 404, "No such income");
    noteAudit(c, { action: "income.deleted", targetType: "income", targetId: gone.id, summary: `Deleted income of ${amount(gone.amountCents)} received ${gone.receivedOn}${gone.reference ? ` (${gone.reference})` : ""}`, details: gone });
    return c.body(null, 204);
  })
  /**
   * CSV with a header: contact_id, phone or email (to find the contact), amount, date (YYYY-MM-DD),
   * reference. Good rows are recorded together; each refused row is listed with its line and why.
   * With ?atomic=true a single bad row refuses the whole file.
   */
  .post("/import", async (c) => {
    const { tenant } = c.get("auth");
    const body = await csvBody(c);
    if ("refused" in body) return body.refused;
    const db = getDb(c.env.DB);
    const refused: { line: number; reason: string }[] = [];
    const good: (typeof income.$inferInsert)[] = [];
    const references = new Set<string>();
    const contactOf = await contactsFor(db, tenant.id, tenant.defaultCountry, body.rows.map((r) => r.values));
    // References already recorded, asked in chunks: D1 binds at most 100 values per statement.
    const existing = new Set<string | null>();
    for (const part of chunks([...new Set(body.rows.map((r) => r.values.reference ?? "").filter(Boolean))])) {
      for (const r of await db.select({ r: income.reference }).from(income).where(and(eq(income.tenantId, tenant.id), inArray(income.reference, part)))) existing.add(r.r);
    }
    for (const { line, values } of body.rows) {
      const amount = parseAmount(values.amount ?? "");
      const date = values.date ?? "";
      const reference = values.reference || null;
      const why = (() => {
        if (!values.contact_id && !values.phone && !values.email) return "no contact_id, phone or email to find the contact by";
        if (amount === null) return `amount "${values.amount ?? ""}" is not an amount`;
        if (amount === 0) return "amount is zero";
        if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) return `date "${date}" is not a date like 2026-11-21`;
        if (reference && (existing.has(reference) || references.has(reference))) return `reference ${reference} is recorded already`;
        return null;
      })();
      if (why) {
        refused.push({ line, reason: why });
        continue;
      }
      const contactId = contactOf(values);
      if (!contactId) {
        refused.push({ line, reason: "no contact matches it" });
        continue;
      }
      if (reference) references.add(reference);
      good.push({ id: crypto.randomUUID(), tenantId: tenant.id, contactId, amountCents: amount!, receivedOn: date, reference });
    }
    const atomic = c.req.query("atomic") === "true";
    if (atomic && refused.length) {
      // A 400 like every other: `error` says why; the import's own fields say which rows.
      const message = `Nothing imported: ${refused.length} row${refused.length === 1 ? "" : "s"} refused`;
      return c.json({ error: `${message} (line ${refused[0]!.line}: ${refused[0]!.reason})`, imported: 0, refused, message }, 400);
    }
    await insertInBatches(db, income, good);
    const total = good.reduce((sum, r) => sum + r.amountCents, 0);
    noteAudit(c, {
      action: "income.imported",
      targetType: "income",
      summary: `Imported ${plural(good.length, "income row")} totalling ${amount(total)} from CSV${refused.length ? `; refused ${plural(refused.length, "row")}` : ""}`,
      details: { imported: good.length, refused: refused.length, totalCents: total },
    });
    return c.json({ imported: good.length, refused, message: summary(good.length, refused.length) });
  }));

/** Income's fields as an audit event names them. */
const INCOME_FIELDS = { contactId: "contact", amountCents: "amount (cents)", receivedOn: "received on", reference: "reference", callId: "call" } as const;

function summary(imported: number, refused: number) {
  return refused ? `Imported ${imported} row${imported === 1 ? "" : "s"}; refused ${refused} (see refused)` : `Imported ${imported} row${imported === 1 ? "" : "s"}`;
}

/** Inserts all rows in one D1 batch (all or nothing), in statements within D1's 100 bound values. */
async function insertInBatches<T extends typeof income | typeof contacts | typeof contactPhones>(db: Db, table: T, rows: T["$inferInsert"][]) {
  if (rows.length === 0) return;
  const perStatement = Math.max(1, Math.floor(90 / Object.keys(rows[0]!).length));
  const statements = chunks(rows, perStatement).map((part) => db.insert(table).values(part as never));
  await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
}

// Contacts from CSV ---------------------------------------------------------------------------------

/**
 * CSV with a header: name, kind (customer, vendor, employee or lead; customer if empty), company,
 * email, notes, tags (separated by ;), and phones in columns phone, main, mobile, work, other.
 */
export const contactImportRoutes = lazy(() => new Hono<AppEnv>().post("/", async (c) => {
  const { tenant } = c.get("auth");
  const body = await csvBody(c);
  if ("refused" in body) return body.refused;
  const db = getDb(c.env.DB);
  const refused: { line: number; reason: string }[] = [];
  const contactRows: (typeof contacts.$inferInsert)[] = [];
  const phoneRows: (typeof contactPhones.$inferInsert)[] = [];
  const now = Date.now();
  for (const { line, values } of body.rows) {
    const kind = (values.kind || "customer").toLowerCase();
    if (!values.name) {
      refused.push({ line, reason: "no name" });
      continue;
    }
    if (!(CONTACT_KINDS as readonly string[]).includes(kind)) {
      refused.push({ line, reason: `kind "${values.kind}" is not one of ${CONTACT_KINDS.join(", ")}` });
      continue;
    }
    const typed = ["phone", ...PHONE_LABELS].flatMap((col) => (values[col] ? [{ label: (col === "phone" ? "main" : col) as NormalisedPhoneInput["label"], number: values[col]! }] : []));
    const { phones, issues } = normalisePhoneInputs(typed, tenant.defaultCountry);
    if (issues.length) {
      refused.push({ line, reason: issues.map((i) => i.message).join("; ") });
      continue;
    }
    const id = crypto.randomUUID();
    contactRows.push({
      id,
      tenantId: tenant.id,
      kind: kind as ContactKind,
      name: values.name.slice(0, 200),
      company: values.company || null,
      email: values.email?.toLowerCase() || null,
      notes: values.notes || null,
      tags: values.tags ? [...new Set(values.tags.split(";").map((t) => t.trim()).filter(Boolean))] : [],
      createdAt: now,
      updatedAt: now,
    });
    phones.forEach((p, i) => phoneRows.push({ id: crypto.randomUUID(), tenantId: tenant.id, contactId: id, ...p, createdAt: now + i }));
  }
  await insertInBatches(db, contacts, contactRows);
  await insertInBatches(db, contactPhones, phoneRows);
  // A few new contacts are matched one by one; a big import rebuilds the Switchboard's caller index.
  if (contactRows.length) await contactsChanged(c, contactRows.length <= 500 ? contactRows.map((r) => r.id) : null);
  noteAudit(c, {
    action: "contacts.imported",
    targetType: "contact",
    summary: `Imported ${plural(contactRows.length, "contact")} from CSV${refused.length ? `; refused ${plural(refused.length, "row")}` : ""}`,
    details: { imported: contactRows.length, phones: phoneRows.length, refused: refused.length },
  });
  return c.json({ imported: contactRows.length, refused, message: summary(contactRows.length, refused.length) });
}));

// Reports --------------------------------------------------------------------------------------------

export const money = (cents: number | null) => (cents === null ? "" : (cents / 100).toFixed(2));
const pct = (x: number | null) => (x === null ? "" : (x * 100).toFixed(1));

export const reportRoutes = lazy(() => new Hono<AppEnv>()
  .get("/campaigns", validate("query", reportQuery), async (c) => {
    const { from, to } = c.req.valid("query");
    await settledCallLog(c.env, c.get("auth").tenant.id);
    return c.json(await campaignReport(getDb(c.env.DB), c.get("auth").tenant.id, from, to));
  })
  .get("/campaigns.csv", validate("query", reportQuery), async (c) => {
    const { from, to } = c.req.valid("query");
    await settledCallLog(c.env, c.get("auth").tenant.id);
    const report = await campaignReport(getDb(c.env.DB), c.get("auth").tenant.id, from, to);
    const columns = ["campaign", "channel", "calls", "unique_callers", "first_time_callers", "answered_rate_pct", "average_talk_seconds", "new_contacts", "new_customers", "income", "cost", "roi_pct", "cost_per_call", "cost_per_new_customer"];
    const rows = report.campaigns.map((l) => ({
      campaign: l.name,
      channel: l.channel,
      calls: l.calls,
      unique_callers: l.uniqueCallers,
      first_time_callers: l.firstTimeCallers,
      answered_rate_pct: pct(l.answeredRate),
      average_talk_seconds: l.averageTalkSeconds,
      new_contacts: l.newContacts,
      new_customers: l.newCustomers,
      income: money(l.incomeCents),
      cost: money(l.costCents),
      roi_pct: pct(l.roi),
      cost_per_call: money(l.costPerCallCents),
      cost_per_new_customer: money(l.costPerNewCustomerCents),
    }));
    return c.body(await toCsv(rows, columns), 200, { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="campaigns-${from}-to-${to}.csv"` });
  }));

// Settings ----------------------------------------------------------------------------------------------

/** The business's settings as GET and PATCH /api/tenant answer them. */
function tenantView(t: typeof tenants.$inferSelect) {
  return { id: t.id, slug: t.slug, name: t.name, timeZone: t.timeZone, defaultCountry: t.defaultCountry, attributionWindowDays: t.attributionWindowDays, siteOrigins: t.siteOrigins, crmUrlTemplate: t.crmUrlTemplate };
}

export const tenantRoutes = lazy(() => new Hono<AppEnv>()
  .get("/", async (c) => {
    const t = (await getDb(c.env.DB).query.tenants.findFirst({ where: eq(tenants.id, c.get("auth").tenant.id) }))!;
    return c.json(tenantView(t));
  })
  .patch("/", validate("json", tenantUpdate), async (c) => {
    const db = getDb(c.env.DB);
    const before = (await db.query.tenants.findFirst({ where: eq(tenants.id, c.get("auth").tenant.id) }))!;
    const [t] = await db.update(tenants).set(c.req.valid("json")).where(eq(tenants.id, c.get("auth").tenant.id)).returning();
    await c.env.Switchboard.getByName(t!.id).routingChanged();
    const { changes, text } = changesOf(before, c.req.valid("json"), { name: "business name", timeZone: "time zone", defaultCountry: "country", attributionWindowDays: "attribution window (days)", crmUrlTemplate: "CRM link", siteOrigins: "website origins" });
    noteAudit(c, { action: "tenant.updated", targetType: "tenant", targetId: t!.id, summary: `Changed settings: ${text}`, details: { changes } });
    return c.json(tenantView(t!));
  }));
