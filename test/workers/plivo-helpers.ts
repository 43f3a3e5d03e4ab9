/** Plivo's webhooks as the tests send them: signed by Plivo's own SDK (PLIVO_SDK, in Node). */
import { env } from "cloudflare:workers";
import { requestNonce } from "../../worker/providers/plivo/signature.ts";

async function askSdk<T>(path: string, body: unknown): Promise<T> {
  const res = await env.PLIVO_SDK.fetch(`http://plivo-sdk${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`PLIVO_SDK ${path}: ${res.status} ${await res.text()}`);
  return res.json<T>();
}

/** A form body as a web framework hands it to Plivo's SDK: a repeated name carries its values as a list. */
export function sdkParams(body: string) {
  const params: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(body)) params[k] = k in params ? [params[k]!].flat().concat(v) : v;
  return params;
}

/** The X-Plivo-Signature-V3 Plivo's SDK computes for a POST of `body` to `url` with this nonce. */
export async function plivoSdkSignature(token: string, url: string, body: string, nonce: string) {
  return (await askSdk<{ signature: string }>("/sign", { token, url, nonce, params: sdkParams(body) })).signature;
}

/** Whether Plivo's SDK (validateV3Signature) accepts the signature. */
export async function plivoSdkValidates(token: string, url: string, body: string, nonce: string, signature: string) {
  return (await askSdk<{ valid: boolean }>("/validate", { token, url, nonce, signature, params: sdkParams(body) })).valid;
}

/** Plivo's headers on a form POST, signed by its SDK (the nonce drawn as our simulator draws it). */
export async function plivoHeaders(token: string, url: string, body: string) {
  const nonce = await requestNonce(url, body);
  const signature = await plivoSdkSignature(token, url, body, nonce);
  return new Headers({ "Content-Type": "application/x-www-form-urlencoded", "X-Plivo-Signature-V3": signature, "X-Plivo-Signature-Ma-V3": signature, "X-Plivo-Signature-V3-Nonce": nonce });
}

/** A Plivo auth id no other test uses. */
export const plivoAuthId = () => `MA${[...crypto.getRandomValues(new Uint8Array(18))].map((b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[b % 36]).join("")}`;
