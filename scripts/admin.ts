/**
 * `npm run admin -- <command>`: the operator's tools, for a private deployment where sign-up is
 * closed (SIGNUP = "closed"). The SQL goes through `wrangler d1 execute DB --local` (the database
 * `npm run dev` serves; no network) or `--remote` (the deployed one).
 *
 *   create-tenant --business "Acme Plumbing" --email owner@acme.test [--name "Owner"]
 *                 [--time-zone America/Chicago] [--country US] [--url https://switchboard.example.com]
 *     A tenant (its slug made as sign-up makes it), its first admin with no password yet, a sandbox
 *     Twilio account as sign-up gives (its credentials sealed with SECRETS_KEY: .dev.vars locally; the
 *     SECRETS_KEY environment variable with --remote, else none is made), an audit event, and a
 *     one-time link, valid 7 days, for the admin to set a password: `<url>/#/reset/<token>`.
 *   reset-link --email owner@acme.test [--url …]
 *     A new one-time link for an existing user.
 *
 * Either takes --remote, or --persist-to DIR for local state kept elsewhere (as `npm run dev` takes
 * it). Bad flags, or an email already in use, are one line and exit 1.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { signupBody } from "../schema/api.ts";
import { firstFreeSlug, sandboxTwilioCredentials, slugOf } from "../worker/auth/new-tenant.ts";
import { encryptSecret, NO_PASSWORD, randomToken, sha256Hex } from "../worker/lib/crypto.ts";
import { ensureDevVars, ROOT, TOOL_ENV, WRANGLER } from "./lib.ts";

const RESET_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const OPERATOR = "Operator (npm run admin)";

/** Refused: one line for the operator, exit 1, never a stack trace. */
class Refusal extends Error {}

// Flags ---------------------------------------------------------------------------------------------

const where = z.object({
  remote: z.boolean().default(false),
  "persist-to": z.string().min(1).optional(),
  url: z
    .url({ protocol: /^https?$/, error: "must be the dashboard's address, like https://switchboard.example.com" })
    .default("http://127.0.0.1:8787")
    .transform((u) => u.replace(/\/+$/, "")),
});

const createTenantFlags = where.extend({
  business: signupBody.shape.business,
  email: signupBody.shape.email,
  name: z._default(signupBody.shape.name, "Admin"),
  "time-zone": signupBody.shape.timeZone,
  country: signupBody.shape.country,
});

const resetLinkFlags = where.extend({ email: signupBody.shape.email });

const OPTIONS = {
  business: { type: "string" },
  email: { type: "string" },
  name: { type: "string" },
  "time-zone": { type: "string" },
  country: { type: "string" },
  url: { type: "string" },
  remote: { type: "boolean" },
  "persist-to": { type: "string" },
} as const;

function flags<T extends z.ZodType>(schema: T, args: string[]): z.infer<T> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new Refusal((err as Error).message);
  }
  const known = Object.keys((schema as unknown as z.ZodObject).shape);
  const stray = Object.keys(values).find((k) => !known.includes(k));
  if (stray) throw new Refusal(`--${stray} is not a flag of this command`);
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = String(issue.path[0] ?? "");
    throw new Refusal(issue.code === "invalid_type" && values[flag] === undefined ? `--${flag} is required` : `--${flag}: ${issue.message}`);
  }
  const data = parsed.data as { remote: boolean; "persist-to"?: string };
  if (data.remote && data["persist-to"]) throw new Refusal("--persist-to is for the local database; --remote has none");
  return parsed.data;
}

// The database, through wrangler ----------------------------------------------------------------------

type Where = z.infer<typeof where>;

function wrangler(to: Where, args: string[]): Promise<string> {
  const target = to.remote ? ["--remote", "--yes"] : ["--local", ...(to["persist-to"] ? ["--persist-to", resolve(to["persist-to"])] : [])];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [WRANGLER, "d1", "execute", "DB", ...target, "--json", ...args], { cwd: ROOT, env: TOOL_ENV, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", fail);
    child.on("exit", (code) => {
      if (code === 0) return done(out);
      // wrangler's own words, in its JSON error when it gives one.
      const said = /"text":\s*"([^"]+)"/.exec(out)?.[1] ?? (err.trim().split("\n").find((l) => /error|✘/i.test(l)) || err.trim() || out.trim()).slice(0, 300);
      fail(new Refusal(`wrangler d1 execute failed: ${said}`));
    });
  });
}

/** The rows of each statement of `sql`, read (nothing written). */
async function query(to: Where, sql: string): Promise<Record<string, unknown>[][]> {
  const out = await wrangler(to, ["--command", sql]);
  const parsed = z.array(z.object({ results: z.array(z.record(z.string(), z.unknown())).default([]) })).safeParse(JSON.parse(out.slice(out.indexOf("["))));
  if (!parsed.success) throw new Refusal("wrangler d1 execute answered in a way this script does not understand");
  return parsed.data.map((r) => r.results);
}

