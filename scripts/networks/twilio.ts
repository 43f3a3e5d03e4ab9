/**
 * Twilio as the simulator plays it: form webhooks signed with the account's auth token
 * (X-Twilio-Signature), the TwiML we answer read back, and the leg reports the TwiML asks for.
 * SignalWire's LaML plays the same with its own dialect (./signalwire.ts).
 */
import { twilioSignature } from "../../worker/providers/twilio/signature.ts";
import { hex, type LegStatus, type Network, type Plan, type SimulatedCall } from "./network.ts";

export const TWILIO_DEMO = { token: "demo-twilio-auth-token", account: "AC00000000000000000000000000000000" };

/** What differs between providers that speak TwiML's forms: who they are, their demo, header, ids, recordings. */
export type TwimlDialect = {
  provider: string;
  demoNumber: string;
  demo: { token: string; account: string };
  signatureHeader: string;
  userAgent: string;
  newCallId: () => string;
  recordingUrl: (account: string, callId: string) => string;
};

const TWILIO: TwimlDialect = {
  provider: "twilio",
  demoNumber: "+14155550100",
  demo: TWILIO_DEMO,
  signatureHeader: "X-Twilio-Signature",
  userAgent: "TwilioProxy/1.1 (switchboard-simulator)",
  newCallId: () => `CA${hex(16)}`,
  recordingUrl: (account, callId) => `https://api.twilio.com/2010-04-01/Accounts/${account}/Recordings/RE${callId.slice(2)}`,
};

function attr(tag: string, name: string) {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? m[1]!.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&apos;/g, "'") : undefined;
}

/** The `statusCallbackEvent` under which Twilio reports a leg's status. */
export function legEvent(status: string) {
  return status === "initiated" || status === "ringing" ? status : status === "in-progress" ? "answered" : "completed";
}

