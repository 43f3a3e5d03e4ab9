/**
 * Telnyx's own webhook verification (the official `telnyx` npm package, `TelnyxWebhook` of
 * src/lib/webhooks.ts: Ed25519 over `timestamp|body`, five minutes either way), offered to the
 * Workers tests as a service binding, TELNYX_SDK. The SDK verifies and cannot sign (Telnyx holds its
 * private keys), so signing is Node's Ed25519 with a test's private key, and every signature handed
 * out is one the SDK accepted first. (The v7 `client.webhooks.unwrap()` checks Standard Webhooks'
 * HMAC headers instead, so it is not used.)
 *
 *   POST /sign    { privateKey, body, timestamp? }   → { "telnyx-signature-ed25519", "telnyx-timestamp" }
 *   POST /verify  { publicKey, body, headers }       → { valid, error? }  (TelnyxWebhook.verify)
 *
 * Keys are base64: the private one a 32-byte seed, the public one its raw 32 bytes.
 */
import { createPrivateKey, createPublicKey, sign } from "node:crypto";
import { TelnyxWebhook } from "telnyx/lib/webhooks";

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

function bad(message: string) {
  return Response.json({ error: message }, { status: 400 });
}

async function sdkVerify(publicKey: string, body: string, headers: Record<string, string>) {
  try {
    await new TelnyxWebhook(publicKey).verify(body, headers);
    return { valid: true };
  } catch (err) {
    return { valid: false, error: err instanceof Error ? err.message : String(err) };
  }
}

export async function telnyxSdk(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (request.method !== "POST") return bad("POST only");
  let input: { privateKey?: unknown; publicKey?: unknown; body?: unknown; headers?: unknown; timestamp?: unknown };
  try {
    input = (await request.json()) as typeof input;
  } catch {
    return bad("body must be JSON");
  }
  if (typeof input.body !== "string") return bad("body is required");
  if (pathname === "/sign") {
    if (typeof input.privateKey !== "string") return bad("privateKey is required");
    const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.from(input.privateKey, "base64")]), format: "der", type: "pkcs8" });
    const timestamp = typeof input.timestamp === "number" ? String(input.timestamp) : String(Math.floor(Date.now() / 1000));
    const headers = { "telnyx-signature-ed25519": sign(null, Buffer.from(`${timestamp}|${input.body}`), key).toString("base64"), "telnyx-timestamp": timestamp };
    // The public half, as Mission Control shows it: the last 32 bytes of the SPKI DER.
    const publicKey = createPublicKey(key).export({ format: "der", type: "spki" }).subarray(-32).toString("base64");
    const checked = await sdkVerify(publicKey, input.body, headers);
    // A timestamp outside the window is asked for on purpose (replay tests): the SDK refuses it, rightly.
    if (!checked.valid && Math.abs(Number(timestamp) - Date.now() / 1000) <= 300) return bad(`the SDK refused our own signature: ${checked.error}`);
    return Response.json(headers);
  }
  if (pathname === "/verify") {
    if (typeof input.publicKey !== "string" || typeof input.headers !== "object" || input.headers === null) return bad("publicKey and headers are required");
    return Response.json(await sdkVerify(input.publicKey, input.body, input.headers as Record<string, string>));
  }
  return new Response(`no such route: ${pathname}`, { status: 404 });
}
