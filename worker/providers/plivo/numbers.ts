/**
 * Plivo's number shop through its REST API (https://api.plivo.com/v1/Account/{auth_id}/, basic
 * auth, JSON). Plivo points a number at an Application, which holds the answer, hangup and fallback
 * URLs; each tracking number gets an application of its own, since its fallback URL seals its own
 * fail-safe number. Numbers travel as digits without "+" (14155550104).
 */
import { areaCodeOf } from "../../../schema/area-codes.ts";
import { ProviderError, type NumberSearch, type NumberShop, type NumberWebhooks } from "../../../telephony/contract.ts";
import { withAccount } from "./account-url.ts";
import { plivoNumber } from "./xml.ts";

export const PLIVO_API = "https://api.plivo.com/v1";

type PlivoAvailable = { number: string; city?: string | null; region?: string | null; country?: string | null; voice_enabled?: boolean };

/** The Application fields that send a number's calls to us, each URL naming the account. */
function applicationFields(authId: string, label: string, webhooks: NumberWebhooks) {
  return {
    app_name: label.slice(0, 100),
    answer_url: withAccount(webhooks.voiceUrl, authId),
    answer_method: "POST",
    hangup_url: withAccount(webhooks.statusCallbackUrl, authId),
    hangup_method: "POST",
    // Plivo asks this URL when ours fails: it dials the fail-safe without D1 or the Durable Object.
    fallback_answer_url: webhooks.fallbackUrl,
    fallback_method: "POST",
  };
}

/** The app id at the end of a number's `application` ("/v1/Account/MA…/Application/2998…/"). */
function appIdOf(application: unknown) {
  return typeof application === "string" ? (/\/Application\/([^/]+)\/?$/.exec(application)?.[1] ?? null) : null;
}

export class PlivoNumbers implements NumberShop {
  readonly #authId: string;
  readonly #authorization: string;
  constructor(authId: string, authToken: string) {
    this.#authId = authId;
    this.#authorization = `Basic ${btoa(`${authId}:${authToken}`)}`;
  }

  async #call(method: string, path: string, body?: Record<string, string>): Promise<Record<string, unknown> | null> {
    const res = await fetch(`${PLIVO_API}/Account/${encodeURIComponent(this.#authId)}/${path}`, {
      method,
      headers: { Authorization: this.#authorization, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : null,
    });
    if (res.ok) return res.status === 204 ? null : ((await res.json()) as Record<string, unknown>);
    const text = await res.text().catch(() => "");
    let message = text || res.statusText;
    try {
      const error = (JSON.parse(text) as { error?: unknown }).error;
      if (typeof error === "string") message = error;
      else if (error && typeof error === "object") message = Object.values(error).join("; ");
    } catch {
      // Plivo answers some failures (a wrong auth token) in plain text.
    }
    throw new ProviderError(`Plivo: ${message}`, res.status);
  }

  async search(query: NumberSearch) {
    const params = new URLSearchParams({ country_iso: "US", type: "local", services: "voice", limit: String(query.limit) });
    // Plivo's pattern matches from the digits after the country code.
    const code = query.areaCode ?? (query.near ? areaCodeOf(query.near) : null);
    if (code) params.set("pattern", code);
    if (query.region) params.set("region", query.region);
    const body = (await this.#call("GET", `PhoneNumber/?${params}`)) as { objects?: PlivoAvailable[] } | null;
    return (body?.objects ?? [])
      .filter((n) => n.voice_enabled !== false)
      .map((n) => ({ number: `+${plivoNumber(n.number)}`, friendlyName: `+${plivoNumber(n.number)}`, locality: n.city ?? null, region: n.region ?? null, isoCountry: n.country ?? "US" }));
  }

  async buy(number: string, label: string, webhooks: NumberWebhooks) {
    const app = (await this.#call("POST", "Application/", applicationFields(this.#authId, `Switchboard ${label || number}`, webhooks))) as { app_id?: string } | null;
    if (!app?.app_id) throw new ProviderError("Plivo: the application was not created", 502);
    try {
      await this.#call("POST", `PhoneNumber/${plivoNumber(number)}/`, { app_id: app.app_id });
    } catch (err) {
      await this.#call("DELETE", `Application/${app.app_id}/`).catch(() => {});
      throw err;
    }
    return { number, providerNumberId: plivoNumber(number) };
  }

  /** Re-points the number's own application (or gives it one, when it has none). */
  async configure(providerNumberId: string, webhooks: NumberWebhooks) {
    const number = plivoNumber(providerNumberId);
    const found = await this.#call("GET", `Number/${number}/`);
    const appId = appIdOf(found?.application);
    if (appId) {
      const { app_name: _name, ...fields } = applicationFields(this.#authId, "", webhooks);
      await this.#call("POST", `Application/${appId}/`, fields);
      return;
    }
    const app = (await this.#call("POST", "Application/", applicationFields(this.#authId, `Switchboard +${number}`, webhooks))) as { app_id?: string } | null;
    if (!app?.app_id) throw new ProviderError("Plivo: the application was not created", 502);
    await this.#call("POST", `Number/${number}/`, { app_id: app.app_id });
  }

  /** Unrents the number, then deletes the application it was pointed at. */
  async release(providerNumberId: string) {
    const number = plivoNumber(providerNumberId);
    const found = await this.#call("GET", `Number/${number}/`).catch(() => null);
    await this.#call("DELETE", `Number/${number}/`);
    const appId = appIdOf(found?.application);
    if (appId) await this.#call("DELETE", `Application/${appId}/`).catch(() => {});
  }
}
