/**
 * Telnyx's number shop through its v2 REST API (api.telnyx.com/v2, Bearer API key). A Telnyx number
 * carries no webhooks of its own: they live on a TeXML application it is linked to (its
 * `connection_id`). So each number we buy gets an application of its own, pointing at our voice
 * webhook, status callback and the number's own fallback URL, all with POST (Telnyx's default is GET).
 * A purchase is an asynchronous number order: we wait a little for it, then store the phone-number
 * resource's id (not the order's id, nor the order's phone-number id); if the order is still pending,
 * the E.164 number itself, which configure and release look up again.
 */
import { ProviderError, type NumberSearch, type NumberShop, type NumberWebhooks, type Purchase } from "../../../telephony/contract.ts";
import type { AccountCheck } from "../../../telephony/contract.ts";

export const TELNYX_API = "https://api.telnyx.com/v2";

type TelnyxErrors = { errors?: { code?: string; title?: string; detail?: string }[] };
type Available = { phone_number: string; region_information?: { region_type: string; region_name: string }[] };
type Order = { id: string; status: "pending" | "success" | "failure"; phone_numbers?: { phone_number: string; status?: string }[] };
type PhoneNumber = { id: string; phone_number: string; connection_id?: string | null };

/** How often, and how far apart, a pending number order is asked about before we carry on without it. */
const ORDER_POLLS = 5;
const ORDER_POLL_MS = 400;

/** The TeXML application fields that send a number's calls to us. */
function applicationFields(webhooks: NumberWebhooks) {
  return {
    voice_url: webhooks.voiceUrl,
    voice_method: "post",
    // Telnyx asks this URL when ours fails or times out: it dials the fail-safe without D1 or the Durable Object.
    voice_fallback_url: webhooks.fallbackUrl,
    status_callback: webhooks.statusCallbackUrl,
    status_callback_method: "post",
  };
}

export class TelnyxNumbers implements NumberShop {
  readonly #apiKey: string | undefined;
  constructor(apiKey: string | undefined) {
    this.#apiKey = apiKey;
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (!this.#apiKey) throw new ProviderError("Telnyx: this account has no API key; add one (Mission Control, API Keys) to buy and manage numbers here", 400);
    const res = await fetch(`${TELNYX_API}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.#apiKey}`, Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : null,
    });
    if (res.ok) return (res.status === 204 ? null : await res.json()) as T;
    const error = ((await res.json().catch(() => ({}))) as TelnyxErrors).errors?.[0];
    const said = error?.detail ?? error?.title ?? res.statusText;
    throw new ProviderError(`Telnyx: ${said}${error?.code ? ` (error ${error.code})` : ""}`, res.status);
  }

  async search(query: NumberSearch) {
    const params = new URLSearchParams({ "filter[country_code]": "US", "filter[features][]": "voice", "filter[phone_number_type]": "local", "filter[limit]": String(query.limit) });
    // Telnyx has no "near this number": its area code stands in.
    const areaCode = query.areaCode ?? (query.near ? /^\+1(\d{3})/.exec(query.near)?.[1] : undefined);
    if (areaCode) params.set("filter[national_destination_code]", areaCode);
    if (query.region) params.set("filter[administrative_area]", query.region);
    const body = await this.call<{ data: Available[] }>("GET", `/available_phone_numbers?${params}`);
    return body.data.map((n) => {
      const region = (type: string) => n.region_information?.find((r) => r.region_type === type)?.region_name ?? null;
      return { number: n.phone_number, friendlyName: n.phone_number, locality: region("location") ?? region("rate_center"), region: region("state"), isoCountry: region("country_code") ?? "US" };
    });
  }

