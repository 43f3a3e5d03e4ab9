/**
 * Routes: the list, and an editor for each kind (dial, voice menu, queue, geo, conditional, agent)
 * with the saved route's tree beside it (beneath it on a phone), so the owner sees where a call
 * goes. Numbers typed into a target become receiving numbers with the route, in one save (a refused
 * save makes none); a refusal (a loop, a ring loop, a missing choice) is shown in words at the field
 * that causes it.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api } from "../api.ts";
import { can } from "../can.ts";
import { navigate } from "../router.ts";
import { me } from "../session.ts";
import { bodyOf, draftOf, emptyDraft, missing, targetFields, type RouteDraft, type TypedNumber } from "../routing/draft.ts";
import { KindEditor } from "../routing/editors.tsx";
import { FieldIssues } from "../routing/fields.tsx";
import { issuesAt, issuesOf, KIND_WORDS, loadRouting, placeIssues, ROUTE_KINDS_SHOWN, routeSummary, routing, usersOf, type DraftTarget, type Issue, type Route, type RouteKind } from "../routing/model.ts";
import { NotForRole, NumbersTabs } from "../routing/NumbersTabs.tsx";
import { RouteTree } from "../routing/RouteTree.tsx";

export function RoutesScreen({ id, query }: { id?: string | undefined; query: URLSearchParams }) {
  useEffect(() => {
    if (can("routing:read")) void loadRouting();
  }, []);
  if (!can("routing:read")) return <NotForRole />;
  return (
    <section class="screen routing">
      <NumbersTabs current="routes" />
      {id ? <RouteEditor key={id} id={id} kind={(query.get("kind") as RouteKind | null) ?? "dial"} saved={query.get("saved") === "1"} /> : <RouteList saved={query.get("saved")} />}
    </section>
  );
}

function RouteList({ saved }: { saved: string | null }) {
  const refused = useSignal<{ id: string; message: string } | null>(null);
  const message = useSignal<string | null>(saved ? `Saved ${saved}: the next call follows it.` : null);
  const list = routing.routes.value;
  const writes = can("routing:write");
  async function remove(r: Route) {
    if (!confirm(`Delete the route ${r.name}?`)) return;
    try {
      refused.value = null;
      await api("DELETE", `/api/routes/${r.id}`);
      message.value = `Deleted ${r.name}`;
      await loadRouting();
    } catch (err) {
      refused.value = { id: r.id, message: issuesOf(err)[0]!.message };
    }
  }
  return (
    <>
      <div class="screen-head">
        <h1>Routes</h1>
        {writes && (
          <a class="button primary" href="#/numbers/routes/new">
            New route
          </a>
        )}
      </div>
      <p class="muted intro">How calls to a tracking number are routed: receiving numbers in a pattern, a voice menu, a queue, by place, by rules, or to an agent.</p>
      {message.value && <p role="status">{message.value}</p>}
      {list?.length === 0 && <p class="empty">No routes yet{writes ? ": a tracking number without one rings its termination number." : "."}</p>}
      {list && list.length > 0 && (
        <table class="list routes">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">What it does</th>
              <th scope="col">Used by</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => {
              const users = usersOf({ kind: "route", id: r.id });
              return (
                <tr key={r.id} data-route={r.name}>
                  <td>
                    <a href={`#/numbers/routes/${r.id}`}>{r.name}</a>
                  </td>
                  <td>{KIND_WORDS[r.kind].title}</td>
                  <td class="wide">{routeSummary(r)}</td>
                  <td>{users.length ? users.map((u) => u.name).join(", ") : "—"}</td>
                  <td class="actions">
                    {writes && (
                      <>
                        <a class="button small" href={`#/numbers/routes/${r.id}`}>
                          Edit
                        </a>
                        <button type="button" class="small danger" onClick={() => void remove(r)}>
                          Delete
                        </button>
                      </>
                    )}
                    {refused.value?.id === r.id && (
                      <p class="field-issue" role="alert">
                        Not deleted: {refused.value.message}.
                      </p>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Null rows (a number added, never chosen) are left out before saving, so paths match the body. */
function compact(d: RouteDraft): RouteDraft {
  const kept = d.dial.numbers.flatMap((n, i) => (n ? [i] : []));
  return {
    ...d,
    dial: { ...d.dial, numbers: kept.map((i) => d.dial.numbers[i]!), weights: kept.map((i) => d.dial.weights[i] ?? 1) },
    queue: { ...d.queue, numbers: d.queue.numbers.filter(Boolean) },
  };
}

/** The paths the editor shows refusals at; any other refusal is shown above the form. */
const SHOWN_AT_FIELDS = [
  /^name$/,
  /^config\.(greeting|timeoutSeconds|attempts|timeoutTarget|noAnswer|holdMusicUrl|maxWaitSeconds|default|userId)(\.|$)/,
  /^config\.(options|receivingNumberIds|rules)$/,
  /^config\.options\.\d+\.target/,
  /^config\.receivingNumberIds\.\d+$/,
  /^config\.locations\.\d+\.(name|target|areaCodes|regions|near)/,
  /^config\.rules\.\d+\.(when\.\d+|target)/,
];

