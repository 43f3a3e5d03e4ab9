import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { api, ApiFailure, problem } from "../api.ts";
import { formatDuration, formatPhone, today } from "../format.ts";
import { ZoneHint } from "../components/ZoneHint.tsx";
import { can } from "../can.ts";
import { href, navigate } from "../router.ts";
import type { Contact, Page } from "../types.ts";
import { amountOf, formatDay, money, moneyTick } from "../money.ts";

type Line = {
  name: string;
  campaignId?: string | null;
  calls: number;
  uniqueCallers: number;
  firstTimeCallers: number;
  answeredRate: number | null;
  averageTalkSeconds: number | null;
  newContacts: number;
  newCustomers: number;
  incomeCents: number;
  costCents?: number;
  roi?: number | null;
  costPerCallCents?: number | null;
  costPerNewCustomerCents?: number | null;
};
type Report = {
  from: string;
  to: string;
  attributionWindowDays: number;
  campaigns: Line[];
  trackingNumbers: (Line & { number: string | null; label: string | null; campaignName: string | null })[];
  totals: { calls: number; incomeCents: number; costCents: number; roi: number | null };
  unattributedIncomeCents: number;
};

/** The source report's line: the website visit's source, medium, campaign and keyword (source null: calls from no visit). */
type SourceLine = { source: string | null; name: string; medium: string | null; campaign: string | null; keyword: string | null; calls: number; answeredRate: number | null; firstTimeCallers: number; newCustomers: number; incomeCents: number };

