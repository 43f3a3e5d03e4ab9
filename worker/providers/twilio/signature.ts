/**
 * Twilio's request signature: HMAC-SHA1, keyed by the account's auth token, over the full URL the
 * request was made to followed by every POST parameter's name and value, sorted by name; base64.
 * Runs on WebCrypto in the Worker and in Node (the simulator signs with the same code).
 */
import { fromBase64, hmacKey, toBase64 } from "../../lib/crypto.ts";

const encoder = new TextEncoder();

/**
 * The string Twilio signs: the URL, then each parameter as name + value, by name (then value). A
 * pair repeated exactly counts once, as Twilio's own helper signs it (each distinct value of a name).
 */
export function signedPayload(url: string, params: Iterable<[string, string]>) {
  const sorted = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const distinct = sorted.filter(([k, v], i) => i === 0 || sorted[i - 1]![0] !== k || sorted[i - 1]![1] !== v);
  return url + distinct.map(([k, v]) => k + v).join("");
}

export async function twilioSignature(authToken: string, url: string, params: Iterable<[string, string]>) {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(authToken, "SHA-1", "sign"), encoder.encode(signedPayload(url, params)));
  return toBase64(new Uint8Array(mac));
}

/**
 * The URL as Twilio may have signed it: as requested, without its port, and with the default port
 * added (Twilio's own helper tries the same, since proxies disagree on whether to show it).
 */
export function urlVariants(url: string): string[] {
  const parsed = new URL(url);
  const defaultPort = parsed.protocol === "https:" ? "443" : parsed.protocol === "http:" ? "80" : "";
  const variants = new Set([url, `${parsed.protocol}//${parsed.hostname}${parsed.pathname}${parsed.search}`]);
  // WHATWG URLs drop a default port, so "no port" here may also mean ":443" was written.
  if (parsed.port === "" && defaultPort) variants.add(`${parsed.protocol}//${parsed.hostname}:${defaultPort}${parsed.pathname}${parsed.search}`);
  return [...variants];
}

/**
 * True when `header` is Twilio's signature of this request. WebCrypto's HMAC verify compares in
 * constant time, so a forger learns nothing from how long a wrong guess took.
 */
export async function verifyTwilioSignature(authToken: string, url: string, params: [string, string][], header: string | undefined) {
  if (!header) return false;
  let signature: Uint8Array<ArrayBuffer>;
  try {
    signature = fromBase64(header.trim());
  } catch {
    return false;
  }
  if (signature.byteLength !== 20) return false;
  const verifyKey = await hmacKey(authToken, "SHA-1", "verify");
  for (const candidate of urlVariants(url)) {
    if (await crypto.subtle.verify("HMAC", verifyKey, signature, encoder.encode(signedPayload(candidate, params)))) return true;
  }
  return false;
}
