/**
 * Posts correctly signed Twilio webhooks to a running Switchboard through whole call lives, so the
 * product can be driven on a laptop with no phone line.
 *
 *   npm run simulate -- call --from +14155550124 --to +14155550100 [--outcome answered|no-answer|busy|failed|hangup]
 *                            [--ring 1] [--talk 3]
 *   npm run simulate -- traffic [--rate 2] [--duration 30] [--known 0.5] [--to +14155550100]
 *
 * Common flags: --url http://127.0.0.1:8787  --token demo-twilio-auth-token  --account AC000…0
 */
import { parseArgs } from "node:util";
import { twilioSignature } from "../worker/providers/twilio/signature.ts";

export const OUTCOMES = ["answered", "no-answer", "busy", "failed", "hangup"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export type SimulatorOptions = {
  url: string;
  token: string;
  account: string;
  /** Seconds the dialled number rings before its outcome; the caller talks `talk` seconds when answered. */
  ring: number;
  talk: number;
  log?: (line: string) => void;
};

export type CallLife = { callSid: string; steps: string[]; ok: boolean; error?: string };

function hex(bytes: number) {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export const newCallSid = () => `CA${hex(16)}`;
const sleep = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));

/** POSTs a form the way Twilio does, signed with the tenant's auth token. */
export async function postSigned(opts: SimulatorOptions, url: string, params: Record<string, string>) {
  const pairs = Object.entries(params);
  const signature = await twilioSignature(opts.token, url, pairs);
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature, "User-Agent": "TwilioProxy/1.1 (switchboard-simulator)" },
    body: new URLSearchParams(pairs).toString(),
  });
}

function attr(tag: string, name: string) {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? m[1]!.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&apos;/g, "'") : undefined;
}

/** The parts of our own TwiML the simulator acts on. */
export function readTwiml(xml: string) {
  const dialTag = /<Dial\b[^>]*>/.exec(xml)?.[0];
  const numbers = [...xml.matchAll(/<Number\b([^>]*)>([^<]*)<\/Number>/g)].map((m) => ({ number: m[2]!, statusCallback: attr(m[0], "statusCallback") }));
  return {
    dial: dialTag ? { action: attr(dialTag, "action"), timeout: Number(attr(dialTag, "timeout") ?? 30) } : null,
    numbers,
    hangup: /<Hangup\/>/.test(xml),
    say: /<Say\b[^>]*>([^<]*)<\/Say>/.exec(xml)?.[1] ?? null,
  };
}

