/**
 * Provider accounts, one per provider per tenant: `GET /api/provider-accounts`,
 * `GET|PUT|DELETE /api/provider-accounts/:provider`, and `POST /api/provider-accounts/:provider/test`
 * (do these credentials, or the saved ones, work at the provider?). The credentials are the provider
 * adapter's (its zod schema checks them); they go in encrypted and never come out: only what the
 * adapter may show (an account id, never a token), in answers and in the audit log alike.
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { and, eq } from "drizzle-orm";
import * as z from "zod/mini";
import { getDb } from "../../schema/d1.ts";
import { providerAccounts, trackingNumbers, users } from "../../schema/db.ts";
import type { AppEnv } from "../env.ts";
import { encryptSecret, verifyPassword } from "../lib/crypto.ts";
import { apiError } from "../lib/errors.ts";
import { refuseInvalid, validate } from "../lib/validate.ts";
import { adapterOf, credentialsOf, providerIds } from "../providers/index.ts";
import { noteAudit } from "../audit/note.ts";
import { lazy } from "../../schema/lazy.ts";

type C = Context<AppEnv>;
type Row = typeof providerAccounts.$inferSelect;

const providerParam = lazy(() => z.object({ provider: z.enum(providerIds, "must be a provider Switchboard speaks") }));
/**
 * Not credentials: whether numbers come from the sandbox's fictional range instead of the provider,
 * and, from a user's session, that user's current password, which confirms the change.
 */
const settings = lazy(() => z.object({ sandbox: z._default(z.boolean(), false), currentPassword: z.optional(z.string().check(z.maxLength(200))) }));

async function present(c: C, row: Row) {
  const adapter = adapterOf(row.provider);
  let shown: Record<string, string> = {};
  try {
    if (adapter) shown = adapter.describe(await credentialsOf(adapter, row, c.env.SECRETS_KEY));
  } catch (err) {
    console.error("cannot open the credentials of provider account", row.id, err);
  }
  return { id: row.id, provider: row.provider, accountId: row.externalId, ...shown, sandbox: row.sandbox, createdAt: row.createdAt, updatedAt: row.updatedAt, updatedBy: row.updatedBy };
}

const scope = (c: C, provider: string) => and(eq(providerAccounts.tenantId, c.get("auth").tenant.id), eq(providerAccounts.provider, provider as Row["provider"]));

