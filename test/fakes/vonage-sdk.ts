/**
 * Vonage's own JWT code (the official `@vonage/jwt` package and the `jsonwebtoken` it is built on),
 * offered to the Workers tests as a service binding, VONAGE_SDK: the tests sign their webhooks
 * here, and check the Worker's (the simulator's) tokens with the SDK's verifySignature. It runs in
 * Node, as the SDK needs. `tokenGenerate` signs RS256 with an application's private key only, so a
 * signed webhook (HS256 with the signature secret) is made with the same `jsonwebtoken.sign` the
 * SDK calls, with the claims Vonage documents; the SDK adds no payload_hash, so it is added here.
 *
 *   POST /sign    { secret, applicationId, body, iat?, alg? }  → { token }
 *   POST /verify  { secret, token }                            → { valid }  (verifySignature)
 */
import { createHash, randomUUID } from "node:crypto";
import { verifySignature } from "@vonage/jwt";
import jsonwebtoken from "jsonwebtoken";

type SignBody = { secret: string; applicationId: string; body: string; iat?: number; alg?: "HS256" | "HS512" };

function bad(message: string) {
  return Response.json({ error: message }, { status: 400 });
}

export async function vonageSdk(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (request.method !== "POST") return bad("POST only");
  let input: Partial<SignBody & { token: string }>;
  try {
    input = (await request.json()) as Partial<SignBody & { token: string }>;
  } catch {
    return bad("body must be JSON");
  }
  if (typeof input.secret !== "string") return bad("secret is required");
  if (pathname === "/sign") {
    if (typeof input.applicationId !== "string" || typeof input.body !== "string") return bad("applicationId and body are required");
    const claims = {
      iat: input.iat ?? Math.floor(Date.now() / 1000),
      jti: randomUUID(),
      iss: "Vonage",
      payload_hash: createHash("sha256").update(input.body).digest("hex"),
      api_key: "demo",
      application_id: input.applicationId,
    };
    return Response.json({ token: jsonwebtoken.sign(claims, input.secret, { algorithm: input.alg ?? "HS256", header: { alg: input.alg ?? "HS256", typ: "JWT" } }) });
  }
  if (pathname === "/verify") {
    if (typeof input.token !== "string") return bad("token is required");
    return Response.json({ valid: verifySignature(input.token, input.secret) });
  }
  return new Response(`no such route: ${pathname}`, { status: 404 });
}
