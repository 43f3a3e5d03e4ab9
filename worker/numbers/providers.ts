/**
 * Where tracking numbers come from: a provider adapter searches available numbers, buys one (pointing
 * its voice and status webhooks at us) and releases it. Twilio's REST API, or the sandbox, which
 * offers numbers from the fictional 555-01xx range of an area code so the whole flow works offline.
 */
import areaCodeData from "areacodes/lib/data.json";
import { areaCodeOf } from "../../party/routing.ts";

export type AvailableNumber = { number: string; friendlyName: string; locality: string | null; region: string | null; isoCountry: string };
export type NumberSearch = { areaCode?: string | undefined; near?: string | undefined; region?: string | undefined; limit: number };
export type Purchase = { number: string; providerNumberSid: string | null };
export type Webhooks = { voiceUrl: string; statusCallbackUrl: string };

export interface NumberProvider {
  search(query: NumberSearch): Promise<AvailableNumber[]>;
  buy(number: string, label: string, webhooks: Webhooks): Promise<Purchase>;
  release(providerNumberSid: string): Promise<void>;
}

/** The provider said no (bad credentials, number taken): its message, and whether it is our caller's fault. */
export class ProviderError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

export const TWILIO_API = "https://api.twilio.com/2010-04-01";

type TwilioAvailable = { phone_number: string; friendly_name: string; locality?: string | null; region?: string | null; iso_country: string };
type TwilioError = { code?: number; message?: string; status?: number };

export class TwilioNumbers implements NumberProvider {
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

  async buy(number: string, label: string, webhooks: Webhooks) {
    const body = (await this.#call("POST", "/IncomingPhoneNumbers.json", {
      PhoneNumber: number,
      FriendlyName: label || number,
      VoiceUrl: webhooks.voiceUrl,
      VoiceMethod: "POST",
      StatusCallback: webhooks.statusCallbackUrl,
      StatusCallbackMethod: "POST",
    })) as { sid: string; phone_number: string };
    return { number: body.phone_number, providerNumberSid: body.sid };
  }

  async release(providerNumberSid: string) {
    await this.#call("DELETE", `/IncomingPhoneNumbers/${encodeURIComponent(providerNumberSid)}.json`);
  }
}

const AREA_CODES = areaCodeData as Record<string, { stateCode: string | null; city: string | null }>;

/** Fictional numbers: 555-0100 to 555-0199 of an area code, the range set aside for fiction. */
export class SandboxNumbers implements NumberProvider {
  readonly #taken: (numbers: string[]) => Promise<Set<string>>;
  constructor(taken: (numbers: string[]) => Promise<Set<string>>) {
    this.#taken = taken;
  }

  async search(query: NumberSearch) {
    const code =
      query.areaCode ??
      (query.near ? areaCodeOf(query.near) : null) ??
      (query.region ? Object.entries(AREA_CODES).find(([, info]) => info.stateCode === query.region)?.[0] : null);
    if (!code || !AREA_CODES[code]?.stateCode) return [];
    const candidates = Array.from({ length: 100 }, (_, i) => `+1${code}55501${String(i).padStart(2, "0")}`);
    const taken = await this.#taken(candidates);
    const info = AREA_CODES[code];
    return candidates
      .filter((n) => !taken.has(n))
      .slice(0, query.limit)
      .map((n) => ({ number: n, friendlyName: `(${code}) 555-${n.slice(-4)}`, locality: info?.city ?? null, region: info?.stateCode ?? null, isoCountry: "US" }));
  }

  async buy(number: string) {
    if (!/^\+1\d{3}55501\d{2}$/.test(number)) throw new ProviderError("The sandbox offers only 555-01xx numbers", 400);
    return { number, providerNumberSid: null };
  }

  async release() {}
}
