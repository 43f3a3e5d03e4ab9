/**
 * What the routing screens share: the tenant's receiving numbers, routes and the people an agent
 * route can ring, loaded once per screen; targets named for people; and the API's refusals placed
 * at the field that causes them. Types come from schema/routing.ts as types only, so zod stays out
 * of the dashboard's JavaScript (the server validates; these screens show what it says).
 */
import { signal } from "@preact/signals";
import type { ConditionalConfig, DialPattern, GeoConfig, HoursWindow, MenuConfig, QueueConfig, ReceivingNumber, RouteKind, Target } from "../../../schema/routing.ts";
import type { MENU_DIGITS } from "../../../schema/routing.ts";
import { api, ApiFailure } from "../api.ts";
import { can } from "../can.ts";
import { formatPhone, phoneModule } from "../format.ts";
import { DAY_NAMES, DAY_SHORT } from "../../../schema/routing-words.ts";

export type { DialPattern, HoursWindow, RouteKind, Target };
export type MenuDigit = (typeof MENU_DIGITS)[number];

/** A receiving number as the API shows it: what the router reads, and the country it was typed for. */
export type Receiving = ReceivingNumber & { country: string };

/** A route as the API answers it; `config` per kind as the schema infers it (defaults filled in). */
export type Route =
  | { id: string; kind: "dial"; name: string; config: DialConfig }
  | { id: string; kind: "menu"; name: string; config: MenuConfig }
  | { id: string; kind: "queue"; name: string; config: QueueConfig }
  | { id: string; kind: "geo"; name: string; config: GeoConfig }
  | { id: string; kind: "conditional"; name: string; config: ConditionalConfig }
  | { id: string; kind: "agent"; name: string; config: { userId: string; noAnswer?: Target } };
type DialConfig = { receivingNumberIds: string[]; pattern: DialPattern; weights?: Record<string, number>; sticky?: boolean; noAnswer?: Target };

/** Someone an agent route can ring: their own number, set in their profile. */
export type Agent = { id: string; name: string; agentNumber: string | null };

export type TrackingRef = { id: string; number: string; label: string; routeId: string | null };

/** The route tree of `GET /api/routes/:id/tree` (worker/routing/graph.ts). */
export type TreeNode = { label: string; name: string; target: Target; kind: string; detail?: string; children: TreeNode[] };

/** A target being edited: one of the API's, or a number typed in, made a receiving number on save. */
export type DraftTarget = Target | { kind: "new"; number: string };

export type Issue = { path: string; message: string };

/** What the routing screens read; loaded by `loadRouting`, kept while the screens are open. */
export const routing = {
  receiving: signal<Receiving[] | null>(null),
  routes: signal<Route[] | null>(null),
  agents: signal<Agent[]>([]),
  tracking: signal<TrackingRef[]>([]),
};

export async function loadRouting() {
  const [r, routes, tracking] = await Promise.all([
    api<{ items: Receiving[] }>("GET", "/api/receiving-numbers"),
    api<{ items: Route[] }>("GET", "/api/routes"),
    can("numbers:read") ? api<{ items: TrackingRef[] }>("GET", "/api/tracking-numbers") : Promise.resolve({ items: [] }),
  ]);
  routing.receiving.value = r.items;
  routing.routes.value = routes.items;
  routing.tracking.value = tracking.items;
  // Who an agent route may ring: read by those who write routes.
  if (can("routing:read")) routing.agents.value = (await api<{ items: Agent[] }>("GET", "/api/routes/agents").catch(() => ({ items: [] }))).items;
}

/** The route kinds in the editor's words, in the order the editor offers them. */
export const KIND_WORDS: Record<RouteKind, { title: string; hint: string }> = {
  dial: { title: "Dial receiving numbers", hint: "Ring one or more receiving numbers in a pattern" },
  menu: { title: "Voice menu", hint: "The caller presses a key to choose where to go" },
  queue: { title: "Call queue", hint: "The caller waits with hold music while the numbers are offered the call" },
  geo: { title: "Geo route", hint: "The caller's area code or state picks the nearest location" },
  conditional: { title: "Conditional route", hint: "Rules on time, caller and tags pick where the call goes" },
  agent: { title: "Dial agent", hint: "Ring the number an agent takes calls on now (set in their profile)" },
};
export const ROUTE_KINDS_SHOWN = Object.keys(KIND_WORDS) as RouteKind[];

/** Each dialling pattern with the one line that says what it does (a new pattern must be described here). */
export const PATTERN_WORDS: Record<DialPattern, { title: string; hint: string }> = {
  simultaneous: { title: "Simultaneous", hint: "Ring every number at once; the first to answer takes the call" },
  "round-robin": { title: "Round robin", hint: "Spread calls evenly: each call starts at the next number in turn, then rolls over to the others" },
  sequential: { title: "Sequential", hint: "Hunt from the top: ring each number in order until one answers" },
  rotating: { title: "Rotating hunt", hint: "Hunt in order, but each call starts one number further down the list" },
  "least-connected": { title: "Least connected", hint: "Ring the number with the fewest calls in progress" },
};
export const PATTERNS_SHOWN = Object.keys(PATTERN_WORDS) as DialPattern[];