/** Calls and money per website source and keyword (dynamic number insertion), beside the campaign report. */
function SourceReport({ from, to, version }: { from: string; to: string; version: number }) {
  const lines = useSignal<SourceLine[] | null>(null);
  useEffect(() => {
    void api<{ sources: SourceLine[] }>("GET", `/api/reports/sources?from=${from}&to=${to}`)
      .then((r) => (lines.value = r.sources))
      .catch(() => (lines.value = null));
  }, [from, to, version]);
  const list = lines.value;
  if (!list) return null;
  return (
    <section aria-labelledby="source-report-title">
      <div class="screen-head">
        <h2 id="source-report-title">By website source</h2>
        <a class="button small" href={`/api/reports/sources.csv?from=${from}&to=${to}`} download>
          Export CSV
        </a>
      </div>
      <p class="muted">Calls to pool numbers, by the website visit that brought them (Numbers › Number pools).</p>
      <table class="list report" data-testid="source-report">
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">Medium</th>
            <th scope="col">Campaign</th>
            <th scope="col">Keyword</th>
            <th scope="col">Calls</th>
            <th scope="col">Answered</th>
            <th scope="col">First-time</th>
            <th scope="col">New customers</th>
            <th scope="col">Income</th>
          </tr>
        </thead>
        <tbody>
          {list.length === 0 && (
            <tr>
              <td colSpan={9} class="empty">
                No calls in this range.
              </td>
            </tr>
          )}
          {list.map((l) => (
            <tr key={`${l.source}|${l.medium}|${l.campaign}|${l.keyword}`} data-source={l.source ?? "none"}>
              <td>{l.name}</td>
              <td data-label="Medium">{l.medium ?? "—"}</td>
              <td data-label="Campaign">{l.campaign ?? "—"}</td>
              <td data-label="Keyword">{l.keyword ?? "—"}</td>
              <td data-label="Calls">{l.calls}</td>
              <td data-label="Answered">{pct(l.answeredRate)}</td>
              <td data-label="First-time">{l.firstTimeCallers}</td>
              <td data-label="New customers">{l.newCustomers}</td>
              <td data-label="Income">{money(l.incomeCents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** A share or a return as people read it, grouped: "50.0%", "3,732.4%", "-100.0%". */
const percent = new Intl.NumberFormat(undefined, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
const pct = (x: number | null | undefined) => (x === null || x === undefined ? "—" : percent.format(x));

/** This month so far, in the business's calendar (not the browser's). */
function monthRange() {
  const to = today();
  return { from: `${to.slice(0, 8)}01`, to };
}

/** Round steps for an axis: 1, 2 or 5 times a power of ten (in cents), about `count` of them over `span`. */
function niceStep(span: number, count: number) {
  const raw = Math.max(span / count, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power);
}

/** The chart's size follows its box (a phone's or a desk's), so its text stays at the page's size. */
function useWidth() {
  const box = useRef<HTMLDivElement>(null);
  const width = useSignal(640);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const seen = new ResizeObserver(([entry]) => {
      if (entry) width.value = Math.floor(entry.contentRect.width);
    });
    seen.observe(el);
    return () => seen.disconnect();
  }, []);
  return { box, width: width.value };
}

/**
 * Cost and income per campaign as grouped bars: each campaign's cost and income side by side, never
 * one over the other. Drawn as SVG by hand: two bars a group, a value axis and a legend are less code
 * than configuring a chart library for them, weigh nothing, take the page's fonts and colours (dark
 * mode included), and stay sharp at any size. The report's table under it is the text alternative,
 * and the figure's label reads out every bar.
 */
function CostIncomeChart({ lines }: { lines: Line[] }) {
  const { box, width: boxWidth } = useWidth();
  const shown = lines.filter((l) => (l.costCents ?? 0) !== 0 || l.incomeCents !== 0);
  const values = shown.flatMap((l) => [l.costCents ?? 0, l.incomeCents]);
  const top = Math.max(0, ...values);
  const bottom = Math.min(0, ...values);
  const step = niceStep(top - bottom || 100, 4);
  const max = Math.ceil(top / step) * step || step;
  const min = Math.floor(bottom / step) * step;
  const ticks: number[] = [];
  for (let v = min; v <= max; v += step) ticks.push(v);
  const labels = ticks.map(moneyTick);
  // Room on the left for the longest tick label; at least 64 px per campaign (the box scrolls beyond).
  const left = 14 + 8 * Math.max(...labels.map((t) => t.length));
  const [right, topPad, bottomPad, height] = [12, 12, 44, 280];
  const width = Math.max(boxWidth, left + right + 64 * shown.length);
  const plotW = width - left - right;
  const plotH = height - topPad - bottomPad;
  const y = (v: number) => topPad + ((max - v) / (max - min)) * plotH;
  const group = plotW / Math.max(shown.length, 1);
  const bar = Math.min(48, (group * 0.7) / 2);
  const chars = Math.max(4, Math.floor(group / 7.5));
  const summary = shown.map((l) => `${l.name}: cost ${money(l.costCents ?? 0)}, income ${money(l.incomeCents)}`).join("; ");
  return (
    <figure class="roi-chart">
      <figcaption>
        <span>Cost and income per campaign</span>
        <ul class="legend">
          <li>
            <span class="swatch cost" aria-hidden="true" /> Cost
          </li>
          <li>
            <span class="swatch income" aria-hidden="true" /> Income
          </li>
        </ul>
      </figcaption>
      <div class="chart" ref={box}>
        {shown.length === 0 ? (
          <p class="empty">No cost or income in this range.</p>
        ) : (
          <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Cost and income per campaign. ${summary}.`}>
            {ticks.map((t, i) => (
              <g key={t} class={t === 0 ? "tick zero" : "tick"}>
                <line x1={left} x2={width - right} y1={y(t)} y2={y(t)} />
                <text x={left - 8} y={y(t)} dy="0.32em" text-anchor="end">
                  {labels[i]}
                </text>
              </g>
            ))}
            {shown.map((l, i) => {
              const mid = left + group * (i + 0.5);
              const rect = (kind: "cost" | "income", v: number, x: number) => {
                const h = Math.abs(y(v) - y(0));
                // A small amount still shows: at least 2 px tall.
                const tall = v === 0 ? 0 : Math.max(h, 2);
                return (
                  <rect class={kind} data-campaign={l.name} x={x} width={bar} y={v >= 0 ? y(0) - tall : y(0)} height={tall}>
                    <title>{`${l.name}: ${kind} ${money(v)}`}</title>
                  </rect>
                );
              };
              const name = l.name.length > chars ? `${l.name.slice(0, chars - 1)}…` : l.name;
              return (
                <g key={l.campaignId ?? "none"}>
                  {rect("cost", l.costCents ?? 0, mid - bar - 1)}
                  {rect("income", l.incomeCents, mid + 1)}
                  <text class="name" x={mid} y={height - bottomPad + 18} text-anchor="middle">
                    <title>{l.name}</title>
                    {name}
                  </text>
                </g>
              );
            })}
          </svg>
        )}
      </div>
    </figure>
  );
}

type Income = { id: string; contactId: string; contactName: string; amountCents: number; receivedOn: string; reference: string | null };
const INCOME_SHOWN = 200;

/**
 * The income received in the report's range, newest first: whoever may write to marketing corrects
 * an entry's amount, date or reference in its row, or deletes it.
 */
function IncomeList({ from, to, version, onChange }: { from: string; to: string; version: number; onChange: () => void }) {
  const rows = useSignal<Income[] | null>(null);
  const editing = useSignal<string | null>(null);
  const message = useSignal<string | null>(null);
  const writer = can("marketing:write");
  const load = () =>
    api<{ items: Income[] }>("GET", `/api/income?${new URLSearchParams({ from, to, limit: String(INCOME_SHOWN) })}`)
      .then((r) => (rows.value = r.items))
      .catch((err) => (message.value = problem(err)));
  useEffect(() => void load(), [from, to, version]);

  async function save(row: Income, event: SubmitEvent) {
    event.preventDefault();
    const f = new FormData(event.currentTarget as HTMLFormElement);
    const amount = amountOf(String(f.get("amount")));
    if ("problem" in amount) return void (message.value = `Amount: ${amount.problem}`);
    try {
      await api("PATCH", `/api/income/${row.id}`, { amountCents: amount.cents, receivedOn: String(f.get("receivedOn")), reference: String(f.get("reference") ?? "") || null });
      editing.value = null;
      message.value = `Saved the income from ${row.contactName}`;
      onChange();
    } catch (err) {
      message.value = problem(err);
    }
  }

  async function remove(row: Income) {
    if (!confirm(`Delete the income of ${money(row.amountCents)} from ${row.contactName} received ${formatDay(row.receivedOn)}${row.reference ? ` (${row.reference})` : ""}? The report no longer counts it.`)) return;
    try {
      await api("DELETE", `/api/income/${row.id}`);
      message.value = `Deleted the income of ${money(row.amountCents)} from ${row.contactName}`;
      onChange();
    } catch (err) {
      message.value = problem(err);
    }
  }

  const list = rows.value;
  return (
    <section aria-labelledby="income-list-title">
      <h2 id="income-list-title">Income received</h2>
      <p class="muted">
        {formatDay(from)} – {formatDay(to)}
        {list && list.length === INCOME_SHOWN ? `: the latest ${INCOME_SHOWN}` : ""}
      </p>
      {message.value && <p role="status">{message.value}</p>}
      <table class="list income-list">
        <thead>
          <tr>
            <th scope="col">Received</th>
            <th scope="col">Contact</th>
            <th scope="col">Amount</th>
            <th scope="col">Invoice or payment number</th>
            {writer && (
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {list?.length === 0 && (
            <tr>
              <td colSpan={5} class="empty">
                No income received in this range.
              </td>
            </tr>
          )}
          {list?.map((row) => {
            const form = `income-${row.id}`;
            const contact = can("contacts:read") ? <a href={href(`/contacts/${row.contactId}`)}>{row.contactName}</a> : row.contactName;
            if (editing.value === row.id)
              return (
                <tr key={row.id} data-income={row.reference ?? row.id} class="editing">
                  <td>
                    <input form={form} name="receivedOn" type="date" required defaultValue={row.receivedOn} aria-label="Received on" />
                  </td>
                  <td data-label="Contact">{contact}</td>
                  <td data-label="Amount">
                    <input form={form} name="amount" required inputMode="decimal" size={9} defaultValue={(row.amountCents / 100).toFixed(2)} aria-label="Amount ($)" />
                  </td>
                  <td data-label="Reference">
                    <input form={form} name="reference" size={12} defaultValue={row.reference ?? ""} aria-label="Invoice or payment number" />
                  </td>
                  <td class="actions">
                    <form id={form} aria-label={`Edit income from ${row.contactName}`} onSubmit={(e) => void save(row, e)}>
                      <button type="submit">Save</button>{" "}
                      <button type="button" onClick={() => (editing.value = null)}>
                        Cancel
                      </button>
                    </form>
                  </td>
                </tr>
              );
            return (
              <tr key={row.id} data-income={row.reference ?? row.id}>
                <td>{formatDay(row.receivedOn)}</td>
                <td data-label="Contact">{contact}</td>
                <td data-label="Amount" class="amount">
                  {money(row.amountCents)}
                </td>
                <td data-label="Reference">{row.reference ?? "—"}</td>
                {writer && (
                  <td class="actions">
                    <button type="button" aria-label={`Edit income ${row.reference ?? `from ${row.contactName}`}`} onClick={() => (editing.value = row.id)}>
                      Edit
                    </button>
                    <button type="button" class="danger" aria-label={`Delete income ${row.reference ?? `from ${row.contactName}`}`} onClick={() => void remove(row)}>
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function IncomeForms({ onChange }: { onChange: () => void }) {
  const matches = useSignal<Contact[]>([]);
  const message = useSignal<string | null>(null);
  const refused = useSignal<{ line: number; reason: string }[]>([]);
  async function find(q: string) {
    matches.value = q.trim() ? (await api<Page<Contact>>("GET", `/api/contacts?${new URLSearchParams({ q, limit: "8" })}`)).items : [];
  }
  async function record(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const amount = amountOf(String(f.get("amount")));
    if ("problem" in amount) return void (message.value = `Amount: ${amount.problem}`);
    try {
      await api("POST", "/api/income", { contactId: String(f.get("contactId")), amountCents: amount.cents, receivedOn: String(f.get("receivedOn")), reference: String(f.get("reference") ?? "") || null });
      message.value = "Income recorded";
      form.reset();
      onChange();
    } catch (err) {
      message.value = err instanceof ApiFailure ? err.message : "Could not record it; try again";
    }
  }
  async function upload(path: string, file: File | undefined) {
    if (!file) return;
    const res = await fetch(path, { method: "POST", credentials: "same-origin", headers: { "Content-Type": "text/csv" }, body: await file.text() });
    const body = (await res.json()) as { message?: string; error?: string; refused?: { line: number; reason: string }[] };
    message.value = body.message ?? body.error ?? `${res.status}`;
    refused.value = body.refused ?? [];
    onChange();
  }
  return (
    <section aria-labelledby="income-title">
      <h2 id="income-title">Record income</h2>
      {message.value && <p role="status">{message.value}</p>}
      {refused.value.length > 0 && (
        <ul class="refused">
          {refused.value.map((r) => (
            <li key={r.line}>
              Line {r.line}: {r.reason}
            </li>
          ))}
        </ul>
      )}
      <form class="filters" onSubmit={record} aria-label="Record income">
        <label>
          Contact
          <input type="search" placeholder="Name or phone" onInput={(e) => void find(e.currentTarget.value)} />
        </label>
        <label>
          Which one
          <select name="contactId" required>
            {matches.value.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Amount ($) <input name="amount" required inputMode="decimal" placeholder="1250.00" />
        </label>
        <label>
          Received on <input name="receivedOn" type="date" required />
        </label>
        <label>
          Invoice or payment number <input name="reference" />
        </label>
        <button type="submit">Record income</button>
      </form>
      <p>
        <label>
          Import income from CSV (columns phone, contact_id or email; amount; date; reference){" "}
          <input type="file" accept=".csv,text/csv" onChange={(e) => void upload("/api/income/import", e.currentTarget.files?.[0])} />
        </label>
      </p>
      <p>
        <label>
          Import contacts from CSV (columns name, kind, company, email, main, mobile, work, other, tags){" "}
          <input type="file" accept=".csv,text/csv" onChange={(e) => void upload("/api/contacts/import", e.currentTarget.files?.[0])} />
        </label>
      </p>
    </section>
  );
}

/** The campaign report: calls against money for a date range, with a chart and CSV exports. */
export function ReportsScreen({ query }: { query: URLSearchParams }) {
  const report = useSignal<Report | null>(null);
  const error = useSignal<string | null>(null);
  const fallback = monthRange();
  const from = query.get("from") ?? fallback.from;
  const to = query.get("to") ?? fallback.to;
  const load = () =>
    api<Report>("GET", `/api/reports/campaigns?from=${from}&to=${to}`)
      .then((r) => ((report.value = r), (error.value = null)))
      .catch((err) => (error.value = err instanceof ApiFailure ? err.message : "Could not load the report"));
  useEffect(() => void load(), [from, to]);
  // Income changed: the report's figures and the income list both follow.
  const incomeVersion = useSignal(0);
  const incomeChanged = () => {
    incomeVersion.value++;
    void load();
  };
  const r = report.value;
  return (
    <section class="screen">
      <h1>Campaign report</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          navigate("/reports", { from: String(f.get("from")), to: String(f.get("to")) });
        }}
      >
        <label>
          From <input type="date" name="from" defaultValue={from} required />
        </label>
        <label>
          To <input type="date" name="to" defaultValue={to} required />
        </label>
        <button type="submit">Show</button>
        <a class="button" href={`/api/reports/campaigns.csv?from=${from}&to=${to}`} download>
          Export CSV
        </a>
        <a class="button" href={`/api/calls.csv?${new URLSearchParams({ from, to })}`} download>
          Export call log
        </a>
        <ZoneHint />
      </form>
      {error.value && <p class="error">{error.value}</p>}
      {r && (
        <>
          <CostIncomeChart lines={r.campaigns} />
          <table class="list report" data-testid="campaign-report">
            <thead>
              <tr>
                <th scope="col">Campaign</th>
                <th scope="col">Calls</th>
                <th scope="col">Unique</th>
                <th scope="col">First-time</th>
                <th scope="col">Answered</th>
                <th scope="col">Avg talk time</th>
                <th scope="col">New contacts</th>
                <th scope="col">Income</th>
                <th scope="col">Cost</th>
                <th scope="col">ROI</th>
                <th scope="col">Cost/call</th>
                <th scope="col">Cost/new customer</th>
              </tr>
            </thead>
            <tbody>
              {r.campaigns.map((l) => (
                <tr key={l.campaignId ?? "none"} data-campaign={l.name}>
                  <td>{l.name}</td>
                  <td data-label="Calls" class="calls">{l.calls}</td>
                  <td data-label="Unique">{l.uniqueCallers}</td>
                  <td data-label="First-time">{l.firstTimeCallers}</td>
                  <td data-label="Answered">{pct(l.answeredRate)}</td>
                  <td data-label="Avg talk time">{l.averageTalkSeconds === null ? "—" : formatDuration(l.averageTalkSeconds)}</td>
                  <td data-label="New contacts">{l.newContacts}</td>
                  <td data-label="Income" class="income">{money(l.incomeCents)}</td>
                  <td data-label="Cost">{money(l.costCents ?? null)}</td>
                  <td data-label="ROI">{pct(l.roi)}</td>
                  <td data-label="Cost/call">{money(l.costPerCallCents ?? null)}</td>
                  <td data-label="Cost/new customer">{money(l.costPerNewCustomerCents ?? null)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted">
            Income is attributed to the campaign of the caller's first call, when received within {r.attributionWindowDays} days of it. Unattributed income in this range:{" "}
            {money(r.unattributedIncomeCents)}. Totals: {r.totals.calls} calls, income {money(r.totals.incomeCents)}, cost {money(r.totals.costCents)}, ROI {pct(r.totals.roi)}.
          </p>
          <h2>By tracking number</h2>
          <table class="list">
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Campaign</th>
                <th scope="col">Calls</th>
                <th scope="col">First-time</th>
                <th scope="col">Answered</th>
                <th scope="col">New contacts</th>
                <th scope="col">Income</th>
              </tr>
            </thead>
            <tbody>
              {r.trackingNumbers.map((l) => (
                <tr key={l.number ?? "gone"}>
                  <td>
                    {l.number ? formatPhone(l.number) : ""} {l.label}
                  </td>
                  <td data-label="Campaign">{l.campaignName ?? "—"}</td>
                  <td data-label="Calls">{l.calls}</td>
                  <td data-label="First-time">{l.firstTimeCallers}</td>
                  <td data-label="Answered">{pct(l.answeredRate)}</td>
                  <td data-label="New contacts">{l.newContacts}</td>
                  <td data-label="Income">{money(l.incomeCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <SourceReport from={from} to={to} version={incomeVersion.value} />
      <IncomeList from={from} to={to} version={incomeVersion.value} onChange={incomeChanged} />
      {can("marketing:write") && can("contacts:read") && <IncomeForms onChange={incomeChanged} />}
      {can("numbers:read") && (
        <p class="muted">
          Numbers and campaigns: <a href={href("/numbers")}>tracking numbers</a>, <a href={href("/campaigns")}>campaigns</a>.
        </p>
      )}
    </section>
  );
}
