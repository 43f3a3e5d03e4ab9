/**
 * Plivo as the simulator plays it: form webhooks signed with V3 (the auth token, a nonce), numbers
 * as digits without "+", the Plivo XML we answer read back, and the Dial callbacks it asks for.
 * Every URL Plivo would have from us names the account (`auth_id`), as the number's application does.
 */
import { withAccount } from "../../worker/providers/plivo/account-url.ts";
import { signedPlivoForm } from "../../worker/providers/plivo/simulator.ts";
import type { LegStatus, Network, Plan, SimulatedCall } from "./network.ts";

export const PLIVO_DEMO = { token: "demo-plivo-auth-token", account: "MA0000000000000000DEMO" };

function attr(tag: string, name: string) {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? m[1]!.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&apos;/g, "'") : undefined;
}

const text = (t: string) => t.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&apos;/g, "'");

/** The parts of our own Plivo XML a caller's phone network acts on. */
export function readPlivoXml(xml: string) {
  const dialTag = /<Dial\b[^>]*>/.exec(xml)?.[0];
  const digitsTag = /<GetDigits\b[^>]*>/.exec(xml)?.[0];
  const records = [...xml.matchAll(/<Record\b[^>]*\/>/g)].map((m) => m[0]);
  const voicemail = records.find((r) => attr(r, "recordSession") !== "true");
  const session = records.find((r) => attr(r, "recordSession") === "true");
  const targets = [...xml.matchAll(/<(Number|User)\b[^>]*>([^<]*)<\/\1>/g)].map((m) => text(m[2]!));
  return {
    dial: dialTag ? { action: attr(dialTag, "action"), callbackUrl: attr(dialTag, "callbackUrl"), timeout: Number(attr(dialTag, "timeout") ?? 30) } : null,
    // Plivo dials digits; the pipeline speaks E.164.
    targets: targets.map((t) => (/^\d+$/.test(t) ? `+${t}` : t)),
    digits: digitsTag ? { action: attr(digitsTag, "action"), redirect: ((r) => (r === undefined ? undefined : text(r)))(/<Redirect\b[^>]*>([^<]*)<\/Redirect>/.exec(xml)?.[1]) } : null,
    voicemail: voicemail ? { action: attr(voicemail, "action"), callbackUrl: attr(voicemail, "callbackUrl") } : null,
    sessionRecording: session ? { callbackUrl: attr(session, "callbackUrl") } : null,
    hangup: /<Hangup\/>/.test(xml),
    say: [...xml.matchAll(/<Speak\b[^>]*>([^<]*)<\/Speak>/g)].map((m) => text(m[1]!)),
  };
}

type PlivoPlan = Plan & { xml: ReturnType<typeof readPlivoXml> };

const digits = (e164: string) => e164.replace(/^\+/, "");

export class PlivoNetwork implements Network {
  readonly provider: string = "plivo";
  readonly demoNumber: string = "+14155550104";
  readonly #url: string;
  readonly #token: string;
  readonly #account: string;
  /** Legs Plivo reported answered, whose hang-up it reports too. */
  #answered = new Set<string>();

  constructor(url: string, credentials: { token?: string | undefined; account?: string | undefined } = {}) {
    this.#url = url;
    this.#token = credentials.token ?? PLIVO_DEMO.token;
    this.#account = credentials.account ?? PLIVO_DEMO.account;
  }

  newCallId() {
    return crypto.randomUUID();
  }

  /** POSTs a form the way Plivo does, V3-signed with the account's auth token. */
  async #post(call: SimulatedCall, url: string, params: Record<string, string>, what: string) {
    const signed = await signedPlivoForm(this.#token, url, params);
    return call.send(signed.url, { headers: signed.headers, body: signed.body }, what);
  }

