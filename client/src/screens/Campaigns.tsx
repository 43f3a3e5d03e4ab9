import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, ApiFailure } from "../api.ts";
import { can } from "../can.ts";

type Campaign = { id: string; name: string; channel: string; monthlyCostCents: number; startsOn: string | null; endsOn: string | null; trackingNumbers: number };
const CHANNELS = ["website", "paid search", "print", "radio", "tv", "yard signs", "referral", "social", "other"];

export const dollars = (cents: number | null) => (cents === null ? "—" : (cents / 100).toLocaleString(undefined, { style: "currency", currency: "USD" }));
export const toCents = (text: string) => Math.round(Number(text.replace(/[$,\s]/g, "")) * 100);

/** Campaigns: their channel, monthly cost and one-off spend. */
export function CampaignsScreen() {
  const items = useSignal<Campaign[]>([]);
  const message = useSignal<string | null>(null);
  const load = () => api<{ items: Campaign[] }>("GET", "/api/campaigns").then((r) => (items.value = r.items));
  useEffect(() => void load(), []);
  const fail = (err: unknown) => (message.value = err instanceof ApiFailure ? err.message : "Something went wrong; try again");

  async function create(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    try {
      await api("POST", "/api/campaigns", {
        name: String(f.get("name")),
        channel: String(f.get("channel")),
        monthlyCostCents: toCents(String(f.get("monthly") || "0")),
        startsOn: String(f.get("startsOn") ?? "") || null,
      });
      form.reset();
      message.value = "Campaign added";
      await load();
    } catch (err) {
      fail(err);
    }
  }

  async function spend(c: Campaign, event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    try {
      await api("POST", `/api/campaigns/${c.id}/costs`, { spentOn: String(f.get("spentOn")), amountCents: toCents(String(f.get("amount"))), note: String(f.get("note") ?? "") });
      form.reset();
      message.value = `Spend recorded on ${c.name}`;
    } catch (err) {
      fail(err);
    }
  }

  return (
    <section class="screen">
      <h1>Campaigns</h1>
      {message.value && <p role="status">{message.value}</p>}
      <table class="list">
        <thead>
          <tr>
            <th scope="col">Campaign</th>
            <th scope="col">Channel</th>
            <th scope="col">Monthly cost</th>
            <th scope="col">Since</th>
            <th scope="col">Tracking numbers</th>
            {can("marketing:write") && <th scope="col">One-off spend</th>}
          </tr>
        </thead>
        <tbody>
          {items.value.map((c) => (
            <tr key={c.id}>
              <td>{c.name}</td>
              <td>{c.channel}</td>
              <td>{dollars(c.monthlyCostCents)}</td>
              <td>{c.startsOn ?? "—"}</td>
              <td>{c.trackingNumbers}</td>
              {can("marketing:write") && (
              <td>
                <form class="inline-form" onSubmit={(e) => void spend(c, e)} aria-label={`Spend on ${c.name}`}>
                  <input name="spentOn" type="date" required aria-label="Spent on" />
                  <input name="amount" required inputMode="decimal" placeholder="250.00" aria-label="Amount" size={8} />
                  <input name="note" placeholder="What for" aria-label="Note" size={10} />
                  <button type="submit">Add</button>
                </form>
              </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {can("marketing:write") && (
      <>
      <h2>New campaign</h2>
      <form class="filters" onSubmit={create}>
        <label>
          Name <input name="name" required />
        </label>
        <label>
          Channel
          <select name="channel">
            {CHANNELS.map((ch) => (
              <option key={ch}>{ch}</option>
            ))}
          </select>
        </label>
        <label>
          Monthly cost ($) <input name="monthly" inputMode="decimal" placeholder="300" />
        </label>
        <label>
          Starts on <input name="startsOn" type="date" />
        </label>
        <button type="submit">Add campaign</button>
      </form>
      </>
      )}
    </section>
  );
}
