/**
 * `npm run admin`, as an operator runs it, against a local D1 state folder of its own (migrated
 * here, removed after): the rows create-tenant writes (tenant, admin with no usable password,
 * sandbox account sealed with the local SECRETS_KEY, a reset link kept as its hash, an operator's
 * audit event), a second run with the same email refused in one line, and reset-link. Each run is
 * a wrangler start or two (seconds each): few runs, one state folder.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devVar, ROOT, TOOL_ENV, WRANGLER } from "../../scripts/lib.ts";
import { decryptSecret, sha256Hex, verifyPassword } from "../../worker/lib/crypto.ts";

const ADMIN = join(ROOT, "scripts", "admin.ts");
let state: string;

type Run = { code: number; stdout: string; stderr: string };
function node(args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd: ROOT, env: TOOL_ENV, timeout: 90_000 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const admin = (...args: string[]) => node([ADMIN, ...args, "--persist-to", state]);

async function rows(sql: string): Promise<Record<string, unknown>[][]> {
  const run = await node([WRANGLER, "d1", "execute", "DB", "--local", "--persist-to", state, "--json", "--command", sql]);
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { results: Record<string, unknown>[] }[]).map((r) => r.results);
}

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), "switchboard-admin-cli-"));
  const migrated = await node([WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
  expect(migrated.code, migrated.stderr).toBe(0);
}, 120_000);

afterAll(() => {
  rmSync(state, { recursive: true, force: true });
});

describe("npm run admin", () => {
  let token: string;

  it("create-tenant: the tenant, its admin with no password yet, a sandbox account, a reset link kept as a hash, an audit event", async () => {
    const run = await admin("create-tenant", "--business", "Acme Plumbing & Heating", "--email", "Owner@Acme.test", "--name", "Olive Owner", "--time-zone", "America/Chicago", "--url", "https://switchboard.example.com/");
    expect(run.code, run.stderr).toBe(0);
    const link = /^https:\/\/switchboard\.example\.com\/#\/reset\/([\w-]{40,})$/m.exec(run.stdout);
    expect(link, run.stdout).not.toBeNull();
    token = link![1]!;

    const [tenants, users, accounts, resets, events] = await rows(
      "select id, slug, name, time_zone, default_country from tenants; select id, tenant_id, email, name, role, password_hash from users; select tenant_id, provider, external_id, credentials_encrypted, sandbox from provider_accounts; select tenant_id, user_id, token_hash, created_by, expires_at - created_at as ttl, used_at from password_resets; select tenant_id, actor_type, actor_id, action, target_id, summary from audit_events",
    );
    expect(tenants).toEqual([{ id: expect.stringMatching(/^tnt_/), slug: "acme-plumbing-heating", name: "Acme Plumbing & Heating", time_zone: "America/Chicago", default_country: "US" }]);
    const tenantId = tenants![0]!.id;
    expect(users).toEqual([{ id: expect.stringMatching(/^usr_/), tenant_id: tenantId, email: "owner@acme.test", name: "Olive Owner", role: "admin", password_hash: expect.any(String) }]);
    // No password opens the account until the link sets one.
    for (const guess of ["", "none", "set from a reset link", String(users![0]!.password_hash)]) expect(await verifyPassword(guess, String(users![0]!.password_hash))).toBe(false);

    expect(accounts).toHaveLength(1);
    expect(accounts![0]).toMatchObject({ tenant_id: tenantId, provider: "twilio", sandbox: 1 });
    const credentials = JSON.parse(await decryptSecret(String(accounts![0]!.credentials_encrypted), devVar("SECRETS_KEY")!)) as { accountSid: string };
    expect(credentials.accountSid).toBe(accounts![0]!.external_id);

    expect(resets).toEqual([{ tenant_id: tenantId, user_id: users![0]!.id, token_hash: await sha256Hex(token), created_by: "operator", ttl: 7 * 24 * 60 * 60 * 1000, used_at: null }]);
    expect(JSON.stringify([tenants, users, accounts, resets, events])).not.toContain(token);
    expect(events).toEqual([{ tenant_id: tenantId, actor_type: "operator", actor_id: null, action: "tenant.created", target_id: tenantId, summary: expect.stringContaining("owner@acme.test") }]);
  }, 90_000);

  it("refuses a second tenant with the same email, in one line, and writes nothing", async () => {
    const run = await admin("create-tenant", "--business", "Acme Again", "--email", "owner@ACME.test");
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^admin: owner@acme\.test is already a user's email; for a new link: npm run admin -- reset-link --email owner@acme\.test$/);
    const [tenants] = await rows("select count(*) as n from tenants");
    expect(tenants).toEqual([{ n: 1 }]);
  }, 60_000);

  it("refuses missing or bad flags before it touches the database", async () => {
    for (const [args, said] of [
      [["create-tenant", "--email", "new@acme.test"], "admin: --business is required"],
      [["create-tenant", "--business", "X", "--email", "not-an-email"], "admin: --email: must be an email address"],
      [["create-tenant", "--business", "X", "--email", "x@acme.test", "--time-zone", "Mars/Olympus"], "admin: --time-zone: must be an IANA time zone like America/Los_Angeles"],
    ] as const) {
      const run = await admin(...args);
      expect([run.code, run.stderr.trim()]).toEqual([1, said]);
    }
  }, 30_000);

  it("reset-link: a new one-time link for the user, and an audit event", async () => {
    const run = await admin("reset-link", "--email", "owner@acme.test");
    expect(run.code, run.stderr).toBe(0);
    const fresh = /^http:\/\/127\.0\.0\.1:8787\/#\/reset\/([\w-]{40,})$/m.exec(run.stdout)![1]!;
    expect(fresh).not.toBe(token);
    const [resets, events] = await rows("select token_hash from password_resets order by created_at; select action from audit_events order by at");
    expect(resets).toEqual([{ token_hash: await sha256Hex(token) }, { token_hash: await sha256Hex(fresh) }]);
    expect(events).toEqual([{ action: "tenant.created" }, { action: "user.reset_link_created" }]);
  }, 60_000);
});
