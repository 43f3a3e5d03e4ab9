/**
 * Plivo's request signature, V3: HMAC-SHA256, keyed by the auth token, over the URL without its
 * query, then `?` and the URL's own query pairs sorted (`k=v&…`, decoded), a `.` when there were any,
 * then every POST parameter as name + value, sorted by name (then value); then `.` and the nonce of
 * X-Plivo-Signature-V3-Nonce; base64. The query is signed, so what our URLs name there (the tenant,
 * the account) is as trustworthy as the body once verified. As plivo-node's
 * lib/utils/v3Security.js (validateV3Signature) builds it; WebCrypto in the Worker and in Node.
 */
import { fromBase64, hmacKey, toBase64 } from "../../lib/crypto.ts";
import { urlVariants } from "../twilio/signature.ts";

const encoder = new TextEncoder();

/** By name, then by value, in UTF-16 code unit order (JavaScript's default sort, as the SDK sorts); repeats kept. */
function sorted(pairs: Iterable<[string, string]>) {
  return [...pairs].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
}

/** The string Plivo signs for a POST to `url` with these form parameters (the nonce not yet appended). */
export function signedPayload(url: string, params: Iterable<[string, string]>) {
  // Read from the text, not through `new URL`, which would drop a default port the provider signed.
  const [beforeFragment = ""] = url.split("#");
  const mark = beforeFragment.indexOf("?");
  const base = mark < 0 ? beforeFragment : beforeFragment.slice(0, mark);
  const query = sorted(new URLSearchParams(mark < 0 ? "" : beforeFragment.slice(mark + 1))).map(([k, v]) => `${k}=${v}`).join("&");
  const body = sorted(params);
  if (body.length === 0) return query ? `${base}?${query}` : base;
  return `${base}?${query}${query ? "." : ""}${body.map(([k, v]) => k + v).join("")}`;
}

export async function plivoSignature(authToken: string, url: string, params: Iterable<[string, string]>, nonce: string) {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(authToken, "SHA-256", "sign"), encoder.encode(`${signedPayload(url, params)}.${nonce}`));
  return toBase64(new Uint8Array(mac));
}

/**
 * A nonce for a request we sign ourselves (the sandbox, the simulator): 20 decimal digits, as Plivo
 * sends them, drawn from the request's URL and body. Every request of ours carries a fresh call id,
 * so the nonce is as unique as a random one, and whoever signs the same request again (the tests,
 * with Plivo's SDK) gets the same headers.
 */
export async function requestNonce(url: string, body: string) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(`${url}\n${body}`)));
  return [...digest.slice(0, 20)].map((b) => String(b % 10)).join("");
}

/** At most this many signatures are tried from one request's headers. */
const MAX_SIGNATURES = 4;

function signatures(headers: Headers) {
  // X-Plivo-Signature-V3 is signed with the token of the (sub)account that owns the call,
  // X-Plivo-Signature-Ma-V3 with the main account's: either may be the one we hold. Each may list
  // several signatures, comma-separated (the SDK accepts any of them).
  const listed = ["X-Plivo-Signature-V3", "X-Plivo-Signature-Ma-V3"].flatMap((name) => (headers.get(name) ?? "").split(",")).map((s) => s.trim()).filter(Boolean);
  const decoded: Uint8Array<ArrayBuffer>[] = [];
  for (const text of listed.slice(0, MAX_SIGNATURES)) {
    try {
      const bytes = fromBase64(text);
      if (bytes.byteLength === 32) decoded.push(bytes);
    } catch {
      // Not base64: not a signature of ours to try.
    }
  }
  return decoded;
}

/**
 * True when the request carries Plivo's V3 signature of it under this auth token. WebCrypto's HMAC
 * verify compares in constant time. V2 (which signs no parameters) is never accepted instead.
 */
export async function verifyPlivoSignature(authToken: string, url: string, params: [string, string][], headers: Headers) {
  const nonce = headers.get("X-Plivo-Signature-V3-Nonce");
  if (!nonce || nonce.length > 100) return false;
  const candidates = signatures(headers);
  if (candidates.length === 0) return false;
  const verifyKey = await hmacKey(authToken, "SHA-256", "verify");
  for (const variant of urlVariants(url)) {
    const data = encoder.encode(`${signedPayload(variant, params)}.${nonce}`);
    for (const signature of candidates) if (await crypto.subtle.verify("HMAC", verifyKey, signature, data)) return true;
  }
  return false;
}
