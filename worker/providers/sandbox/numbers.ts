/**
 * The sandbox number shop: fictional numbers, 555-0100 to 555-0199 of an area code (the range set
 * aside for fiction), so searching and buying work offline, for demos and for a business trying
 * Switchboard with no provider account. A sandbox account's calls are still signed by its provider.
 */
import { areaCodeInfo, areaCodeOf, firstAreaCodeOf } from "../../../schema/area-codes.ts";
import { ProviderError, type NumberSearch, type NumberShop } from "../../../telephony/contract.ts";

export class SandboxNumbers implements NumberShop {
  readonly #taken: (numbers: string[]) => Promise<Set<string>>;
  /** `taken`: which of these numbers are tracking numbers already (of any tenant). */
  constructor(taken: (numbers: string[]) => Promise<Set<string>>) {
    this.#taken = taken;
  }

  async search(query: NumberSearch) {
    const code =
      query.areaCode ??
      (query.near ? areaCodeOf(query.near) : null) ??
      (query.region ? firstAreaCodeOf(query.region) : null);
    const info = code ? areaCodeInfo(code) : undefined;
    if (!code || !info) return [];
    const candidates = Array.from({ length: 100 }, (_, i) => `+1${code}55501${String(i).padStart(2, "0")}`);
    const taken = await this.#taken(candidates);
    return candidates
      .filter((n) => !taken.has(n))
      .slice(0, query.limit)
      .map((n) => ({ number: n, friendlyName: `(${code}) 555-${n.slice(-4)}`, locality: info.city, region: info.stateCode, isoCountry: "US" }));
  }

  async buy(number: string) {
    if (!/^\+1\d{3}55501\d{2}$/.test(number)) throw new ProviderError("The sandbox offers only 555-01xx numbers", 400);
    return { number, providerNumberId: null };
  }

  async configure() {}

  async release() {}
}
