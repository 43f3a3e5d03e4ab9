/**
 * Posts correctly signed webhooks to a running Switchboard through whole call lives, as a provider
 * would (`--provider`, Twilio by default; each provider's side is in scripts/networks/), so the
 * product can be driven on a laptop with no phone line.
 *
 *   npm run simulate -- call --from +14155550124 --to +14155550100 [--outcome answered|no-answer|busy|failed|hangup]
 *                            [--digits 2] [--ring 1] [--talk 3]
 *     --outcome takes one outcome per dial step, comma-separated (a hunt: no-answer,busy,answered);
 *     --digits the keys pressed at each voice menu in turn (empty between commas: no key).
 *   npm run simulate -- traffic [--rate 2] [--duration 30] [--known 0.5] [--to +14155550100]
 *
 * Common flags: --url http://127.0.0.1:8787  --provider twilio  --token <the account's secret>  --account <its id>
 * (the demo tenant's sandbox account of that provider by default)
 */
import { parseArgs } from "node:util";
import { networkOf, OUTCOMES, simulateCall, type CallLife, type Outcome, type SimulatorOptions } from "./networks/call-life.ts";

const sleep = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));

// Demo contacts (known callers) and fictional unknown numbers for traffic.
const KNOWN = ["+14155550124", "+14155550125", "+14155550131", "+14155550142", "+14155550163"];
function unknownNumber() {
  return `+1415555${String(1000 + Math.floor(Math.random() * 8000)).padStart(4, "0")}`;
}
function pickOutcome(): Outcome {
  const r = Math.random();
  return r < 0.6 ? "answered" : r < 0.85 ? "no-answer" : r < 0.95 ? "busy" : "hangup";
}

export async function simulateTraffic(opts: SimulatorOptions, to: string, rate: number, durationSeconds: number, knownShare: number) {
  const lives: Promise<CallLife>[] = [];
  const total = Math.max(1, Math.round(rate * durationSeconds));
  const started = Date.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    await sleep(Math.max(0, due - Date.now()) / 1000);
    const from = Math.random() < knownShare ? KNOWN[Math.floor(Math.random() * KNOWN.length)]! : unknownNumber();
    // Menus get a key of 1 or 2, or none now and then.
    const key = ["1", "2", "1", "2", ""][Math.floor(Math.random() * 5)]!;
    lives.push(simulateCall(opts, from, to, { outcomes: [pickOutcome()], digits: [key] }));
  }
  const done = await Promise.all(lives);
  return { calls: done.length, ok: done.filter((d) => d.ok).length, failed: done.filter((d) => !d.ok) };
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      url: { type: "string", default: "http://127.0.0.1:8787" },
      provider: { type: "string", default: "twilio" },
      token: { type: "string" },
      account: { type: "string" },
      from: { type: "string", default: "+14155550124" },
      to: { type: "string" },
      outcome: { type: "string", default: "answered" },
      digits: { type: "string", default: "" },
      ring: { type: "string", default: "1" },
      talk: { type: "string", default: "3" },
      rate: { type: "string", default: "1" },
      duration: { type: "string", default: "10" },
      known: { type: "string", default: "0.5" },
    },
  });
  const opts: SimulatorOptions = { url: values.url.replace(/\/$/, ""), provider: values.provider, token: values.token, account: values.account, ring: Number(values.ring), talk: Number(values.talk), log: console.log };
  // Each provider has a demo tracking number of its own.
  const to = values.to ?? networkOf(opts).demoNumber;
  if (command === "call") {
    const outcomes = values.outcome.split(",").map((o) => o.trim());
    for (const o of outcomes) if (!(OUTCOMES as readonly string[]).includes(o)) throw new Error(`--outcome takes ${OUTCOMES.join(", ")} (comma-separated, one per dial step)`);
    const digits = values.digits === "" ? [] : values.digits.split(",").map((d) => d.trim());
    const life = await simulateCall(opts, values.from, to, { outcomes: outcomes as Outcome[], digits });
    process.exitCode = life.ok ? 0 : 1;
  } else if (command === "traffic") {
    const result = await simulateTraffic({ ...opts, log: undefined }, to, Number(values.rate), Number(values.duration), Number(values.known));
    console.log(`${result.calls} calls, ${result.ok} went through, ${result.failed.length} failed`);
    for (const f of result.failed.slice(0, 10)) console.log(`  ${f.callSid}: ${f.error}`);
    process.exitCode = result.failed.length ? 1 : 0;
  } else {
    console.log("usage: npm run simulate -- call [--provider twilio] [--from N] [--to N] [--outcome answered|no-answer|busy|failed|hangup[,…]] [--digits K[,…]] | traffic [--rate R] [--duration S] [--known SHARE]");
    process.exitCode = command ? 1 : 0;
  }
}

if (import.meta.main) {
  // A mistyped flag (an unknown --provider, an --outcome) is said in one line, not with a stack.
  await main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  });
}
