/**
 * SignalWire's own webhook helpers (the official `@signalwire/compatibility-api` package), offered to
 * the Workers tests as a service binding, SIGNALWIRE_SDK, as TWILIO_SDK offers Twilio's. It runs in
 * Node (miniflare calls this function for each request to the binding).
 *
 *   POST /sign      { key, url, params }             → { signature }  (the SDK's getExpectedTwilioSignature)
 *   POST /validate  { key, signature, url, params }  → { valid }      (RestClient.validateRequest)
 *
 * `key` is the project's Signing Key. The package exports validateRequest only; the signing helper
 * it calls is read from the package's own webhooks module (its `exports` map hides the path).
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

type Params = Record<string, string | string[]>;
type Body = { key?: unknown; url?: unknown; params?: unknown; signature?: unknown };
type Webhooks = { getExpectedTwilioSignature(key: string, url: string, params: Params): string };
type Sdk = { RestClient: { validateRequest(key: string, signature: string, url: string, params: Params): boolean } };

const require = createRequire(import.meta.url);
const sdk = require("@signalwire/compatibility-api") as Sdk;
const webhooks = require(join(dirname(require.resolve("@signalwire/compatibility-api")), "..", "lib", "webhooks", "webhooks.js")) as Webhooks;

const bad = (message: string) => Response.json({ error: message }, { status: 400 });

export async function signalwireSdk(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (request.method !== "POST") return bad("POST only");
  const body = (await request.json().catch(() => null)) as Body | null;
  if (!body) return bad("body must be JSON");
  const { key, url, params, signature } = body;
  if (typeof key !== "string" || typeof url !== "string" || typeof params !== "object" || params === null) return bad("key, url and params are required");
  if (pathname === "/sign") {
    const made = webhooks.getExpectedTwilioSignature(key, url, params as Params);
    // What the SDK signs, its public check must accept: a guard against reading the wrong helper.
    if (!sdk.RestClient.validateRequest(key, made, url, params as Params)) return bad("the SDK refused its own signature");
    return Response.json({ signature: made });
  }
  if (pathname === "/validate") {
    if (typeof signature !== "string") return bad("signature is required");
    return Response.json({ valid: sdk.RestClient.validateRequest(key, signature, url, params as Params) });
  }
  return new Response(`no such route: ${pathname}`, { status: 404 });
}
