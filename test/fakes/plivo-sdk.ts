/**
 * Plivo's own webhook signature code (the official `plivo` npm package, lib/utils/v3Security.js),
 * offered to the Workers tests as a service binding, PLIVO_SDK, in Node (the SDK needs Node's
 * crypto). The SDK exports only the check, validateV3Signature; the tests also sign with it, so its
 * module is loaded here from the package's own file with its two private steps exported
 * (construct_post_url, the string to sign; get_signature_v3, its HMAC): the tests' signatures are
 * the SDK's, not a copy of ours.
 *
 *   POST /sign      { token, url, nonce, params }             → { signature }
 *   POST /validate  { token, url, nonce, signature, params }  → { valid }   (validateV3Signature, POST)
 *
 * `params` is an object as a web framework hands the SDK a form: a name maps to a value, or to an
 * array of values for a name that repeats.
 */
import { readFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { dirname } from "node:path";

type Params = Record<string, string | string[]>;
type V3 = {
  validateV3Signature(method: string, uri: string, nonce: string, authToken: string, signature: string, params: Params): boolean;
  constructPostUrl(uri: string, params: Params): string;
  getSignatureV3(authToken: string, baseUrl: string, nonce: string): string;
};

let loaded: V3 | undefined;

function sdk(): V3 {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const file = require.resolve("plivo/dist/utils/v3Security.js");
  const source = `${readFileSync(file, "utf8")}\nexports.constructPostUrl = construct_post_url;\nexports.getSignatureV3 = get_signature_v3;\n`;
  const internal = Module as unknown as { new (id: string): { filename: string; paths: string[]; exports: unknown; _compile(code: string, file: string): void }; _nodeModulePaths(dir: string): string[] };
  const module = new internal(file);
  module.filename = file;
  module.paths = internal._nodeModulePaths(dirname(file));
  module._compile(source, file);
  return (loaded = module.exports as V3);
}

function bad(message: string) {
  return Response.json({ error: message }, { status: 400 });
}

export async function plivoSdk(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (request.method !== "POST") return bad("POST only");
  let body: { token?: unknown; url?: unknown; nonce?: unknown; signature?: unknown; params?: unknown };
  try {
    body = (await request.json()) as typeof body;
  } catch {
    return bad("body must be JSON");
  }
  const { token, url, nonce, params, signature } = body;
  if (typeof token !== "string" || typeof url !== "string" || typeof nonce !== "string" || typeof params !== "object" || params === null) return bad("token, url, nonce and params are required");
  const v3 = sdk();
  if (pathname === "/sign") return Response.json({ signature: v3.getSignatureV3(token, v3.constructPostUrl(url, params as Params), nonce) });
  if (pathname === "/validate") {
    if (typeof signature !== "string") return bad("signature is required");
    return Response.json({ valid: v3.validateV3Signature("POST", url, nonce, token, signature, params as Params) });
  }
  return new Response(`no such route: ${pathname}`, { status: 404 });
}
