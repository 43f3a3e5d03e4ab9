/** Vonage's signed webhooks, made by Vonage's own JWT code (the VONAGE_SDK binding, in Node). */
import { env, exports } from "cloudflare:workers";
import { BASE } from "./helpers.ts";

/** A JWT as Vonage signs a webhook body, from `@vonage/jwt`'s own jsonwebtoken (test/fakes/vonage-sdk.ts). */
export async function sdkJwt(secret: string, applicationId: string, body: string, options: { iat?: number } = {}) {
  const res = await env.VONAGE_SDK.fetch("http://sdk/sign", { method: "POST", body: JSON.stringify({ secret, applicationId, body, ...options }) });
  if (!res.ok) throw new Error(`VONAGE_SDK /sign: ${res.status} ${await res.text()}`);
  return (await res.json<{ token: string }>()).token;
}

/** Whether `@vonage/jwt` verifySignature accepts the token under this secret. */
export async function sdkVerifies(secret: string, token: string) {
  const res = await env.VONAGE_SDK.fetch("http://sdk/verify", { method: "POST", body: JSON.stringify({ secret, token }) });
  return (await res.json<{ valid: boolean }>()).valid;
}

/** POSTs a Vonage webhook to the Worker; `secret: null` sends it unsigned. */
export async function postVonage(path: string, payload: unknown, signer: { secret: string | null; applicationId: string }) {
  const body = JSON.stringify(payload);
  const headers = new Headers({ "Content-Type": "application/json" });
  if (signer.secret) headers.set("Authorization", `Bearer ${await sdkJwt(signer.secret, signer.applicationId, body)}`);
  return exports.default.fetch(new Request(`${BASE}${path}`, { method: "POST", headers, body }));
}
