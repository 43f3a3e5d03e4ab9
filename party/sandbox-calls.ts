/**
 * The sandbox's test calls, the Switchboard's mechanism for them: a call the sandbox places to one
 * of the tenant's sandbox numbers rings at once, through the Worker's own inbound webhooks (signed
 * as the provider signs them, so nothing is skipped: verification, routing, the popup), and ends by
 * itself when nobody answers. Its last report waits here, in storage, for the alarm: a timer in
 * memory (or the Worker's waitUntil) would be lost to an eviction and leave the call ringing.
 */
import { isTerminal } from "../schema/calls.ts";
import type { OutboundWebhook, Provider } from "../telephony/contract.ts";
import * as store from "./store.ts";

/** A test call as the Worker hands it over: the provider's webhooks, signed, and when the call ends. */
export type TestCallPlan = {
  provider: Provider;
  providerCallId: string;
  trackingNumber: string;
  endsAt: number;
  ring: OutboundWebhook;
  end: OutboundWebhook;
};

export type Placed =
  | { placed: true; callId: string | null }
  /** A test call to this number is still ringing, until `endsAt`. */
  | { busy: true; endsAt: number }
  /** The inbound flow refused the ring: its status and answer. */
  | { refused: true; status: number; message: string };

/** What the caller is shown as when the test call comes from no contact. */
export const TEST_CALLER_NAME = "Test caller";
/** Tries at delivering a call's last report before the sweep is left to end the call. */
const END_ATTEMPTS = 3;
const END_RETRY_MS = 30_000;

type Send = (request: Request) => Promise<Response>;
type Options = { sql: SqlStorage; send: Send; scheduleAt: (at: number) => Promise<void> };
type Row = { provider: string; provider_call_id: string; tracking_number: string; ends_at: number; end_webhook: string; attempts: number };

export function migrateSandboxCalls(sql: SqlStorage) {
  sql.exec(`
    create table if not exists sandbox_calls (
      provider text not null,
      provider_call_id text not null,
      tracking_number text not null,
      ends_at integer not null,
      end_webhook text not null,
      attempts integer not null default 0,
      primary key (provider, provider_call_id)
    );
    create index if not exists sandbox_calls_number on sandbox_calls (tracking_number);
    create index if not exists sandbox_calls_ends on sandbox_calls (ends_at);
  `);
}

function request(webhook: OutboundWebhook) {
  return new Request(webhook.url, { method: "POST", headers: webhook.headers, body: webhook.body });
}

export class SandboxCalls {
  readonly #o: Options;

  constructor(options: Options) {
    this.#o = options;
  }

  #forget(provider: string, providerCallId: string) {
    this.#o.sql.exec("delete from sandbox_calls where provider = ? and provider_call_id = ?", provider, providerCallId);
  }

  /** The test call to this number that is still ringing, if any (one that ended early frees the number). */
  #ringing(trackingNumber: string, now: number) {
    for (const row of this.#o.sql.exec<Row>("select * from sandbox_calls where tracking_number = ?", trackingNumber).toArray()) {
      const live = store.getCallByProviderId(this.#o.sql, row.provider, row.provider_call_id);
      if (live && isTerminal(live.call.status)) this.#forget(row.provider, row.provider_call_id);
      else if (live || row.ends_at > now) return row;
    }
    return null;
  }

  /** Rings the number now (the Worker answers as it answers the provider) and keeps the call's end for its time. */
  async place(plan: TestCallPlan, now = Date.now()): Promise<Placed> {
    const ringing = this.#ringing(plan.trackingNumber, now);
    if (ringing) return { busy: true, endsAt: ringing.ends_at };
    // Stored before the ring: the call is known as a test call when it registers, and a second
    // request for this number meanwhile finds it busy.
    this.#o.sql.exec(
      "insert or replace into sandbox_calls (provider, provider_call_id, tracking_number, ends_at, end_webhook, attempts) values (?, ?, ?, ?, ?, 0)",
      plan.provider,
      plan.providerCallId,
      plan.trackingNumber,
      plan.endsAt,
      JSON.stringify(plan.end),
    );
    await this.#o.scheduleAt(plan.endsAt);
    let res: Response;
    try {
      res = await this.#o.send(request(plan.ring));
    } catch (err) {
      this.#forget(plan.provider, plan.providerCallId);
      throw err;
    }
    const answer = await res.text();
    if (!res.ok) {
      this.#forget(plan.provider, plan.providerCallId);
      return { refused: true, status: res.status, message: answer.slice(0, 300) };
    }
    return { placed: true, callId: store.getCallByProviderId(this.#o.sql, plan.provider, plan.providerCallId)?.call.id ?? null };
  }

  isTestCall(provider: string, providerCallId: string) {
    return this.#o.sql.exec("select 1 from sandbox_calls where provider = ? and provider_call_id = ?", provider, providerCallId).toArray().length > 0;
  }

  /**
   * Sends the last report of every test call whose time is up. One the Worker refuses (4xx) is
   * dropped; one that fails is tried again a little later, a few times, then left to the sweep.
   */
  async endDue(now = Date.now()) {
    const due = this.#o.sql.exec<Row>("select * from sandbox_calls where ends_at <= ? order by ends_at", now).toArray();
    for (const row of due) {
      let retry = true;
      try {
        const res = await this.#o.send(request(JSON.parse(row.end_webhook) as OutboundWebhook));
        retry = res.status >= 500;
        if (!res.ok) console.error("the sandbox's end of a test call was refused", res.status, await res.text());
      } catch (err) {
        console.error("could not deliver the sandbox's end of a test call", err);
      }
      if (retry && row.attempts + 1 < END_ATTEMPTS) {
        this.#o.sql.exec("update sandbox_calls set attempts = attempts + 1, ends_at = ? where provider = ? and provider_call_id = ?", now + END_RETRY_MS, row.provider, row.provider_call_id);
      } else {
        this.#forget(row.provider, row.provider_call_id);
      }
    }
  }

  /** When the next test call is due to end, or null. */
  nextAt(): number | null {
    return this.#o.sql.exec<{ at: number | null }>("select min(ends_at) as at from sandbox_calls").one().at;
  }
}
