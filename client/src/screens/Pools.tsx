/**
 * Number pools (dynamic number insertion): tracking numbers shown to website visitors, one visit per
 * number at a time. The list says how busy each pool is and says "Pool too small: add numbers" when
 * leases were taken over this week; the editor picks the numbers (a number is in one pool at most),
 * the lease minutes, the campaign and which visits the pool serves; the snippet to paste into the
 * website is here with the business's slug filled in.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, problem } from "../api.ts";
import { can } from "../can.ts";
import { formatPhone, formatTime } from "../format.ts";
import { navigate } from "../router.ts";
import { me } from "../session.ts";
import { NotForRole, NumbersTabs } from "../routing/NumbersTabs.tsx";
import type { Campaign, TrackingNumber } from "../types.ts";

type Rule = { source?: string; medium?: string; campaign?: string };
export type Pool = {
  id: string;
  name: string;
  campaignId: string | null;
  campaignName: string | null;
  sourceRules: Rule[];
  leaseMinutes: number;
  trackingNumberIds: string[];
  trackingNumbers: { id: string; number: string; label: string }[];
  leased: number;
  reused: number;
  lastReusedAt: number | null;
};

const RULE_FIELDS = ["source", "medium", "campaign"] as const;

/** Which visits a pool serves, in words: "google / cpc, or facebook", or every visit. */
export function rulesText(rules: Rule[]) {
  if (rules.length === 0) return "Every visit";
  return rules.map((r) => RULE_FIELDS.filter((f) => r[f]).map((f) => `${f} ${r[f]}`).join(" and ")).join("; or ");
}

async function loadPools() {
  return (await api<{ items: Pool[] }>("GET", "/api/pools")).items;
}

export function PoolsScreen({ id, query }: { id?: string | undefined; query: URLSearchParams }) {
  if (!can("numbers:read")) return <NotForRole />;
  return (
    <section class="screen routing pools">
      <NumbersTabs current="pools" />
      {id ? <PoolForm key={id} id={id} /> : <PoolList saved={query.get("saved")} />}
    </section>
  );
}

