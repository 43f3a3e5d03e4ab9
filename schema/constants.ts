/** The domain's vocabularies, apart from the drizzle tables so the client can import them cheaply. */
export const CONTACT_KINDS = ["customer", "vendor", "employee", "lead"] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];
export const PHONE_LABELS = ["main", "mobile", "work", "other"] as const;
export type PhoneLabel = (typeof PHONE_LABELS)[number];
/**
 * Who a user is to the business: `admin` (everything), `manager` (everything but users, API keys and
 * provider accounts), `agent` (calls, popups, contacts, their own profile), `reporting` (read-only:
 * the call log and reports). What each may do is ROLE_SCOPES below; the server checks it on every route.
 */
export const USER_ROLES = ["admin", "manager", "agent", "reporting"] as const;
export type UserRole = (typeof USER_ROLES)[number];
/**
 * What a request may touch, each a resource and read or write. A role grants a set of them
 * (ROLE_SCOPES); an API key holds a list of them and a role, and may do what both allow. The powers
 * (`keys:manage`, `providers:manage`, `users:manage`, `audit:read`, `webhooks:manage`) are an admin's, and only an
 * admin's session grants them to a key.
 */
export const ORDINARY_SCOPES = [
  "calls:read",
  "calls:write",
  "contacts:read",
  "contacts:write",
  "contacts:import",
  "routing:read",
  "routing:write",
  "numbers:read",
  "numbers:write",
  "marketing:read",
  "marketing:write",
  "settings:read",
  "settings:write",
] as const;
/** `webhooks:manage`: outgoing webhooks and their signing secrets (an admin's, like provider accounts). */
export const POWER_SCOPES = ["keys:manage", "providers:manage", "users:manage", "audit:read", "webhooks:manage"] as const;
export const API_SCOPES = [...ORDINARY_SCOPES, ...POWER_SCOPES] as const;
export type ApiScope = (typeof API_SCOPES)[number];
/** The roles table of the README, as data: what each role may do. */
export const ROLE_SCOPES: Record<UserRole, readonly ApiScope[]> = {
  admin: API_SCOPES,
  manager: ORDINARY_SCOPES,
  agent: ["calls:read", "calls:write", "contacts:read", "contacts:write", "settings:read"],
  reporting: ["calls:read", "marketing:read", "settings:read"],
};
export const mayDo = (role: UserRole, scope: ApiScope) => ROLE_SCOPES[role].includes(scope);
/** How long a popup may stay after its call ended, in seconds; 0 keeps it until the user closes it. */
export const POPUP_CLOSE_SECONDS = [0, 5, 10, 30, 60] as const;
export type PopupCloseSeconds = (typeof POPUP_CLOSE_SECONDS)[number];

export const CALL_STATUSES = ["ringing", "in-progress", "completed", "no-answer", "busy", "failed", "canceled"] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
/** How far a caller got with voicemail: taken to it, or a message left (see LiveCall.voicemail). */
export const VOICEMAIL_STATES = ["reached", "left"] as const;
export type VoicemailState = (typeof VOICEMAIL_STATES)[number];
export const PROVIDERS = ["twilio", "signalwire", "telnyx", "plivo", "vonage", "pbx", "sandbox"] as const;
export type Provider = (typeof PROVIDERS)[number];

export const CALLER_TYPES = [...CONTACT_KINDS, "unknown"] as const;
export type CallerType = (typeof CALLER_TYPES)[number];

export const TERMINAL_STATUSES = ["completed", "no-answer", "busy", "failed", "canceled"] as const satisfies readonly CallStatus[];
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

export function isTerminal(status: CallStatus): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

/** A call that ended without anyone answering: what the Notification Center calls a missed call. */
export function isMissed(status: CallStatus) {
  return isTerminal(status) && status !== "completed";
}

/**
 * How the server closes a socket, beyond the standard codes (RFC 6455 leaves 4000–4999 to
 * applications). A dashboard reconnects after any close except CLOSE_SESSION_ENDED: its session is
 * gone (logged out, expired, the user removed), so it shows the login screen instead.
 */
export const CLOSE_SESSION_ENDED = 4401;
/** "Reconnect now" (standard code 1012, service restart): the dashboard comes back from its last seq. */
export const CLOSE_RECONNECT = 1012;
/** The reason of a CLOSE_RECONNECT after the user's role changed: the dashboard also asks who it is again. */
export const ROLE_CHANGED = "role changed";
/**
 * The dashboard's keep-alive and its answer, as exact text: the runtime matches the one and sends
 * the other (party/switchboard.ts). Here, not beside the zod schemas in messages.ts, so that the
 * dashboard's first screen can send it without zod.
 */
export const PING_FRAME = '{"type":"ping"}';
export const PONG_FRAME = '{"type":"pong"}';
/** How often a dashboard sends it. */
export const PING_EVERY_MS = 25_000;
/** A message larger than MAX_CLIENT_MESSAGE_BYTES (standard code). */
export const CLOSE_TOO_BIG = 1009;
/** More messages than the rate limit allows (standard code: policy violation). */
export const CLOSE_POLICY = 1008;

/** Round robin's largest weight for one receiving number (a dial route's `weights`). */
export const MAX_WEIGHT = 100;

/** The events a webhook endpoint may subscribe to. */
export const WEBHOOK_EVENT_TYPES = ["call.ringing", "call.answered", "call.ended", "call.missed", "voicemail.ready", "contact.created", "contact.updated", "call.info_saved"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A webhook delivery: still being tried, received (2xx), or given up on. */
export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Which unanswered calls a user is texted about: none, those that rang them (their agent number), or every call of the business. */
export const SMS_ALERT_CHOICES = ["off", "mine", "all"] as const;
export type SmsAlertChoice = (typeof SMS_ALERT_CHOICES)[number];
/** An SMS alert: waiting, sent by the provider, recorded only (a sandbox account), refused by the rate limit, or failed. */
export const SMS_ALERT_STATUSES = ["queued", "sent", "sandbox", "rate-limited", "failed"] as const;
export type SmsAlertStatus = (typeof SMS_ALERT_STATUSES)[number];
