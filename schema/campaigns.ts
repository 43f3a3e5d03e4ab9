/**
 * When a campaign takes calls. A campaign attributes the calls to its tracking numbers through its
 * end date (that day included, in the tenant's time zone); a call after it is "No campaign", though
 * the number still routes and tracks it. The start date only says when the monthly cost begins: a
 * number printed on a flyer before the campaign's first paid day still counts for it.
 * The Switchboard (for every call) and the Worker (for a fail-safe answer) both read it here.
 */

/** The date (YYYY-MM-DD) it is at `at` in `timeZone`. */
export function dayIn(at: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** Whether a campaign ending on `endsOn` (null: it runs on) has ended by `at`, read in `timeZone`. */
export function campaignEnded(endsOn: string | null, at: number, timeZone: string): boolean {
  return endsOn !== null && dayIn(at, timeZone) > endsOn;
}
