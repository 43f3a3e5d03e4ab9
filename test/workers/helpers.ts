/** Test fixtures: real tenants in real local D1, requests through the real Worker. */
import { env, exports } from "cloudflare:workers";
import { tenants, users } from "../../schema/db.ts";
import { getDb } from "../../schema/d1.ts";
import { hashPassword } from "../../worker/lib/crypto.ts";

export const db = () => getDb(env.DB);

let counter = 0;
// Hashing costs 100,000 PBKDF2 rounds; one hash serves every fixture user.
let passwordHash: Promise<string> | undefined;
export const PASSWORD = "correct horse battery staple";

export type TestTenant = { id: string; slug: string; adminEmail: string; agentEmail: string; managerEmail: string; reportingEmail: string };

/** A fresh tenant with a user of each role (admin, manager, agent, reporting), all with PASSWORD. */
export async function createTenant(name = "Tenant"): Promise<TestTenant> {
  const n = ++counter;
  const id = `tnt_${crypto.randomUUID()}`;
  const slug = `${name.toLowerCase().replace(/\W+/g, "-")}-${n}-${id.slice(-6)}`;
  passwordHash ??= hashPassword(PASSWORD);
  const hash = await passwordHash;
  const email = (role: string) => `${role}-${n}-${id.slice(-8)}@${slug}.test`;
  const t = { id, slug, adminEmail: email("admin"), agentEmail: email("agent"), managerEmail: email("manager"), reportingEmail: email("reporting") };
  await db().batch([
    db().insert(tenants).values({ id, slug, name }),
    db()
      .insert(users)
      .values([
        { id: `usr_${crypto.randomUUID()}`, tenantId: id, email: t.adminEmail, name: "Admin", role: "admin", passwordHash: hash },
        { id: `usr_${crypto.randomUUID()}`, tenantId: id, email: t.agentEmail, name: "Agent", role: "agent", passwordHash: hash },
        { id: `usr_${crypto.randomUUID()}`, tenantId: id, email: t.managerEmail, name: "Manager", role: "manager", passwordHash: hash },
        { id: `usr_${crypto.randomUUID()}`, tenantId: id, email: t.reportingEmail, name: "Reporting", role: "reporting", passwordHash: hash },
      ]),
  ]);
  return t;
}

export const BASE = "http://switchboard.test";

/** A request through the Worker's real fetch handler. */
export function call(path: string, init: RequestInit & { json?: unknown; cookie?: string; bearer?: string } = {}) {
  const { json, cookie, bearer, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set("Content-Type", "application/json");
  if (cookie) headers.set("Cookie", cookie);
  // As a browser does on every request from the dashboard that changes something.
  if (!bearer && rest.method && rest.method !== "GET" && !headers.has("Origin")) headers.set("Origin", BASE);
  if (bearer) headers.set("Authorization", `Bearer ${bearer}`);
  const body = json !== undefined ? JSON.stringify(json) : rest.body;
  return exports.default.fetch(new Request(`${BASE}${path}`, { ...rest, headers, body: body ?? null }));
}

export async function login(email: string, password = PASSWORD) {
  const res = await call("/api/auth/login", { method: "POST", json: { email, password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get("Set-Cookie")?.split(";")[0];
  if (!cookie) throw new Error("login set no cookie");
  return cookie;
}

/** Row counts of the tables a write could touch: a rejected request must leave them all as they were. */
export async function tableCounts() {
  const names = ["contacts", "contact_phones", "sessions", "api_keys", "users", "tenants", "calls"];
  const out: Record<string, number> = {};
  for (const name of names) {
    const row = await env.DB.prepare(`select count(*) as n from ${name}`).first<{ n: number }>();
    out[name] = row?.n ?? 0;
  }
  return out;
}
