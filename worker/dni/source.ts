/**
 * Where a website visit came from, read from what the snippet sends: the page's `utm_*` parameters
 * (or its landing page's), a click id (Google's gclid, Microsoft's msclkid, Facebook's fbclid), else
 * the referrer: a search engine is that engine's organic traffic, a social site its social traffic,
 * any other site a referral, and no referrer (or the site itself) a direct visit.
 */
import type { VisitFacts } from "../../schema/visits.ts";

const SEARCH: [string, RegExp][] = [
  ["google", /(^|\.)google\.[a-z.]+$/],
  ["bing", /(^|\.)bing\.com$/],
  ["yahoo", /(^|\.)yahoo\.[a-z.]+$/],
  ["duckduckgo", /(^|\.)duckduckgo\.com$/],
  ["baidu", /(^|\.)baidu\.com$/],
  ["yandex", /(^|\.)yandex\.[a-z.]+$/],
  ["ecosia", /(^|\.)ecosia\.org$/],
];
const SOCIAL: [string, RegExp][] = [
  ["facebook", /(^|\.)(facebook\.com|fb\.com|fb\.me)$/],
  ["instagram", /(^|\.)instagram\.com$/],
  ["twitter", /(^|\.)(t\.co|twitter\.com|x\.com)$/],
  ["linkedin", /(^|\.)(linkedin\.com|lnkd\.in)$/],
  ["pinterest", /(^|\.)pinterest\.[a-z.]+$/],
  ["youtube", /(^|\.)(youtube\.com|youtu\.be)$/],
  ["reddit", /(^|\.)reddit\.com$/],
  ["tiktok", /(^|\.)tiktok\.com$/],
  ["nextdoor", /(^|\.)nextdoor\.com$/],
];

/** Free text from a URL, as stored: trimmed, at most 200 characters, null when empty. */
const text = (v: string | null | undefined, lower = false) => {
  const t = v?.trim().slice(0, 200);
  return t ? (lower ? t.toLowerCase() : t) : null;
};

/** A URL without its query and fragment (they may carry what is nobody's business), or null. */
function page(raw: string | null | undefined) {
  if (!raw) return null;
  try {
    const u = new URL(raw);
    return `${u.origin}${u.pathname}`.slice(0, 500);
  } catch {
    return null;
  }
}

function parsed(raw: string | null | undefined) {
  if (!raw) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

const CAMPAIGN_PARAMS = ["utm_source", "gclid", "msclkid", "fbclid"];

/**
 * The visit's facts, and whether the page says where it came from (`explicit`: campaign parameters,
 * or another site's referrer): a visit already known keeps its source unless the new page says so.
 */
export function readSource(input: { url: string; referrer?: string | null | undefined; landingPage?: string | null | undefined }): { facts: VisitFacts; explicit: boolean } {
  const here = parsed(input.url)!;
  const landing = parsed(input.landingPage);
  // The page's own parameters, else the landing page's (a visitor who clicked on from it).
  const tagged = [here, landing].find((u) => u && CAMPAIGN_PARAMS.some((p) => u.searchParams.has(p))) ?? null;
  const q = tagged?.searchParams;
  const referrer = parsed(input.referrer);
  const external = referrer && referrer.hostname !== here.hostname ? referrer : null;
  const landingPage = page(input.landingPage) ?? page(input.url);
  const base = { campaign: text(q?.get("utm_campaign")), keyword: text(q?.get("utm_term")), landingPage, referrer: external ? page(external.href) : null, gclid: text(q?.get("gclid")) };
  const source = text(q?.get("utm_source"), true);
  if (source) return { facts: { ...base, source, medium: text(q?.get("utm_medium"), true) ?? (q?.has("gclid") || q?.has("msclkid") ? "cpc" : null) }, explicit: true };
  if (q?.has("gclid")) return { facts: { ...base, source: "google", medium: "cpc" }, explicit: true };
  if (q?.has("msclkid")) return { facts: { ...base, source: "bing", medium: "cpc" }, explicit: true };
  if (q?.has("fbclid")) return { facts: { ...base, source: "facebook", medium: "social" }, explicit: true };
  if (external) {
    const host = external.hostname.toLowerCase().replace(/^www\./, "");
    const search = SEARCH.find(([, pattern]) => pattern.test(host));
    if (search) return { facts: { ...base, source: search[0], medium: "organic" }, explicit: true };
    const social = SOCIAL.find(([, pattern]) => pattern.test(host));
    if (social) return { facts: { ...base, source: social[0], medium: "social" }, explicit: true };
    return { facts: { ...base, source: host.slice(0, 200), medium: "referral" }, explicit: true };
  }
  return { facts: { ...base, source: "direct", medium: "none" }, explicit: false };
}
