/**
 * The sandbox number shop: fictional numbers, 555-0100 to 555-0199 of an area code (the range set
 * aside for fiction), so searching and buying work offline, for demos and for a business trying
 * Switchboard with no provider account. A sandbox account's calls are still signed by its provider.
 */
import areaCodeData from "areacodes/lib/data.json";
import { areaCodeOf } from "../../../party/routing.ts";
import { ProviderError, type NumberSearch, type NumberShop } from "../../../telephony/contract.ts";

const AREA_CODES = areaCodeData as Record<string, { stateCode: string | null; city: string | null }>;

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
    return { number, providerNumberId: null };
  }

  async configure() {}

  async release() {}
}
