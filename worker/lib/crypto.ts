/**
 * WebCrypto helpers: the same code runs in the Worker, the Durable Object and Node scripts.
 */
import { remember } from "./remember.ts";

const encoder = new TextEncoder();

/** HMAC keys this isolate imported, by hash, use and secret: importing costs more than the HMAC itself. */
const hmacKeys = new Map<string, Promise<CryptoKey>>();

/** An HMAC key for a provider's secret (a webhook signature's), imported once per isolate and kept among the last thousand. */
export function hmacKey(secret: string, hash: "SHA-1" | "SHA-256", usage: "sign" | "verify") {
  const id = `${hash}:${usage}:${secret}`;
  let found = hmacKeys.get(id);
  if (!found) {
    found = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash }, false, [usage]);
    remember(hmacKeys, id, found, 1000);
    found.catch(() => hmacKeys.delete(id));
  }
  return found;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(length));
}

/** An unguessable token, URL-safe. */
export function randomToken(bytes = 32): string {
  return toBase64Url(randomBytes(bytes));
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Compares two byte strings in time that depends only on their length, so a signature or hash
 * check does not leak how many leading bytes matched.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function timingSafeEqualText(a: string, b: string): boolean {
  return timingSafeEqual(encoder.encode(a), encoder.encode(b));
}

// Workers cap PBKDF2 at 100,000 iterations; the count is stored with each hash so it can be raised.
const PBKDF2_ITERATIONS = 100_000;

async function pbkdf2(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

/** `pbkdf2-sha256$<iterations>$<salt>$<hash>`, with a fresh 16-byte salt per password. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await pbkdf2(password, salt, PBKDF2_ITERATIONS);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${toBase64(salt)}$${toBase64(hash)}`;
}

/**
 * The password hash of a user who has no password yet (the operator's CLI makes a tenant's first
 * admin so, with a reset link): not of the `pbkdf2-sha256$…` form, so verifyPassword refuses every
 * password against it.
 */
export const NO_PASSWORD = "none$set from a reset link";

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterations, salt, hash] = stored.split("$");
  if (scheme !== "pbkdf2-sha256" || !iterations || !salt || !hash) return false;
  const actual = await pbkdf2(password, fromBase64(salt), Number(iterations));
  return timingSafeEqual(actual, fromBase64(hash));
}

async function aesKey(secret: string): Promise<CryptoKey> {
  const raw = fromBase64(secret);
  if (raw.byteLength !== 32) throw new Error("SECRETS_KEY must be 32 bytes, base64-encoded");
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

/** AES-256-GCM; the result is `<iv b64>.<ciphertext b64>`. */
export async function encryptSecret(plaintext: string, secret: string): Promise<string> {
  const iv = randomBytes(12);
  const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await aesKey(secret), encoder.encode(plaintext));
  return `${toBase64(iv)}.${toBase64(new Uint8Array(data))}`;
}

export async function decryptSecret(sealed: string, secret: string): Promise<string> {
  const [iv, data] = sealed.split(".");
  if (!iv || !data) throw new Error("Malformed sealed secret");
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(iv) }, await aesKey(secret), fromBase64(data));
  return new TextDecoder().decode(plain);
}