/** One call's whole life: ring, the dialled leg's fate, the Dial action, the caller's end. */
export async function simulateCall(opts: SimulatorOptions, from: string, to: string, outcome: Outcome): Promise<CallLife> {
  const log = opts.log ?? (() => {});
  const callSid = newCallSid();
  const steps: string[] = [];
  const base = { AccountSid: opts.account, CallSid: callSid, From: from, To: to, Direction: "inbound", ApiVersion: "2010-04-01" };
  const started = Date.now();
  let parentSeq = 0;
  const step = (s: string) => {
    steps.push(s);
    log(`${callSid.slice(0, 10)}… ${s}`);
  };
  try {
    const voice = await postSigned(opts, `${opts.url}/webhooks/twilio/voice`, { ...base, CallStatus: "ringing" });
    let xml = await voice.text();
    if (!voice.ok) throw new Error(`voice webhook answered ${voice.status}: ${xml}`);
    step(`voice → ${voice.status}`);
    let twiml = readTwiml(xml);
    let dialled = false;
    while (twiml.dial) {
      const target = twiml.numbers[0];
      if (!target) throw new Error(`a Dial with no Number: ${xml}`);
      dialled = true;
      const legSid = newCallSid();
      let legSeq = 0;
      const leg = async (status: string, extra: Record<string, string> = {}) => {
        if (!target.statusCallback) return;
        const res = await postSigned(opts, target.statusCallback, {
          AccountSid: opts.account,
          CallSid: legSid,
          ParentCallSid: callSid,
          From: to,
          To: target.number,
          Direction: "outbound-dial",
          CallStatus: status,
          SequenceNumber: String(legSeq++),
          Timestamp: new Date().toUTCString(),
          ...extra,
        });
        if (!res.ok) throw new Error(`leg-status ${status} answered ${res.status}: ${await res.text()}`);
        step(`leg ${target.number} ${status} → ${res.status}`);
      };
      await leg("initiated");
      await leg("ringing");
      await sleep(opts.ring);
      let dialStatus: string;
      let talk = 0;
      if (outcome === "answered") {
        await leg("in-progress");
        talk = opts.talk;
        const talked = String(Math.round(talk));
        await sleep(talk);
        await leg("completed", { CallDuration: talked });
        dialStatus = "completed";
      } else if (outcome === "hangup") {
        await leg("canceled");
        dialStatus = "canceled";
      } else {
        await leg(outcome);
        dialStatus = outcome;
      }
      if (!twiml.dial.action) break;
      const action = await postSigned(opts, twiml.dial.action, {
        ...base,
        CallStatus: "in-progress",
        DialCallStatus: dialStatus,
        DialCallSid: legSid,
        ...(dialStatus === "completed" ? { DialCallDuration: String(Math.round(talk)) } : {}),
      });
      xml = await action.text();
      if (!action.ok) throw new Error(`dial-action answered ${action.status}: ${xml}`);
      step(`dial-action ${dialStatus} → ${action.status}`);
      twiml = readTwiml(xml);
      // After an answered call or a caller who hung up, nothing more is dialled.
      if (outcome === "answered" || outcome === "hangup") break;
    }
    if (!dialled && twiml.say) step(`said: ${twiml.say}`);
    const duration = Math.round((Date.now() - started) / 1000);
    const parent = await postSigned(opts, `${opts.url}/webhooks/twilio/status`, {
      ...base,
      CallStatus: "completed",
      CallDuration: String(duration),
      SequenceNumber: String(parentSeq++),
      Timestamp: new Date().toUTCString(),
    });
    if (!parent.ok) throw new Error(`status answered ${parent.status}: ${await parent.text()}`);
    step(`status completed → ${parent.status}`);
    return { callSid, steps, ok: true };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    step(`error: ${error}`);
    return { callSid, steps, ok: false, error };
  }
}

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
    lives.push(simulateCall(opts, from, to, pickOutcome()));
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
      token: { type: "string", default: "demo-twilio-auth-token" },
      account: { type: "string", default: "AC00000000000000000000000000000000" },
      from: { type: "string", default: "+14155550124" },
      to: { type: "string", default: "+14155550100" },
      outcome: { type: "string", default: "answered" },
      ring: { type: "string", default: "1" },
      talk: { type: "string", default: "3" },
      rate: { type: "string", default: "1" },
      duration: { type: "string", default: "10" },
      known: { type: "string", default: "0.5" },
    },
  });
  const opts: SimulatorOptions = { url: values.url.replace(/\/$/, ""), token: values.token, account: values.account, ring: Number(values.ring), talk: Number(values.talk), log: console.log };
  if (command === "call") {
    if (!(OUTCOMES as readonly string[]).includes(values.outcome)) throw new Error(`--outcome must be one of ${OUTCOMES.join(", ")}`);
    const life = await simulateCall(opts, values.from, values.to, values.outcome as Outcome);
    process.exitCode = life.ok ? 0 : 1;
  } else if (command === "traffic") {
    const result = await simulateTraffic({ ...opts, log: undefined }, values.to, Number(values.rate), Number(values.duration), Number(values.known));
    console.log(`${result.calls} calls, ${result.ok} went through, ${result.failed.length} failed`);
    for (const f of result.failed.slice(0, 10)) console.log(`  ${f.callSid}: ${f.error}`);
    process.exitCode = result.failed.length ? 1 : 0;
  } else {
    console.log("usage: npm run simulate -- call [--from N] [--to N] [--outcome answered|no-answer|busy|failed|hangup] | traffic [--rate R] [--duration S] [--known SHARE]");
    process.exitCode = command ? 1 : 0;
  }
}

if (import.meta.main) await main();