function PoolList({ saved }: { saved: string | null }) {
  const pools = useSignal<Pool[] | null>(null);
  const origins = useSignal<string[] | null>(null);
  const error = useSignal<string | null>(null);
  const writes = can("numbers:write");
  useEffect(() => {
    void loadPools()
      .then((p) => (pools.value = p))
      .catch((err) => (error.value = problem(err)));
    void api<{ siteOrigins: string[] }>("GET", "/api/tenant").then((t) => (origins.value = t.siteOrigins));
  }, []);
  const list = pools.value;
  return (
    <>
      <div class="screen-head">
        <h1>Number pools</h1>
        {writes && (
          <a class="button primary" href="#/numbers/pools/new">
            New pool
          </a>
        )}
      </div>
      <p class="muted intro">
        Each visitor to your website sees a number of their own from a pool, so a call tells you the visit, the source and the search words that brought it. Numbers in no pool stay fixed numbers.
      </p>
      {saved && <p role="status">Saved {saved}.</p>}
      {error.value && <p class="error">{error.value}</p>}
      {origins.value?.length === 0 && (
        <p class="notice" role="note">
          Your website may not ask for numbers yet: add its address (like https://www.example.com) under{" "}
          {can("settings:write") ? <a href="#/settings/business">Settings › Business › Website origins</a> : "Settings › Business › Website origins"}.
        </p>
      )}
      {list?.length === 0 && <p class="empty">No pools yet{writes ? ": make one of the tracking numbers you set aside for your website." : "."}</p>}
      {list && list.length > 0 && (
        <table class="list pools-list">
          <thead>
            <tr>
              <th scope="col">Pool</th>
              <th scope="col">Serves</th>
              <th scope="col">Numbers</th>
              <th scope="col">Lease</th>
              <th scope="col">In use now</th>
              <th scope="col">Taken over (7 days)</th>
            </tr>
          </thead>
          <tbody>
            {list.map((p) => (
              <tr key={p.id} data-pool={p.name}>
                <td>
                  <a href={`#/numbers/pools/${p.id}`}>{p.name}</a>
                  {p.campaignName && <span class="secondary">Campaign: {p.campaignName}</span>}
                </td>
                <td data-label="Serves">{rulesText(p.sourceRules)}</td>
                <td data-label="Numbers">
                  {p.trackingNumbers.length === 0 ? "None" : p.trackingNumbers.map((n) => <span key={n.id} class="nowrap pool-number">{formatPhone(n.number)}</span>)}
                </td>
                <td data-label="Lease">{p.leaseMinutes} min</td>
                <td data-label="In use now">
                  {p.leased} of {p.trackingNumbers.length}
                </td>
                <td data-label="Taken over (7 days)" class="reused">
                  {p.reused}
                  {p.reused > 0 && (
                    <p class="field-issue" role="alert">
                      Pool too small: add numbers. Every number was in use {p.reused === 1 ? "once" : `${p.reused} times`}
                      {p.lastReusedAt ? `, last ${formatTime(p.lastReusedAt)}` : ""}, so a visit got a number another visit was shown.
                    </p>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Snippet />
    </>
  );
}

/** The snippet to paste into the website, with the business's slug and, if typed, the number the site shows. */
function Snippet() {
  const number = useSignal("");
  const slug = me.value?.tenant.slug ?? "";
  const attribute = number.value.trim() ? ` data-number="${number.value.trim().replace(/"/g, "")}"` : "";
  const code = `<script async src="${location.origin}/dni.js" data-switchboard="${slug}"${attribute}></script>`;
  return (
    <section class="snippet" aria-labelledby="snippet-title">
      <h2 id="snippet-title">On your website</h2>
      <p>Paste this before &lt;/body&gt; on every page. It swaps the number your pages show for the visitor's pool number, in the text and in tel: links, and leaves the page alone if Switchboard cannot be reached.</p>
      <label>
        The number your website shows
        <input value={number.value} onInput={(e) => (number.value = e.currentTarget.value)} placeholder="(415) 555-0100" inputMode="tel" />
      </label>
      <small class="muted">Or give the elements that show it the class switchboard-number.</small>
      <pre class="code" data-testid="snippet">
        <code>{code}</code>
      </pre>
    </section>
  );
}

type Draft = { name: string; campaignId: string; leaseMinutes: number; trackingNumberIds: string[]; sourceRules: Rule[] };

function PoolForm({ id }: { id: string }) {
  const isNew = id === "new";
  const pools = useSignal<Pool[] | null>(null);
  const numbers = useSignal<TrackingNumber[]>([]);
  const campaigns = useSignal<Campaign[]>([]);
  const draft = useSignal<Draft | null>(null);
  const message = useSignal<string | null>(null);
  const writes = can("numbers:write");
  useEffect(() => {
    void Promise.all([loadPools(), api<{ items: TrackingNumber[] }>("GET", "/api/tracking-numbers")]).then(([p, n]) => {
      pools.value = p;
      numbers.value = n.items;
      const existing = p.find((x) => x.id === id);
      if (isNew || existing) draft.value = { name: existing?.name ?? "", campaignId: existing?.campaignId ?? "", leaseMinutes: existing?.leaseMinutes ?? 30, trackingNumberIds: existing?.trackingNumberIds ?? [], sourceRules: existing?.sourceRules ?? [] };
    });
    if (can("marketing:read")) void api<{ items: Campaign[] }>("GET", "/api/campaigns").then((r) => (campaigns.value = r.items));
  }, [id]);
  if (pools.value && !isNew && !pools.value.some((p) => p.id === id)) return <p class="error">No such pool. <a href="#/numbers/pools">Back to number pools</a></p>;
  const d = draft.value;
  if (!d) return <p class="loading">Loading…</p>;
  const set = (patch: Partial<Draft>) => (draft.value = { ...d, ...patch });
  const elsewhere = new Map((pools.value ?? []).filter((p) => p.id !== id).flatMap((p) => p.trackingNumberIds.map((n) => [n, p.name] as const)));
  const setRule = (i: number, field: (typeof RULE_FIELDS)[number], value: string) => set({ sourceRules: d.sourceRules.map((r, k) => (k === i ? { ...r, [field]: value } : r)) });

  async function save(event: SubmitEvent) {
    event.preventDefault();
    if (!d) return;
    const rules = d.sourceRules.map((r) => Object.fromEntries(RULE_FIELDS.filter((f) => r[f]?.trim()).map((f) => [f, r[f]!.trim()]))).filter((r) => Object.keys(r).length > 0);
    const body = { name: d.name.trim(), campaignId: d.campaignId || null, leaseMinutes: d.leaseMinutes, trackingNumberIds: d.trackingNumberIds, sourceRules: rules };
    try {
      const saved = await api<Pool>(isNew ? "POST" : "PATCH", isNew ? "/api/pools" : `/api/pools/${id}`, body);
      navigate("/numbers/pools", { saved: saved.name });
    } catch (err) {
      message.value = problem(err, { name: "Name", leaseMinutes: "Lease minutes", trackingNumberIds: "Numbers:", sourceRules: "Rules:", campaignId: "Campaign" });
    }
  }

  async function remove() {
    if (!confirm(`Delete the pool "${d!.name}"? Its numbers stay, as fixed tracking numbers; visitors are shown your website's own number.`)) return;
    try {
      await api("DELETE", `/api/pools/${id}`);
      navigate("/numbers/pools", { saved: `the deletion of ${d!.name}` });
    } catch (err) {
      message.value = problem(err);
    }
  }

  return (
    <form class="contact-form pool-form" aria-label={isNew ? "New pool" : `Pool ${d.name}`} onSubmit={(e) => void save(e)}>
      <h1>{isNew ? "New pool" : d.name}</h1>
      <fieldset disabled={!writes}>
        <label>
          Name
          <input required maxLength={100} value={d.name} onInput={(e) => set({ name: e.currentTarget.value })} />
        </label>
        <label>
          Lease minutes
          <input type="number" min={5} max={1440} required value={d.leaseMinutes} onInput={(e) => set({ leaseMinutes: Number(e.currentTarget.value) })} />
        </label>
        <small class="muted">A visit keeps its number this long after its last page view; a call in that time is the visit's.</small>
        {campaigns.value.length > 0 && (
          <label>
            Campaign
            <select value={d.campaignId} onChange={(e) => set({ campaignId: e.currentTarget.value })}>
              <option value="">Each number's own</option>
              {campaigns.value.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </fieldset>
      <fieldset disabled={!writes}>
        <legend>Numbers</legend>
        {numbers.value.length === 0 && <p class="empty">No tracking numbers yet: buy some under Tracking numbers first.</p>}
        {numbers.value.map((n) => {
          const other = elsewhere.get(n.id);
          return (
            <label key={n.id} class="check">
              <input
                type="checkbox"
                disabled={other !== undefined}
                checked={d.trackingNumberIds.includes(n.id)}
                onChange={(e) => set({ trackingNumberIds: e.currentTarget.checked ? [...d.trackingNumberIds, n.id] : d.trackingNumberIds.filter((x) => x !== n.id) })}
              />
              <span class="nowrap">{formatPhone(n.number)}</span> {n.label}
              {other !== undefined && <span class="muted"> (in the pool {other})</span>}
            </label>
          );
        })}
        <small class="muted">Enough for the visitors on your site at once; when every number is in use, the one used longest ago is given again and the pool list says the pool is too small.</small>
      </fieldset>
      <fieldset disabled={!writes}>
        <legend>Which visits it serves</legend>
        {d.sourceRules.length === 0 && <p class="muted">Every visit. Add a rule to serve only some (google / cpc: Google Ads).</p>}
        {d.sourceRules.map((r, i) => (
          <div key={i} class="rule-row" role="group" aria-label={`Rule ${i + 1}`}>
            {RULE_FIELDS.map((f) => (
              <label key={f}>
                {f === "source" ? "Source" : f === "medium" ? "Medium" : "Campaign"}
                <input value={r[f] ?? ""} maxLength={100} placeholder={f === "source" ? "google" : f === "medium" ? "cpc" : "spring"} onInput={(e) => setRule(i, f, e.currentTarget.value)} />
              </label>
            ))}
            <button type="button" class="small" aria-label={`Remove rule ${i + 1}`} onClick={() => set({ sourceRules: d.sourceRules.filter((_, k) => k !== i) })}>
              Remove
            </button>
          </div>
        ))}
        <button type="button" class="small" onClick={() => set({ sourceRules: [...d.sourceRules, {}] })}>
          Add rule
        </button>
      </fieldset>
      {message.value && (
        <p class="field-issue" role="alert">
          {message.value}
        </p>
      )}
      {writes && (
        <div class="actions">
          <button type="submit" class="primary">
            {isNew ? "Create pool" : "Save pool"}
          </button>
          <a class="button" href="#/numbers/pools">
            Cancel
          </a>
          {!isNew && (
            <button type="button" class="danger" onClick={() => void remove()}>
              Delete pool
            </button>
          )}
        </div>
      )}
    </form>
  );
}
