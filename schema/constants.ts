/** The domain's vocabularies, apart from the drizzle tables so the client can import them cheaply. */
export const CONTACT_KINDS = ["customer", "vendor", "employee", "lead"] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];
export const PHONE_LABELS = ["main", "mobile", "work", "other"] as const;
export type PhoneLabel = (typeof PHONE_LABELS)[number];
export const USER_ROLES = ["admin", "agent"] as const;
export type UserRole = (typeof USER_ROLES)[number];
/**
 * What an API key may touch, each a resource and read or write. A key holds a list of them (and a
 * role, as a user does); `keys:manage` and `providers:manage` are powers only an admin's session grants.
 */
export const ORDINARY_SCOPES = [
  "calls:read",
  "calls:write",
  "contacts:read",
  "contacts:write",
  "routing:read",
  "routing:write",
  "numbers:read",
  "numbers:write",
  "marketing:read",
  "marketing:write",
  "settings:read",
  "settings:write",
] as const;
export const POWER_SCOPES = ["keys:manage", "providers:manage"] as const;
export const API_SCOPES = [...ORDINARY_SCOPES, ...POWER_SCOPES] as const;
export type ApiScope = (typeof API_SCOPES)[number];
export const CALL_STATUSES = ["ringing", "in-progress", "completed", "no-answer", "busy", "failed", "canceled"] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
export const PROVIDERS = ["twilio", "signalwire", "telnyx", "plivo", "vonage", "pbx", "sandbox"] as const;
export type Provider = (typeof PROVIDERS)[number];
