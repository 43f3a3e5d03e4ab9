/**
 * Routing configuration as the REST API takes it and the Switchboard reads it: receiving numbers,
 * and routes of six kinds whose targets nest (a menu key can lead to a conditional route that leads
 * to a dialling pattern). zod/mini: the Worker builds these schemas when it starts, and mini's are
 * cheaper to build (the same checks, the same messages).
 */
import * as z from "zod/mini";
import { CALLER_TYPES } from "./calls.ts";
import { MAX_WEIGHT } from "./constants.ts";
import type { receivingNumbers } from "./db.ts";
import { lazy } from "./lazy.ts";

/**
 * How a dial route rings its numbers. `sequential` hunts from the top of the list on every call;
 * `rotating` hunts too, but each call starts one number further down (wrapping); `round-robin`
 * spreads calls by weight and rolls an unanswered call over to the next numbers; `least-connected`
 * rings the number with the fewest calls in progress; `simultaneous` rings them all at once.
 * README "Routing" says the same, a line each.
 */
export const DIAL_PATTERNS = ["simultaneous", "round-robin", "sequential", "rotating", "least-connected"] as const;
export type DialPattern = (typeof DIAL_PATTERNS)[number];
export const ROUTE_KINDS = ["dial", "menu", "queue", "geo", "conditional", "agent"] as const;
export type RouteKind = (typeof ROUTE_KINDS)[number];
export const MENU_DIGITS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"] as const;

const id = lazy(() => z.string().check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(100)));
const text = (max: number) => z.string().check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(max, `must be at most ${max} characters`));
export const clock = lazy(() => z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time like 09:00")));
export const weekday = lazy(() => z.number().check(z.int(), z.minimum(0, "0 is Sunday"), z.maximum(6, "6 is Saturday")));
const areaCode = lazy(() => z.string().check(z.regex(/^\d{3}$/, "must be a three-digit area code")));
const int = (min: number, max: number) => z.number().check(z.int(), z.minimum(min), z.maximum(max));

/** Where a call goes next. */
export const target = lazy(() => z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("receiving"), id }),
  z.object({ kind: z.literal("route"), id }),
  z.object({ kind: z.literal("voicemail"), greeting: z.optional(text(500)) }),
  z.object({ kind: z.literal("hangup") }),
]));
export type Target = z.infer<typeof target>;

/** Weekly windows, in the tenant's time zone; one whose end is not after its start runs into the next day (schema/hours.ts). */
export const hoursWindow = lazy(() => z.object({ day: weekday, from: clock, to: clock }));
export type HoursWindow = z.infer<typeof hoursWindow>;

/**
 * A SIP URI a call may ring directly (a desk phone on a PBX): `sip:` or `sips:`, a user part and a
 * host (a name or IPv4), an optional port and transport. Strict on purpose: it is written into every
 * provider's markup, so nothing that could close a tag, start an attribute or carry a header passes.
 */
export const SIP_URI = /^sips?:[A-Za-z0-9._~+=%-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::(?:6553[0-5]|655[0-2]\d|65[0-4]\d{2}|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3}))?(?:;transport=(?:udp|tcp|tls))?$/i;
/** Whether a typed ring target means a SIP URI (then it must be one), not a phone number. */
export const looksLikeSip = (raw: string) => /^\s*sips?:/i.test(raw);

/** A phone number as typed (read with libphonenumber by the API), or a SIP URI (see SIP_URI). */
export const ringTarget = lazy(() => z.string().check(
  z.trim(),
  z.minLength(1, "must not be empty"),
  z.maxLength(200, "must be at most 200 characters"),
  z.superRefine((value: string, ctx) => {
    if (looksLikeSip(value)) {
      if (!SIP_URI.test(value)) ctx.addIssue({ code: "custom", message: "must be a SIP URI like sip:frontdesk@pbx.example.com[:5060] (no spaces or angle brackets)" });
    } else if (value.length > 40) ctx.addIssue({ code: "custom", message: "must be at most 40 characters (or a SIP URI)" });
  }),
));

const countryCode = lazy(() => z.string().check(z.regex(/^[A-Z]{2}$/, "must be a two-letter country code like US")));

