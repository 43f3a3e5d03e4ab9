/**
 * Twilio's number shop through its REST API: search available local numbers, buy one pointing its
 * voice webhook, status callback and fallback at us, re-point it, release it.
 */
import { ProviderError, type NumberSearch, type NumberShop, type NumberWebhooks } from "../../../telephony/contract.ts";

export const TWILIO_API = "https://api.twilio.com/2010-04-01";

type TwilioAvailable = { phone_number: string; friendly_name: string; locality?: string | null; region?: string | null; iso_country: string };
type TwilioError = { code?: number; message?: string; status?: number };

/** The IncomingPhoneNumber fields that send a number's calls to us. */
function webhookFields(webhooks: NumberWebhooks) {
  return {
    VoiceUrl: webhooks.voiceUrl,
    VoiceMethod: "POST",
    // Twilio asks this URL when ours fails or times out: it dials the fail-safe without D1 or the Durable Object.
    VoiceFallbackUrl: webhooks.fallbackUrl,
    VoiceFallbackMethod: "POST",
    StatusCallback: webhooks.statusCallbackUrl,
    StatusCallbackMethod: "POST",
  };
}

export class TwilioNumbers implements NumberShop {
  readonly #accountSid: string;
  readonly #authorization: string;
  constructor(accountSid: string, authToken: string) {
    this.#accountSid = accountSid;
    this.#authorization = `Basic ${btoa(`${accountSid}:${authToken}`)}`;
  }

  async #call(method: string, path: string, form?: Record<string, string>) {
    const res = await fetch(`${TWILIO_API}/Accounts/${encodeURIComponent(this.#accountSid)}${path}`, {
      method,
      headers: { Authorization: this.#authorization, ...(form ? { "Content-Type": "application/x-www-form-urlencoded" } : {}) },
      body: form ? new URLSearchParams(form).toString() : null,
    });
    if (res.ok) return res.status === 204 ? null : ((await res.json()) as unknown);
    const error = (await res.json().catch(() => ({}))) as TwilioError;
    throw new ProviderError(`Twilio: ${error.message ?? res.statusText}${error.code ? ` (error ${error.code})` : ""}`, res.status);
  }

  async search(query: NumberSearch) {
    const params = new URLSearchParams({ VoiceEnabled: "true", PageSize: String(query.limit) });
    if (query.areaCode) params.set("AreaCode", query.areaCode);
    if (query.near) params.set("NearNumber", query.near);
    if (query.region) params.set("InRegion", query.region);
    const body = (await this.#call("GET", `/AvailablePhoneNumbers/US/Local.json?${params}`)) as { available_phone_numbers: TwilioAvailable[] };
    return body.available_phone_numbers.map((n) => ({ number: n.phone_number, friendlyName: n.friendly_name, locality: n.locality ?? null, region: n.region ?? null, isoCountry: n.iso_country }));
  }

  async buy(number: string, label: string, webhooks: NumberWebhooks) {
    const body = (await this.#call("POST", "/IncomingPhoneNumbers.json", { PhoneNumber: number, FriendlyName: label || number, ...webhookFields(webhooks) })) as { sid: string; phone_number: string };
    return { number: body.phone_number, providerNumberId: body.sid };
  }

  async configure(providerNumberId: string, webhooks: NumberWebhooks) {
    await this.#call("POST", `/IncomingPhoneNumbers/${encodeURIComponent(providerNumberId)}.json`, webhookFields(webhooks));
  }

  async release(providerNumberId: string) {
    await this.#call("DELETE", `/IncomingPhoneNumbers/${encodeURIComponent(providerNumberId)}.json`);
  }
}
