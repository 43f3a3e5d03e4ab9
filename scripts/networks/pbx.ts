/**
 * A PBX as the simulator plays it: it routes the call itself and posts each event of the call
 * (call.ringing, call.answered, call.ended) as JSON to /webhooks/pbx/events, signed per Standard
 * Webhooks with the account's secret; our answer is the caller, which a PBX shows on its phones.
 */
import { signPbxWebhook } from "../../worker/providers/pbx/signature.ts";
import { hex, type LegStatus, type Network, type Plan, type SimulatedCall } from "./network.ts";

export const PBX_DEMO = { secret: "whsec_ZGVtby1wYngtd2ViaG9vay1zZWNyZXQtMzJieXRlcyE=" };

/** The extension the simulated PBX rings. */
const EXTENSION = "201";

export class PbxNetwork implements Network {
  readonly provider: string = "pbx";
  readonly demoNumber: string = "+14155550106";
  readonly #url: string;
  readonly #secret: string;

  constructor(url: string, credentials: { token?: string | undefined } = {}) {
    this.#url = url;
    this.#secret = credentials.token ?? PBX_DEMO.secret;
  }

  newCallId() {
    // As Asterisk writes a UNIQUEID: epoch seconds, a dot, a sequence.
    return `${Math.floor(Date.now() / 1000)}.${parseInt(hex(3), 16)}`;
  }

  async #post(call: SimulatedCall, type: string, what: string) {
    const body = JSON.stringify({ type, callId: call.id, from: call.from, to: call.to, extension: EXTENSION, at: Date.now() });
    const signed = signPbxWebhook(this.#secret, `${this.#url}/webhooks/pbx/events`, body, `msg_${hex(12)}`, new Date());
    return call.send(signed.url, { headers: signed.headers, body: signed.body }, what);
  }

  async ring(call: SimulatedCall): Promise<Plan> {
    const sent = await this.#post(call, "call.ringing", "voice");
    const { caller } = JSON.parse(sent.text) as { caller: { type: string; name: string | null } };
    // The PBX rings its own extension; the answer is who is calling, for its display.
    return { says: [], menu: false, voicemail: false, dial: { number: `ext. ${EXTENSION} (shows ${caller.name ?? "an unknown caller"}, ${caller.type})` }, serverTiming: sent.headers.get("server-timing") };
  }

  pressKeys(): Promise<Plan> {
    throw new Error("a PBX plays its own menus: Switchboard sends none");
  }

  leaveVoicemail(): Promise<Plan> {
    throw new Error("a PBX takes its own voicemail: Switchboard asks for none");
  }

  /** Only the answer is an event of the PBX's; the other states of its extension are its own business. */
  async legReport(call: SimulatedCall, _plan: Plan, _legId: string, status: LegStatus) {
    if (status === "in-progress") await this.#post(call, "call.answered", "call.answered");
  }

  /** The PBX decides what follows a dial itself: nothing to ask. */
  async dialEnded() {
    return null;
  }

  async hangUp(call: SimulatedCall) {
    await this.#post(call, "call.ended", "call.ended");
  }
}