export const receivingNumberInput = lazy(() => z.object({
  /** A phone number, or a SIP URI to ring a desk phone on a PBX directly. */
  number: ringTarget,
  /** ISO country whose national format `number` may be written in. */
  country: z._default(countryCode, "US"),
  label: text(100),
  extension: z.nullish(z.string().check(z.regex(/^[0-9*#]{1,10}$/, "digits, * and # only, at most 10"))),
  extensionDelaySeconds: z._default(int(0, 30), 0),
  whisper: z.nullish(text(500)),
  ringSeconds: z._default(int(5, 120), 20),
  noAnswerTarget: z.nullish(target),
  taggingHours: z.nullish(z.array(hoursWindow).check(z.maxLength(50))),
  record: z._default(z.boolean(), false),
}));
export type ReceivingNumberInput = z.input<typeof receivingNumberInput>;
export const receivingNumberUpdate = lazy(() => z.partial(receivingNumberInput).check(z.refine((v) => Object.values(v).some((x) => x !== undefined), "nothing to update")));

export const dialConfig = lazy(() => z
  .object({
    receivingNumberIds: z.array(id).check(z.minLength(1, "dial at least one receiving number"), z.maxLength(20)),
    pattern: z._default(z.enum(DIAL_PATTERNS), "simultaneous"),
    /**
     * Round robin's share per receiving number (by id): 3 and 1 start 3 calls of every 4 at the
     * first. A number not named weighs 1; other patterns ignore weights.
     */
    weights: z.optional(z.record(id, z.number().check(z.int("must be a whole number"), z.minimum(1, "must be at least 1"), z.maximum(MAX_WEIGHT, `must be at most ${MAX_WEIGHT}`)))),
    /** A returning caller rings first whoever answered them last (when still on the list), then the pattern; absent is off. */
    sticky: z.optional(z.boolean()),
    /** Where the call goes when nobody answers; else the receiving number's own no-answer target. */
    noAnswer: z.optional(target),
  })
  .check(
    z.superRefine((config: { receivingNumberIds: string[]; weights?: Record<string, number> | undefined }, ctx) => {
      for (const key of Object.keys(config.weights ?? {})) {
        if (!config.receivingNumberIds.includes(key)) ctx.addIssue({ code: "custom", path: ["weights", key], message: "weighs a receiving number the route does not dial" });
      }
    }),
  ));

export const menuConfig = lazy(() => z.object({
  greeting: text(1000),
  options: z
    .array(z.object({ digit: z.enum(MENU_DIGITS), target }))
    .check(
      z.minLength(1, "a menu needs at least one option"),
      z.maxLength(12),
      z.refine((options: { digit: string }[]) => new Set(options.map((o) => o.digit)).size === options.length, "each key may lead to one target only"),
    ),
  timeoutSeconds: z._default(int(1, 30), 5),
  /** Times the menu is offered before the caller goes to `timeoutTarget`. */
  attempts: z._default(int(1, 5), 3),
  timeoutTarget: z.optional(target),
}));

export const queueConfig = lazy(() => z.object({
  greeting: z.optional(text(1000)),
  holdMusicUrl: z.optional(z.url().check(z.maxLength(500))),
  receivingNumberIds: z.array(id).check(z.minLength(1, "a queue needs at least one agent's number"), z.maxLength(50)),
  pattern: z._default(z.enum(DIAL_PATTERNS), "round-robin"),
  maxWaitSeconds: z._default(int(10, 3600), 300),
  timeoutTarget: z.optional(target),
}));

export const geoConfig = lazy(() => z.object({
  locations: z
    .array(
      z.object({
        name: text(100),
        target,
        /** Callers from these area codes go here first. */
        areaCodes: z._default(z.array(areaCode).check(z.maxLength(100)), []),
        /** Callers from these states or provinces (two letters, e.g. CA) go here next. */
        regions: z._default(z.array(z.string().check(z.regex(/^[A-Z]{2}$/, "must be a two-letter region code"))).check(z.maxLength(100)), []),
        /** The location's own area code: how near it is to a caller is measured from there. */
        near: z.optional(areaCode),
      }),
    )
    .check(z.minLength(1, "a geo route needs at least one location"), z.maxLength(100)),
  default: target,
}));

export const condition = lazy(() => z.discriminatedUnion("type", [
  z.object({ type: z.literal("time"), days: z.array(weekday).check(z.minLength(1), z.maxLength(7)), from: clock, to: clock }),
  z.object({ type: z.literal("caller-type"), in: z.array(z.enum(CALLER_TYPES)).check(z.minLength(1)) }),
  z.object({ type: z.literal("known"), value: z.boolean() }),
  z.object({ type: z.literal("area-code"), in: z.array(areaCode).check(z.minLength(1), z.maxLength(100)) }),
  z.object({ type: z.literal("hours"), receivingNumberId: id, open: z.boolean() }),
  /** The tenant's business hours (schema/hours.ts): open, or closed (after hours, a holiday). */
  z.object({ type: z.literal("business-hours"), open: z.boolean() }),
  z.object({ type: z.literal("tag"), in: z.array(text(50)).check(z.minLength(1), z.maxLength(20)) }),
]));
export type Condition = z.infer<typeof condition>;

export const conditionalConfig = lazy(() => z.object({
  rules: z.array(z.object({ when: z.array(condition).check(z.minLength(1), z.maxLength(10)), target })).check(z.minLength(1, "add at least one rule"), z.maxLength(50)),
  default: target,
}));

export const agentConfig = lazy(() => z.object({ userId: id, noAnswer: z.optional(target) }));

export const routeInput = lazy(() => z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("dial"), name: text(100), config: dialConfig }),
  z.object({ kind: z.literal("menu"), name: text(100), config: menuConfig }),
  z.object({ kind: z.literal("queue"), name: text(100), config: queueConfig }),
  z.object({ kind: z.literal("geo"), name: text(100), config: geoConfig }),
  z.object({ kind: z.literal("conditional"), name: text(100), config: conditionalConfig }),
  z.object({ kind: z.literal("agent"), name: text(100), config: agentConfig }),
]));
export type RouteInput = z.input<typeof routeInput>;
/** A route as saved, before it has an id. */
export type RouteBody = z.infer<typeof routeInput>;
export type Route = RouteBody & { id: string };

