/**
 * Vonage's number shop: the Numbers API on rest.nexmo.com (search, buy, link to the application,
 * cancel), authenticated by the account's API key and secret. Where a number's calls go is not set
 * on the number but on the Vonage application it is linked to (Applications API v2): its
 * answer_url, event_url and fallback_answer_url, POST, with signed callbacks. The application has
 * one fallback for all its numbers, so it dials the fail-safe of the number configured last.
 */
import { ProviderError, type NumberSearch, type NumberShop, type NumberWebhooks } from "../../../telephony/contract.ts";
import { e164, vonageNumber } from "./payloads.ts";

export const VONAGE_REST = "https://rest.nexmo.com";
export const VONAGE_API = "https://api.nexmo.com";

type Keys = { applicationId: string; apiKey?: string | undefined; apiSecret?: string | undefined };
type VonageAvailable = { country: string; msisdn: string; type?: string; cost?: string; features?: string[] };
type VonageResult = { "error-code"?: string; "error-code-label"?: string };
type VonageApplication = { id: string; name: string; capabilities?: Record<string, unknown> & { voice?: Record<string, unknown> } };

/** `US:14155550100`: the Numbers API names a number by its country and msisdn. */
function numberId(country: string, msisdn: string) {
  return `${country}:${msisdn}`;
}

function splitId(providerNumberId: string) {
  const [country, msisdn] = providerNumberId.split(":");
  if (!country || !msisdn) throw new ProviderError(`Vonage: ${providerNumberId} is not a number of this shop (COUNTRY:msisdn)`, 400);
  return { country, msisdn };
}

/** Where an application sends its calls: our answer, event and fallback webhooks, POST and signed. */
export function voiceCapability(webhooks: NumberWebhooks) {
  return {
    webhooks: {
      answer_url: { address: webhooks.voiceUrl, http_method: "POST" },
      event_url: { address: webhooks.statusCallbackUrl, http_method: "POST" },
      fallback_answer_url: { address: webhooks.fallbackUrl, http_method: "POST" },
    },
    signed_callbacks: true,
  };
}

export class VonageNumbers implements NumberShop {
  readonly #keys: Keys;
  constructor(keys: Keys) {
    this.#keys = keys;
  }

  get #applicationId() {
    return this.#keys.applicationId;
  }

  /** The API key and secret: an account saved without them (webhooks only) buys nothing. */
  #secret() {
    const { apiKey, apiSecret } = this.#keys;
    if (!apiKey || !apiSecret) throw new ProviderError("Vonage: numbers need the account's API key and secret", 400);
    return { apiKey, apiSecret };
  }

  /** A Numbers API call: the key and secret as parameters (POSTs are forms), its result in `error-code`. */
  async #rest(method: "GET" | "POST", path: string, params: Record<string, string>) {
    const { apiKey, apiSecret } = this.#secret();
    const all = new URLSearchParams({ api_key: apiKey, api_secret: apiSecret, ...params });
    const res = await fetch(method === "GET" ? `${VONAGE_REST}${path}?${all}` : `${VONAGE_REST}${path}`, {
      method,
      headers: method === "POST" ? { "Content-Type": "application/x-www-form-urlencoded" } : {},
      body: method === "POST" ? all.toString() : null,
    });
    const body = (await res.json().catch(() => ({}))) as VonageResult & Record<string, unknown>;
    const code = body["error-code"];
    // Success is a 200 whose error-code (where there is one) is "200".
    if (res.ok && (code === undefined || code === "200")) return body;
    const status = res.status === 401 ? 401 : res.ok ? 400 : res.status;
    throw new ProviderError(`Vonage: ${body["error-code-label"] ?? res.statusText}${code ? ` (error ${code})` : ""}`, status);
  }

  async #application(method: "GET" | "PUT", body?: unknown) {
    const { apiKey, apiSecret } = this.#secret();
    const res = await fetch(`${VONAGE_API}/v2/applications/${encodeURIComponent(this.#applicationId)}`, {
      method,
      headers: { Authorization: `Basic ${btoa(`${apiKey}:${apiSecret}`)}`, Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : null,
    });
    const json = (await res.json().catch(() => ({}))) as VonageApplication & { title?: string; detail?: string };
    if (!res.ok) throw new ProviderError(`Vonage: ${json.title ?? res.statusText}${json.detail ? `: ${json.detail}` : ""}`, res.status);
    return json;
  }

  /** Points the application's voice webhooks at us, keeping its name and other capabilities. */
  async #pointApplication(webhooks: NumberWebhooks) {
    const app = await this.#application("GET");
    await this.#application("PUT", { name: app.name, capabilities: { ...app.capabilities, voice: { ...app.capabilities?.voice, ...voiceCapability(webhooks) } } });
  }

  async search(query: NumberSearch) {
    const pattern = query.areaCode ? `1${query.areaCode}` : query.near ? vonageNumber(query.near).slice(0, 4) : undefined;
    const params: Record<string, string> = { country: "US", features: "VOICE", size: String(Math.min(query.limit, 100)) };
    // search_pattern 0: numbers that start with the pattern.
    if (pattern) Object.assign(params, { pattern, search_pattern: "0" });
    const body = (await this.#rest("GET", "/number/search", params)) as { count?: number; numbers?: VonageAvailable[] };
    // The Numbers API names no locality or region.
    return (body.numbers ?? []).map((n) => ({ number: e164(n.msisdn), friendlyName: e164(n.msisdn), locality: null, region: null, isoCountry: n.country }));
  }

  async buy(number: string, _label: string, webhooks: NumberWebhooks) {
    const msisdn = vonageNumber(number);
    const country = "US";
    await this.#rest("POST", "/number/buy", { country, msisdn });
    await this.configure(numberId(country, msisdn), webhooks);
    return { number: e164(msisdn), providerNumberId: numberId(country, msisdn) };
  }

  async configure(providerNumberId: string, webhooks: NumberWebhooks) {
    const { country, msisdn } = splitId(providerNumberId);
    await this.#rest("POST", "/number/update", { country, msisdn, app_id: this.#applicationId });
    await this.#pointApplication(webhooks);
  }

  async release(providerNumberId: string) {
    const { country, msisdn } = splitId(providerNumberId);
    await this.#rest("POST", "/number/cancel", { country, msisdn });
  }
}

/** The connection test: the account's balance answers only to its key and secret. */
export async function checkVonage(keys: Keys) {
  if (!keys.apiKey || !keys.apiSecret) return { ok: true as const, note: "no API key: webhooks only (a sandbox account)" };
  const res = await fetch(`${VONAGE_REST}/account/get-balance?${new URLSearchParams({ api_key: keys.apiKey, api_secret: keys.apiSecret })}`);
  if (!res.ok) throw new ProviderError(`Vonage: the API key and secret were refused (${res.status})`, res.status === 401 ? 401 : 502);
  return { ok: true as const, note: null };
}
