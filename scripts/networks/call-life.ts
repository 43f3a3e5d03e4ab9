/**
 * A call's whole life as a caller's phone network plays it, over any provider's Network: ring,
 * voice menus, each dialled leg's fate and the dial's end, voicemail, the caller's end. The
 * simulator runs it against a dev server; the Workers tests run it against the Worker itself.
 */
import { networkFor } from "./index.ts";
import type { LegStatus, Network, Plan, SimulatedCall } from "./network.ts";

export const OUTCOMES = ["answered", "no-answer", "busy", "failed", "hangup"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export type SimulatorOptions = {
  url: string;
  /** Whose webhooks to send: a provider of scripts/networks (twilio by default). */
  provider?: string;
  /** The account's signing secret and id at the provider; the demo tenant's by default. */
  token?: string;
  account?: string;
  /** Seconds the dialled number rings before its outcome; the caller talks `talk` seconds when answered. */
  ring: number;
  talk: number;
  log?: (line: string) => void;
  /** How requests are sent (the Workers tests hand the Worker's own fetch); the network by default. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
};

export type CallLife = { callSid: string; steps: string[]; ok: boolean; error?: string };

const sleep = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));

export function networkOf(opts: SimulatorOptions): Network {
  return networkFor(opts.provider ?? "twilio", opts.url, { token: opts.token, account: opts.account });
}

export type CallScript = {
  /** How each dial step ends, in turn; the last one repeats. */
  outcomes: Outcome[];
  /** Keys pressed at each voice menu, in turn; "" presses nothing. */
  digits?: string[];
};

/** One call's whole life: ring, menus, each dialled leg's fate and the dial's end, voicemail, the caller's end. */
export async function simulateCall(opts: SimulatorOptions, from: string, to: string, script: Outcome | CallScript): Promise<CallLife> {
  const { outcomes, digits = [] } = typeof script === "string" ? { outcomes: [script] } : script;
  const log = opts.log ?? (() => {});
  const network = networkOf(opts);
  const callSid = network.newCallId();
  const steps: string[] = [];
  const started = Date.now();
  const step = (s: string) => {
    steps.push(s);
    log(`${callSid.slice(0, 10)}… ${s}`);
  };
  const call: SimulatedCall = {
    id: callSid,
    from,
    to,
    send: async (url, init, what) => {
      const res = await (opts.fetch ?? fetch)(url, { method: "POST", ...init });
      const text = await res.text();
      if (!res.ok) throw new Error(`${what} answered ${res.status}: ${text}`);
      step(`${what} → ${res.status}`);
      return { status: res.status, ok: res.ok, text, headers: res.headers };
    },
  };
  try {
    let plan: Plan | null = await network.ring(call);
    let dials = 0;
    let menus = 0;
    for (let guard = 0; plan && guard < 50; guard++) {
      for (const said of plan.says) step(`says: ${said}`);
      if (plan.menu) {
        plan = await network.pressKeys(call, plan, digits[menus++] ?? "");
        continue;
      }
      if (plan.voicemail) {
        plan = await network.leaveVoicemail(call, plan);
        continue;
      }
      if (!plan.dial) break;
      const outcome = outcomes[Math.min(dials++, outcomes.length - 1)] ?? "answered";
      const legId = network.newCallId();
      await network.legReport(call, plan, legId, "initiated");
      await network.legReport(call, plan, legId, "ringing");
      await sleep(opts.ring);
      const dialStatus: LegStatus = outcome === "answered" ? "completed" : outcome === "hangup" ? "canceled" : outcome;
      const talked = Math.round(opts.talk);
      if (outcome === "answered") {
        await network.legReport(call, plan, legId, "in-progress");
        await sleep(opts.talk);
      }
      await network.legReport(call, plan, legId, dialStatus, outcome === "answered" ? talked : undefined);
      plan = await network.dialEnded(call, plan, legId, dialStatus, talked);
      // After an answered call, or a caller who hung up, nothing more happens.
      if (outcome === "answered" || outcome === "hangup") break;
    }
    await network.hangUp(call, Math.round((Date.now() - started) / 1000));
    return { callSid, steps, ok: true };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    step(`error: ${error}`);
    return { callSid, steps, ok: false, error };
  }
}

