/**
 * zod schemas for the REST API's bodies and queries, shared by the Worker (which validates) and the
 * client (which sends).
 */
import * as z from "zod/mini";
import { isCommonPassword } from "./common-passwords.ts";
import { API_SCOPES, CONTACT_KINDS, PHONE_LABELS, USER_ROLES, type PhoneLabel } from "./constants.ts";
import { CALL_OUTCOMES } from "./words.ts";
import { siteOrigins } from "./dni.ts";
import { crmUrlTemplate } from "./webhooks.ts";
import { lazy } from "./lazy.ts";

const trimmed = (max: number) => z.string().check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(max, `must be at most ${max} characters`));
const optionalText = (max: number) =>
  z.pipe(z.nullish(z.string().check(z.trim(), z.maxLength(max, `must be at most ${max} characters`))), z.transform((v) => (v ? v : null)));

export const loginBody = lazy(() => z.object({
  email: z.pipe(z.string().check(z.trim(), z.toLowerCase()), z.email("must be an email address").check(z.maxLength(254))),
  password: z.string().check(z.minLength(1, "must not be empty"), z.maxLength(1024)),
}));
export type LoginBody = z.infer<typeof loginBody>;

export const contactKind = lazy(() => z.enum(CONTACT_KINDS));
export const phoneLabel = lazy(() => z.enum(PHONE_LABELS));

export const phoneInput = lazy(() => z.object({
  label: z._default(phoneLabel, "main"),
  /** As typed: national or international format, any punctuation, an extension ("x12", "ext. 7"). */
  number: trimmed(40),
}));
export type PhoneInput = z.infer<typeof phoneInput>;

/** A contact's phone as the API answers it: normalised (E.164), its extension, and as it was typed. */
export type PhoneRecord = { id: string; label: PhoneLabel; number: string; extension: string | null; raw: string };

const contactFields = lazy(() => ({
  kind: contactKind,
  name: trimmed(200),
  company: optionalText(200),
  email: z.pipe(z.optional(z.union([z.email("must be an email address").check(z.maxLength(254)), z.literal(""), z.null()])), z.transform((v) => (v ? v : null))),
  address: optionalText(500),
  notes: optionalText(5000),
  tags: z.pipe(z.array(trimmed(50)).check(z.maxLength(20, "at most 20 tags")), z.transform((tags) => [...new Set(tags)])),
  phones: z.array(phoneInput).check(z.maxLength(20, "at most 20 phones")),
}));

export const contactCreate = lazy(() => z.object({
  ...contactFields,
  phones: z._default(contactFields.phones, []),
  tags: z._default(contactFields.tags, []),
  /** Set when the contact is created from a call's popup (New Customer, New Lead, ...). */
  createdFromCallId: z.nullish(z.string().check(z.maxLength(100))),
}));
export type ContactCreate = z.input<typeof contactCreate>;

/** Only the fields sent change; `phones`, when sent, replaces the contact's phones. */
export const contactUpdate = lazy(() => z.partial(z.object(contactFields)).check(z.refine((v) => Object.values(v).some((x) => x !== undefined), "nothing to update")));
export type ContactUpdate = z.input<typeof contactUpdate>;

export const contactListQuery = lazy(() => z.object({
  q: z.optional(z.string().check(z.trim(), z.maxLength(200))),
  kind: z.optional(contactKind),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)), 50),
  offset: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(1_000_000)), 0),
}));

export const apiKeyCreate = lazy(() => z.object({
  name: trimmed(100),
  /** What the key may do at most, as a user's role; an agent's by default. */
  role: z._default(z.enum(USER_ROLES), "agent"),
  /** What it may touch; by default every ordinary scope. Powers are granted only from an admin's session. */
  scopes: z.optional(z.array(z.enum(API_SCOPES)).check(z.maxLength(API_SCOPES.length))),
}));

export const userRole = lazy(() => z.enum(USER_ROLES));

/** The shape every 4xx body has. */
export type ApiError = { error: string; issues?: { path: string; message: string }[] };

