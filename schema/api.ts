/**
 * zod schemas for the REST API's bodies and queries, shared by the Worker (which validates) and the
 * client (which sends).
 */
import { z } from "zod";
import { CONTACT_KINDS, PHONE_LABELS, USER_ROLES } from "./constants.ts";

const trimmed = (max: number) => z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((v) => (v ? v : null));

export const loginBody = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email("must be an email address").max(254)),
  password: z.string().min(1, "must not be empty").max(1024),
});
export type LoginBody = z.infer<typeof loginBody>;

export const contactKind = z.enum(CONTACT_KINDS);
export const phoneLabel = z.enum(PHONE_LABELS);

export const phoneInput = z.object({
  label: phoneLabel.default("main"),
  /** As typed: national or international format, any punctuation, an extension ("x12", "ext. 7"). */
  number: trimmed(40),
});
export type PhoneInput = z.infer<typeof phoneInput>;

const contactFields = {
  kind: contactKind,
  name: trimmed(200),
  company: optionalText(200),
  email: z
    .union([z.email("must be an email address").max(254), z.literal(""), z.null()])
    .optional()
    .transform((v) => (v ? v : null)),
  address: optionalText(500),
  notes: optionalText(5000),
  tags: z.array(trimmed(50)).max(20, "at most 20 tags").transform((tags) => [...new Set(tags)]),
  phones: z.array(phoneInput).max(20, "at most 20 phones"),
};

export const contactCreate = z.object({
  ...contactFields,
  phones: contactFields.phones.default([]),
  tags: contactFields.tags.default([]),
  /** Set when the contact is created from a call's popup (New Customer, New Lead, ...). */
  createdFromCallId: z.string().max(100).nullish(),
});
export type ContactCreate = z.input<typeof contactCreate>;

/** Only the fields sent change; `phones`, when sent, replaces the contact's phones. */
export const contactUpdate = z
  .object(contactFields)
  .partial()
  .refine((v) => Object.values(v).some((x) => x !== undefined), "nothing to update");
export type ContactUpdate = z.input<typeof contactUpdate>;

export const contactListQuery = z.object({
  q: z.string().trim().max(200).optional(),
  kind: contactKind.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const apiKeyCreate = z.object({ name: trimmed(100) });

export const userRole = z.enum(USER_ROLES);

/** The shape every 4xx body has. */
export type ApiError = { error: string; issues?: { path: string; message: string }[] };

/** Call information staff save on a call (from its popup or the call log). */
export const callUpdate = z
  .object({
    subject: optionalText(200),
    notes: optionalText(5000),
    outcome: optionalText(100),
    tags: z.array(trimmed(50)).max(20, "at most 20 tags").transform((tags) => [...new Set(tags)]),
    /** When to be reminded to follow up (epoch ms), or null for no reminder. */
    followUpAt: z.number().int().min(0).max(8_640_000_000_000_000).nullable(),
    /** Links the call to a contact (Select customer, or the record just created from the popup). */
    contactId: z.string().min(1).max(100).nullable(),
    /** With `contactId`: also save the caller's number on that contact. */
    savePhone: phoneLabel.optional(),
  })
  .partial()
  .refine((v) => Object.values(v).some((x) => x !== undefined), "nothing to update")
  .refine((v) => v.savePhone === undefined || typeof v.contactId === "string", { message: "savePhone needs a contactId", path: ["savePhone"] });
export type CallUpdate = z.input<typeof callUpdate>;

export const callListQuery = z.object({
  /** Calls started at or after (epoch ms or an ISO date). */
  from: z.union([z.coerce.number().int().min(0), z.iso.date().transform((d) => Date.parse(d)), z.iso.datetime().transform((d) => Date.parse(d))]).optional(),
  /** Calls started before (epoch ms or an ISO date, exclusive). */
  to: z.union([z.coerce.number().int().min(0), z.iso.date().transform((d) => Date.parse(d)), z.iso.datetime().transform((d) => Date.parse(d))]).optional(),
  trackingNumberId: z.string().max(100).optional(),
  campaignId: z.string().max(100).optional(),
  contactId: z.string().max(100).optional(),
  status: z.enum(["ringing", "in-progress", "completed", "no-answer", "busy", "failed", "canceled", "missed"]).optional(),
  /** The caller: a name, or digits of the number. */
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
