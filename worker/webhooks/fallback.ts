/**
 * The key in a number's fallback URL: an HMAC, under SECRETS_KEY, of the provider and the number the
 * fallback dials. The fallback answers when D1 or the Durable Object cannot, so it trusts only what
 * it can check by itself: a URL that we wrote.
 */
import { fromBase64, toBase64Url } from "../lib/crypto.ts";

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secretsKey: string) {
  let key = keys.get(secretsKey);
  if (!key) {
    // A key of its own, derived from SECRETS_KEY (which is also an AES key), for this use alone.
    key = crypto.subtle
      .importKey("raw", fromBase64(secretsKey), "HKDF", false, ["deriveKey"])
      .then((base) =>
        crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(), info: encoder.encode("switchboard fallback url") }, base, { name: "HMAC", hash: "SHA-256", length: 256 }, false, ["sign", "verify"]),
      );
    keys.set(secretsKey, key);
    key.catch(() => keys.delete(secretsKey));
  }
  return key;
}

const message = (provider: string, number: string) => encoder.encode(`${provider}:${number}`);

export async function fallbackKey(provider: string, number: string, secretsKey: string) {
  return toBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secretsKey), message(provider, number))));
}

/** Constant-time: WebCrypto's HMAC verify. */
export async function verifyFallbackKey(provider: string, number: string, key: string, secretsKey: string) {
  let mac: Uint8Array<ArrayBuffer>;
  try {
    mac = fromBase64(key.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (key.length % 4)) % 4));
  } catch {
    return false;
  }
  return crypto.subtle.verify("HMAC", await hmacKey(secretsKey), mac, message(provider, number));
}