export const providerAccountRoutes = lazy(() => new Hono<AppEnv>()
  .get("/", async (c) => {
    const rows = await getDb(c.env.DB).select().from(providerAccounts).where(eq(providerAccounts.tenantId, c.get("auth").tenant.id));
    return c.json({ items: await Promise.all(rows.map((r) => present(c, r))) });
  })
  .get("/:provider", validate("param", providerParam), async (c) => {
    const { provider } = c.req.valid("param");
    const row = await getDb(c.env.DB).query.providerAccounts.findFirst({ where: scope(c, provider) });
    return row ? c.json(await present(c, row)) : apiError(c, 404, `No ${adapterOf(provider)!.name} account`);
  })
  .put("/:provider", validate("param", providerParam), async (c) => {
    const { tenant } = c.get("auth");
    const adapter = adapterOf(c.req.valid("param").provider)!;
    // The credentials are the provider's: its adapter's schema reads them, beside our own settings.
    const body = z.intersection(adapter.credentials, settings).safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) return refuseInvalid(c, "json", body.error);
    const db = getDb(c.env.DB);
    // Whoever holds a session may not re-point the tenant's calls without knowing its password.
    const auth = c.get("auth");
    if (auth.via === "session") {
      const user = await db.query.users.findFirst({ columns: { passwordHash: true }, where: eq(users.id, auth.user.id) });
      if (!body.data.currentPassword || !user || !(await verifyPassword(body.data.currentPassword, user.passwordHash))) {
        return apiError(c, 403, "Confirm the change with your current password (currentPassword)");
      }
    }
    const credentials = adapter.credentials.parse(body.data);
    const values = {
      externalId: adapter.accountOf(credentials),
      credentialsEncrypted: await encryptSecret(JSON.stringify(credentials), c.env.SECRETS_KEY),
      sandbox: body.data.sandbox,
      updatedAt: Date.now(),
      updatedBy: auth.via === "session" ? auth.user.name : `API key ${auth.apiKey.name}`,
    };
    const existing = await db.query.providerAccounts.findFirst({ columns: { id: true, externalId: true, sandbox: true }, where: scope(c, adapter.id) });
    const [row] = existing
      ? await db.update(providerAccounts).set(values).where(eq(providerAccounts.id, existing.id)).returning()
      : await db.insert(providerAccounts).values({ ...values, id: crypto.randomUUID(), tenantId: tenant.id, provider: adapter.id }).returning();
    const kind = values.sandbox ? `${adapter.name} sandbox account` : `${adapter.name} account`;
    const what = !existing
      ? `Connected the ${kind} ${values.externalId}`
      : existing.externalId !== values.externalId
        ? `Changed the ${kind}: ${existing.externalId} → ${values.externalId}`
        : `Changed the credentials of the ${kind} ${values.externalId}`;
    noteAudit(c, {
      action: existing ? "provider_account.changed" : "provider_account.connected",
      targetType: "provider-account",
      targetId: row!.id,
      summary: `${what}${existing && existing.sandbox !== values.sandbox ? ` (sandbox ${existing.sandbox ? "on → off" : "off → on"})` : ""}`,
      // The account's id at the provider, never its credentials.
      details: { provider: adapter.id, accountId: values.externalId, sandbox: values.sandbox, ...(existing ? { previous: { accountId: existing.externalId, sandbox: existing.sandbox } } : {}) },
    });
    return c.json(await present(c, row!));
  })
  .delete("/:provider", validate("param", providerParam), async (c) => {
    const db = getDb(c.env.DB);
    const { provider } = c.req.valid("param");
    const row = await db.query.providerAccounts.findFirst({ where: scope(c, provider) });
    if (!row) return apiError(c, 404, `No ${adapterOf(provider)!.name} account`);
    const numbers = await db.select({ number: trackingNumbers.number }).from(trackingNumbers).where(eq(trackingNumbers.providerAccountId, row.id));
    if (numbers.length) return apiError(c, 409, `Tracking numbers still take calls through this account: ${numbers.map((n) => n.number).join(", ")}. Delete them first.`);
    await db.delete(providerAccounts).where(eq(providerAccounts.id, row.id));
    noteAudit(c, {
      action: "provider_account.removed",
      targetType: "provider-account",
      targetId: row.id,
      summary: `Removed the ${adapterOf(provider)!.name}${row.sandbox ? " sandbox" : ""} account ${row.externalId}`,
      details: { provider, accountId: row.externalId, sandbox: row.sandbox },
    });
    return c.json({ deleted: row.provider });
  })
  /**
   * Tries credentials at the provider: those in the body (the adapter's fields, as for PUT), or the
   * saved account's when there is no body. Always 200 when the question could be asked: `ok` says
   * whether the provider took them, `error` why not, for the admin to read. A sandbox account is
   * never called: it answers ok.
   */
  .post("/:provider/test", validate("param", providerParam), async (c) => {
    const adapter = adapterOf(c.req.valid("param").provider)!;
    const text = await c.req.text();
    let credentials: unknown;
    let sandbox: boolean;
    if (text.trim() === "") {
      const row = await getDb(c.env.DB).query.providerAccounts.findFirst({ where: scope(c, adapter.id) });
      if (!row) return apiError(c, 404, `No ${adapter.name} account saved: send the credentials to test`);
      sandbox = row.sandbox;
      try {
        credentials = await credentialsOf(adapter, row, c.env.SECRETS_KEY);
      } catch (err) {
        console.error("cannot open the credentials of provider account", row.id, err);
        return c.json({ ok: false, error: `The saved ${adapter.name} credentials cannot be read: save them again` });
      }
    } else {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return apiError(c, 400, "Malformed JSON in request body");
      }
      // The form PUT takes, so the dashboard can test before it saves (the password is not needed to test).
      const body = z.intersection(adapter.credentials, settings).safeParse(json);
      if (!body.success) return refuseInvalid(c, "json", body.error);
      credentials = adapter.credentials.parse(body.data);
      sandbox = body.data.sandbox;
    }
    // A sandbox account's numbers are fictional and it is never called: there is nothing to test.
    if (sandbox) return c.json({ ok: true, account: `${adapter.accountOf(credentials)} (sandbox: not called)` });
    if (!adapter.check) return c.json({ ok: true, account: `${adapter.name}: nothing to call (Switchboard checks the secret on every event it sends)` });
    return c.json(await adapter.check(credentials));
  }));
