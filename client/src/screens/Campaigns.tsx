import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, problem } from "../api.ts";
import { can } from "../can.ts";
import { formatPhone } from "../format.ts";
import { amountOf, formatDay, money } from "../money.ts";
import { href } from "../router.ts";

type Campaign = { id: string; name: string; channel: string; monthlyCostCents: number; startsOn: string | null; endsOn: string | null; ended: boolean; trackingNumbers: number };
type Cost = { id: string; spentOn: string; amountCents: number; note: string | null };
type Detail = Campaign & { costs: Cost[]; trackingNumbers: { id: string; number: string; label: string }[] };
const CHANNELS = ["website", "paid search", "print", "radio", "tv", "yard signs", "referral", "social", "other"];

/** When a campaign runs, in words: "Since Oct 1, 2026", "Oct 1, 2026 – Dec 31, 2026". */
function runs(c: Campaign) {
  if (c.startsOn && c.endsOn) return `${formatDay(c.startsOn)} – ${formatDay(c.endsOn)}`;
  if (c.endsOn) return `Until ${formatDay(c.endsOn)}`;
  return c.startsOn ? `Since ${formatDay(c.startsOn)}` : "Always";
}

const text = (f: FormData, name: string) => String(f.get(name) ?? "").trim();

/**
 * Campaigns: their channel, monthly cost, dates and one-off spend. Whoever may write to marketing
 * adds, edits, ends and deletes them; a reporting user reads them (and their spend) only.
 */
