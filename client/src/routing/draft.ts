/**
 * A route being edited: every kind's settings side by side (switching kind keeps what was typed for
 * the others), with targets that may still be typed numbers. `bodyOf` turns it into what
 * `POST|PUT /api/routes` takes (typed numbers with it); `targetFields` lists its targets by the body's paths, so a refusal
 * about one lands at its field. A new setting (a weight per number, sticky routing, a rotating start)
 * is a field here, a line in `bodyOf` and an input in ./editors.tsx.
 */
import type { Condition } from "../../../schema/routing.ts";
import { resolved, type DialPattern, type DraftTarget, type Issue, type MenuDigit, type Route, type RouteKind } from "./model.ts";

export type { Condition };
export type Slot = DraftTarget | null;

export type RouteDraft = {
  name: string;
  kind: RouteKind;
  /** `weights[i]` is `numbers[i]`'s share of round robin's calls (1 unless set); `sticky` rings a returning caller's last answerer first. */
  dial: { numbers: Slot[]; weights: number[]; pattern: DialPattern; sticky: boolean; noAnswer: Slot };
  menu: { greeting: string; options: { digit: MenuDigit; target: Slot }[]; timeoutSeconds: number; attempts: number; timeoutTarget: Slot };
  queue: { greeting: string; holdMusicUrl: string; numbers: Slot[]; pattern: DialPattern; maxWaitSeconds: number; timeoutTarget: Slot };
  geo: { locations: { name: string; target: Slot; areaCodes: string; regions: string; near: string }[]; default: Slot };
  conditional: { rules: { when: Condition[]; target: Slot }[]; default: Slot };
  agent: { userId: string; noAnswer: Slot };
};

export function emptyDraft(kind: RouteKind = "dial"): RouteDraft {
  return {
    name: "",
    kind,
    dial: { numbers: [null], weights: [1], pattern: "simultaneous", sticky: false, noAnswer: null },
    menu: { greeting: "", options: [{ digit: "1", target: null }], timeoutSeconds: 5, attempts: 3, timeoutTarget: null },
    queue: { greeting: "", holdMusicUrl: "", numbers: [null], pattern: "round-robin", maxWaitSeconds: 300, timeoutTarget: null },
    geo: { locations: [{ name: "", target: null, areaCodes: "", regions: "", near: "" }], default: null },
    conditional: { rules: [{ when: [{ type: "known", value: true }], target: null }], default: null },
    agent: { userId: "", noAnswer: null },
  };
}

const receiving = (ids: string[]): Slot[] => ids.map((id) => ({ kind: "receiving", id }));

export function draftOf(route: Route): RouteDraft {
  const d = emptyDraft(route.kind);
  d.name = route.name;
  switch (route.kind) {
    case "dial":
      d.dial = {
        numbers: receiving(route.config.receivingNumberIds),
        weights: route.config.receivingNumberIds.map((id) => route.config.weights?.[id] ?? 1),
        pattern: route.config.pattern,
        sticky: route.config.sticky ?? false,
        noAnswer: route.config.noAnswer ?? null,
      };
      break;
    case "menu":
      d.menu = { greeting: route.config.greeting, options: route.config.options.map((o) => ({ ...o })), timeoutSeconds: route.config.timeoutSeconds, attempts: route.config.attempts, timeoutTarget: route.config.timeoutTarget ?? null };
      break;
    case "queue":
      d.queue = {
        greeting: route.config.greeting ?? "",
        holdMusicUrl: route.config.holdMusicUrl ?? "",
        numbers: receiving(route.config.receivingNumberIds),
        pattern: route.config.pattern,
        maxWaitSeconds: route.config.maxWaitSeconds,
        timeoutTarget: route.config.timeoutTarget ?? null,
      };
      break;
    case "geo":
      d.geo = {
        locations: route.config.locations.map((l) => ({ name: l.name, target: l.target, areaCodes: l.areaCodes.join(", "), regions: l.regions.join(", "), near: l.near ?? "" })),
        default: route.config.default,
      };
      break;
    case "conditional":
      d.conditional = { rules: route.config.rules.map((r) => ({ when: r.when, target: r.target })), default: route.config.default };
      break;
    case "agent":
      d.agent = { userId: route.config.userId, noAnswer: route.config.noAnswer ?? null };
      break;
    default: {
      const unreachable: never = route;
      throw new Error(`unknown route ${JSON.stringify(unreachable)}`);
    }
  }
  return d;
}

/** "415, 628" → ["415", "628"]; "ca nv" → ["CA", "NV"]. */
export const listOf = (text: string, upper = false) => text.split(/[\s,]+/).map((s) => (upper ? s.toUpperCase() : s)).filter(Boolean);