/**
 * A receiving number typed into a route and made with it (`POST|PUT /api/routes`, `newNumbers`):
 * its `ref` ("new:1") stands for its id wherever the route names a receiving number. `country`:
 * how a national number is read (the tenant's country when absent); `label`: the number as typed.
 */
export const NEW_NUMBER_REF = /^new:[A-Za-z0-9_-]{1,40}$/;
export const newReceivingNumber = lazy(() => z.object({
  ref: z.string().check(z.regex(NEW_NUMBER_REF, 'must be like "new:1"')),
  number: ringTarget,
  country: z.optional(countryCode),
  label: z.optional(text(100)),
}));
export type NewReceivingNumber = z.infer<typeof newReceivingNumber>;

/** The body of `POST|PUT /api/routes`: a route, and the receiving numbers typed into it, saved together or not at all. */
export const routeSave = lazy(() => z.intersection(
  routeInput,
  z.object({
    newNumbers: z.optional(
      z.array(newReceivingNumber).check(
        z.maxLength(50, "at most 50 new receiving numbers at once"),
        z.superRefine((list: { ref: string }[], ctx) => {
          list.forEach((n, i) => {
            if (list.findIndex((m) => m.ref === n.ref) !== i) ctx.addIssue({ code: "custom", path: [i, "ref"], message: `${n.ref} is named twice` });
          });
        }),
      ),
    ),
  }),
));
export type RouteSave = z.infer<typeof routeSave>;
export type DialConfig = z.infer<typeof dialConfig>;
export type MenuConfig = z.infer<typeof menuConfig>;
export type QueueConfig = z.infer<typeof queueConfig>;
export type GeoConfig = z.infer<typeof geoConfig>;
export type ConditionalConfig = z.infer<typeof conditionalConfig>;

/** A receiving number as the router reads it. */
export type ReceivingNumber = {
  id: string;
  number: string;
  label: string;
  extension: string | null;
  extensionDelaySeconds: number;
  whisper: string | null;
  ringSeconds: number;
  noAnswerTarget: Target | null;
  taggingHours: HoursWindow[] | null;
  record: boolean;
};

