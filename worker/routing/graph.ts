/**
 * Checks a tenant's routing configuration as a whole before it is saved: every target exists, and no
 * route leads back to itself (through nested routes or no-answer targets), so a call always ends.
 */
import { targetsOf, type Route, type Target } from "../../schema/routing.ts";
import { ruleWords } from "../../schema/routing-words.ts";

export type RoutingGraph = {
  routes: Map<string, Route>;
  receiving: Map<string, { id: string; label: string; noAnswerTarget: Target | null }>;
  users: Set<string>;
};

function nodeKey(t: Target) {
  return t.kind === "route" || t.kind === "receiving" ? `${t.kind}:${t.id}` : null;
}

function describe(graph: RoutingGraph, key: string) {
  const [kind, id] = key.split(":") as ["route" | "receiving", string];
  return kind === "route" ? `route "${graph.routes.get(id)?.name ?? id}"` : `receiving number "${graph.receiving.get(id)?.label ?? id}"`;
}

function edges(graph: RoutingGraph, key: string): Target[] {
  const [kind, id] = key.split(":") as ["route" | "receiving", string];
  if (kind === "route") {
    const route = graph.routes.get(id);
    return route ? targetsOf(route) : [];
  }
  const target = graph.receiving.get(id)?.noAnswerTarget;
  return target ? [target] : [];
}

/** The problems with the configuration, each said plainly; empty when it is sound. */
export function checkGraph(graph: RoutingGraph): string[] {
  const problems: string[] = [];
  for (const route of graph.routes.values()) {
    for (const t of targetsOf(route)) {
      if (t.kind === "route" && !graph.routes.has(t.id)) problems.push(`route "${route.name}" leads to route ${t.id}, which does not exist`);
      if (t.kind === "receiving" && !graph.receiving.has(t.id)) problems.push(`route "${route.name}" leads to receiving number ${t.id}, which does not exist`);
    }
    if (route.kind === "agent" && !graph.users.has(route.config.userId)) problems.push(`route "${route.name}" dials user ${route.config.userId}, who does not exist`);
    if (route.kind === "conditional") {
      for (const rule of route.config.rules)
        for (const c of rule.when)
          if (c.type === "hours" && !graph.receiving.has(c.receivingNumberId)) problems.push(`route "${route.name}" reads the hours of receiving number ${c.receivingNumberId}, which does not exist`);
    }
  }
  for (const r of graph.receiving.values()) {
    const t = r.noAnswerTarget;
    if (t?.kind === "route" && !graph.routes.has(t.id)) problems.push(`receiving number "${r.label}" sends unanswered calls to route ${t.id}, which does not exist`);
    if (t?.kind === "receiving" && !graph.receiving.has(t.id)) problems.push(`receiving number "${r.label}" sends unanswered calls to receiving number ${t.id}, which does not exist`);
  }
  if (problems.length) return problems;

  // Depth-first search for a cycle; the path found is named in the message.
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (key: string): string | null => {
    if (state.get(key) === "done") return null;
    if (state.get(key) === "visiting") {
      const loop = [...path.slice(path.indexOf(key)), key];
      return `these lead back to themselves, so a call would never end: ${loop.map((k) => describe(graph, k)).join(" → ")}`;
    }
    state.set(key, "visiting");
    path.push(key);
    for (const t of edges(graph, key)) {
      const next = nodeKey(t);
      const found = next ? visit(next) : null;
      if (found) return found;
    }
    path.pop();
    state.set(key, "done");
    return null;
  };
  for (const key of [...[...graph.routes.keys()].map((id) => `route:${id}`), ...[...graph.receiving.keys()].map((id) => `receiving:${id}`)]) {
    const found = visit(key);
    if (found) return [found];
  }
  return [];
}

export type TreeNode = { label: string; name: string; target: Target; kind: string; detail?: string; children: TreeNode[] };

/** A route as a tree people can read: each branch says when it is taken, in words (a rule's conditions too). */
export function routeTree(graph: RoutingGraph, target: Target, label = "start", depth = 0): TreeNode {
  const node = (name: string, kind: string, detail?: string, children: TreeNode[] = []): TreeNode => ({ label, name, target, kind, ...(detail ? { detail } : {}), children });
  if (depth > 20) return node("…", "truncated");
  switch (target.kind) {
    case "hangup":
      return node("Hang up", "hangup");
    case "voicemail":
      return node("Voicemail", "voicemail", target.greeting);
    case "receiving": {
      const r = graph.receiving.get(target.id);
      if (!r) return node(`missing receiving number ${target.id}`, "missing");
      return node(r.label, "receiving", undefined, r.noAnswerTarget ? [routeTree(graph, r.noAnswerTarget, "no answer", depth + 1)] : []);
    }
    case "route": {
      const route = graph.routes.get(target.id);
      if (!route) return node(`missing route ${target.id}`, "missing");
      const sub = (t: Target, l: string) => routeTree(graph, t, l, depth + 1);
      switch (route.kind) {
        case "dial": {
          const cfg = route.config;
          // A weight shows where it counts: round robin's branches.
          const branch = (id: string, i: number) =>
            cfg.pattern === "sequential" ? `${i + 1}.` : cfg.pattern === "round-robin" && (cfg.weights?.[id] ?? 1) !== 1 ? `round-robin, weight ${cfg.weights![id]}` : cfg.pattern;
          return node(route.name, "dial", cfg.sticky ? `${cfg.pattern}, last answerer first` : cfg.pattern, [
            ...cfg.receivingNumberIds.map((id, i) => sub({ kind: "receiving", id }, branch(id, i))),
            ...(cfg.noAnswer ? [sub(cfg.noAnswer, "no answer")] : []),
          ]);
        }
        case "menu": {
          const cfg = route.config;
          return node(route.name, "menu", cfg.greeting, [...cfg.options.map((o) => sub(o.target, `press ${o.digit}`)), ...(cfg.timeoutTarget ? [sub(cfg.timeoutTarget, "no key")] : [])]);
        }
        case "queue": {
          const cfg = route.config;
          return node(route.name, "queue", `${cfg.pattern}, wait up to ${cfg.maxWaitSeconds} s`, [
            ...cfg.receivingNumberIds.map((id) => sub({ kind: "receiving", id }, "agent")),
            ...(cfg.timeoutTarget ? [sub(cfg.timeoutTarget, "waited too long")] : []),
          ]);
        }
        case "geo":
          return node(route.name, "geo", undefined, [...route.config.locations.map((l) => sub(l.target, `near ${l.name}`)), sub(route.config.default, "anywhere else")]);
        case "conditional": {
          // Each rule's branch says in words when it is taken; the first that holds wins, so they are in order.
          const names = { receivingLabel: (id: string) => graph.receiving.get(id)?.label ?? null };
          return node(route.name, "conditional", undefined, [
            ...route.config.rules.map((r) => sub(r.target, ruleWords(r.when, names))),
            sub(route.config.default, "otherwise"),
          ]);
        }
        case "agent":
          return node(route.name, "agent", route.config.userId, route.config.noAnswer ? [sub(route.config.noAnswer, "no answer")] : []);
        default: {
          const unreachable: never = route;
          throw new Error(`unknown route ${JSON.stringify(unreachable)}`);
        }
      }
    }
    default: {
      const unreachable: never = target;
      throw new Error(`unknown target ${JSON.stringify(unreachable)}`);
    }
  }
}