export function CampaignsScreen() {
  const items = useSignal<Campaign[]>([]);
  const message = useSignal<string | null>(null);
  const open = useSignal<Detail | null>(null);
  const writer = can("marketing:write");
  const load = () => api<{ items: Campaign[] }>("GET", "/api/campaigns").then((r) => (items.value = r.items));
  const openCampaign = async (id: string, show = false) => {
    open.value = await api<Detail>("GET", `/api/campaigns/${id}`);
    // Opened from a row far up a long list: the panel under the list comes into view.
    if (show) requestAnimationFrame(() => document.getElementById("campaign-title")?.scrollIntoView({ block: "nearest" }));
  };
  useEffect(() => void load(), []);
  const fail = (err: unknown) => (message.value = problem(err));

  async function create(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const monthly = amountOf(text(f, "monthly") || "0");
    if ("problem" in monthly) return void (message.value = `Monthly cost: ${monthly.problem}`);
    try {
      await api("POST", "/api/campaigns", { name: text(f, "name"), channel: text(f, "channel"), monthlyCostCents: monthly.cents, startsOn: text(f, "startsOn") || null, endsOn: text(f, "endsOn") || null });
      form.reset();
      message.value = "Campaign added";
      await load();
    } catch (err) {
      fail(err);
    }
  }

  async function save(c: Detail, event: SubmitEvent) {
    event.preventDefault();
    const f = new FormData(event.currentTarget as HTMLFormElement);
    const monthly = amountOf(text(f, "monthly") || "0");
    if ("problem" in monthly) return void (message.value = `Monthly cost: ${monthly.problem}`);
    try {
      await api("PATCH", `/api/campaigns/${c.id}`, { name: text(f, "name"), channel: text(f, "channel"), monthlyCostCents: monthly.cents, startsOn: text(f, "startsOn") || null, endsOn: text(f, "endsOn") || null });
      message.value = `Saved ${text(f, "name")}`;
      await Promise.all([load(), openCampaign(c.id)]);
    } catch (err) {
      fail(err);
    }
  }

  async function remove(c: Campaign) {
    const numbers = c.trackingNumbers === 1 ? "Its tracking number keeps" : `Its ${c.trackingNumbers} tracking numbers keep`;
    const ask = `Delete campaign "${c.name}"? Its one-off spend is deleted with it. ${numbers} routing and tracking calls, with no campaign. Its past calls stay in the call log and count in reports as "No campaign". To keep its history, give it an end date instead.`;
    if (!confirm(ask)) return;
    try {
      await api("DELETE", `/api/campaigns/${c.id}`);
      if (open.value?.id === c.id) open.value = null;
      message.value = `Deleted ${c.name}`;
      await load();
    } catch (err) {
      fail(err);
    }
  }

  async function spend(c: Detail, event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const amount = amountOf(text(f, "amount"));
    if ("problem" in amount) return void (message.value = `Amount: ${amount.problem}`);
    try {
      await api("POST", `/api/campaigns/${c.id}/costs`, { spentOn: text(f, "spentOn"), amountCents: amount.cents, note: text(f, "note") });
      form.reset();
      message.value = `Spend recorded on ${c.name}`;
      await openCampaign(c.id);
    } catch (err) {
      fail(err);
    }
  }

  async function removeSpend(c: Detail, k: Cost) {
    if (!confirm(`Delete the spend of ${money(k.amountCents)} on ${formatDay(k.spentOn)}${k.note ? ` (${k.note})` : ""} from ${c.name}?`)) return;
    try {
      await api("DELETE", `/api/campaigns/${c.id}/costs/${k.id}`);
      message.value = `Deleted the spend of ${money(k.amountCents)} from ${c.name}`;
      await openCampaign(c.id);
    } catch (err) {
      fail(err);
    }
  }

  const c = open.value;
  return (
    <section class="screen campaigns">
      <h1>Campaigns</h1>
      {message.value && <p role="status">{message.value}</p>}
      <table class="list">
        <thead>
          <tr>
            <th scope="col">Campaign</th>
            <th scope="col">Channel</th>
            <th scope="col">Monthly cost</th>
            <th scope="col">Runs</th>
            <th scope="col">Tracking numbers</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.value.length === 0 && (
            <tr>
              <td colSpan={6} class="empty">
                No campaigns yet.
              </td>
            </tr>
          )}
          {items.value.map((k) => (
            <tr key={k.id} data-campaign={k.name} class={k.ended ? "ended" : undefined}>
              <td>
                {k.name} {k.ended && <span class="badge">Ended</span>}
              </td>
              <td data-label="Channel">{k.channel}</td>
              <td data-label="Monthly cost">{money(k.monthlyCostCents)}</td>
              <td data-label="Runs">{runs(k)}</td>
              <td data-label="Tracking numbers">{k.trackingNumbers}</td>
              <td class="actions">
                <button type="button" aria-label={writer ? `Edit ${k.name}` : `Details of ${k.name}`} onClick={() => void openCampaign(k.id, true).catch(fail)}>
                  {writer ? "Edit" : "Details"}
                </button>
                {writer && (
                  <button type="button" class="danger" aria-label={`Delete ${k.name}`} onClick={() => void remove(k)}>
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {c && (
        <section class="campaign-panel" aria-labelledby="campaign-title" key={c.id}>
          <header>
            <h2 id="campaign-title">
              {writer ? `Edit ${c.name}` : c.name} {c.ended && <span class="badge">Ended</span>}
            </h2>
            <button type="button" onClick={() => (open.value = null)}>
              Close
            </button>
          </header>
          {writer ? (
            <form class="filters" aria-label={`Edit ${c.name}`} onSubmit={(e) => void save(c, e)}>
              <label>
                Name <input name="name" required defaultValue={c.name} />
              </label>
              <label>
                Channel
                <select name="channel" defaultValue={c.channel}>
                  {[...new Set([...CHANNELS, c.channel])].map((ch) => (
                    <option key={ch}>{ch}</option>
                  ))}
                </select>
              </label>
              <label>
                Monthly cost ($) <input name="monthly" inputMode="decimal" defaultValue={(c.monthlyCostCents / 100).toFixed(2)} />
              </label>
              <label>
                Starts on <input name="startsOn" type="date" defaultValue={c.startsOn ?? ""} />
              </label>
              <label>
                Ends on <input name="endsOn" type="date" defaultValue={c.endsOn ?? ""} aria-describedby="ends-hint" />
              </label>
              <button type="submit">Save</button>
              <small id="ends-hint" class="muted">
                The last day it takes calls. After it, calls to its numbers are still tracked, as "No campaign", and its monthly cost stops.
              </small>
            </form>
          ) : (
            <p>
              Channel {c.channel} · {money(c.monthlyCostCents)} a month · runs {runs(c).replace(/^[A-Z]/, (x) => x.toLowerCase())}
            </p>
          )}
          <p>
            Tracking numbers:{" "}
            {c.trackingNumbers.length ? c.trackingNumbers.map((t) => `${formatPhone(t.number)}${t.label ? ` (${t.label})` : ""}`).join(", ") : "none"}
            {can("numbers:write") && (
              <>
                {" "}
                · <a href={href("/numbers")}>assign numbers</a>
              </>
            )}
          </p>
          <h3>One-off spend</h3>
          <table class="list spend">
            <thead>
              <tr>
                <th scope="col">Spent on</th>
                <th scope="col">Amount</th>
                <th scope="col">What for</th>
                {writer && (
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {c.costs.length === 0 && (
                <tr>
                  <td colSpan={4} class="empty">
                    No one-off spend recorded.
                  </td>
                </tr>
              )}
              {c.costs.map((k) => (
                <tr key={k.id} data-cost={k.id}>
                  <td>{formatDay(k.spentOn)}</td>
                  <td data-label="Amount">{money(k.amountCents)}</td>
                  <td data-label="What for">{k.note ?? "—"}</td>
                  {writer && (
                    <td class="actions">
                      <button type="button" class="danger" aria-label={`Delete spend of ${money(k.amountCents)} on ${formatDay(k.spentOn)}`} onClick={() => void removeSpend(c, k)}>
                        Delete
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {writer && (
            <form class="filters" onSubmit={(e) => void spend(c, e)} aria-label={`Spend on ${c.name}`}>
              <label>
                Spent on <input name="spentOn" type="date" required />
              </label>
              <label>
                Amount ($) <input name="amount" required inputMode="decimal" placeholder="250.00" size={8} />
              </label>
              <label>
                What for <input name="note" placeholder="Ad production" />
              </label>
              <button type="submit">Add spend</button>
            </form>
          )}
        </section>
      )}

      {writer && (
        <>
          <h2>New campaign</h2>
          <form class="filters" aria-label="New campaign" onSubmit={create}>
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
            <label>
              Ends on <input name="endsOn" type="date" />
            </label>
            <button type="submit">Add campaign</button>
          </form>
        </>
      )}
    </section>
  );
}
