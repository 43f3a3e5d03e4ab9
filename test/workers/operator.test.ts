/**
 * What the operator's CLI (scripts/admin.ts) leaves in D1 works with the Worker: its admin, made with
 * NO_PASSWORD, cannot log in with any password, and its one-time link (a password_resets row holding
 * the token's SHA-256, 7 days) sets a password through `POST /api/auth/reset`, once. The CLI itself is
 * driven against local D1 in test/e2e/admin-cli.test.ts; these are the rows it writes, made here.
 */
import { describe, expect, it } from "vitest";
import { passwordResets, tenants, users } from "../../schema/db.ts";
import { NO_PASSWORD, randomToken, sha256Hex, verifyPassword } from "../../worker/lib/crypto.ts";
import { call, db } from "./helpers.ts";

describe("a tenant made by the operator's CLI", () => {
  it("has an admin no password opens, until the link sets one; the link works once", async () => {
    const tenantId = `tnt_${crypto.randomUUID()}`;
    const userId = `usr_${crypto.randomUUID()}`;
    const email = `owner-${userId.slice(-8)}@operator.test`;
    const token = randomToken(32);
    const now = Date.now();
    await db().batch([
      db().insert(tenants).values({ id: tenantId, slug: `operator-${userId.slice(-8)}`, name: "Operator Made" }),
      db().insert(users).values({ id: userId, tenantId, email, name: "Olive Owner", role: "admin", passwordHash: NO_PASSWORD }),
      db().insert(passwordResets).values({ id: `rst_${crypto.randomUUID()}`, tenantId, userId, tokenHash: await sha256Hex(token), createdBy: "operator", createdAt: now, expiresAt: now + 7 * 24 * 60 * 60 * 1000 }),
    ]);
    for (const guess of ["", "none", "set from a reset link", NO_PASSWORD]) expect(await verifyPassword(guess, NO_PASSWORD)).toBe(false);
    expect((await call("/api/auth/login", { method: "POST", json: { email, password: "set from a reset link" } })).status).toBe(401);

    const password = "a passphrase of the owner's own";
    const set = await call("/api/auth/reset", { method: "POST", json: { token, password } });
    expect(set.status, await set.clone().text()).toBe(200);
    expect((await call("/api/auth/login", { method: "POST", json: { email, password } })).status).toBe(200);
    expect((await call("/api/auth/reset", { method: "POST", json: { token, password: "another passphrase entirely" } })).status).toBe(410);
  });
});