function RouteEditor({ id, kind, saved }: { id: string; kind: RouteKind; saved: boolean }) {
  const isNew = id === "new";
  const existing = isNew ? undefined : routing.routes.value?.find((r) => r.id === id);
  const draft = useSignal<RouteDraft | null>(isNew ? emptyDraft(kind) : null);
  const issues = useSignal<Issue[]>([]);
  const saving = useSignal(false);
  const status = useSignal<string | null>(saved ? "Saved: the next call follows it. Give it to a tracking number under Tracking numbers." : null);
  const version = useSignal(0);
  const writes = can("routing:write");
  useEffect(() => {
    if (!isNew && existing && !draft.value) draft.value = draftOf(existing);
  }, [existing]);
  if (!isNew && routing.routes.value && !existing) return <p class="error">No such route. <a href="#/numbers/routes">Back to routes</a></p>;
  const d = draft.value;
  if (!d || !routing.receiving.value) return <p class="loading">Loading…</p>;
  const change = (edit: (x: RouteDraft) => void) => {
    const next = structuredClone(draft.value!);
    edit(next);
    draft.value = next;
    status.value = null;
  };

  async function save(event: SubmitEvent) {
    event.preventDefault();
    const current = compact(draft.value!);
    draft.value = current;
    status.value = null;
    const unchosen = missing(current);
    if (unchosen.length) return void (issues.value = unchosen);
    saving.value = true;
    issues.value = [];
    const fields = targetFields(current).filter((f): f is [string, DraftTarget, boolean] => f[1] !== null).map(([p, t]) => [p, t] as [string, DraftTarget]);
    // Typed numbers go with the route: both are saved, or neither is.
    const body = bodyOf(current, me.value?.tenant.country ?? "US");
    try {
      const saved = await api<Route & { newNumbers?: { ref: string; id: string }[] }>(isNew ? "POST" : "PUT", isNew ? "/api/routes" : `/api/routes/${id}`, body);
      if (saved.newNumbers?.length) {
        // The typed numbers are receiving numbers now: the draft names them so.
        const made = new Map(saved.newNumbers.map((m) => [m.ref, m.id]));
        const ids = new Map((body.newNumbers ?? []).flatMap((n) => (made.has(n.ref) ? [[n.number, made.get(n.ref)!] as const] : [])));
        change((x) => void Object.assign(x, compact(replaceTyped(x, ids))));
      }
      await loadRouting();
      if (isNew) navigate(`/numbers/routes/${saved.id}`, { saved: "1" });
      else {
        version.value++;
        status.value = `Saved ${saved.name}: the next call follows it.`;
      }
    } catch (err) {
      issues.value = placeIssues(atTypedFields(issuesOf(err), body.newNumbers ?? [], fields), fields, existing ? `route "${existing.name}"` : undefined);
    } finally {
      saving.value = false;
    }
  }

  // What no field shows (a problem with the whole configuration that names no field here): above the form.
  const general = issues.value.filter((i) => !SHOWN_AT_FIELDS.some((r) => r.test(i.path)));
  return (
    <div class="route-editor">
      <form class="routing-form" onSubmit={save} aria-label={isNew ? "New route" : `Route ${existing?.name ?? ""}`}>
        <h1>{isNew ? "New route" : existing!.name}</h1>
        {status.value && <p role="status">{status.value}</p>}
        {general.length > 0 && <FieldIssues messages={general.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))} />}
        <fieldset disabled={!writes}>
          <label>
            Name
            <input value={d.name} required maxLength={100} placeholder="Main menu" onInput={(e) => change((x) => void (x.name = (e.currentTarget as HTMLInputElement).value))} />
            <FieldIssues messages={issuesAt(issues.value, "name")} />
          </label>
          <label>
            How should calls be routed?
            <select value={d.kind} onChange={(e) => change((x) => void (x.kind = (e.currentTarget as HTMLSelectElement).value as RouteKind))}>
              {ROUTE_KINDS_SHOWN.map((k) => (
                <option key={k} value={k}>
                  {KIND_WORDS[k].title}
                </option>
              ))}
            </select>
            <small class="muted">{KIND_WORDS[d.kind].hint}</small>
          </label>
          <KindEditor d={d} change={change} issues={issues.value} disabled={!writes} selfId={isNew ? undefined : id} />
        </fieldset>
        <div class="actions">
          {writes && (
            <button type="submit" disabled={saving.value}>
              {isNew ? "Create route" : "Save"}
            </button>
          )}
          <a class="button" href="#/numbers/routes">
            {writes ? "Back to routes" : "Back"}
          </a>
        </div>
      </form>
      {isNew ? (
        <aside class="route-tree" aria-label="Where a call goes">
          <h2>Where a call goes</h2>
          <p class="muted">Create the route to see where its calls go.</p>
        </aside>
      ) : (
        <RouteTree id={id} version={version.value} />
      )}
    </div>
  );
}

/**
 * A refusal of a typed number (`newNumbers.1.number`: a ring loop, not a number) shown at every field
 * where that number was typed, naming it as typed.
 */
function atTypedFields(issues: Issue[], typed: TypedNumber[], fields: [path: string, target: DraftTarget][]): Issue[] {
  return issues.flatMap((issue) => {
    const index = /^newNumbers\.(\d+)(\.|$)/.exec(issue.path)?.[1];
    const number = index === undefined ? undefined : typed[Number(index)]?.number;
    const at = number === undefined ? [] : fields.filter(([, t]) => t.kind === "new" && t.number === number);
    return at.length ? at.map(([path]) => ({ path, message: `${number}: ${issue.message}` })) : [issue];
  });
}

/** The draft with each typed number replaced by the receiving number made of it. */
function replaceTyped(d: RouteDraft, ids: Map<string, string>): RouteDraft {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (o.kind === "new" && typeof o.number === "string" && ids.has(o.number)) return { kind: "receiving", id: ids.get(o.number) };
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(d) as RouteDraft;
}
