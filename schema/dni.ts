/**
 * Dynamic number insertion at the boundaries: what the website snippet sends (POST /dni/visits),
 * number pools as the REST API takes them, and the business's website origins. The Worker validates
 * with these; the dashboard sends what they accept.
 */
import * as z from "zod";
import { lazy } from "./lazy.ts";

/** A visit's id as Switchboard makes it (party/dni.ts newVisitId) and the snippet keeps it. */
export const VISIT_ID = /^v_[A-Za-z0-9_-]{22}$/;

const pageUrl = lazy(() => z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2000, "must be at most 2000 characters"));

export const visitRequest = lazy(() => z.object({
  /** The business's slug, from the snippet's data-switchboard attribute. */
  tenant: z.string().trim().min(1, "must not be empty").max(100),
  /** The visit this browser had, if any (first-party storage on the business's site). */
  visitId: z.string().regex(VISIT_ID, "must be a visit id Switchboard gave").nullish(),
  /** The page the snippet runs on. */
  url: pageUrl,
  /** document.referrer: empty when there is none. */
  referrer: z.union([pageUrl, z.literal("")]).nullish(),
  /** The visit's first page in this tab (its utm parameters survive a click to another page). */
  landingPage: pageUrl.nullish(),
}));
export type VisitRequest = z.infer<typeof visitRequest>;

/** What the snippet gets: the number to show (E.164 for tel: links, `display` for text), or nulls: leave the page as it is. */
export type VisitAnswer = { visitId: string; number: string | null; display: string | null };

const ruleText = lazy(() => z.string().trim().toLowerCase().min(1, "must not be empty").max(100, "must be at most 100 characters"));

/**
 * Which visits a pool serves: every field given must equal the visit's (ignoring case). A pool serves
 * a visit when any of its rules does, or when it has none.
 */
export const poolRule = lazy(() => z
  .object({ source: ruleText.optional(), medium: ruleText.optional(), campaign: ruleText.optional() })
  .refine((r) => r.source !== undefined || r.medium !== undefined || r.campaign !== undefined, "name a source, a medium or a campaign"));
export type PoolRule = z.infer<typeof poolRule>;

export const LEASE_MINUTES = { min: 5, max: 24 * 60, default: 30 } as const;

const poolFields = lazy(() => ({
  name: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
  campaignId: z.string().min(1).max(100).nullable(),
  sourceRules: z.array(poolRule).max(20, "at most 20 rules"),
  trackingNumberIds: z
    .array(z.string().min(1).max(100))
    .max(500, "at most 500 numbers")
    .transform((ids) => [...new Set(ids)]),
  leaseMinutes: z.number().int("must be whole minutes").min(LEASE_MINUTES.min, `must be at least ${LEASE_MINUTES.min}`).max(LEASE_MINUTES.max, `must be at most ${LEASE_MINUTES.max} (a day)`),
}));

export const poolInput = lazy(() => z.object({
  ...poolFields,
  campaignId: poolFields.campaignId.default(null),
  sourceRules: poolFields.sourceRules.default([]),
  trackingNumberIds: poolFields.trackingNumberIds.default([]),
  leaseMinutes: poolFields.leaseMinutes.default(LEASE_MINUTES.default),
}));
export type PoolInput = z.input<typeof poolInput>;

export const poolUpdate = lazy(() => z
  .object(poolFields)
  .partial()
  .refine((v) => Object.values(v).some((x) => x !== undefined), "nothing to update"));

/** A website origin as a browser sends it (`https://example.com`, a port when not the default): nothing after the host. */
export const siteOrigin = lazy(() => z
  .string()
  .trim()
  .max(200, "must be at most 200 characters")
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "https:" || u.protocol === "http:") && u.origin === s.replace(/\/$/, "").toLowerCase();
    } catch {
      return false;
    }
  }, "must be a website origin like https://example.com (no path)")
  .transform((s) => new URL(s).origin));

export const siteOrigins = lazy(() => z
  .array(siteOrigin)
  .max(20, "at most 20 origins")
  .transform((list) => [...new Set(list)]));
