/**
 * Where a call to the route goes, as the server reads the saved configuration
 * (`GET /api/routes/:id/tree`): each branch says when it is taken ("press 2", "no answer"), each
 * node what it is, with receiving numbers formatted and agents named.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api } from "../api.ts";
import { formatPhone } from "../format.ts";
import { PATTERN_WORDS, routing, type DialPattern, type TreeNode } from "./model.ts";

const KIND_BADGES: Record<string, string> = { dial: "Dial", menu: "Menu", queue: "Queue", geo: "Geo", conditional: "Conditions", agent: "Agent", receiving: "Rings", voicemail: "Voicemail", hangup: "Ends", missing: "Missing", truncated: "…" };

function detailOf(node: TreeNode) {
  if (node.kind === "dial") return PATTERN_WORDS[node.detail as DialPattern]?.title ?? node.detail;
  if (node.kind === "agent") {
    const agent = routing.agents.value.find((a) => a.id === node.detail);
    return agent ? `${agent.name}${agent.agentNumber ? ` · ${formatPhone(agent.agentNumber)}` : " (no number set)"}` : undefined;
  }
  if (node.kind === "receiving" && node.target.kind === "receiving") {
    const id = node.target.id;
    const r = routing.receiving.value?.find((x) => x.id === id);
    return r ? formatPhone(r.number) + (r.extension ? ` ext. ${r.extension}` : "") : undefined;
  }
  return node.detail;
}

function Branch({ node }: { node: TreeNode }) {
  const detail = detailOf(node);
  const label = /^(simultaneous|round-robin|least-connected)$/.test(node.label) ? (PATTERN_WORDS[node.label as DialPattern]?.title.toLowerCase() ?? node.label) : node.label;
  return (
    <li data-kind={node.kind}>
      <span class="node">
        {label !== "start" && <span class="when">{label}</span>}
        {KIND_BADGES[node.kind] !== node.name && <span class="badge">{KIND_BADGES[node.kind] ?? node.kind}</span>} <strong>{node.name}</strong>
        {detail && detail !== node.name && <span class="muted detail"> {detail}</span>}
      </span>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((c, i) => (
            <Branch key={i} node={c} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** The saved route's tree; `version` changes after each save, and the tree is read again. */
export function RouteTree({ id, version }: { id: string; version: number }) {
  const tree = useSignal<TreeNode | null>(null);
  const failed = useSignal(false);
  useEffect(() => {
    failed.value = false;
    api<TreeNode>("GET", `/api/routes/${id}/tree`)
      .then((t) => (tree.value = t))
      .catch(() => (failed.value = true));
  }, [id, version]);
  return (
    <aside class="route-tree" aria-label="Where a call goes">
      <h2>Where a call goes</h2>
      <small class="muted">As saved; the next call follows it.</small>
      {failed.value && <p class="error">Could not read the route's tree; try again.</p>}
      {tree.value && (
        <ul class="tree">
          <Branch node={tree.value} />
        </ul>
      )}
    </aside>
  );
}