/** The draft's targets by the API body's paths; `null` where one is still to be chosen. */
export function targetFields(d: RouteDraft): [path: string, target: Slot, required: boolean][] {
  const out: [string, Slot, boolean][] = [];
  const list = (numbers: Slot[]) => numbers.forEach((t, i) => out.push([`config.receivingNumberIds.${i}`, t, false]));
  switch (d.kind) {
    case "dial":
      list(d.dial.numbers);
      out.push(["config.noAnswer", d.dial.noAnswer, false]);
      break;
    case "menu":
      d.menu.options.forEach((o, i) => out.push([`config.options.${i}.target`, o.target, true]));
      out.push(["config.timeoutTarget", d.menu.timeoutTarget, false]);
      break;
    case "queue":
      list(d.queue.numbers);
      out.push(["config.timeoutTarget", d.queue.timeoutTarget, false]);
      break;
    case "geo":
      d.geo.locations.forEach((l, i) => out.push([`config.locations.${i}.target`, l.target, true]));
      out.push(["config.default", d.geo.default, true]);
      break;
    case "conditional":
      d.conditional.rules.forEach((r, i) => out.push([`config.rules.${i}.target`, r.target, true]));
      out.push(["config.default", d.conditional.default, true]);
      break;
    case "agent":
      out.push(["config.noAnswer", d.agent.noAnswer, false]);
      break;
  }
  return out;
}

/** What must be chosen before the API is asked: a target where one is required. */
export function missing(d: RouteDraft): Issue[] {
  return targetFields(d)
    .filter(([, t, required]) => required && !t)
    .map(([path]) => ({ path, message: "choose where the call goes" }));
}

/** A number typed into a target, as `POST|PUT /api/routes` takes it in `newNumbers`. */
export type TypedNumber = { ref: string; number: string; country: string };

/**
 * The body of `POST|PUT /api/routes`. Numbers typed into targets go with it as `newNumbers`, each
 * number once (`new:1`, `new:2`…, read in `country`, labelled by the server as typed), named by its
 * ref where it was typed: the server makes them receiving numbers in the same save, or none.
 */
export function bodyOf(d: RouteDraft, country: string): ReturnType<typeof routeBody> & { newNumbers?: TypedNumber[] } {
  const refs = new Map<string, string>();
  for (const [, t] of targetFields(d)) if (t?.kind === "new" && !refs.has(t.number)) refs.set(t.number, `new:${refs.size + 1}`);
  const route = routeBody(d, refs);
  return refs.size ? { ...route, newNumbers: [...refs].map(([number, ref]) => ({ ref, number, country })) } : route;
}

/** The route's part of the body, with typed numbers named by `ids` (their refs). */
function routeBody(d: RouteDraft, ids: Map<string, string>) {
  const t = (slot: Slot) => (slot ? resolved(slot, ids) : undefined);
  const must = (slot: Slot) => resolved(slot!, ids);
  const numbers = (slots: Slot[]) => slots.filter((s): s is DraftTarget => s !== null).map((s) => (resolved(s, ids) as { id: string }).id);
  const name = d.name.trim();
  switch (d.kind) {
    case "dial": {
      // Weights only where round robin reads them, and only those not the default 1.
      const weights: Record<string, number> = {};
      if (d.dial.pattern === "round-robin")
        d.dial.numbers.forEach((s, i) => {
          const w = d.dial.weights[i] ?? 1;
          if (s && w !== 1) weights[(resolved(s, ids) as { id: string }).id] = w;
        });
      return {
        kind: d.kind,
        name,
        config: {
          receivingNumberIds: numbers(d.dial.numbers),
          pattern: d.dial.pattern,
          ...(Object.keys(weights).length ? { weights } : {}),
          ...(d.dial.sticky ? { sticky: true } : {}),
          noAnswer: t(d.dial.noAnswer),
        },
      };
    }
    case "menu":
      return {
        kind: d.kind,
        name,
        config: { greeting: d.menu.greeting.trim(), options: d.menu.options.map((o) => ({ digit: o.digit, target: must(o.target) })), timeoutSeconds: d.menu.timeoutSeconds, attempts: d.menu.attempts, timeoutTarget: t(d.menu.timeoutTarget) },
      };
    case "queue":
      return {
        kind: d.kind,
        name,
        config: {
          greeting: d.queue.greeting.trim() || undefined,
          holdMusicUrl: d.queue.holdMusicUrl.trim() || undefined,
          receivingNumberIds: numbers(d.queue.numbers),
          pattern: d.queue.pattern,
          maxWaitSeconds: d.queue.maxWaitSeconds,
          timeoutTarget: t(d.queue.timeoutTarget),
        },
      };
    case "geo":
      return {
        kind: d.kind,
        name,
        config: {
          locations: d.geo.locations.map((l) => ({ name: l.name.trim(), target: must(l.target), areaCodes: listOf(l.areaCodes), regions: listOf(l.regions, true), near: l.near.trim() || undefined })),
          default: must(d.geo.default),
        },
      };
    case "conditional":
      return { kind: d.kind, name, config: { rules: d.conditional.rules.map((r) => ({ when: r.when, target: must(r.target) })), default: must(d.conditional.default) } };
    case "agent":
      return { kind: d.kind, name, config: { userId: d.agent.userId, noAnswer: t(d.agent.noAnswer) } };
    default: {
      const unreachable: never = d.kind;
      throw new Error(`unknown kind ${String(unreachable)}`);
    }
  }
}
