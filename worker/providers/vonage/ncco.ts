/**
 * Renders a routing decision as an NCCO: a JSON array of actions, `application/json`. What Vonage
 * has no action for is said here: no hang-up action (the call ends when the NCCO runs out), one
 * endpoint per `connect` (several targets ring in turn, not at once), an input timeout of 10 s at
 * most, numbers without their "+".
 */
import { isSipUri, stepQuery, type CallbackUrl, type DialTarget, type RoutingDecision, type Step } from "../../../telephony/contract.ts";
import { vonageNumber } from "./payloads.ts";

/** Music for a queue whose route names none: Vonage hosts none of its own, so a public classical track. */
export const DEFAULT_HOLD_MUSIC = "http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3";
/** Vonage's limits (NCCO reference): input dtmf.timeOut 0–10 s; record timeOut 3–7200 s. */
export const MAX_INPUT_TIMEOUT = 10;

type Action = Record<string, unknown>;

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(n)));

/** `p` is a half-second pause before the digits Vonage sends once the callee answers. */
function dtmfAnswer(extension: string, delaySeconds = 0) {
  return "p".repeat(Math.max(0, Math.round(delaySeconds * 2))) + extension;
}

function endpoint(target: DialTarget, callback: CallbackUrl | undefined): Action {
  if (isSipUri(target.number)) return { type: "sip", uri: target.number };
  return {
    type: "phone",
    number: vonageNumber(target.number),
    ...(target.extension ? { dtmfAnswer: dtmfAnswer(target.extension, target.extensionDelaySeconds) } : {}),
    // Vonage runs this NCCO on the answering leg before it joins the caller.
    ...(target.whisper && callback ? { onAnswer: { url: callback("whisper", { text: target.whisper }) } } : {}),
  };
}

/**
 * A dial step. Vonage's `connect` takes one endpoint, so several targets are rung in turn, each for
 * the step's ring time: a target's failure (busy, no answer) is reported to `dial-ended` with
 * `turn`/`of`, answered with nothing, and the next `connect` runs; the last one's failure is the
 * step's end, whose answer (an NCCO) replaces the rest of the call. The recording of the whole
 * conversation starts before the first.
 */
function dial(step: Extract<Step, { kind: "dial" }>, callback: CallbackUrl | undefined, decision: RoutingDecision): Action[] {
  const actions: Action[] = [];
  if (step.record && callback) actions.push({ action: "record", eventUrl: [callback("recording")], eventMethod: "POST", split: "conversation", channels: 2, format: "mp3" });
  step.targets.forEach((target, i) => {
    // The decision's step, so a retry of this step's end is told from the next one's.
    const query = { ...stepQuery(decision), ...(step.targets.length > 1 ? { turn: String(i + 1), of: String(step.targets.length) } : {}) };
    actions.push({
      action: "connect",
      timeout: step.ringSeconds,
      ...(callback ? { eventType: "synchronous", eventUrl: [callback("dial-ended", query)], eventMethod: "POST" } : {}),
      endpoint: [endpoint(target, callback)],
    });
  });
  return actions;
}

function actionsOf(step: Step, callback: CallbackUrl | undefined, decision: RoutingDecision): Action[] {
  switch (step.kind) {
    case "say":
      return [{ action: "talk", text: step.text }];
    case "play":
      return [{ action: "stream", streamUrl: [step.url] }];
    case "hold":
      return [{ action: "stream", streamUrl: [step.musicUrl ?? DEFAULT_HOLD_MUSIC], loop: 0 }];
    case "dial":
      return dial(step, callback, decision);
    case "gather":
      return [
        { action: "talk", text: step.prompt, bargeIn: true },
        {
          action: "input",
          type: ["dtmf"],
          dtmf: { maxDigits: 1, timeOut: clamp(step.timeoutSeconds, 1, MAX_INPUT_TIMEOUT), submitOnHash: false },
          ...(callback ? { eventUrl: [callback("gather", stepQuery(decision))], eventMethod: "POST" } : {}),
        },
      ];
    case "voicemail":
      return [
        {
          action: "record",
          beepStart: true,
          endOnSilence: 3,
          endOnKey: "#",
          timeOut: clamp(step.maxSeconds, 3, 7200),
          ...(callback ? { eventUrl: [callback("voicemail-done")], eventMethod: "POST" } : {}),
        },
      ];
    case "hangup":
      // No hang-up action: the call ends when the NCCO has no more actions.
      return [];
    default: {
      const unreachable: never = step;
      throw new Error(`cannot render ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * JSON, with `<`, `>` and `&` escaped as \u sequences: the same NCCO to Vonage, and no markup of
 * another provider's (or HTML) in what people typed, whatever reads it later.
 */
function serialise(actions: Action[]) {
  return JSON.stringify(actions).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function renderNcco(decision: RoutingDecision, callback?: CallbackUrl) {
  const actions: Action[] = [];
  for (const step of decision.steps) {
    actions.push(...actionsOf(step, callback, decision));
    // Nothing after a hang-up runs.
    if (step.kind === "hangup") break;
  }
  return serialise(actions);
}

/** What the person who answers hears before the caller is put through (the onAnswer NCCO). */
export function renderWhisper(text: string) {
  return serialise([{ action: "talk", text }]);
}
