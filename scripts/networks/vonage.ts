/**
 * Vonage as the simulator plays it: JSON webhooks signed with the application's signature secret
 * (a JWT whose payload_hash is the body's SHA-256), the NCCO we answer read back, and a connect's
 * leg states posted to its eventUrl, whose answer to the leg's end is the next NCCO.
 */
import { vonageJwt } from "../../worker/providers/vonage/jwt.ts";
import { type LegStatus, type Network, type Plan, type SimulatedCall } from "./network.ts";

export const VONAGE_DEMO = { token: "demo-vonage-signature-secret", account: "00000000-0000-4000-8000-00000000d0d0" };

type Action = { action?: string; text?: string; eventUrl?: string[]; endpoint?: { type?: string; number?: string; uri?: string }[]; beepStart?: boolean };

/** Leg states in Vonage's words. */
const VONAGE_STATUS: Record<LegStatus, string> = {
  initiated: "started",
  ringing: "ringing",
  "in-progress": "answered",
  completed: "completed",
  busy: "busy",
  "no-answer": "timeout",
  failed: "failed",
  canceled: "cancelled",
};

const digits = (n: string) => n.replace(/^\+/, "");

type VonagePlan = Plan & { actions: Action[] };

/** The parts of our own NCCO a caller's phone network acts on, from the first action on. */
export function readNcco(actions: Action[], serverTiming: string | null): VonagePlan {
  const connect = actions.find((a) => a.action === "connect");
  const target = connect?.endpoint?.[0];
  return {
    says: actions.filter((a) => a.action === "talk").map((a) => a.text ?? ""),
    menu: actions.some((a) => a.action === "input" && a.eventUrl),
    voicemail: actions.some((a) => a.action === "record" && a.beepStart && a.eventUrl),
    dial: target ? { number: target.type === "sip" ? (target.uri ?? "") : `+${target.number ?? ""}` } : null,
    serverTiming,
    actions,
  };
}

export class VonageNetwork implements Network {
  readonly provider: string = "vonage";
  readonly demoNumber: string = "+14155550105";
  readonly #url: string;
  readonly #secret: string;
  readonly #application: string;

  constructor(url: string, credentials: { token?: string | undefined; account?: string | undefined } = {}) {
    this.#url = url;
    this.#secret = credentials.token ?? VONAGE_DEMO.token;
    this.#application = credentials.account ?? VONAGE_DEMO.account;
  }

  /** A call is its conversation; the caller's leg is the same UUID. */
  newCallId() {
    return `CON-${crypto.randomUUID()}`;
  }

  /** POSTs JSON the way Vonage does, with its signed-webhook JWT. */
  async #post(call: SimulatedCall, url: string, payload: Record<string, unknown>, what: string) {
    const body = JSON.stringify(payload);
    const token = await vonageJwt(this.#secret, this.#application, body);
    return call.send(url, { headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, "User-Agent": "Vonage (switchboard-simulator)" }, body }, what);
  }

  #base(call: SimulatedCall) {
    return { from: digits(call.from), to: digits(call.to), uuid: call.id.replace(/^CON-/, ""), conversation_uuid: call.id, timestamp: new Date().toISOString() };
  }

  async #plan(call: SimulatedCall, url: string | undefined, payload: Record<string, unknown>, what: string): Promise<VonagePlan> {
    if (!url) throw new Error(`our NCCO named no URL for ${what}`);
    const sent = await this.#post(call, url, payload, what);
    const actions = sent.text ? (JSON.parse(sent.text) as Action[]) : [];
    return readNcco(actions, sent.headers.get("server-timing"));
  }

  ring(call: SimulatedCall) {
    const { timestamp: _, ...answer } = this.#base(call);
    return this.#plan(call, `${this.#url}/webhooks/vonage/answer`, answer, "voice");
  }

  pressKeys(call: SimulatedCall, plan: Plan, keys: string) {
    const input = (plan as VonagePlan).actions.find((a) => a.action === "input");
    return this.#plan(call, input?.eventUrl?.[0], { ...this.#base(call), dtmf: { digits: keys, timed_out: keys === "" } }, `menu ${keys ? `press ${keys}` : "no key"}`);
  }

  async leaveVoicemail(call: SimulatedCall, plan: Plan) {
    const record = (plan as VonagePlan).actions.find((a) => a.action === "record" && a.beepStart);
    const id = crypto.randomUUID();
    const now = new Date();
    const start = new Date(now.getTime() - 4000);
    return this.#plan(
      call,
      record?.eventUrl?.[0],
      { start_time: start.toISOString(), end_time: now.toISOString(), recording_url: `https://api.nexmo.com/v1/files/${id}`, recording_uuid: crypto.randomUUID(), size: 32768, conversation_uuid: call.id, timestamp: now.toISOString() },
      "voicemail left",
    );
  }

  #connect(plan: Plan) {
    return (plan as VonagePlan).actions.find((a) => a.action === "connect");
  }

  #legEvent(call: SimulatedCall, plan: Plan, legId: string, status: LegStatus, talkSeconds?: number) {
    const target = this.#connect(plan)?.endpoint?.[0];
    const payload: Record<string, unknown> = {
      from: digits(call.to),
      to: target?.number ?? target?.uri ?? "",
      uuid: legId.replace(/^CON-/, ""),
      conversation_uuid: call.id,
      status: VONAGE_STATUS[status],
      direction: "outbound",
      timestamp: new Date().toISOString(),
    };
    if (status === "completed") payload.duration = String(talkSeconds ?? 0);
    return payload;
  }

  /** A leg's progress: every state goes to the connect's eventUrl; its end is `dialEnded`. */
  async legReport(call: SimulatedCall, plan: Plan, legId: string, status: LegStatus, talkSeconds?: number) {
    const url = this.#connect(plan)?.eventUrl?.[0];
    if (!url || !["initiated", "ringing", "in-progress"].includes(status)) return;
    await this.#post(call, url, this.#legEvent(call, plan, legId, status, talkSeconds), `leg ${VONAGE_STATUS[status]}`);
  }

  /**
   * The leg's end, to the connect's eventUrl (synchronous): an NCCO back replaces the rest of the
   * call; nothing back lets the NCCO run on (the next connect of a ring-in-turn).
   */
  async dialEnded(call: SimulatedCall, plan: Plan, legId: string, status: LegStatus, talkSeconds: number) {
    const { actions } = plan as VonagePlan;
    const at = actions.findIndex((a) => a.action === "connect");
    const url = actions[at]?.eventUrl?.[0];
    if (!url) return null;
    const sent = await this.#post(call, url, this.#legEvent(call, plan, legId, status, talkSeconds), `dial-action ${status}`);
    if (sent.text) return readNcco(JSON.parse(sent.text) as Action[], sent.headers.get("server-timing"));
    return readNcco(actions.slice(at + 1), null);
  }

  async hangUp(call: SimulatedCall, durationSeconds: number) {
    await this.#post(call, `${this.#url}/webhooks/vonage/event`, { ...this.#base(call), status: "completed", direction: "inbound", duration: String(durationSeconds) }, "status completed");
  }
}

