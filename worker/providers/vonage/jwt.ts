/**
 * Vonage's signed webhooks: `Authorization: Bearer <JWT>`, HS256 keyed by the account's signature
 * secret, whose `payload_hash` claim is the hex SHA-256 of the raw body. The URL is not signed; the
 * body is, through that claim, and `iat` bounds a replay (Vonage documents no window: we allow
 * five minutes either way, for clock skew and Vonage's own retries). Runs on WebCrypto in the
 * Worker and in Node (the simulator signs with the same code). Vonage's SDK (`@vonage/jwt`
 * verifySignature) checks the signature only; the hash and the time are ours to check.
 */
import { fromBase64, hmacKey, sha256Hex, toBase64Url } from "../../lib/crypto.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** How far `iat` may be from our clock, either way. */
export const IAT_WINDOW_SECONDS = 300;

export type VonageClaims = {
  iat: number;
  jti: string;
  iss: string;
  payload_hash: string;
  application_id: string;
  api_key?: string;
  exp?: number;
  nbf?: number;
};

function fromBase64Url(part: string) {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) throw new Error("not base64url");
  return fromBase64(part.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (part.length % 4)) % 4));
}

function json(part: string): unknown {
  return JSON.parse(decoder.decode(fromBase64Url(part)));
}

/** The bearer token of a request, if it carries one. */
export function bearer(headers: Headers) {
  const m = /^Bearer\s+(\S+)$/i.exec(headers.get("Authorization")?.trim() ?? "");
  return m?.[1] ?? null;
}

/**
 * The claims of a JWT, read WITHOUT checking its signature: only to find which account's secret
 * must have signed it (parse runs before verify). Null when it is not a JWT at all.
 */
export function unverifiedClaims(token: string | null): Record<string, unknown> | null {
  const parts = token?.split(".");
  if (parts?.length !== 3) return null;
  try {
    const claims = json(parts[1]!);
    return claims && typeof claims === "object" && !Array.isArray(claims) ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Signs a webhook as Vonage does (the simulator and the sandbox's test calls). */
export async function vonageJwt(secret: string, applicationId: string, body: string, now = Date.now(), extra: Partial<VonageClaims> = {}) {
  const claims: VonageClaims = {
    iat: Math.floor(now / 1000),
    jti: crypto.randomUUID(),
    iss: "Vonage",
    payload_hash: await sha256Hex(body),
    application_id: applicationId,
    ...extra,
  };
  const head = toBase64Url(encoder.encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));
  const payload = toBase64Url(encoder.encode(JSON.stringify(claims)));
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret, "SHA-256", "sign"), encoder.encode(`${head}.${payload}`));
  return `${head}.${payload}.${toBase64Url(new Uint8Array(mac))}`;
}

/**
 * True when `token` is Vonage's signature of this body for this application: HS256 only (never
 * `none` or another algorithm the token names), the MAC checked by WebCrypto in constant time, the
 * body's hash, the application, and the time.
 */
export async function verifyVonageJwt(secret: string, applicationId: string, token: string | null, body: string, now = Date.now()) {
  const parts = token?.split(".");
  if (parts?.length !== 3) return false;
  const [head, payload, signature] = parts as [string, string, string];
  let mac: Uint8Array<ArrayBuffer>;
  let header: unknown;
  let claims: unknown;
  try {
    header = json(head);
    claims = json(payload);
    mac = fromBase64Url(signature);
  } catch {
    return false;
  }
  if (!header || typeof header !== "object" || (header as { alg?: unknown }).alg !== "HS256") return false;
  if (mac.byteLength !== 32) return false;
  if (!(await crypto.subtle.verify("HMAC", await hmacKey(secret, "SHA-256", "verify"), mac, encoder.encode(`${head}.${payload}`)))) return false;
  if (!claims || typeof claims !== "object") return false;
  const c = claims as Partial<Record<keyof VonageClaims, unknown>>;
  if (c.application_id !== applicationId) return false;
  const seconds = now / 1000;
  if (typeof c.iat !== "number" || Math.abs(seconds - c.iat) > IAT_WINDOW_SECONDS) return false;
  if (c.exp !== undefined && (typeof c.exp !== "number" || seconds >= c.exp)) return false;
  if (c.nbf !== undefined && (typeof c.nbf !== "number" || seconds + IAT_WINDOW_SECONDS < c.nbf)) return false;
  return typeof c.payload_hash === "string" && c.payload_hash.toLowerCase() === (await sha256Hex(body));
}
