/**
 * A website visit as a call carries it (dynamic number insertion: the visit a pool number was leased
 * to when it rang), and the words every screen says it in: the popup, the call log, a call's page and
 * the source report. Free of zod, for the dashboard to import cheaply; schema/calls.ts validates it.
 */

/** Where a visit came from: `utm_*` parameters, a click id (gclid, msclkid), or the referrer. */
export type CallVisit = {
  id: string;
  /** Lower case: `google`, `bing`, `facebook`, a referring host, or `direct`. */
  source: string;
  /** Lower case: `cpc`, `organic`, `social`, `referral`, `none`, or the page's utm_medium; null when the link named none. */
  medium: string | null;
  campaign: string | null;
  /** The search words (utm_term). */
  keyword: string | null;
  /** The first page of the visit, without its query: `https://example.com/water-heaters`. */
  landingPage: string | null;
  /** The page that linked to it, without its query; null for a direct visit. */
  referrer: string | null;
  /** Google Ads' click id, for uploading offline conversions. */
  gclid: string | null;
};

/** The facts of a visit, without its id: what the snippet's request tells (worker/dni/source.ts reads them). */
export type VisitFacts = Omit<CallVisit, "id">;

const NAMES: Record<string, string> = {
  google: "Google",
  bing: "Bing",
  yahoo: "Yahoo",
  duckduckgo: "DuckDuckGo",
  baidu: "Baidu",
  yandex: "Yandex",
  ecosia: "Ecosia",
  facebook: "Facebook",
  instagram: "Instagram",
  twitter: "X (Twitter)",
  linkedin: "LinkedIn",
  pinterest: "Pinterest",
  youtube: "YouTube",
  reddit: "Reddit",
  tiktok: "TikTok",
  nextdoor: "Nextdoor",
  yelp: "Yelp",
  direct: "Direct",
};

/** Media that mean a paid click. */
const PAID = new Set(["cpc", "ppc", "paid", "paidsearch", "paid-search", "paid_search", "cpm", "cpv", "display", "paid-social", "paid_social", "paidsocial"]);

/** The source as people name it: "Google", "Facebook", a referring site's host as it is. */
export function sourceName(source: string) {
  return NAMES[source] ?? source;
}

/** Where the visit came from in a few words: "Google Ads", "Google (organic)", "Facebook", "Direct". */
export function visitChannel(visit: Pick<CallVisit, "source" | "medium">) {
  const name = sourceName(visit.source);
  const medium = visit.medium ?? "";
  if (PAID.has(medium)) return visit.source === "google" ? "Google Ads" : visit.source === "bing" ? "Microsoft Ads" : `${name} (paid)`;
  if (medium === "organic") return `${name} (organic)`;
  return name;
}

/** One line for a call's visit: "Google Ads: water heater" (the channel, and the search words when known). */
export function visitSummary(visit: Pick<CallVisit, "source" | "medium" | "keyword">) {
  return visit.keyword ? `${visitChannel(visit)}: ${visit.keyword}` : visitChannel(visit);
}

/** Every field people filter and report by, in the report's order: "Google / cpc / spring / “water heater”". */
export function visitDetails(visit: Pick<CallVisit, "source" | "medium" | "campaign" | "keyword">) {
  return [sourceName(visit.source), visit.medium ?? "—", visit.campaign ?? "—", visit.keyword ? `“${visit.keyword}”` : "—"].join(" / ");
}

/** The call log's and the report's word for a call that came from no visit (a fixed number's). */
export const NO_VISIT = "No website visit";
