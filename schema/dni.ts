/**
 * Dynamic number insertion at the boundaries: what the website snippet sends (POST /dni/visits),
 * number pools as the REST API takes them, and the business's website origins. The Worker validates
 * with these; the dashboard sends what they accept.
 */
import * as z from "zod/mini";
import { lazy } from "./lazy.ts";

/** A visit's id as Switchboard makes it (party/dni.ts newVisitId) and the snippet keeps it. */
export const VISIT_ID = /^v_[A-Za-z0-9_-]{22}$/;

const pageUrl = lazy(() => z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).check(z.maxLength(2000, "must be at most 2000 characters")));

export const visitRequest = lazy(() => z.object({
  /** The business's slug, from the snippet's data-switchboard attribute. */
  tenant: z.string().check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(100)),
  /** The visit this browser had, if any (first-party storage on the business's site). */
  visitId: z.nullish(z.string().check(z.regex(VISIT_ID, "must be a visit id Switchboard gave"))),
  /** The page the snippet runs on. */
  url: pageUrl,
  /** document.referrer: empty when there is none. */
  referrer: z.nullish(z.union([pageUrl, z.literal("")])),
  /** The visit's first page in this tab (its utm parameters survive a click to another page). */
  landingPage: z.nullish(pageUrl),
}));
export type VisitRequest = z.infer<typeof visitRequest>;

/** What the snippet gets: the number to show (E.164 for tel: links, `display` for text), or nulls: leave the page as it is. */
export type VisitAnswer = { visitId: string; number: string | null; display: string | null };

const ruleText = lazy(() => z.string().check(z.trim(), z.toLowerCase(), z.minLength(1, "must not be empty"), z.maxLength(100, "must be at most 100 characters")));

/**
 * Which visits a pool serves: every field given must equal the visit's (ignoring case). A pool serves
 * a visit when any of its rules does, or when it has none.
 */
export const poolRule = lazy(() => z.object({ source: z.optional(ruleText), medium: z.optional(ruleText), campaign: z.optional(ruleText) }).check(z.refine((r) => r.source !== undefined || r.medium !== undefined || r.campaign !== undefined, "name a source, a medium or a campaign")));
export type PoolRule = z.infer<typeof poolRule>;

export const LEASE_MINUTES = { min: 5, max: 24 * 60, default: 30 } as const;

const poolFields = lazy(() => ({
  name: z.string().check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(100, "must be at most 100 characters")),
  campaignId: z.nullable(z.string().check(z.minLength(1), z.maxLength(100))),
  sourceRules: z.array(poolRule).check(z.maxLength(20, "at most 20 rules")),
  trackingNumberIds: z.pipe(z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.maxLength(500, "at most 500 numbers")), z.transform((ids) => [...new Set(ids)])),
  leaseMinutes: z.number().check(z.int("must be whole minutes"), z.minimum(LEASE_MINUTES.min, `must be at least ${LEASE_MINUTES.min}`), z.maximum(LEASE_MINUTES.max, `must be at most ${LEASE_MINUTES.max} (a day)`)),
}));

export const poolInput = lazy(() => z.object({
  ...poolFields,
  campaignId: z._default(poolFields.campaignId, null),
  sourceRules: z._default(poolFields.sourceRules, []),
  trackingNumberIds: z._default(poolFields.trackingNumberIds, []),
  leaseMinutes: z._default(poolFields.leaseMinutes, LEASE_MINUTES.default),
}));
export type PoolInput = z.input<typeof poolInput>;

export const poolUpdate = lazy(() => z.partial(z.object(poolFields)).check(z.refine((v) => Object.values(v).some((x) => x !== undefined), "nothing to update")));

/** A website origin as a browser sends it (`https://example.com`, a port when not the default): nothing after the host. */
export const siteOrigin = lazy(() => z.pipe(z.string().check(z.trim(), z.maxLength(200, "must be at most 200 characters"), z.refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "https:" || u.protocol === "http:") && u.origin === s.replace(/\/$/, "").toLowerCase();
    } catch {
      return false;
    }
  }, "must be a website origin like https://example.com (no path)")), z.transform((s) => new URL(s).origin)));

export const siteOrigins = lazy(() => z.pipe(z.array(siteOrigin).check(z.maxLength(20, "at most 20 origins")), z.transform((list) => [...new Set(list)])));