/** Call information staff save on a call (from its popup or the call log). */
export const callUpdate = lazy(() => z.partial(z.object({
    subject: optionalText(200),
    notes: optionalText(5000),
    outcome: optionalText(100),
    tags: z.pipe(z.array(trimmed(50)).check(z.maxLength(20, "at most 20 tags")), z.transform((tags) => [...new Set(tags)])),
    /** When to be reminded to follow up (epoch ms), or null for no reminder. */
    followUpAt: z.nullable(z.number().check(z.int(), z.minimum(0), z.maximum(8_640_000_000_000_000))),
    /** Links the call to a contact (Select customer, or the record just created from the popup). */
    contactId: z.nullable(z.string().check(z.minLength(1), z.maxLength(100))),
    /** With `contactId`: also save the caller's number on that contact. */
    savePhone: z.optional(phoneLabel),
  })).check(z.refine((v) => Object.values(v).some((x) => x !== undefined), "nothing to update"), z.refine((v) => v.savePhone === undefined || typeof v.contactId === "string", { message: "savePhone needs a contactId", path: ["savePhone"] })));
export type CallUpdate = z.input<typeof callUpdate>;

/** Dates the product deals in: 1970 to 2199 (beyond, time-zone arithmetic has nothing to say). */
const FIRST_DAY = "1970-01-01";
const LAST_DAY = "2199-12-31";
const isoDate = lazy(() => z.iso.date("must be a date like 2026-11-21").check(z.refine((d) => d >= FIRST_DAY && d <= LAST_DAY, `must be between ${FIRST_DAY} and ${LAST_DAY}`)));
const epochMs = lazy(() => z.coerce.number().check(z.int(), z.minimum(0), z.maximum(Date.UTC(2200, 0, 1), `must be before ${LAST_DAY} ends`)));

/**
 * The call log's filters. Dates (YYYY-MM-DD) are days of the tenant's calendar, read by the rule of
 * schema/zoned.ts that the dashboard shows times by; epoch ms are exact instants, for programs.
 */
export const callListQuery = lazy(() => z.object({
  /** Calls started at or after: a date (from its first moment in the tenant's time zone), or epoch ms. */
  from: z.optional(z.union([isoDate, epochMs])),
  /** Calls started up to the end of this date in the tenant's time zone, or before these epoch ms. */
  to: z.optional(z.union([isoDate, epochMs])),
  trackingNumberId: z.optional(z.string().check(z.maxLength(100))),
  campaignId: z.optional(z.string().check(z.maxLength(100))),
  contactId: z.optional(z.string().check(z.maxLength(100))),
  /** The provider's status as it ended (`missed`: any unanswered one, voicemails included). */
  status: z.optional(z.enum(["ringing", "in-progress", "completed", "no-answer", "busy", "failed", "canceled", "missed"])),
  /**
   * What became of the call, in the dashboard's words: `answered`, `voicemail` (a message was left),
   * `missed` (unanswered, no message), or one way of missing it (`no-answer`, `busy`, `canceled`, `failed`).
   */
  outcome: z.optional(z.enum(CALL_OUTCOMES)),
  /** The website visit's source (`google`, `facebook`, `direct`…), for calls to pool numbers; `none`: calls that came from no visit. */
  source: z.optional(z.string().check(z.trim(), z.toLowerCase(), z.minLength(1), z.maxLength(100))),
  /** The caller: a name, or digits of the number. */
  q: z.optional(z.string().check(z.trim(), z.maxLength(100))),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)), 50),
  offset: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(1_000_000)), 0),
}).check(z.refine((q) => !(typeof q.from === "string" && typeof q.to === "string" && q.from > q.to) && !(typeof q.from === "number" && typeof q.to === "number" && q.from > q.to), { message: "from must not be after to", path: ["to"] })));

const cents = lazy(() => z.number().check(z.int("must be whole cents"), z.minimum(-100_000_000_00), z.maximum(100_000_000_00)));

const campaignFields = lazy(() => ({
  name: trimmed(100),
  /** website, paid search, print, radio, yard signs, referral, ... */
  channel: trimmed(50),
  monthlyCostCents: cents.check(z.minimum(0, "must not be negative")),
  startsOn: z.nullish(isoDate),
  /** Its last day (in the tenant's time zone): after it the campaign takes no calls (schema/campaigns.ts). */
  endsOn: z.nullish(isoDate),
}));
export const campaignInput = lazy(() => z.object({ ...campaignFields, channel: z._default(campaignFields.channel, "other"), monthlyCostCents: z._default(campaignFields.monthlyCostCents, 0) }));
/** A change to a campaign: only the fields sent (without the defaults of a new one, which would reset the others). */
export const campaignUpdate = lazy(() => z.partial(z.object(campaignFields)).check(z.refine((v) => Object.values(v).some((x) => x !== undefined), "nothing to update")));
/** A new campaign: it may not end before it starts (an update is checked against what is stored). */
export const campaignCreate = lazy(() => campaignInput.check(z.refine((v) => !v.startsOn || !v.endsOn || v.endsOn >= v.startsOn, { path: ["endsOn"], message: "must not be before startsOn" })));