const DIGITS: Record<MenuDigit, true> = { "1": true, "2": true, "3": true, "4": true, "5": true, "6": true, "7": true, "8": true, "9": true, "0": true, "*": true, "#": true };
/** The keys in the order a phone's keypad reads them (Object.keys would put 0 first). */
export const MENU_KEYS = [..."1234567890*#"].filter((k): k is MenuDigit => k in DIGITS);

export { DAY_NAMES, DAY_SHORT };

/** A receiving number as people know it: "Office · (415) 555-0150"; just the number while its label is the number as typed. */
export function receivingName(r: Pick<Receiving, "label" | "number">) {
  const digits = (s: string) => s.replace(/\D/g, "");
  if (!/[a-z]/i.test(r.label) && digits(r.number).endsWith(digits(r.label)) && digits(r.label).length >= 7) return formatPhone(r.number);
  return `${r.label} · ${formatPhone(r.number)}`;
}

/** Where a target sends the call, in words: "Office · (415) 555-0150", "Route: Main menu", "Voicemail". */
export function targetName(t: DraftTarget | null | undefined): string {
  if (!t) return "—";
  switch (t.kind) {
    case "receiving": {
      const r = routing.receiving.value?.find((x) => x.id === t.id);
      return r ? receivingName(r) : "a receiving number that is gone";
    }
    case "route": {
      const r = routing.routes.value?.find((x) => x.id === t.id);
      return r ? `Route: ${r.name}` : "a route that is gone";
    }
    case "voicemail":
      return "Voicemail";
    case "hangup":
      return "Hang up";
    case "new":
      return `New receiving number ${formatPhone(t.number)}`;
    default: {
      const unreachable: never = t;
      return String(unreachable);
    }
  }
}

/** How the API's check names a target in its sentences (worker/routing/graph.ts `describe`). */
function checkName(t: DraftTarget): string | null {
  if (t.kind === "route") {
    const r = routing.routes.value?.find((x) => x.id === t.id);
    return r ? `route "${r.name}"` : t.id;
  }
  if (t.kind === "receiving") {
    const r = routing.receiving.value?.find((x) => x.id === t.id);
    return r ? `receiving number "${r.label}"` : t.id;
  }
  return null;
}

/**
 * Places the API's refusals at fields. An issue with a path (a field of the body) stays there; a
 * problem with the whole configuration (a loop, a target that is gone: path "") goes to the first
 * field whose target the sentence names, so the owner sees which choice closes the loop.
 * `fields` lists the form's targets by path; `self` is how the check names the thing being saved.
 */
export function placeIssues(issues: Issue[], fields: [path: string, target: DraftTarget][], self?: string): Issue[] {
  return issues.map((issue) => {
    if (issue.path) return issue;
    const message = issue.message;
    const culprit = fields.find(([, t]) => {
      const name = checkName(t);
      return name !== null && name !== self && message.includes(name);
    });
    return culprit ? { path: culprit[0], message } : issue;
  });
}

/** The issues of a refusal; a failure to reach the server is one issue for the whole form. */
export function issuesOf(err: unknown): Issue[] {
  if (err instanceof ApiFailure) return err.body.issues?.length ? err.body.issues : [{ path: "", message: err.message }];
  return [{ path: "", message: "Could not reach Switchboard; check the connection and try again" }];
}

/** The messages for a field: issues at its path or under it. */
export function issuesAt(issues: Issue[], path: string) {
  return issues.filter((i) => i.path === path || i.path.startsWith(`${path}.`)).map((i) => i.message);
}

/** What in the routing configuration leads to a receiving number or route, as links can name it. */
export function usersOf(target: Target): { name: string; href: string }[] {
  const same = (t: Target | null | undefined) => !!t && (t.kind === "route" || t.kind === "receiving") && t.kind === target.kind && t.id === (target as { id: string }).id;
  const found: { name: string; href: string }[] = [];
  for (const r of routing.routes.value ?? []) {
    const hours = r.kind === "conditional" && target.kind === "receiving" && r.config.rules.some((rule) => rule.when.some((w) => w.type === "hours" && w.receivingNumberId === target.id));
    if (targetsOfRoute(r).some(same) || hours) found.push({ name: `route "${r.name}"`, href: `#/numbers/routes/${r.id}` });
  }
  for (const r of routing.receiving.value ?? []) if (same(r.noAnswerTarget)) found.push({ name: `receiving number "${r.label}"`, href: `#/numbers/receiving/${r.id}` });
  if (target.kind === "route") for (const t of routing.tracking.value) if (t.routeId === target.id) found.push({ name: `tracking number ${formatPhone(t.number)}`, href: "#/numbers" });
  return found;
}

