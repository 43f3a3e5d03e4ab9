/**
 * Renders a routing decision as Plivo XML. Where Plivo differs from TwiML: numbers are dialled as
 * digits without "+", SIP URIs through <User>; a recorded dial is a <Record recordSession
 * startOnDialAnswer> before the <Dial> (Dial has no record attribute); the whisper is the Dial's
 * confirmSound (one per Dial, not per number); a menu that gets no key falls through to the next
 * element, so a <Redirect> to the menu's URL reports the silence; there is no queue element, so a
 * queue's hold music is a <Play> between dial rounds.
 */
import { isSipUri, type RoutingDecision, type Step } from "../../../telephony/contract.ts";
import { escapeXml, sendDigits, xmlAttrs, type CallbackUrls } from "../xml-markup.ts";

/** Plivo's own sample hold music, for a queue whose route names none. */
export const DEFAULT_HOLD_MUSIC = "https://s3.amazonaws.com/plivocloud/music.mp3";

/** The longest recording of a dialled call: Plivo's default call time limit (4 hours). */
const SESSION_RECORD_SECONDS = 14_400;

/** A number as Plivo dials it: E.164 digits without the "+". */
export function plivoNumber(e164: string) {
  return e164.replace(/^\+/, "");
}

function renderStep(step: Step, urls: CallbackUrls): string {
  switch (step.kind) {
    case "say":
      return `<Speak>${escapeXml(step.text)}</Speak>`;
    case "play":
      return `<Play>${escapeXml(step.url)}</Play>`;
    case "hold":
      return `<Play>${escapeXml(step.musicUrl ?? DEFAULT_HOLD_MUSIC)}</Play>`;
    case "dial": {
      const targets = step.targets
        .map((t) => {
          const a = xmlAttrs({ sendDigits: t.extension ? sendDigits(t.extension, t.extensionDelaySeconds) : undefined });
          return isSipUri(t.number) ? `<User${a}>${escapeXml(t.number)}</User>` : `<Number${a}>${escapeXml(plivoNumber(t.number))}</Number>`;
        })
        .join("");
      // confirmSound is the Dial's: whoever answers hears the first whisper set on any target.
      const whisper = step.targets.find((t) => t.whisper)?.whisper;
      const dial = xmlAttrs({
        action: urls.dialAction,
        method: urls.dialAction ? "POST" : undefined,
        timeout: step.ringSeconds,
        callbackUrl: urls.legStatus,
        callbackMethod: urls.legStatus ? "POST" : undefined,
        confirmSound: whisper && urls.whisper ? urls.whisper(whisper) : undefined,
      });
      const record = step.record
        ? `<Record${xmlAttrs({ recordSession: "true", startOnDialAnswer: "true", redirect: "false", maxLength: SESSION_RECORD_SECONDS, callbackUrl: urls.recording, callbackMethod: urls.recording ? "POST" : undefined })}/>`
        : "";
      return `${record}<Dial${dial}>${targets}</Dial>`;
    }
    case "gather": {
      const digits = `<GetDigits${xmlAttrs({ action: urls.gather, method: "POST", timeout: step.timeoutSeconds, numDigits: 1, retries: 1, redirect: "true" })}><Speak>${escapeXml(step.prompt)}</Speak></GetDigits>`;
      // Plivo goes on to the next element when no key is pressed: back to the menu's URL, with no Digits.
      return urls.gather ? `${digits}<Redirect method="POST">${escapeXml(urls.gather)}</Redirect>` : digits;
    }
    case "voicemail":
      return `<Record${xmlAttrs({ action: urls.voicemailDone, method: "POST", maxLength: step.maxSeconds, playBeep: "true", finishOnKey: "#", callbackUrl: urls.recording, callbackMethod: urls.recording ? "POST" : undefined })}/>`;
    case "hangup":
      return "<Hangup/>";
    default: {
      const unreachable: never = step;
      throw new Error(`cannot render ${JSON.stringify(unreachable)}`);
    }
  }
}

export function renderPlivoXml(decision: RoutingDecision, urls: CallbackUrls = {}) {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${decision.steps.map((s) => renderStep(s, urls)).join("")}</Response>`;
}

/** What the person who answers hears before the caller is put through (confirmSound: Speak, Play or Wait only). */
export function renderPlivoWhisper(text: string) {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Speak>${escapeXml(text)}</Speak></Response>`;
}
