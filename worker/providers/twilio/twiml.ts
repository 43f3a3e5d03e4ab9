/** Renders a routing decision as TwiML (also spoken by SignalWire and Telnyx TeXML). */
import { isSipUri, type RoutingDecision, type Step } from "../../../telephony/contract.ts";
import { escapeXml, sendDigits, xmlAttrs, type CallbackUrls } from "../xml-markup.ts";

/** Twilio's own hold music, for a queue whose route names none. */
export const DEFAULT_HOLD_MUSIC = "http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3";

function renderStep(step: Step, urls: CallbackUrls): string {
  switch (step.kind) {
    case "say":
      return `<Say>${escapeXml(step.text)}</Say>`;
    case "play":
      return `<Play>${escapeXml(step.url)}</Play>`;
    case "hold":
      return `<Play>${escapeXml(step.musicUrl ?? DEFAULT_HOLD_MUSIC)}</Play>`;
    case "dial": {
      const numbers = step.targets
        .map((t) => {
          const sip = isSipUri(t.number);
          const a = xmlAttrs({
            // A SIP URI names the phone itself: <Sip> has no sendDigits (the extension is the URI's user part).
            sendDigits: t.extension && !sip ? sendDigits(t.extension, t.extensionDelaySeconds) : undefined,
            url: t.whisper && urls.whisper ? urls.whisper(t.whisper) : undefined,
            statusCallback: urls.legStatus,
            // The answer and the end are what a leg changes on the call (initiated and ringing
            // changed nothing, and cost the tenant's Switchboard a write each).
            statusCallbackEvent: urls.legStatus ? "answered completed" : undefined,
            statusCallbackMethod: urls.legStatus ? "POST" : undefined,
          });
          return sip ? `<Sip${a}>${escapeXml(t.number)}</Sip>` : `<Number${a}>${escapeXml(t.number)}</Number>`;
        })
        .join("");
      const dial = xmlAttrs({
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
      return `<Gather${xmlAttrs({ action: urls.gather, method: "POST", numDigits: 1, timeout: step.timeoutSeconds, actionOnEmptyResult: "true" })}><Say>${escapeXml(step.prompt)}</Say></Gather>`;
    case "voicemail":
      return `<Record${xmlAttrs({ action: urls.voicemailDone, method: "POST", maxLength: step.maxSeconds, playBeep: "true", recordingStatusCallback: urls.recording })}/>`;
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
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Say>${escapeXml(text)}</Say></Response>`;
}
