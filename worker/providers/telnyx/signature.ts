/**
 * Telnyx's webhook signature: Ed25519, by Telnyx, over `<telnyx-timestamp>|<raw body>`, checked with
 * the account's public key (Mission Control → Keys & Credentials: base64 of the raw 32 bytes). The
 * URL is not signed. A timestamp more than five minutes from now, either way, is refused as a replay,
 * as the SDK's own `TelnyxWebhook.verify` (telnyx-node src/lib/webhooks.ts) refuses it. Signing is
 * for the sandbox and the simulator only: Telnyx keeps its private keys, the demo's is public.
 */
import { fromBase64, toBase64 } from "../../lib/crypto.ts";
import { remember } from "../../lib/remember.ts";

/** Seconds a signed webhook stays good, before and after its timestamp. */
export const TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

/** Strict, padded base64 (as the SDK decodes it): `atob` alone lets stray characters through. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  try {
    return fromBase64(text);
  } catch {
    return null;
  }
}

/** The bytes Telnyx signs: the timestamp header as sent, a bar, the body as sent. */
export const signedPayload = (timestamp: string, body: string) => encoder.encode(`${timestamp}|${body}`);

/** Imported public keys: importing costs more than a verification. */
const publicKeys = new Map<string, Promise<CryptoKey>>();

function publicKey(base64: string) {
  let found = publicKeys.get(base64);
  if (!found) {
    const raw = decodeBase64(base64);
    found = raw && raw.byteLength === 32 ? crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]) : Promise.reject(new Error("an Ed25519 public key is 32 bytes, base64"));
    remember(publicKeys, base64, found, 1000);
    found.catch(() => publicKeys.delete(base64));
  }
  return found;
}

/**
 * True when Telnyx signed this body at `timestamp` with the key whose public half is `publicKeyBase64`,
 * and the timestamp is within five minutes of `now` (epoch ms). Headers missing, badly written or of
 * the wrong length are a plain no.
 */
export async function verifyTelnyxSignature(publicKeyBase64: string, body: string, signatureHeader: string | null, timestampHeader: string | null, now = Date.now()) {
  if (!signatureHeader || !timestampHeader || !/^\d{1,15}$/.test(timestampHeader)) return false;
  if (Math.abs(Math.floor(now / 1000) - Number(timestampHeader)) > TOLERANCE_SECONDS) return false;
  const signature = decodeBase64(signatureHeader.trim());
  if (!signature || signature.byteLength !== 64) return false;
  return crypto.subtle.verify("Ed25519", await publicKey(publicKeyBase64), signature, signedPayload(timestampHeader, body));
}

/** PKCS#8's wrapping of a 32-byte Ed25519 seed (RFC 8410): workerd and Node import a private key only so, or as a JWK. */
const PKCS8_ED25519_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

const privateKeys = new Map<string, Promise<CryptoKey>>();

function privateKey(seedBase64: string) {
  let found = privateKeys.get(seedBase64);
  if (!found) {
    const seed = decodeBase64(seedBase64);
    found =
      seed && seed.byteLength === 32
        ? crypto.subtle.importKey("pkcs8", new Uint8Array([...PKCS8_ED25519_PREFIX, ...seed]), { name: "Ed25519" }, false, ["sign"])
        : Promise.reject(new Error("an Ed25519 private key is a 32-byte seed, base64"));
    remember(privateKeys, seedBase64, found, 100);
    found.catch(() => privateKeys.delete(seedBase64));
  }
  return found;
}

/** The two headers Telnyx sends with a body, signed with a private key (the sandbox's, the demo's). */
export async function telnyxSignatureHeaders(seedBase64: string, body: string, now = Date.now()) {
  const timestamp = String(Math.floor(now / 1000));
  const signature = await crypto.subtle.sign("Ed25519", await privateKey(seedBase64), signedPayload(timestamp, body));
  return { "telnyx-signature-ed25519": toBase64(new Uint8Array(signature)), "telnyx-timestamp": timestamp };
}
