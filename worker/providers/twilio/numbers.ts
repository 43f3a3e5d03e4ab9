/**
 * Twilio's number shop through its REST API: search available local numbers, buy one pointing its
 * voice webhook, status callback and fallback at us, re-point it, release it. SignalWire's
 * compatibility API has the same resources and shapes at its own base URL (see ShopDialect).
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

/** What differs between the APIs of this shape: whose it is, where it is, and whether it searches near a number. */
export type ShopDialect = { name: string; api: string; nearNumber: boolean };
const TWILIO_SHOP: ShopDialect = { name: "Twilio", api: TWILIO_API, nearNumber: true };

export class TwilioNumbers implements NumberShop {
  readonly #accountSid: string;
  readonly #authorization: string;
  readonly #dialect: ShopDialect;
  constructor(accountSid: string, authToken: string, dialect: ShopDialect = TWILIO_SHOP) {
    this.#accountSid = accountSid;
    this.#authorization = `Basic ${btoa(`${accountSid}:${authToken}`)}`;
    this.#dialect = dialect;
  }

  async #call(method: string, path: string, form?: Record<string, string>) {
    const res = await fetch(`${this.#dialect.api}/Accounts/${encodeURIComponent(this.#accountSid)}${path}`, {
      method,
      headers: { Authorization: this.#authorization, ...(form ? { "Content-Type": "application/x-www-form-urlencoded" } : {}) },
      body: form ? new URLSearchParams(form).toString() : null,
    });
    if (res.ok) return res.status === 204 ? null : ((await res.json()) as unknown);
    const error = (await res.json().catch(() => ({}))) as TwilioError;
    throw new ProviderError(`${this.#dialect.name}: ${error.message ?? res.statusText}${error.code ? ` (error ${error.code})` : ""}`, res.status);
  }

  async search(query: NumberSearch) {
    const params = new URLSearchParams({ VoiceEnabled: "true", PageSize: String(query.limit) });
    if (query.areaCode) params.set("AreaCode", query.areaCode);
    // Where the API cannot search near a number, the number's area code comes closest.
    const nearCode = query.near && !this.#dialect.nearNumber ? /^\+1(\d{3})/.exec(query.near)?.[1] : undefined;
    if (query.near && this.#dialect.nearNumber) params.set("NearNumber", query.near);
    else if (nearCode && !query.areaCode) params.set("AreaCode", nearCode);
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