  async buy(number: string, label: string, webhooks: NumberWebhooks): Promise<Purchase> {
    const app = await this.call<{ data: { id: string } }>("POST", "/texml_applications", { friendly_name: `Switchboard ${label || number}`.slice(0, 100), ...applicationFields(webhooks) });
    try {
      let order = (await this.call<{ data: Order }>("POST", "/number_orders", { phone_numbers: [{ phone_number: number }], connection_id: app.data.id, customer_reference: "switchboard" })).data;
      for (let i = 0; order.status === "pending" && i < ORDER_POLLS; i++) {
        await new Promise((r) => setTimeout(r, ORDER_POLL_MS));
        order = (await this.call<{ data: Order }>("GET", `/number_orders/${encodeURIComponent(order.id)}`)).data;
      }
      if (order.status === "failure") throw new ProviderError(`Telnyx: the order for ${number} failed; the number may have been taken`, 409);
      const found = order.status === "success" ? await this.#find(number) : null;
      return { number, providerNumberId: found?.id ?? number };
    } catch (err) {
      await this.call("DELETE", `/texml_applications/${encodeURIComponent(app.data.id)}`).catch(() => {});
      throw err;
    }
  }

  async #find(number: string) {
    const params = new URLSearchParams({ "filter[phone_number]": number });
    return (await this.call<{ data: PhoneNumber[] }>("GET", `/phone_numbers?${params}`)).data.find((n) => n.phone_number === number) ?? null;
  }

  /** The phone-number resource a stored id names: its id, or (an order still pending then) its number. */
  async #resource(providerNumberId: string): Promise<PhoneNumber> {
    if (providerNumberId.startsWith("+")) {
      const found = await this.#find(providerNumberId);
      if (!found) throw new ProviderError(`Telnyx: ${providerNumberId} is not (or not yet) a number of this account`, 404);
      return found;
    }
    return (await this.call<{ data: PhoneNumber }>("GET", `/phone_numbers/${encodeURIComponent(providerNumberId)}`)).data;
  }

  async configure(providerNumberId: string, webhooks: NumberWebhooks) {
    const phone = await this.#resource(providerNumberId);
    if (phone.connection_id) {
      await this.call("PATCH", `/texml_applications/${encodeURIComponent(phone.connection_id)}`, applicationFields(webhooks));
      return;
    }
    // Unlinked at Telnyx since: an application of its own again.
    const app = await this.call<{ data: { id: string } }>("POST", "/texml_applications", { friendly_name: `Switchboard ${phone.phone_number}`, ...applicationFields(webhooks) });
    await this.call("PATCH", `/phone_numbers/${encodeURIComponent(phone.id)}`, { connection_id: app.data.id });
  }

  async release(providerNumberId: string) {
    const phone = await this.#resource(providerNumberId);
    await this.call("DELETE", `/phone_numbers/${encodeURIComponent(phone.id)}`);
    // Its application served this number alone.
    if (phone.connection_id) await this.call("DELETE", `/texml_applications/${encodeURIComponent(phone.connection_id)}`).catch(() => {});
  }
}

/** Whether Telnyx takes the credentials; the contract's AccountCheck (after the audit branch). */

/**
 * Testing Telnyx credentials: one read of the balance (`GET /v2/balance`), which any valid API key
 * may make. Telnyx answers 401 to a wrong key; the public key cannot be tested this way (only a
 * webhook proves it), so the answer names the account id the webhooks must carry.
 */
export async function checkTelnyxAccount(accountSid: string, apiKey: string | undefined): Promise<AccountCheck> {
  if (!apiKey) return { ok: false, error: "Without an API key Switchboard cannot ask Telnyx: add one (Mission Control, API Keys). Webhooks are still checked with the public key" };
  try {
    await new TelnyxNumbers(apiKey).call("GET", "/balance");
    return { ok: true, account: accountSid };
  } catch (err) {
    if (err instanceof ProviderError && err.status === 401) return { ok: false, error: "Telnyx did not accept this API key: check it in Mission Control, API Keys" };
    if (err instanceof ProviderError && err.status === 403) return { ok: false, error: "Telnyx refused this API key the account's balance: the account may be disabled; ask Telnyx support" };
    if (err instanceof ProviderError) return { ok: false, error: `Telnyx could not answer (HTTP ${err.status}); try again in a few minutes` };
    return { ok: false, error: "Could not reach Telnyx (the connection failed); try again in a few minutes" };
  }
}
