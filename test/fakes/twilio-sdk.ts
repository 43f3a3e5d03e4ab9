/**
 * Twilio's own webhook helpers (the official `twilio` npm package), offered to the Workers tests as
 * a service binding, TWILIO_SDK. The tests sign their webhooks with it, so the Worker's verification
 * is checked against Twilio's code, not against a copy of our own. It runs here, in Node (miniflare
 * calls this function for each request to the binding): the SDK needs Node's crypto, and the tests
 * run in workerd without nodejs_compat.
 *
 *   POST /sign      { token, url, params }             → { signature }  (getExpectedTwilioSignature)
 *   POST /validate  { token, signature, url, params }  → { valid }      (validateRequest)
 *
 * `params` is an object, as the SDK takes it: a name maps to a value, or to an array of values for
 * a name that repeats (the SDK signs each distinct value once, in sorted order).
 */
import twilio from "twilio";

type Params = Record<string, string | string[]>;
type SignBody = { token: string; url: string; params: Params };
type ValidateBody = SignBody & { signature: string };

function bad(message: string) {
  return Response.json({ error: message }, { status: 400 });
}

export async function twilioSdk(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (request.method !== "POST") return bad("POST only");
  let body: Partial<ValidateBody>;
  try {
    body = (await request.json()) as Partial<ValidateBody>;
  } catch {
    return bad("body must be JSON");
  }
  const { token, url, params, signature } = body;
  if (typeof token !== "string" || typeof url !== "string" || typeof params !== "object" || params === null) return bad("token, url and params are required");
  if (pathname === "/sign") return Response.json({ signature: twilio.getExpectedTwilioSignature(token, url, params) });
  if (pathname === "/validate") {
    if (typeof signature !== "string") return bad("signature is required");
    return Response.json({ valid: twilio.validateRequest(token, signature, url, params) });
  }
  return new Response(`no such route: ${pathname}`, { status: 404 });
}