/** A receiving number's D1 row as the API shows it and the router reads it (stored values were parsed on the way in). */
export function presentReceiving(r: typeof receivingNumbers.$inferSelect) {
  return {
    id: r.id,
    number: r.number,
    country: r.country,
    label: r.label,
    extension: r.extension,
    extensionDelaySeconds: r.extensionDelaySeconds,
    whisper: r.whisper,
    ringSeconds: r.ringSeconds,
    noAnswerTarget: (r.noAnswerTarget as Target | null) ?? null,
    taggingHours: (r.taggingHours as HoursWindow[] | null) ?? null,
    record: r.record,
    createdAt: r.createdAt,
  };
}

/**
 * The route with every receiving number's id it names passed through `rename` (given the id and the
 * path in the body where it stands): the numbers a dial or queue rings and their weights, targets,
 * and the numbers whose tagging hours a condition reads. Saving a route with new receiving numbers
 * puts their ids for the refs it was sent with (`newNumbers`); collecting is renaming to the same id.
 */
export function mapReceivingIds<R extends RouteBody>(route: R, rename: (id: string, path: string) => string): R {
  const target = (t: Target, path: string): Target => (t.kind === "receiving" ? { ...t, id: rename(t.id, `${path}.id`) } : t);
  const optional = (t: Target | undefined, key: string) => (t ? { [key]: target(t, `config.${key}`) } : {});
  const ids = (list: string[]) => list.map((id, i) => rename(id, `config.receivingNumberIds.${i}`));
  const mapped: RouteBody = (() => {
    switch (route.kind) {
      case "dial": {
        const { weights, noAnswer, ...c } = route.config;
        const renamed = weights ? { weights: Object.fromEntries(Object.entries(weights).map(([id, w]) => [rename(id, `config.weights.${id}`), w])) } : {};
        return { ...route, config: { ...c, receivingNumberIds: ids(c.receivingNumberIds), ...renamed, ...optional(noAnswer, "noAnswer") } };
      }
      case "menu": {
        const { timeoutTarget, ...c } = route.config;
        return { ...route, config: { ...c, options: c.options.map((o, i) => ({ ...o, target: target(o.target, `config.options.${i}.target`) })), ...optional(timeoutTarget, "timeoutTarget") } };
      }
      case "queue": {
        const { timeoutTarget, ...c } = route.config;
        return { ...route, config: { ...c, receivingNumberIds: ids(c.receivingNumberIds), ...optional(timeoutTarget, "timeoutTarget") } };
      }
      case "geo":
        return { ...route, config: { ...route.config, locations: route.config.locations.map((l, i) => ({ ...l, target: target(l.target, `config.locations.${i}.target`) })), default: target(route.config.default, "config.default") } };
      case "conditional": {
        const rules = route.config.rules.map((r, i) => ({
          when: r.when.map((w, j) => (w.type === "hours" ? { ...w, receivingNumberId: rename(w.receivingNumberId, `config.rules.${i}.when.${j}.receivingNumberId`) } : w)),
          target: target(r.target, `config.rules.${i}.target`),
        }));
        return { ...route, config: { ...route.config, rules, default: target(route.config.default, "config.default") } };
      }
      case "agent": {
        const { noAnswer, ...c } = route.config;
        return { ...route, config: { ...c, ...optional(noAnswer, "noAnswer") } };
      }
      default: {
        const unreachable: never = route;
        throw new Error(`unknown route ${JSON.stringify(unreachable)}`);
      }
    }
  })();
  return mapped as R;
}

/** Every target a route names, for validation and the tree view. */
export function targetsOf(route: Route): Target[] {
  switch (route.kind) {
    case "dial":
      return [...route.config.receivingNumberIds.map((id) => ({ kind: "receiving" as const, id })), ...(route.config.noAnswer ? [route.config.noAnswer] : [])];
    case "menu":
      return [...route.config.options.map((o) => o.target), ...(route.config.timeoutTarget ? [route.config.timeoutTarget] : [])];
    case "queue":
      return [...route.config.receivingNumberIds.map((id) => ({ kind: "receiving" as const, id })), ...(route.config.timeoutTarget ? [route.config.timeoutTarget] : [])];
    case "geo":
      return [...route.config.locations.map((l) => l.target), route.config.default];
    case "conditional":
      return [...route.config.rules.map((r) => r.target), route.config.default];
    case "agent":
      return route.config.noAnswer ? [route.config.noAnswer] : [];
    default: {
      const unreachable: never = route;
      throw new Error(`unknown route ${JSON.stringify(unreachable)}`);
    }
  }
}