/** Every target a route names (as schema/routing.ts `targetsOf`, which the client cannot import without zod). */
export function targetsOfRoute(route: Route): Target[] {
  const some = (t: Target | undefined) => (t ? [t] : []);
  const receiving = (ids: string[]) => ids.map((id) => ({ kind: "receiving" as const, id }));
  switch (route.kind) {
    case "dial":
      return [...receiving(route.config.receivingNumberIds), ...some(route.config.noAnswer)];
    case "menu":
      return [...route.config.options.map((o) => o.target), ...some(route.config.timeoutTarget)];
    case "queue":
      return [...receiving(route.config.receivingNumberIds), ...some(route.config.timeoutTarget)];
    case "geo":
      return [...route.config.locations.map((l) => l.target), route.config.default];
    case "conditional":
      return [...route.config.rules.map((r) => r.target), route.config.default];
    case "agent":
      return some(route.config.noAnswer);
    default: {
      const unreachable: never = route;
      return unreachable;
    }
  }
}

/** A route in one line for the list: "Sequential over 2 numbers, then Voicemail". */
export function routeSummary(route: Route): string {
  const then = (t: Target | undefined, word = "then") => (t ? `, ${word} ${targetName(t)}` : "");
  const numbers = (n: number) => `${n} number${n === 1 ? "" : "s"}`;
  switch (route.kind) {
    case "dial":
      return `${PATTERN_WORDS[route.config.pattern]?.title ?? route.config.pattern} over ${numbers(route.config.receivingNumberIds.length)}${then(route.config.noAnswer, "no answer:")}`;
    case "menu":
      return `Keys ${route.config.options.map((o) => o.digit).join(", ")}${then(route.config.timeoutTarget, "no key:")}`;
    case "queue":
      return `${numbers(route.config.receivingNumberIds.length)}, wait up to ${route.config.maxWaitSeconds} s${then(route.config.timeoutTarget)}`;
    case "geo":
      return `${route.config.locations.length} location${route.config.locations.length === 1 ? "" : "s"}, else ${targetName(route.config.default)}`;
    case "conditional":
      return `${route.config.rules.length} rule${route.config.rules.length === 1 ? "" : "s"}, otherwise ${targetName(route.config.default)}`;
    case "agent":
      return `Rings ${routing.agents.value.find((a) => a.id === route.config.userId)?.name ?? "an agent"}${then(route.config.noAnswer, "no answer:")}`;
    default: {
      const unreachable: never = route;
      return String(unreachable);
    }
  }
}

/** "Fri 22:00 – Sat 02:00" for a window that runs past midnight (its end before its start), "Mon 09:00 – 17:00" otherwise. */
export function windowWords(w: HoursWindow) {
  const crosses = w.to < w.from;
  return crosses ? `${DAY_SHORT[w.day]} ${w.from} – ${DAY_SHORT[(w.day + 1) % 7]} ${w.to}` : `${DAY_SHORT[w.day]} ${w.from} – ${w.to}`;
}

/**
 * Saves a form whose targets may be typed numbers: each becomes a receiving number (labelled with
 * the number, read in the business's country), then `save` runs with their ids. A save refused (or a
 * number refused) takes back the numbers it made, so a refusal leaves nothing behind. A route's editor
 * needs none of this: `POST|PUT /api/routes` takes its typed numbers itself (`newNumbers`).
 */
export async function saveWithTypedNumbers<T>(fields: [path: string, target: DraftTarget][], country: string, save: (ids: Map<string, string>) => Promise<T>): Promise<{ saved: T; made: number } | { issues: Issue[] }> {
  const ids = new Map<string, string>();
  const issues: Issue[] = [];
  const takeBack = () => Promise.all([...ids.values()].map((id) => api("DELETE", `/api/receiving-numbers/${id}`).catch(() => undefined)));
  for (const [path, t] of fields) {
    if (t.kind !== "new" || ids.has(t.number)) continue;
    try {
      const made = await api<Receiving>("POST", "/api/receiving-numbers", { number: t.number, country, label: t.number });
      ids.set(t.number, made.id);
    } catch (err) {
      issues.push(...issuesOf(err).map((i) => ({ path, message: `${t.number}: ${i.message}` })));
    }
  }
  if (issues.length) {
    await takeBack();
    return { issues };
  }
  try {
    return { saved: await save(ids), made: ids.size };
  } catch (err) {
    await takeBack();
    throw err;
  }
}

/** A draft target as the API takes it, once typed numbers have ids. */
export function resolved(t: DraftTarget, ids: Map<string, string>): Target {
  return t.kind === "new" ? { kind: "receiving", id: ids.get(t.number)! } : t;
}

let countryNames: Intl.DisplayNames | undefined;

/**
 * The countries a number may be written in, by name with calling codes ("United States (+1)"), from
 * the phone chunk (libphonenumber): null until it has loaded; a picker offers its current value meanwhile.
 */
export function countryChoices(): { country: string; label: string }[] | null {
  const phone = phoneModule();
  if (!phone) return null;
  countryNames ??= new Intl.DisplayNames(undefined, { type: "region" });
  return phone
    .callingCodes()
    .map(({ country, code }) => ({ country, label: `${countryNames!.of(country) ?? country} (+${code})` }))
    .sort((a, b) => a.label.localeCompare(b.label));
}
