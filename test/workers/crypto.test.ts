import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, hashPassword, timingSafeEqualText, verifyPassword } from "../../worker/lib/crypto.ts";

describe("passwords", () => {
  it("hash with PBKDF2-SHA256 and a salt of their own", async () => {
    const one = await hashPassword("demo-password");
    const two = await hashPassword("demo-password");
    expect(one).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(one).not.toBe(two);
    expect(await verifyPassword("demo-password", one)).toBe(true);
    expect(await verifyPassword("demo-passwore", one)).toBe(false);
    expect(await verifyPassword("demo-password", "garbage")).toBe(false);
  });
});

describe("secrets at rest", () => {
  it("round-trip through AES-GCM with a fresh IV each time, and refuse tampering", async () => {
    const sealed = await encryptSecret("demo-twilio-auth-token", env.SECRETS_KEY);
    expect(sealed).not.toContain("demo-twilio-auth-token");
    expect(await encryptSecret("demo-twilio-auth-token", env.SECRETS_KEY)).not.toBe(sealed);
    expect(await decryptSecret(sealed, env.SECRETS_KEY)).toBe("demo-twilio-auth-token");
    const [iv, data] = sealed.split(".");
    const flipped = `${iv}.${data!.slice(0, 4)}${data![4] === "A" ? "B" : "A"}${data!.slice(5)}`;
    await expect(decryptSecret(flipped, env.SECRETS_KEY)).rejects.toThrow();
  });
});

describe("timingSafeEqualText", () => {
  it("compares by value", () => {
    expect(timingSafeEqualText("abc", "abc")).toBe(true);
    expect(timingSafeEqualText("abc", "abd")).toBe(false);
    expect(timingSafeEqualText("abc", "abcd")).toBe(false);
  });
});
