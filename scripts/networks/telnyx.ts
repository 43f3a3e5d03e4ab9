/**
 * Telnyx TeXML as the simulator plays it: form webhooks signed with Ed25519 over `timestamp|body`
 * (telnyx-signature-ed25519, telnyx-timestamp) with the account's private key (the demo's is public),
 * the TeXML we answer read back, and the leg reports it asks for. A caller who presses nothing at a
 * menu falls through to the <Redirect> after the <Gather>, as TeXML does.
 */
import { TELNYX_DEMO } from "../../worker/providers/telnyx/demo.ts";
import { telnyxSignatureHeaders } from "../../worker/providers/telnyx/signature.ts";
import { telnyxCallId } from "../../worker/providers/telnyx/simulator.ts";
import type { LegStatus, Network, Plan, SimulatedCall } from "./network.ts";
import { legEvent, readTwiml } from "./twilio.ts";

const DEMO = { token: TELNYX_DEMO.privateKey, account: TELNYX_DEMO.accountSid };

function redirectOf(xml: string) {
  const m = /<Redirect\b[^>]*>([^<]*)<\/Redirect>/.exec(xml);
  return m ? m[1]!.replace(/&amp;/g, "&") : undefined;
}

type TelnyxPlan = Plan & { texml: ReturnType<typeof readTwiml>; redirect: string | undefined };

export class TelnyxNetwork implements Network {
  readonly provider: string = "telnyx";
  readonly demoNumber: string = TELNYX_DEMO.trackingNumber;
  readonly #url: string;
  readonly #key: string;
  readonly #account: string;
  #legSeq = new Map<string, number>();

  constructor(url: string, credentials: { token?: string | undefined; account?: string | undefined } = {}) {
    this.#url = url;
    this.#key = credentials.token ?? DEMO.token;
    this.#account = credentials.account ?? DEMO.account;
  }

  newCallId() {
    return telnyxCallId();
  }

  async #post(call: SimulatedCall, url: string, params: Record<string, string>, what: string) {
    const body = new URLSearchParams(params).toString();
    return call.send(url, { headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "Telnyx Webhooks (switchboard-simulator)", ...(await telnyxSignatureHeaders(this.#key, body)) }, body }, what);
  }

  #base(call: SimulatedCall) {
    return { AccountSid: this.#account, CallSid: call.id, CallSidLegacy: call.id, From: call.from, To: call.to, Direction: "inbound", ApiVersion: "2010-04-01" };
  }

  async #plan(call: SimulatedCall, url: string | undefined, params: Record<string, string>, what: string): Promise<TelnyxPlan> {
    if (!url) throw new Error(`our TeXML named no URL for ${what}`);
    const sent = await this.#post(call, url, params, what);
    const texml = readTwiml(sent.text);
    return {
      says: texml.say,
      menu: Boolean(texml.gather?.action),
      voicemail: Boolean(texml.record?.action),
      dial: texml.dial && texml.numbers[0] ? { number: texml.numbers[0].number } : null,
      serverTiming: sent.headers.get("server-timing"),
      texml,
      redirect: redirectOf(sent.text),
    };
  }

  ring(call: SimulatedCall) {
    return this.#plan(call, `${this.#url}/webhooks/telnyx/voice`, { ...this.#base(call), CallStatus: "ringing" }, "voice");
  }

  pressKeys(call: SimulatedCall, plan: Plan, keys: string) {
    const { texml, redirect } = plan as TelnyxPlan;
    // No keys: TeXML does not call the Gather action; the call goes on to the <Redirect> after it.
    const url = keys ? texml.gather?.action : redirect;
    return this.#plan(call, url, { ...this.#base(call), CallStatus: "in-progress", ...(keys ? { Digits: keys } : {}) }, `menu ${keys ? `press ${keys}` : "no key"}`);
  }

  async leaveVoicemail(call: SimulatedCall, plan: Plan) {
    const { texml } = plan as TelnyxPlan;
    const recordingSid = crypto.randomUUID();
    const recording = `https://api.telnyx.com/v2/recordings/${recordingSid}/download.mp3`;
    if (texml.record?.statusCallback) {
      await this.#post(call, texml.record.statusCallback, { ...this.#base(call), RecordingSid: recordingSid, RecordingUrl: recording, RecordingStatus: "completed", RecordingDuration: "4", RecordingSource: "RecordVerb" }, "voicemail recording");
    }
    return this.#plan(call, texml.record?.action, { ...this.#base(call), CallStatus: "in-progress", RecordingUrl: recording }, "voicemail left");
  }

  async legReport(call: SimulatedCall, plan: Plan, legId: string, status: LegStatus, talkSeconds?: number) {
    const target = (plan as TelnyxPlan).texml.numbers[0];
    if (!target?.statusCallback || !target.events.includes(legEvent(status))) return;
    const seq = this.#legSeq.get(legId) ?? 0;
    this.#legSeq.set(legId, seq + 1);
    const params = { AccountSid: this.#account, CallSid: legId, CallSidLegacy: legId, ParentCallSid: call.id, From: call.to, To: target.number, Direction: "outbound-dial", CallStatus: status, CallbackSource: "call-progress-events", SequenceNumber: String(seq), Timestamp: new Date().toISOString() };
    await this.#post(call, target.statusCallback, status === "completed" && talkSeconds !== undefined ? { ...params, CallDuration: String(talkSeconds) } : params, `leg ${target.number} ${status}`);
    if (status !== "initiated" && status !== "ringing" && status !== "in-progress") this.#legSeq.delete(legId);
  }

  async dialEnded(call: SimulatedCall, plan: Plan, legId: string, status: LegStatus, talkSeconds: number) {
    const { texml } = plan as TelnyxPlan;
    if (!texml.dial?.action) return null;
    const answered = status === "completed";
    return this.#plan(call, texml.dial.action, { ...this.#base(call), CallStatus: "in-progress", DialCallStatus: status, DialCallSid: legId, ...(answered ? { DialCallDuration: String(talkSeconds) } : {}) }, `dial-action ${status}`);
  }

  async hangUp(call: SimulatedCall, durationSeconds: number) {
    await this.#post(
      call,
      `${this.#url}/webhooks/telnyx/status`,
      { ...this.#base(call), CallStatus: "completed", CallbackSource: "call-progress-events", CallDuration: String(durationSeconds), SequenceNumber: "0", Timestamp: new Date().toISOString() },
      "status completed",
    );
  }
}
