/** Renders a routing decision as TwiML (also spoken by SignalWire and Telnyx TeXML). */
import { isSipUri, type CallbackUrl, type RoutingDecision, type Step } from "../../../telephony/contract.ts";

/** Twilio's own hold music, for a queue whose route names none. */
export const DEFAULT_HOLD_MUSIC = "http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3";

function escape(text: string) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

function attrs(values: Record<string, string | number | undefined>) {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escape(String(v))}"`)
    .join("");
}

/** Where Twilio reports back; each is named in the markup that needs it. */
export type CallbackUrls = {
  dialAction?: string;
  legStatus?: string;
  gather?: string;
  voicemailDone?: string;
  recording?: string;
  whisper?: (text: string) => string;
};

/** The callback URLs of our Twilio webhook paths, for markup that reports back to us. */
export function twilioCallbacks(callback: CallbackUrl | undefined): CallbackUrls {
  if (!callback) return {};
  return {
    dialAction: callback("dial-action"),
    legStatus: callback("leg-status"),
    gather: callback("gather"),
    voicemailDone: callback("voicemail-done"),
    recording: callback("recording"),
    whisper: (text) => callback("whisper", { text }),
  };
}

/** `w` waits half a second before each digit Twilio sends; the delay comes first. */
function sendDigits(extension: string, delaySeconds = 0) {
  return "w".repeat(Math.max(0, Math.round(delaySeconds * 2))) + extension;
}

function renderStep(step: Step, urls: CallbackUrls): string {
  switch (step.kind) {
    case "say":
      return `<Say>${escape(step.text)}</Say>`;
    case "play":
      return `<Play>${escape(step.url)}</Play>`;
    case "hold":
      return `<Play>${escape(step.musicUrl ?? DEFAULT_HOLD_MUSIC)}</Play>`;
    case "dial": {
      const numbers = step.targets
        .map((t) => {
          const sip = isSipUri(t.number);
          const a = attrs({
            // A SIP URI names the phone itself: <Sip> has no sendDigits (the extension is the URI's user part).
            sendDigits: t.extension && !sip ? sendDigits(t.extension, t.extensionDelaySeconds) : undefined,
            url: t.whisper && urls.whisper ? urls.whisper(t.whisper) : undefined,
            statusCallback: urls.legStatus,
            // The answer and the end are what a leg changes on the call (initiated and ringing
            // changed nothing, and cost the tenant's Switchboard a write each).
            statusCallbackEvent: urls.legStatus ? "answered completed" : undefined,
            statusCallbackMethod: urls.legStatus ? "POST" : undefined,
          });
          return sip ? `<Sip${a}>${escape(t.number)}</Sip>` : `<Number${a}>${escape(t.number)}</Number>`;
        })
        .join("");
      const dial = attrs({
        action: urls.dialAction,
        method: urls.dialAction ? "POST" : undefined,
        timeout: step.ringSeconds,
        record: step.record ? "record-from-answer-dual" : undefined,
        recordingStatusCallback: step.record ? urls.recording : undefined,
      });
      return `<Dial${dial}>${numbers}</Dial>`;
    }
    case "gather":
      // actionOnEmptyResult: a caller who presses nothing is reported too, so the menu can repeat.
      return `<Gather${attrs({ action: urls.gather, method: "POST", numDigits: 1, timeout: step.timeoutSeconds, actionOnEmptyResult: "true" })}><Say>${escape(step.prompt)}</Say></Gather>`;
    case "voicemail":
      return `<Record${attrs({ action: urls.voicemailDone, method: "POST", maxLength: step.maxSeconds, playBeep: "true", recordingStatusCallback: urls.recording })}/>`;
    case "hangup":
      return "<Hangup/>";
    default: {
      const unreachable: never = step;
      throw new Error(`cannot render ${JSON.stringify(unreachable)}`);
    }
  }
}

export function renderTwiml(decision: RoutingDecision, urls: CallbackUrls = {}) {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${decision.steps.map((s) => renderStep(s, urls)).join("")}</Response>`;
}

/** What the person who answers hears before the caller is put through. */
export function renderWhisper(text: string) {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Say>${escape(text)}</Say></Response>`;
}
