/** The domain's vocabularies, apart from the drizzle tables so the client can import them cheaply. */
export const CONTACT_KINDS = ["customer", "vendor", "employee", "lead"] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];
export const PHONE_LABELS = ["main", "mobile", "work", "other"] as const;
export type PhoneLabel = (typeof PHONE_LABELS)[number];
export const USER_ROLES = ["admin", "agent"] as const;
export type UserRole = (typeof USER_ROLES)[number];
export const CALL_STATUSES = ["ringing", "in-progress", "completed", "no-answer", "busy", "failed", "canceled"] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
export const PROVIDERS = ["twilio", "signalwire", "telnyx", "plivo", "vonage", "pbx", "sandbox"] as const;
export type Provider = (typeof PROVIDERS)[number];
