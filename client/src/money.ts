/**
 * Money and calendar dates as people read them. The server keeps amounts as integer cents with no
 * currency of their own: a tenant has no currency setting, so amounts are shown in US dollars, in
 * the browser's number style ($1,250.00).
 */
const CURRENCY = "USD";
const full = new Intl.NumberFormat(undefined, { style: "currency", currency: CURRENCY });
const compact = new Intl.NumberFormat(undefined, { style: "currency", currency: CURRENCY, notation: "compact", maximumFractionDigits: 1 });

/** 125000 → "$1,250.00"; null → "—". */
export const money = (cents: number | null | undefined) => (cents === null || cents === undefined ? "—" : full.format(cents / 100));

/** A chart tick: 125000 → "$1.3K", 30000 → "$300". */
export const moneyTick = (cents: number) => compact.format(cents / 100);

/** What a person typed ("1,250.00", "$300") in cents; NaN when it is not an amount. */
export function toCents(text: string) {
  const clean = text.replace(/[$,\s]/g, "");
  return /^-?\d+(\.\d{1,2})?$/.test(clean) ? Math.round(Number(clean) * 100) : Number.NaN;
}

/** What a person typed, as an amount the server takes, with the words to say when it is not one. */
export function amountOf(text: string): { cents: number } | { problem: string } {
  const cents = toCents(text);
  return Number.isFinite(cents) ? { cents } : { problem: `"${text}" is not an amount like 1250.00` };
}

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: "UTC" });

/** A calendar date (YYYY-MM-DD) as a date: "Nov 21, 2026". Read as UTC so no zone moves it a day. */
export const formatDay = (date: string | null | undefined) => (date ? dayFormat.format(Date.parse(`${date}T00:00:00Z`)) : "—");
