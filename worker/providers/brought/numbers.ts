/**
 * Numbers brought, not bought: the shop of a provider that sells none here (a PBX, whose numbers
 * are its own DIDs). A number is added by hand and pointed at our webhook at the provider; there is
 * nothing to search, buy, re-point or release through us.
 */
import { ProviderError, type NumberShop } from "../../../telephony/contract.ts";

export class BroughtNumbers implements NumberShop {
  readonly #provider: string;
  constructor(provider: string) {
    this.#provider = provider;
  }

  search(): Promise<never> {
    return Promise.reject(new ProviderError(`${this.#provider} numbers are set up at the provider: add yours by its number`, 400));
  }

  /** The number as given: it is already the provider's, and not ours to buy. */
  async buy(number: string) {
    return { number, providerNumberId: null };
  }

  // A brought number has no providerNumberId, so neither is ever asked for.
  async configure() {}
  async release() {}
}
