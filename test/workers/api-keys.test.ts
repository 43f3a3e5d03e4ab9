/**
 * API keys hold least privilege: a role (an agent's by default) and scopes; only an admin's session
 * grants the powers to make keys and to change provider accounts; a key makes keys no stronger than
 * itself, and they go when it goes; a provider account's credentials change only with the admin's
 * password (or a key given that power), and admins see who changed them.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { apiKeys } from "../../schema/db.ts";
import { sha256Hex } from "../../worker/lib/crypto.ts";
import { call, db, login, PASSWORD } from "./helpers.ts";
import { createTwilioTenant, hexId } from "./twilio-helpers.ts";

async function makeKey(auth: { cookie?: string; bearer?: string }, body: Record<string, unknown>) {
  const res = await call("/api/keys", { method: "POST", ...auth, json: { name: "Key", ...body } });
  return { status: res.status, body: (await res.json()) as { key: string; id: string; role: string; scopes: string[]; error?: string } };
}

const as = (bearer: string, path: string, method = "GET", json?: unknown) => call(path, { method, bearer, ...(json === undefined ? {} : { json }) });

describe("API keys", () => {
  it("are an agent's, with every ordinary scope and no power, unless an admin's session says otherwise", async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    const plain = await makeKey({ cookie }, {});
    expect(plain.status).toBe(201);
    expect(plain.body.role).toBe("agent");
    expect(plain.body.scopes).not.toContain("keys:manage");
    // An agent's key reads and writes contacts, but does not buy numbers or make keys.
    expect((await as(plain.body.key, "/api/contacts", "POST", { kind: "lead", name: "From a key", phones: [] })).status).toBe(201);
    expect((await as(plain.body.key, "/api/tracking-numbers", "POST", { number: "+15035550150", label: "x", terminationNumber: "+14155550150" })).status).toBe(403);
    expect((await as(plain.body.key, "/api/keys", "POST", { name: "Child" })).status).toBe(403);
    // No key uses a user's own settings.
    expect((await as(plain.body.key, "/api/profile")).status).toBe(403);
  });

  it("are held to their scopes, and say which one is missing", async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    const reader = await makeKey({ cookie }, { role: "admin", scopes: ["contacts:read"] });
    expect((await as(reader.body.key, "/api/contacts")).status).toBe(200);
    const write = await as(reader.body.key, "/api/contacts", "POST", { kind: "lead", name: "No", phones: [] });
    expect([write.status, await write.json()]).toEqual([403, { error: "This API key does not have the contacts:write scope" }]);
    expect((await as(reader.body.key, "/api/calls")).status).toBe(403);
    expect((await as(reader.body.key, "/api/calls.csv")).status).toBe(403);
    expect((await as(reader.body.key, "/api/reports/campaigns?from=2026-11-01&to=2026-11-30")).status).toBe(403);
    expect((await as(reader.body.key, "/api/auth/me")).status).toBe(200);
  });

  it("cannot make keys or change provider accounts without the power an admin's session granted", async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    const admin = await makeKey({ cookie }, { role: "admin" });
    expect((await as(admin.body.key, "/api/keys", "POST", { name: "Mint" })).status).toBe(403);
    const replace = await as(admin.body.key, "/api/provider-accounts/twilio", "PUT", { accountSid: t.accountSid, authToken: "attacker-token-1" });
    expect([replace.status, await replace.json()]).toEqual([403, { error: "This API key does not have the providers:manage scope" }]);
    // A key made before keys had roles and scopes (as migration 0002 leaves it) has no power either.
    const legacy = `sb_${hexId("")}`;
    await db().insert(apiKeys).values({ id: crypto.randomUUID(), tenantId: t.id, name: "Old", prefix: legacy.slice(0, 10), keyHash: await sha256Hex(legacy) });
    expect((await as(legacy, "/api/keys", "POST", { name: "Mint" })).status).toBe(403);
    expect((await as(legacy, "/api/tracking-numbers")).status).toBe(200);
  });

  it("a key with keys:manage makes keys no stronger than itself, never with a power; revoking it revokes them", async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    const manager = await makeKey({ cookie }, { role: "agent", scopes: ["keys:manage", "contacts:read", "contacts:write"] });
    // keys:manage is not enough: the key routes are an admin's.
    expect((await makeKey({ bearer: manager.body.key }, { scopes: ["contacts:read"] })).status).toBe(403);
    const boss = await makeKey({ cookie }, { role: "admin", scopes: ["keys:manage", "contacts:read"] });
    expect((await makeKey({ bearer: boss.body.key }, { scopes: ["keys:manage"] })).body.error).toBe("Refused: only an admin's session grants keys:manage");
    expect((await makeKey({ bearer: boss.body.key }, { scopes: ["contacts:write"] })).body.error).toBe("Refused: a key may not grant scopes it does not have: contacts:write");
    const child = await makeKey({ bearer: boss.body.key }, { role: "admin", scopes: ["contacts:read"] });
    expect(child.status).toBe(201);
    const grandchild = await makeKey({ bearer: child.body.key }, { scopes: ["contacts:read"] });
    expect(grandchild.status).toBe(403); // the child has no keys:manage
    const list = (await (await call("/api/keys", { cookie })).json()) as { items: { id: string; createdBy: string | null; createdByKeyId: string | null; lastUsedAt: number | null }[] };
    expect(list.items.find((k) => k.id === child.body.id)).toMatchObject({ createdBy: null, createdByKeyId: boss.body.id });
    expect(list.items.find((k) => k.id === boss.body.id)).toMatchObject({ createdBy: "Admin", lastUsedAt: expect.any(Number) });

    expect((await call(`/api/keys/${boss.body.id}`, { method: "DELETE", cookie })).status).toBe(204);
    for (const key of [boss.body.key, child.body.key]) expect((await as(key, "/api/contacts")).status).toBe(401);
  });
});

describe("a provider account's credentials", () => {
  it("change from a session only with the admin's current password, from a key only with providers:manage; admins see who changed them", async () => {
    const t = await createTwilioTenant();
    const cookie = await login(t.adminEmail);
    const body = { accountSid: t.accountSid, authToken: "a-new-token-value" };
    for (const password of [undefined, "wrong password"]) {
      const res = await call("/api/provider-accounts/twilio", { method: "PUT", cookie, json: { ...body, ...(password ? { currentPassword: password } : {}) } });
      expect([res.status, await res.json()]).toEqual([403, { error: "Confirm the change with your current password (currentPassword)" }]);
    }
    const stored = await env.DB.prepare("select credentials_encrypted, updated_by from provider_accounts where tenant_id = ?").bind(t.id).first<{ credentials_encrypted: string; updated_by: string | null }>();
    expect(stored?.updated_by).toBeNull();
    expect((await call("/api/provider-accounts/twilio", { method: "PUT", cookie, json: { ...body, currentPassword: PASSWORD } })).status).toBe(200);
    expect(await (await call("/api/provider-accounts/twilio", { cookie })).json()).toMatchObject({ updatedBy: "Admin", updatedAt: expect.any(Number) });

    const powered = await makeKey({ cookie }, { role: "admin", scopes: ["providers:manage"] });
    expect((await as(powered.body.key, "/api/provider-accounts/twilio", "PUT", { ...body, authToken: "a-third-token" })).status).toBe(200);
    expect(await (await call("/api/provider-accounts/twilio", { cookie })).json()).toMatchObject({ updatedBy: "API key Key" });
  });
});
