/**
 * Posts correctly signed Twilio webhooks to a running Switchboard through whole call lives, so the
 * product can be driven on a laptop with no phone line.
 *
 *   npm run simulate -- call --from +14155550124 --to +14155550100 [--outcome answered|no-answer|busy|failed|hangup]
 *                            [--digits 2] [--ring 1] [--talk 3]
 *     --outcome takes one outcome per dial step, comma-separated (a hunt: no-answer,busy,answered);
 *     --digits the keys pressed at each voice menu in turn (empty between commas: no key).
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

/** The `statusCallbackEvent` under which Twilio reports a leg's status. */
export function legEvent(status: string) {
  return status === "initiated" || status === "ringing" ? status : status === "in-progress" ? "answered" : "completed";
}

/** The parts of our own TwiML the simulator acts on. */
export function readTwiml(xml: string) {
  const dialTag = /<Dial\b[^>]*>/.exec(xml)?.[0];
  const gatherTag = /<Gather\b[^>]*>/.exec(xml)?.[0];
  const recordTag = /<Record\b[^>]*>/.exec(xml)?.[0];
  const numbers = [...xml.matchAll(/<Number\b([^>]*)>([^<]*)<\/Number>/g)].map((m) => ({
    number: m[2]!,
    statusCallback: attr(m[0], "statusCallback"),
    // Twilio reports only the leg's events asked for (its default: completed alone).
    events: (attr(m[0], "statusCallbackEvent") ?? "completed").split(/\s+/),
  }));
  return {
    dial: dialTag ? { action: attr(dialTag, "action"), timeout: Number(attr(dialTag, "timeout") ?? 30) } : null,
    numbers,
    gather: gatherTag ? { action: attr(gatherTag, "action") } : null,
    record: recordTag ? { action: attr(recordTag, "action"), statusCallback: attr(recordTag, "recordingStatusCallback") } : null,
    hangup: /<Hangup\/>/.test(xml),
    say: [...xml.matchAll(/<Say\b[^>]*>([^<]*)<\/Say>/g)].map((m) => m[1]!),
  };
}

export type CallScript = {
  /** How each dial step ends, in turn; the last one repeats. */
  outcomes: Outcome[];
  /** Keys pressed at each voice menu, in turn; "" presses nothing. */
  digits?: string[];
};