  #base(call: SimulatedCall) {
    return { CallUUID: call.id, From: digits(call.from), To: digits(call.to), Direction: "inbound" };
  }

  async #plan(call: SimulatedCall, url: string | undefined, params: Record<string, string>, what: string): Promise<PlivoPlan> {
    if (!url) throw new Error(`our XML named no URL for ${what}`);
    const sent = await this.#post(call, url, params, what);
    const xml = readPlivoXml(sent.text);
    const first = xml.targets[0];
    return { says: xml.say, menu: Boolean(xml.digits?.action), voicemail: Boolean(xml.voicemail?.action), dial: xml.dial && first ? { number: first } : null, serverTiming: sent.headers.get("server-timing"), xml };
  }

  ring(call: SimulatedCall) {
    return this.#plan(call, withAccount(`${this.#url}/webhooks/plivo/voice`, this.#account), { ...this.#base(call), CallStatus: "ringing" }, "voice");
  }

  pressKeys(call: SimulatedCall, plan: Plan, keys: string) {
    const { xml } = plan as PlivoPlan;
    // With a key, GetDigits posts to its action; without one, Plivo goes on to the <Redirect> after it.
    const url = keys ? xml.digits?.action : xml.digits?.redirect;
    return this.#plan(call, url, { ...this.#base(call), CallStatus: "in-progress", ...(keys ? { Digits: keys } : {}) }, `menu ${keys ? `press ${keys}` : "no key"}`);
  }

  async leaveVoicemail(call: SimulatedCall, plan: Plan) {
    const { xml } = plan as PlivoPlan;
    const id = crypto.randomUUID();
    const recording = { RecordUrl: `https://media.plivo.com/v1/Account/${this.#account}/Recording/${id}.mp3`, RecordingID: id, RecordingDuration: "4", RecordingDurationMs: "4000" };
    if (xml.voicemail?.callbackUrl) await this.#post(call, xml.voicemail.callbackUrl, { ...this.#base(call), ...recording }, "voicemail recording");
    return this.#plan(call, xml.voicemail?.action, { ...this.#base(call), CallStatus: "in-progress", ...recording }, "voicemail left");
  }

  async legReport(call: SimulatedCall, plan: Plan, legId: string, status: LegStatus, talkSeconds?: number) {
    const { xml } = plan as PlivoPlan;
    const url = xml.dial?.callbackUrl;
    // Plivo reports a leg's answer and its hang-up (once answered); not its ringing, nor a leg nobody picked up.
    if (!url || !(status === "in-progress" || (status === "completed" && this.#answered.has(legId)))) return;
    const action = status === "in-progress" ? "answer" : "hangup";
    if (status === "in-progress") this.#answered.add(legId);
    else this.#answered.delete(legId);
    const params: Record<string, string> = { CallUUID: call.id, DialAction: action, DialALegUUID: call.id, DialBLegUUID: legId, DialBLegStatus: action, DialBLegFrom: digits(call.to), DialBLegTo: digits(plan.dial?.number ?? "") };
    if (action === "hangup" && talkSeconds !== undefined) params.DialBLegDuration = String(talkSeconds);
    await this.#post(call, url, params, `leg ${plan.dial?.number ?? ""} ${status}`);
  }

  async dialEnded(call: SimulatedCall, plan: Plan, legId: string, status: LegStatus, talkSeconds: number) {
    const { xml } = plan as PlivoPlan;
    if (!xml.dial?.action) return null;
    const answered = status === "completed";
    // Plivo's word for a dial nobody answered in time is `timeout`; for a caller who gave up, `cancel`.
    const dialStatus = status === "no-answer" ? "timeout" : status === "canceled" ? "cancel" : status;
    const params = { ...this.#base(call), CallStatus: "in-progress", DialStatus: dialStatus, DialALegUUID: call.id, DialBLegUUID: answered ? legId : "", DialRingStatus: "true", DialHangupCause: answered ? "NORMAL_CLEARING" : "NO_ANSWER", ...(answered ? { DialBLegDuration: String(talkSeconds) } : {}) };
    return this.#plan(call, xml.dial.action, params, `dial-action ${status}`);
  }

  async hangUp(call: SimulatedCall, durationSeconds: number) {
    await this.#post(call, withAccount(`${this.#url}/webhooks/plivo/status`, this.#account), { ...this.#base(call), CallStatus: "completed", Duration: String(durationSeconds), BillDuration: String(durationSeconds), HangupCause: "NORMAL_CLEARING" }, "status completed");
  }
}
