/**
 * Phone numbers, normalised with libphonenumber-js to E.164 so that a caller matches a contact
 * whatever format the number was typed in.
 */
import { getCountries, getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";

export type NormalisedPhone = { number: string; extension: string | null };

/**
 * Reads a number as a person typed it ("(415) 555-0124", "415.555.0124 x12", "+44 20 7946 0958")
 * and returns it in E.164 with any extension apart, or null when it is not a valid number.
 * `country` says how to read a number written without its country code.
 */
export function normalisePhone(raw: string, country: string = "US"): NormalisedPhone | null {
  const parsed = parsePhoneNumberFromString(raw, country as CountryCode);
  if (!parsed || !parsed.isValid()) return null;
  return { number: parsed.number, extension: parsed.ext ?? null };
}

/** E.164 for a number a provider sent; providers send E.164 already, but some drop the "+". */
export function normaliseProviderNumber(raw: string, country: string = "US"): string | null {
  const trimmed = raw.trim();
  return normalisePhone(trimmed, country)?.number ?? normalisePhone(`+${trimmed}`, country)?.number ?? null;
}

/** Digits only, for substring search over stored E.164 numbers. */
export function phoneDigits(text: string): string {
  return text.replace(/\D/g, "");
}

/**
 * A number as people read it: in the national format when it is dialled like a number of the
 * tenant's `country` ("(415) 555-0124" for a US tenant), else in the international format
 * ("+44 20 7946 0958"). What is not a phone number (a SIP address, a typo) comes back as given.
 */
export function formatPhone(number: string, country: string = "US"): string {
  const parsed = /^\+?[\d\s().-]+$/.test(number) ? parsePhoneNumberFromString(number, country as CountryCode) : undefined;
  if (!parsed?.isPossible()) return number;
  const home = isSupportedCountry(country) ? getCountryCallingCode(country) : null;
  return parsed.countryCallingCode === home ? parsed.formatNational() : parsed.formatInternational();
}

/** Every country libphonenumber knows, with its calling code ("US" → "1"): a country picker's choices. */
export function callingCodes(): { country: string; code: string }[] {
  return getCountries().map((country) => ({ country, code: getCountryCallingCode(country) }));
}