/** One call's whole life: ring, menus, each dialled leg's fate and Dial action, voicemail, the caller's end. */
export async function simulateCall(opts: SimulatorOptions, from: string, to: string, script: Outcome | CallScript): Promise<CallLife> {
  const { outcomes, digits = [] } = typeof script === "string" ? { outcomes: [script] } : script;
  const log = opts.log ?? (() => {});
  const callSid = newCallSid();
  const steps: string[] = [];
  const base = { AccountSid: opts.account, CallSid: callSid, From: from, To: to, Direction: "inbound", ApiVersion: "2010-04-01" };
  const started = Date.now();
  const step = (s: string) => {
    steps.push(s);
    log(`${callSid.slice(0, 10)}… ${s}`);
  };
  const post = async (url: string, params: Record<string, string>, what: string) => {
    const res = await postSigned(opts, url, params);
    const text = await res.text();
    if (!res.ok) throw new Error(`${what} answered ${res.status}: ${text}`);
    step(`${what} → ${res.status}`);
    return text;
  };
  try {
    let twiml = readTwiml(await post(`${opts.url}/webhooks/twilio/voice`, { ...base, CallStatus: "ringing" }, "voice"));
    let dials = 0;
    let menus = 0;
    for (let guard = 0; guard < 50; guard++) {
      for (const said of twiml.say) step(`says: ${said}`);
      if (twiml.gather?.action) {
        const keys = digits[menus++] ?? "";
        twiml = readTwiml(await post(twiml.gather.action, { ...base, CallStatus: "in-progress", ...(keys ? { Digits: keys } : {}) }, `menu ${keys ? `press ${keys}` : "no key"}`));
        continue;
      }
      if (twiml.record?.action) {
        if (twiml.record.statusCallback) {
          await post(twiml.record.statusCallback, { ...base, RecordingSid: `RE${callSid.slice(2)}`, RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${opts.account}/Recordings/RE${callSid.slice(2)}`, RecordingStatus: "completed", RecordingDuration: "4" }, "voicemail recording");
        }
        twiml = readTwiml(await post(twiml.record.action, { ...base, CallStatus: "in-progress", RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${opts.account}/Recordings/RE${callSid.slice(2)}` }, "voicemail left"));
        continue;
      }
      if (!twiml.dial) break;
      const outcome = outcomes[Math.min(dials++, outcomes.length - 1)] ?? "answered";
      const target = twiml.numbers[0];
      if (!target) throw new Error("a Dial with no Number");
      const legSid = newCallSid();
      let legSeq = 0;
      const leg = async (status: string, extra: Record<string, string> = {}) => {
        if (!target.statusCallback || !target.events.includes(legEvent(status))) return;
        await post(
          target.statusCallback,
          { AccountSid: opts.account, CallSid: legSid, ParentCallSid: callSid, From: to, To: target.number, Direction: "outbound-dial", CallStatus: status, SequenceNumber: String(legSeq++), Timestamp: new Date().toUTCString(), ...extra },
          `leg ${target.number} ${status}`,
        );
      };
      await leg("initiated");
      await leg("ringing");
      await sleep(opts.ring);
      let dialStatus: string = outcome === "hangup" ? "canceled" : outcome;
      const talked = String(Math.round(opts.talk));
      if (outcome === "answered") {
        await leg("in-progress");
        await sleep(opts.talk);
        await leg("completed", { CallDuration: talked });
        dialStatus = "completed";
      } else {
        await leg(dialStatus);
      }
      if (!twiml.dial.action) break;
      twiml = readTwiml(
        await post(twiml.dial.action, { ...base, CallStatus: "in-progress", DialCallStatus: dialStatus, DialCallSid: legSid, ...(dialStatus === "completed" ? { DialCallDuration: talked } : {}) }, `dial-action ${dialStatus}`),
      );
      // After an answered call, or a caller who hung up, nothing more happens.
      if (outcome === "answered" || outcome === "hangup") break;
    }
    const duration = Math.round((Date.now() - started) / 1000);
    await post(`${opts.url}/webhooks/twilio/status`, { ...base, CallStatus: "completed", CallDuration: String(duration), SequenceNumber: "0", Timestamp: new Date().toUTCString() }, "status completed");
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
      token: { type: "string", default: "demo-twilio-auth-token" },
      account: { type: "string", default: "AC00000000000000000000000000000000" },
      from: { type: "string", default: "+14155550124" },
      to: { type: "string", default: "+14155550100" },
      outcome: { type: "string", default: "answered" },
      digits: { type: "string", default: "" },
      ring: { type: "string", default: "1" },
      talk: { type: "string", default: "3" },
      rate: { type: "string", default: "1" },
      duration: { type: "string", default: "10" },
      known: { type: "string", default: "0.5" },
    },
  });
  const opts: SimulatorOptions = { url: values.url.replace(/\/$/, ""), token: values.token, account: values.account, ring: Number(values.ring), talk: Number(values.talk), log: console.log };
  if (command === "call") {
    const outcomes = values.outcome.split(",").map((o) => o.trim());
    for (const o of outcomes) if (!(OUTCOMES as readonly string[]).includes(o)) throw new Error(`--outcome takes ${OUTCOMES.join(", ")} (comma-separated, one per dial step)`);
    const digits = values.digits === "" ? [] : values.digits.split(",").map((d) => d.trim());
    const life = await simulateCall(opts, values.from, values.to, { outcomes: outcomes as Outcome[], digits });
    process.exitCode = life.ok ? 0 : 1;
  } else if (command === "traffic") {
    const result = await simulateTraffic({ ...opts, log: undefined }, values.to, Number(values.rate), Number(values.duration), Number(values.known));
    console.log(`${result.calls} calls, ${result.ok} went through, ${result.failed.length} failed`);
    for (const f of result.failed.slice(0, 10)) console.log(`  ${f.callSid}: ${f.error}`);
    process.exitCode = result.failed.length ? 1 : 0;
  } else {
    console.log("usage: npm run simulate -- call [--from N] [--to N] [--outcome answered|no-answer|busy|failed|hangup[,…]] [--digits K[,…]] | traffic [--rate R] [--duration S] [--known SHARE]");
    process.exitCode = command ? 1 : 0;
  }
}

if (import.meta.main) await main();
