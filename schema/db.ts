/**
 * D1 tables (drizzle). Durable business records live here; what changes every second lives in the
 * tenant's Switchboard Durable Object. Times are epoch milliseconds; money is integer cents.
 */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { CALL_STATUSES, CONTACT_KINDS, DELIVERY_STATUSES, PHONE_LABELS, PROVIDERS, SMS_ALERT_CHOICES, SMS_ALERT_STATUSES, USER_ROLES, VOICEMAIL_STATES, type ApiScope } from "./constants.ts";

export * from "./constants.ts";

/** The ordinary scopes as migration 0002 gave them to the keys made before it. */
const SCOPES_OF_KEYS_BEFORE_SCOPES = ["calls:read", "calls:write", "contacts:read", "contacts:write", "routing:read", "routing:write", "numbers:read", "numbers:write", "marketing:read", "marketing:write", "settings:read", "settings:write"];

const id = () => text("id").primaryKey();
const tenantId = () => text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" });
const createdAt = () => integer("created_at").notNull().default(sql`(unixepoch('subsec') * 1000)`);

export const tenants = sqliteTable("tenants", {
  id: id(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  /** IANA zone: conditional routes, tagging hours and reports read the clock in it. */
  timeZone: text("time_zone").notNull().default("America/Los_Angeles"),
  /** Region used to read national-format phone numbers typed by this tenant's staff. */
  defaultCountry: text("default_country").notNull().default("US"),
  /** First-touch attribution window for income, in days. */
  attributionWindowDays: integer("attribution_window_days").notNull().default(90),
  createdAt: createdAt(),
  /** The business's own website origins (`https://example.com`): the only pages whose snippet may ask for a number (POST /dni/visits). */
  siteOrigins: text("site_origins", { mode: "json" }).notNull().$type<string[]>().default(sql`'[]'`),
  /**
   * Where "Open in CRM" takes staff from a popup: a URL with placeholders ({number}, {name}, ...;
   * schema/webhooks.ts crmUrl), or null for no button.
   */
  crmUrlTemplate: text("crm_url_template"),
});

export const users = sqliteTable(
  "users",
  {
    id: id(),
    tenantId: tenantId(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: USER_ROLES }).notNull().default("agent"),
    /** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>` */
    passwordHash: text("password_hash").notNull(),
    /** When the incoming-call popup opens for this user. */
    popupOn: text("popup_on", { enum: ["ring", "answer"] }).notNull().default("ring"),
    /** Seconds a popup stays open after its call ended; 0 keeps it until the user closes it. */
    popupCloseSeconds: integer("popup_close_seconds").notNull().default(10),
    /** The number an agent takes calls on now (routing's "dial agent"). */
    agentNumber: text("agent_number"),
    /** Texts to the agent number about unanswered calls: none, calls that rang this user, or every call of the business. */
    smsAlerts: text("sms_alerts", { enum: SMS_ALERT_CHOICES }).notNull().default("off"),
    createdAt: createdAt(),
    /** Set when an admin disables the user: no login, no session, no socket, no key of theirs. */
    disabledAt: integer("disabled_at"),
  },
  (t) => [uniqueIndex("users_email").on(t.email), index("users_tenant").on(t.tenantId)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    /** SHA-256 of the cookie token: a leaked table holds no usable session. */
    id: id(),
    tenantId: tenantId(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: id(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    /** First characters of the key, shown so people can tell keys apart. */
    prefix: text("prefix").notNull(),
    /** SHA-256 of the whole key. */
    keyHash: text("key_hash").notNull(),
    /** As a user's role: what the key may do at most (a key made before roles acts as an admin). */
    role: text("role", { enum: USER_ROLES }).notNull().default("admin"),
    /**
     * The resources it may read or write, and any power an admin's session granted (ApiScope[]). Keys
     * are made with their scopes named; the default is what keys made before scopes were given (0002).
     */
    scopes: text("scopes", { mode: "json" })
      .notNull()
      .$type<ApiScope[]>()
      .default(sql`'${sql.raw(JSON.stringify(SCOPES_OF_KEYS_BEFORE_SCOPES))}'`),
    /** Who made it: a user's session, or another key (revoked with it). */
    createdByUserId: text("created_by_user_id"),
    createdByKeyId: text("created_by_key_id"),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash").on(t.keyHash), index("api_keys_tenant").on(t.tenantId)],
);

/**
 * Failed logins in a window, per account (`account:<email>`) and per client (`client:<address>`);
 * rows whose window has passed are deleted as new failures come in.
 */
export const loginThrottle = sqliteTable(
  "login_throttle",
  {
    key: text("key").primaryKey(),
    failures: integer("failures").notNull().default(0),
    windowStartedAt: integer("window_started_at").notNull(),
    /** No attempt is checked before this moment (epoch ms): the account's delay, or the client's lock. */
    nextAttemptAt: integer("next_attempt_at"),
  },
  (t) => [index("login_throttle_window").on(t.windowStartedAt)],
);

export const contacts = sqliteTable(
  "contacts",
  {
    id: id(),
    tenantId: tenantId(),
    kind: text("kind", { enum: CONTACT_KINDS }).notNull(),
    name: text("name").notNull(),
    company: text("company"),
    email: text("email"),
    address: text("address"),
    notes: text("notes"),
    /** Free tags (VIP, warranty, ...): conditional routes can route on them. */
    tags: text("tags", { mode: "json" }).notNull().$type<string[]>().default(sql`'[]'`),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
    /** The call this contact was created from (marketing: new contacts from calls). */
    createdFromCallId: text("created_from_call_id"),
  },
  (t) => [index("contacts_tenant_name").on(t.tenantId, t.name)],
);

/** Every phone of every contact, normalised to E.164 so a caller matches with one index probe. */
export const contactPhones = sqliteTable(
  "contact_phones",
  {
    id: id(),
    tenantId: tenantId(),
    contactId: text("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
    label: text("label", { enum: PHONE_LABELS }).notNull().default("main"),
    number: text("number").notNull(),
    extension: text("extension"),
    /** As it was typed, for display. */
    raw: text("raw").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("contact_phones_tenant_number").on(t.tenantId, t.number, t.createdAt), index("contact_phones_contact").on(t.contactId)],
);

export const campaigns = sqliteTable(
  "campaigns",
  {
    id: id(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    /** website, paid search, print, radio, yard signs, referral, ... */
    channel: text("channel").notNull().default("other"),
    /** Recurring cost per month in cents, from `startsOn` (YYYY-MM-DD) until `endsOn`. */
    monthlyCostCents: integer("monthly_cost_cents").notNull().default(0),
    startsOn: text("starts_on"),
    endsOn: text("ends_on"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("campaigns_tenant_name").on(t.tenantId, t.name)],
);

/** One-off spend entries of a campaign. */
export const campaignCosts = sqliteTable(
  "campaign_costs",
  {
    id: id(),
    tenantId: tenantId(),
    campaignId: text("campaign_id").notNull().references(() => campaigns.id, { onDelete: "cascade" }),
    spentOn: text("spent_on").notNull(),
    amountCents: integer("amount_cents").notNull(),
    note: text("note"),
    createdAt: createdAt(),
  },
  (t) => [index("campaign_costs_campaign").on(t.campaignId, t.spentOn)],
);

/**
 * A tenant's account at a telephony provider, one per provider. The credentials are the provider's
 * own (its adapter's zod schema says which), stored as AES-GCM encrypted JSON.
 */
export const providerAccounts = sqliteTable(
  "provider_accounts",
  {
    id: id(),
    tenantId: tenantId(),
    provider: text("provider", { enum: PROVIDERS }).notNull(),
    /** The account's id at the provider, as its webhooks name it (Twilio's AccountSid). */
    externalId: text("external_id").notNull(),
    credentialsEncrypted: text("credentials_encrypted").notNull(),
    /** Numbers are "bought" from the fictional 555-01xx ranges instead of the provider (demos, offline). */
    sandbox: integer("sandbox", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
    /** When the credentials were last changed, and by whom (a user's name, or "API key <name>"): shown to admins. */
    updatedAt: integer("updated_at"),
    updatedBy: text("updated_by"),
  },
  (t) => [uniqueIndex("provider_accounts_tenant_provider").on(t.tenantId, t.provider)],
);

export const routes = sqliteTable(
  "routes",
  {
    id: id(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    /** dial, menu, queue, geo, conditional, agent: the shape of `config` follows the kind. */
    kind: text("kind").notNull(),
    config: text("config", { mode: "json" }).notNull().$type<unknown>(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("routes_tenant").on(t.tenantId)],
);

export const trackingNumbers = sqliteTable(
  "tracking_numbers",
  {
    id: id(),
    tenantId: tenantId(),
    /** E.164. Unique across tenants: a dialled number names exactly one tenant. */
    number: text("number").notNull(),
    label: text("label").notNull().default(""),
    campaignId: text("campaign_id").references(() => campaigns.id, { onDelete: "set null" }),
    terminationNumber: text("termination_number"),
    failsafeNumber: text("failsafe_number"),
    routeId: text("route_id").references(() => routes.id, { onDelete: "set null" }),
    whisper: text("whisper"),
    record: integer("record", { mode: "boolean" }).notNull().default(false),
    providerAccountId: text("provider_account_id").references(() => providerAccounts.id, { onDelete: "set null" }),
    /** The provider's id for the number when we bought it through the provider (released on delete). */
    providerNumberId: text("provider_number_id"),
    createdAt: createdAt(),
    /** Where its calls go while the business is closed (schema/hours.ts trackingAfterHours); null: the business hours' own. */
    afterHoursTarget: text("after_hours_target", { mode: "json" }).$type<unknown>(),
  },
  (t) => [uniqueIndex("tracking_numbers_number").on(t.number), index("tracking_numbers_tenant").on(t.tenantId)],
);

/**
 * The tenant's business hours and holidays (schema/hours.ts), one row a tenant; without one the
 * business is always open. Conditional routes read it, and while closed calls go to the after-hours target.
 */
export const businessHours = sqliteTable("business_hours", {
  tenantId: text("tenant_id")
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  /** `[{ day, from, to }]`, parsed by zod on the way in. */
  weekly: text("weekly", { mode: "json" }).notNull().$type<unknown>(),
  /** `[{ date, name?, hours: [{ from, to }] }]`, sorted by date. */
  exceptions: text("exceptions", { mode: "json" }).notNull().$type<unknown>(),
  closedGreeting: text("closed_greeting"),
  /** A target (schema/routing.ts) for tracking numbers that name none of their own; null: calls route as usual. */
  afterHoursTarget: text("after_hours_target", { mode: "json" }).$type<unknown>(),
  updatedAt: integer("updated_at").notNull(),
});

export const receivingNumbers = sqliteTable(
  "receiving_numbers",
  {
    id: id(),
    tenantId: tenantId(),
    number: text("number").notNull(),
    country: text("country").notNull().default("US"),
    label: text("label").notNull(),
    extension: text("extension"),
    extensionDelaySeconds: integer("extension_delay_seconds").notNull().default(0),
    whisper: text("whisper"),
    ringSeconds: integer("ring_seconds").notNull().default(20),
    /** Where an unanswered call goes next: `{ kind, id }` of a receiving number, route or voicemail. */
    noAnswerTarget: text("no_answer_target", { mode: "json" }).$type<unknown>(),
    /** Weekly opening hours for tagging; null means always open. */
    taggingHours: text("tagging_hours", { mode: "json" }).$type<unknown>(),
    record: integer("record", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("receiving_numbers_tenant_number").on(t.tenantId, t.number)],
);

/** The call log. A call is written here when it ends; live calls live in the Durable Object. */
export const calls = sqliteTable(
  "calls",
  {
    id: id(),
    tenantId: tenantId(),
    provider: text("provider", { enum: PROVIDERS }).notNull(),
    providerCallId: text("provider_call_id").notNull(),
    fromNumber: text("from_number").notNull(),
    toNumber: text("to_number").notNull(),
    trackingNumberId: text("tracking_number_id"),
    campaignId: text("campaign_id"),
    contactId: text("contact_id"),
    callerType: text("caller_type").notNull().default("unknown"),
    callerName: text("caller_name"),
    status: text("status", { enum: CALL_STATUSES }).notNull(),
    terminationNumber: text("termination_number"),
    startedAt: integer("started_at").notNull(),
    answeredAt: integer("answered_at"),
    endedAt: integer("ended_at"),
    durationSeconds: integer("duration_seconds"),
    talkSeconds: integer("talk_seconds"),
    /** Answered by the fail-safe path (something inside failed). */
    failsafe: integer("failsafe", { mode: "boolean" }).notNull().default(false),
    /** First call ever from this number to this tenant (marketing: first-time callers). */
    firstTime: integer("first_time", { mode: "boolean" }).notNull().default(false),
    recordingUrl: text("recording_url"),
    /** The caller reached voicemail (`reached`) or left a message (`left`); see LiveCall.voicemail. */
    voicemail: text("voicemail", { enum: VOICEMAIL_STATES }),
    /** The number whose leg answered (LiveCall.answeredBy), and what it is called ("Office") when it was. */
    answeredBy: text("answered_by"),
    answeredByLabel: text("answered_by_label"),
    subject: text("subject"),
    notes: text("notes"),
    outcome: text("outcome"),
    tags: text("tags", { mode: "json" }).$type<string[]>(),
    followUpAt: integer("follow_up_at"),
    createdAt: createdAt(),
    /** The website visit a pool number was leased to when the call rang (LiveCall.visit); null for every other call. */
    visitId: text("visit_id"),
    visitSource: text("visit_source"),
    visitMedium: text("visit_medium"),
    visitCampaign: text("visit_campaign"),
    visitKeyword: text("visit_keyword"),
    visitLandingPage: text("visit_landing_page"),
    visitReferrer: text("visit_referrer"),
    visitGclid: text("visit_gclid"),
  },
  (t) => [
    uniqueIndex("calls_provider_call").on(t.tenantId, t.provider, t.providerCallId),
    index("calls_tenant_started").on(t.tenantId, t.startedAt),
    index("calls_tenant_contact").on(t.tenantId, t.contactId, t.startedAt),
    index("calls_tenant_from").on(t.tenantId, t.fromNumber, t.startedAt),
    index("calls_tenant_source").on(t.tenantId, t.visitSource, t.startedAt),
  ],
);

/**
 * A pool of tracking numbers for website visitors (dynamic number insertion): each visit the pool
 * serves (its source rules) is shown one of its numbers, leased to it alone for `leaseMinutes` after
 * its last page view; the leases themselves live in the tenant's Switchboard.
 */
export const numberPools = sqliteTable(
  "number_pools",
  {
    id: id(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    /** The campaign its calls count toward; null: each number's own. */
    campaignId: text("campaign_id").references(() => campaigns.id, { onDelete: "set null" }),
    /** Which visits it serves (schema/dni.ts poolRule[]); none: every visit. */
    sourceRules: text("source_rules", { mode: "json" }).notNull().$type<unknown>().default(sql`'[]'`),
    leaseMinutes: integer("lease_minutes").notNull().default(30),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("number_pools_tenant_name").on(t.tenantId, t.name)],
);

/** The tracking numbers of each pool: keyed by the number, so a number is in one pool at most. */
export const poolNumbers = sqliteTable(
  "pool_numbers",
  {
    trackingNumberId: text("tracking_number_id")
      .primaryKey()
      .references(() => trackingNumbers.id, { onDelete: "cascade" }),
    tenantId: tenantId(),
    poolId: text("pool_id")
      .notNull()
      .references(() => numberPools.id, { onDelete: "cascade" }),
  },
  (t) => [index("pool_numbers_pool").on(t.poolId)],
);

/** Income from accounting (invoices, payments), recorded against a contact. */
export const income = sqliteTable(
  "income",
  {
    id: id(),
    tenantId: tenantId(),
    contactId: text("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
    callId: text("call_id"),
    amountCents: integer("amount_cents").notNull(),
    receivedOn: text("received_on").notNull(),
    reference: text("reference"),
    createdAt: createdAt(),
  },
  (t) => [index("income_tenant_contact").on(t.tenantId, t.contactId), uniqueIndex("income_tenant_reference").on(t.tenantId, t.reference)],
);

/**
 * An invitation to join a tenant: a single-use link whose token only the admin who made it saw (its
 * SHA-256 is kept). Accepted once, within its time; deleting it withdraws it.
 */
export const invitations = sqliteTable(
  "invitations",
  {
    id: id(),
    tenantId: tenantId(),
    email: text("email").notNull(),
    role: text("role", { enum: USER_ROLES }).notNull(),
    tokenHash: text("token_hash").notNull(),
    createdByUserId: text("created_by_user_id"),
    /** Who made it, as shown: a user's name or "API key <name>". */
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    expiresAt: integer("expires_at").notNull(),
    acceptedAt: integer("accepted_at"),
    acceptedUserId: text("accepted_user_id"),
  },
  (t) => [uniqueIndex("invitations_token").on(t.tokenHash), index("invitations_tenant").on(t.tenantId)],
);

/**
 * A single-use link to set a user's password: made by an admin for a user who forgot theirs, or by
 * the operator's CLI for a new tenant's first admin. Only the token's SHA-256 is kept.
 */
export const passwordResets = sqliteTable(
  "password_resets",
  {
    id: id(),
    tenantId: tenantId(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
  },
  (t) => [uniqueIndex("password_resets_token").on(t.tokenHash), index("password_resets_user").on(t.userId)],
);

/**
 * Who changed what, and when: users, roles, keys, provider accounts, numbers, routes, campaigns and
 * tenant settings. Append-only: the migration's triggers refuse every UPDATE and DELETE.
 */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: id(),
    tenantId: text("tenant_id").notNull(),
    at: integer("at").notNull(),
    /** A user (by session), an API key, or the operator's CLI. */
    actorType: text("actor_type", { enum: ["user", "api-key", "operator"] }).notNull(),
    actorId: text("actor_id"),
    /** As it was when it acted: a name survives the user's later renaming. */
    actorName: text("actor_name").notNull(),
    /** What was done, `<thing>.<verb>` (`user.disabled`, `route.updated`, `tenant.updated`). */
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    /** One line for people: "Changed Sam Lee's role from agent to manager". */
    summary: text("summary").notNull(),
    /** What changed, for programs (JSON). */
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [index("audit_events_tenant_at").on(t.tenantId, t.at)],
);

/**
 * Where a tenant's call and contact events go (Standard Webhooks): a URL, the event types it takes,
 * and its signing secret (sealed with SECRETS_KEY like provider credentials: it is needed to sign).
 * After a rotation the previous secret signs beside the new one until it expires.
 */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: id(),
    tenantId: tenantId(),
    url: text("url").notNull(),
    description: text("description"),
    /** WebhookEventType[] */
    events: text("events", { mode: "json" }).notNull().$type<string[]>(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    secretEncrypted: text("secret_encrypted").notNull(),
    previousSecretEncrypted: text("previous_secret_encrypted"),
    previousSecretExpiresAt: integer("previous_secret_expires_at"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
    /** When it stopped taking events, and why (an admin turned it off, or it failed for 3 days). */
    disabledAt: integer("disabled_at"),
    disabledReason: text("disabled_reason"),
    /** The first failed attempt since the last success: 3 days of failing disables the endpoint. */
    failingSince: integer("failing_since"),
  },
  (t) => [index("webhook_endpoints_tenant").on(t.tenantId)],
);

/**
 * One event on its way to one endpoint. Its id (`msg_…`) is the `webhook-id` of every attempt, so a
 * receiver can drop what it has seen. The payload is kept as the exact text that is signed and sent.
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: id(),
    tenantId: tenantId(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    payload: text("payload").notNull(),
    /** Deliveries that share a key (a call's events) reach the endpoint in `ordinal` order. */
    orderingKey: text("ordering_key"),
    ordinal: integer("ordinal").notNull().default(0),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** Bumped by a redelivery: queue messages of an older chain are dropped, so one chain of retries runs. */
    chain: integer("chain").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    /** The first 1 KB of the endpoint's last answer. */
    lastResponse: text("last_response"),
    /** Why the last attempt failed when there was no answer (timeout, connection, refused address). */
    lastError: text("last_error"),
    nextAttemptAt: integer("next_attempt_at"),
    /** An attempt in flight holds the delivery until then: a duplicate queue message does not send it twice. */
    leaseUntil: integer("lease_until"),
    createdAt: createdAt(),
    lastAttemptAt: integer("last_attempt_at"),
    deliveredAt: integer("delivered_at"),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_endpoint").on(t.eventId, t.endpointId),
    index("webhook_deliveries_endpoint_created").on(t.endpointId, t.createdAt),
    index("webhook_deliveries_order").on(t.endpointId, t.orderingKey, t.status, t.ordinal),
  ],
);

/**
 * Texts to staff about unanswered calls: one per call per user at most (the unique index), which
 * is also the ledger the rate limit counts and, for a sandbox account, the record of what was "sent".
 */
export const smsAlerts = sqliteTable(
  "sms_alerts",
  {
    id: id(),
    tenantId: tenantId(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    callId: text("call_id").notNull(),
    toNumber: text("to_number").notNull(),
    fromNumber: text("from_number"),
    body: text("body").notNull(),
    status: text("status", { enum: SMS_ALERT_STATUSES }).notNull().default("queued"),
    providerMessageId: text("provider_message_id"),
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: createdAt(),
    sentAt: integer("sent_at"),
  },
  (t) => [uniqueIndex("sms_alerts_call_user").on(t.tenantId, t.callId, t.userId), index("sms_alerts_user_created").on(t.userId, t.createdAt)],
);
