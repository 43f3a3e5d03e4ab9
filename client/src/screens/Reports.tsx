import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { api, ApiFailure } from "../api.ts";
import { formatDuration, today } from "../format.ts";
import { ZoneHint } from "../components/ZoneHint.tsx";
import { can } from "../can.ts";
import { href, navigate } from "../router.ts";
import type { Contact, Page } from "../types.ts";
import { dollars, toCents } from "./Campaigns.tsx";

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

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)}%`);

/** This month so far, in the business's calendar (not the browser's). */
function monthRange() {
  const to = today();
  return { from: `${to.slice(0, 8)}01`, to };
}

/** Cost against income per campaign, as bars (uPlot). */
function CostIncomeChart({ lines }: { lines: Line[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current || lines.length === 0) return;
    const xs = lines.map((_, i) => i);
    const bars = uPlot.paths.bars!({ size: [0.35, 60], align: 0 });
    const plot = new uPlot(
      {
        width: Math.min(box.current.clientWidth || 640, 900),
        height: 260,
        scales: { x: { time: false, range: [-0.5, lines.length - 0.5] } },
        axes: [{ values: (_u, ticks) => ticks.map((t) => lines[t]?.name ?? "") , splits: () => xs }, { values: (_u, ticks) => ticks.map((t) => `$${t}`) }],
        series: [
          {},
          { label: "Cost", fill: "#f59e0b", stroke: "#b45309", paths: bars, points: { show: false } },
          { label: "Income", fill: "#10b981", stroke: "#047857", paths: bars, points: { show: false } },
        ],
      },
      [xs, lines.map((l) => (l.costCents ?? 0) / 100), lines.map((l) => l.incomeCents / 100)],
      box.current,
    );
    return () => plot.destroy();
  }, [lines]);
  return <div class="chart" ref={box} role="img" aria-label="Cost and income per campaign" />;
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
    try {
      await api("POST", "/api/income", { contactId: String(f.get("contactId")), amountCents: toCents(String(f.get("amount"))), receivedOn: String(f.get("receivedOn")), reference: String(f.get("reference") ?? "") || null });
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
      <h2 id="income-title">Income</h2>
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
                <th scope="col">Avg talk</th>
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
                  <td data-label="Avg talk">{l.averageTalkSeconds === null ? "—" : formatDuration(l.averageTalkSeconds)}</td>
                  <td data-label="New contacts">{l.newContacts}</td>
                  <td data-label="Income" class="income">{dollars(l.incomeCents)}</td>
                  <td data-label="Cost">{dollars(l.costCents ?? null)}</td>
                  <td data-label="ROI">{pct(l.roi)}</td>
                  <td data-label="Cost/call">{dollars(l.costPerCallCents ?? null)}</td>
                  <td data-label="Cost/new customer">{dollars(l.costPerNewCustomerCents ?? null)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted">
            Income is attributed to the campaign of the caller's first call, when received within {r.attributionWindowDays} days of it. Unattributed income in this range:{" "}
            {dollars(r.unattributedIncomeCents)}. Totals: {r.totals.calls} calls, income {dollars(r.totals.incomeCents)}, cost {dollars(r.totals.costCents)}, ROI {pct(r.totals.roi)}.
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
                    {l.number ?? ""} {l.label}
                  </td>
                  <td data-label="Campaign">{l.campaignName ?? "—"}</td>
                  <td data-label="Calls">{l.calls}</td>
                  <td data-label="First-time">{l.firstTimeCallers}</td>
                  <td data-label="Answered">{pct(l.answeredRate)}</td>
                  <td data-label="New contacts">{l.newContacts}</td>
                  <td data-label="Income">{dollars(l.incomeCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {can("marketing:write") && can("contacts:read") && <IncomeForms onChange={() => void load()} />}
      {can("numbers:read") && (
        <p class="muted">
          Numbers and campaigns: <a href={href("/numbers")}>tracking numbers</a>, <a href={href("/campaigns")}>campaigns</a>.
        </p>
      )}
    </section>
  );
}