export const campaignCostInput = lazy(() => z.object({ spentOn: isoDate, amountCents: cents.check(z.minimum(1, "must be more than zero")), note: optionalText(200) }));

export const incomeInput = lazy(() => z.object({
  contactId: z.string().check(z.minLength(1), z.maxLength(100)),
  amountCents: cents.check(z.refine((v) => v !== 0, "must not be zero")),
  receivedOn: isoDate,
  /** An invoice or payment number: the same reference is never recorded twice. */
  reference: optionalText(100),
  callId: z.nullish(z.string().check(z.maxLength(100))),
}));

/** A correction to recorded income: any of its fields. */
export const incomeUpdate = lazy(() => z.partial(incomeInput).check(z.refine((v) => Object.values(v).some((x) => x !== undefined), "nothing to update")));

export const incomeListQuery = lazy(() => z.object({
  contactId: z.optional(z.string().check(z.maxLength(100))),
  from: z.optional(isoDate),
  to: z.optional(isoDate),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(500)), 100),
  offset: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 0),
}));

export const reportQuery = lazy(() => z.object({ from: isoDate, to: isoDate }).check(z.refine((q) => q.from <= q.to, { message: "from must not be after to", path: ["to"] }), z.refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 366 * 2 * 86_400_000, { message: "a report covers at most two years", path: ["to"] })));

export const tenantUpdate = lazy(() => z.partial(z.object({
    name: trimmed(100),
    timeZone: z.string().check(z.refine((tz) => {
      try {
        new Intl.DateTimeFormat("en-US", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "must be an IANA time zone like America/Los_Angeles")),
    defaultCountry: z.string().check(z.regex(/^[A-Z]{2}$/, "must be a two-letter country code like US")),
    attributionWindowDays: z.number().check(z.int(), z.minimum(1), z.maximum(3650)),
    /** The business's website origins, whose pages may ask for a number (dynamic number insertion). */
    siteOrigins,
    /** "Open in CRM": a URL with placeholders (schema/webhooks.ts), or null (or "") for no button. */
    crmUrlTemplate,
  })).check(z.refine((v) => Object.values(v).some((x) => x !== undefined), "nothing to update")));

/** A new password (sign-up, a change): at least 10 characters and not one of the most common. */
export const newPassword = lazy(() => z.string().check(z.minLength(10, "must be at least 10 characters"), z.maxLength(1024, "must be at most 1024 characters"), z.refine((p) => !isCommonPassword(p), "is one of the most common passwords; choose another")));

const timeZone = lazy(() => z.string().check(z.refine((tz) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "must be an IANA time zone like America/Los_Angeles")));

export const signupBody = lazy(() => z.object({
  /** The business's name: the tenant's, and its slug's. */
  business: trimmed(100),
  name: trimmed(100),
  email: loginBody.shape.email,
  password: newPassword,
  timeZone: z.optional(timeZone),
  country: z.optional(z.string().check(z.regex(/^[A-Z]{2}$/, "must be a two-letter country code like US"))),
}));
export type SignupBody = z.infer<typeof signupBody>;

export const passwordChange = lazy(() => z.object({
  current: z.string().check(z.minLength(1, "must not be empty"), z.maxLength(1024)),
  next: newPassword,
}));

/** A single-use link's token, as the link carries it (base64url). */
const linkToken = lazy(() => z.string().check(z.regex(/^[A-Za-z0-9_-]{20,100}$/, "must be the token from the link")));

export const invitationCreate = lazy(() => z.object({
  email: loginBody.shape.email,
  role: z.enum(USER_ROLES),
}));
export const invitationAccept = lazy(() => z.object({ token: linkToken, name: trimmed(100), password: newPassword }));
export const linkQuery = lazy(() => z.object({ token: linkToken }));
export const passwordReset = lazy(() => z.object({ token: linkToken, password: newPassword }));

/** What an admin changes about a teammate: their role, or whether they may sign in at all. */
export const userUpdate = lazy(() => z.partial(z.object({ role: z.enum(USER_ROLES), disabled: z.boolean() })).check(z.refine((v) => v.role !== undefined || v.disabled !== undefined, "nothing to update: send role or disabled")));