/** The parts of our own TwiML a caller's phone network acts on. */
export function readTwiml(xml: string) {
  const dialTag = /<Dial\b[^>]*>/.exec(xml)?.[0];
  const gatherTag = /<Gather\b[^>]*>/.exec(xml)?.[0];
  const recordTag = /<Record\b[^>]*>/.exec(xml)?.[0];
  // A phone number is a <Number>; a desk phone rung directly, a <Sip>.
  const numbers = [...xml.matchAll(/<(Number|Sip)\b([^>]*)>([^<]*)<\/\1>/g)].map((m) => ({
    number: m[3]!.replace(/&amp;/g, "&"),
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

type TwilioPlan = Plan & { twiml: ReturnType<typeof readTwiml> };

export class TwilioNetwork implements Network {
  readonly provider: string;
  readonly demoNumber: string;
  readonly #url: string;
  readonly #token: string;
  readonly #account: string;
  readonly #dialect: TwimlDialect;
  /** Each leg's next SequenceNumber, as Twilio numbers a leg's reports. */
  #legSeq = new Map<string, number>();

  constructor(url: string, credentials: { token?: string | undefined; account?: string | undefined } = {}, dialect: TwimlDialect = TWILIO) {
    this.#dialect = dialect;
    this.provider = dialect.provider;
    this.demoNumber = dialect.demoNumber;
    this.#url = url;
    this.#token = credentials.token ?? dialect.demo.token;
    this.#account = credentials.account ?? dialect.demo.account;
  }

  newCallId() {
    return this.#dialect.newCallId();
  }

  /** POSTs a form the way Twilio does, signed with the account's auth token (SignalWire's: its signing key). */
  async #post(call: SimulatedCall, url: string, params: Record<string, string>, what: string) {
    const pairs = Object.entries(params);
    const signature = await twilioSignature(this.#token, url, pairs);
    return call.send(url, { headers: { "Content-Type": "application/x-www-form-urlencoded", [this.#dialect.signatureHeader]: signature, "User-Agent": this.#dialect.userAgent }, body: new URLSearchParams(pairs).toString() }, what);
  }

  #base(call: SimulatedCall) {
    return { AccountSid: this.#account, CallSid: call.id, From: call.from, To: call.to, Direction: "inbound", ApiVersion: "2010-04-01" };
  }

  async #plan(call: SimulatedCall, url: string | undefined, params: Record<string, string>, what: string): Promise<TwilioPlan> {
    if (!url) throw new Error(`our TwiML named no URL for ${what}`);
    const sent = await this.#post(call, url, params, what);
    const twiml = readTwiml(sent.text);
    return { says: twiml.say, menu: Boolean(twiml.gather?.action), voicemail: Boolean(twiml.record?.action), dial: twiml.dial && twiml.numbers[0] ? { number: twiml.numbers[0].number } : null, serverTiming: sent.headers.get("server-timing"), twiml };
  }

  ring(call: SimulatedCall) {
    return this.#plan(call, `${this.#url}/webhooks/${this.provider}/voice`, { ...this.#base(call), CallStatus: "ringing" }, "voice");
  }

  pressKeys(call: SimulatedCall, plan: Plan, keys: string) {
    const { twiml } = plan as TwilioPlan;
    return this.#plan(call, twiml.gather?.action, { ...this.#base(call), CallStatus: "in-progress", ...(keys ? { Digits: keys } : {}) }, `menu ${keys ? `press ${keys}` : "no key"}`);
  }

  async leaveVoicemail(call: SimulatedCall, plan: Plan) {
    const { twiml } = plan as TwilioPlan;
    const recording = this.#dialect.recordingUrl(this.#account, call.id);
    if (twiml.record?.statusCallback) {
      await this.#post(call, twiml.record.statusCallback, { ...this.#base(call), RecordingSid: recording.split("/").pop()!, RecordingUrl: recording, RecordingStatus: "completed", RecordingDuration: "4" }, "voicemail recording");
    }
    return this.#plan(call, twiml.record?.action, { ...this.#base(call), CallStatus: "in-progress", RecordingUrl: recording }, "voicemail left");
  }

  async legReport(call: SimulatedCall, plan: Plan, legId: string, status: LegStatus, talkSeconds?: number) {
    const target = (plan as TwilioPlan).twiml.numbers[0];
    if (!target?.statusCallback || !target.events.includes(legEvent(status))) return;
    const seq = this.#legSeq.get(legId) ?? 0;
    this.#legSeq.set(legId, seq + 1);
    const params = { AccountSid: this.#account, CallSid: legId, ParentCallSid: call.id, From: call.to, To: target.number, Direction: "outbound-dial", CallStatus: status, SequenceNumber: String(seq), Timestamp: new Date().toUTCString() };
    await this.#post(call, target.statusCallback, status === "completed" && talkSeconds !== undefined ? { ...params, CallDuration: String(talkSeconds) } : params, `leg ${target.number} ${status}`);
    if (status !== "initiated" && status !== "ringing" && status !== "in-progress") this.#legSeq.delete(legId);
  }

  async dialEnded(call: SimulatedCall, plan: Plan, legId: string, status: LegStatus, talkSeconds: number) {
    const { twiml } = plan as TwilioPlan;
    if (!twiml.dial?.action) return null;
    const answered = status === "completed";
    return this.#plan(call, twiml.dial.action, { ...this.#base(call), CallStatus: "in-progress", DialCallStatus: status, DialCallSid: legId, ...(answered ? { DialCallDuration: String(talkSeconds) } : {}) }, `dial-action ${status}`);
  }

  async hangUp(call: SimulatedCall, durationSeconds: number) {
    await this.#post(call, `${this.#url}/webhooks/${this.provider}/status`, { ...this.#base(call), CallStatus: "completed", CallDuration: String(durationSeconds), SequenceNumber: "0", Timestamp: new Date().toUTCString() }, "status completed");
  }
}