/** Runs the statements from a file: wrangler takes a file whole. */
async function execute(to: Where, statements: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-admin-"));
  try {
    const file = join(dir, "admin.sql");
    writeFileSync(file, `${statements.join(";\n")};\n`);
    await wrangler(to, ["--file", file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A value as an SQL literal: text quoted (quotes doubled), numbers as they are, null as NULL. */
function lit(value: string | number | boolean | null) {
  if (value === null) return "NULL";
  if (typeof value === "number") return String(Math.trunc(value));
  if (typeof value === "boolean") return value ? "1" : "0";
  return `'${value.replaceAll("'", "''")}'`;
}

function insert(table: string, row: Record<string, string | number | boolean | null>) {
  return `INSERT INTO ${table} (${Object.keys(row).join(", ")}) VALUES (${Object.values(row).map(lit).join(", ")})`;
}

/** A one-time link: the token goes to the operator only; its SHA-256 is kept (as a session's is). */
async function resetRow(tenantId: string, userId: string, now: number) {
  const token = randomToken(32);
  const row = insert("password_resets", { id: `rst_${crypto.randomUUID()}`, tenant_id: tenantId, user_id: userId, token_hash: await sha256Hex(token), created_by: "operator", created_at: now, expires_at: now + RESET_TTL_MS });
  return { token, row };
}

function auditRow(tenantId: string, now: number, event: { action: string; targetType: string; targetId: string; summary: string; details: Record<string, unknown> }) {
  return insert("audit_events", {
    id: `aud_${crypto.randomUUID()}`,
    tenant_id: tenantId,
    at: now,
    actor_type: "operator",
    actor_id: null,
    actor_name: OPERATOR,
    action: event.action,
    target_type: event.targetType,
    target_id: event.targetId,
    summary: event.summary,
    details: JSON.stringify(event.details),
  });
}

// Commands ------------------------------------------------------------------------------------------

async function createTenant(args: string[]) {
  const f = flags(createTenantFlags, args);
  const base = slugOf(f.business);
  const [used, slugs] = await query(f, `SELECT id FROM users WHERE email = ${lit(f.email)}; SELECT slug FROM tenants WHERE slug = ${lit(base)} OR slug LIKE ${lit(`${base}-%`)}`);
  if (used!.length) throw new Refusal(`${f.email} is already a user's email; for a new link: npm run admin -- reset-link --email ${f.email}`);
  const slug = firstFreeSlug(base, new Set(slugs!.map((s) => String(s.slug))));

  // The key the Worker opens provider credentials with: .dev.vars locally; the deployed secret's value must be given.
  const secretsKey = f.remote ? (process.env.SECRETS_KEY ?? null) : ensureDevVars();
  const now = Date.now();
  const tenantId = `tnt_${crypto.randomUUID()}`;
  const userId = `usr_${crypto.randomUUID()}`;
  const statements = [
    insert("tenants", { id: tenantId, slug, name: f.business, ...(f["time-zone"] ? { time_zone: f["time-zone"] } : {}), ...(f.country ? { default_country: f.country } : {}) }),
    insert("users", { id: userId, tenant_id: tenantId, email: f.email, name: f.name, role: "admin", password_hash: NO_PASSWORD }),
  ];
  if (secretsKey) {
    const credentials = sandboxTwilioCredentials();
    statements.push(
      insert("provider_accounts", { id: `pra_${crypto.randomUUID()}`, tenant_id: tenantId, provider: "twilio", external_id: credentials.accountSid, credentials_encrypted: await encryptSecret(JSON.stringify(credentials), secretsKey), sandbox: true, updated_by: OPERATOR }),
    );
  }
  const reset = await resetRow(tenantId, userId, now);
  statements.push(
    reset.row,
    auditRow(tenantId, now, {
      action: "tenant.created",
      targetType: "tenant",
      targetId: tenantId,
      summary: `The operator created the business "${f.business}" (${slug}) with ${f.name} (${f.email}) as its admin`,
      details: { slug, adminEmail: f.email, adminUserId: userId, sandboxAccount: Boolean(secretsKey) },
    }),
  );
  await execute(f, statements);

  console.log(`Created "${f.business}" (slug ${slug}) with admin ${f.name} <${f.email}>${f.remote ? " in the remote database" : ""}.`);
  console.log(secretsKey ? "A sandbox Twilio account buys fictional numbers until a real provider account is connected." : "No sandbox account: set SECRETS_KEY in the environment to the deployed secret's value for one; or connect a provider account from the dashboard.");
  console.log(`Send the admin this one-time link to set a password (valid 7 days):\n${f.url}/#/reset/${reset.token}`);
}

async function resetLink(args: string[]) {
  const f = flags(resetLinkFlags, args);
  const [found] = await query(f, `SELECT id, tenant_id, name, disabled_at FROM users WHERE email = ${lit(f.email)}`);
  const user = z.object({ id: z.string(), tenant_id: z.string(), name: z.string(), disabled_at: z.number().nullable() }).safeParse(found![0]);
  if (!user.success) throw new Refusal(`No user has the email ${f.email}`);
  const now = Date.now();
  const reset = await resetRow(user.data.tenant_id, user.data.id, now);
  await execute(f, [
    reset.row,
    auditRow(user.data.tenant_id, now, {
      action: "user.reset_link_created",
      targetType: "user",
      targetId: user.data.id,
      summary: `The operator made a password reset link for ${user.data.name} (${f.email})`,
      details: { email: f.email, expiresAt: now + RESET_TTL_MS },
    }),
  ]);
  if (user.data.disabled_at !== null) console.log(`Note: ${f.email} is disabled; the link sets a password, but an admin of the business must enable the user before they can log in.`);
  console.log(`Send ${user.data.name} this one-time link to set a password (valid 7 days):\n${f.url}/#/reset/${reset.token}`);
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = { "create-tenant": createTenant, "reset-link": resetLink };
const USAGE = "usage: npm run admin -- create-tenant --business NAME --email EMAIL [--name NAME] [--time-zone ZONE] [--country CC] [--url URL] [--remote]\n       npm run admin -- reset-link --email EMAIL [--url URL] [--remote]";

const [command, ...rest] = process.argv.slice(2);
const run = command ? COMMANDS[command] : undefined;
if (!run) {
  console.error(command ? `admin: no command "${command}"\n${USAGE}` : USAGE);
  process.exit(1);
}
try {
  await run(rest);
} catch (err) {
  if (!(err instanceof Refusal)) throw err;
  console.error(`admin: ${err.message}`);
  process.exit(1);
}
