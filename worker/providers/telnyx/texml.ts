/**
 * Renders a routing decision as TeXML, Telnyx's TwiML dialect, where it differs: every callback
 * asked for with POST (a TeXML application's method defaults to GET, and <Gather action> takes the
 * application's), ring timeouts within 5–120 s, SIP targets as <Sip>, and a <Redirect> after each
 * <Gather> because TeXML has no `actionOnEmptyResult`: a caller who presses nothing falls through to it.
 */
import { isSipUri, type CallbackUrl, type RoutingDecision, type Step } from "../../../telephony/contract.ts";
import { escapeXml, markupCallbacks, sendDigits, xmlAttrs, type CallbackUrls } from "../xml-markup.ts";
import { DEFAULT_HOLD_MUSIC } from "../twilio/twiml.ts";

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(value)));

function renderStep(step: Step, urls: CallbackUrls): string {
  switch (step.kind) {
    case "say":
      return `<Say>${escapeXml(step.text)}</Say>`;
    case "play":
      return `<Play>${escapeXml(step.url)}</Play>`;
    case "hold":
      // Telnyx names no hold music of its own: the same public recording Twilio's default plays.
      return `<Play>${escapeXml(step.musicUrl ?? DEFAULT_HOLD_MUSIC)}</Play>`;
    case "dial": {
      const targets = step.targets
        .map((t) => {
          const sip = isSipUri(t.number);
          const a = xmlAttrs({
            sendDigits: t.extension && !sip ? sendDigits(t.extension, t.extensionDelaySeconds) : undefined,
            url: t.whisper && urls.whisper ? urls.whisper(t.whisper) : undefined,
            method: t.whisper && urls.whisper ? "POST" : undefined,
            statusCallback: urls.legStatus,
            // The answer and the end are what a leg changes on the call.
            statusCallbackEvent: urls.legStatus ? "answered completed" : undefined,
            statusCallbackMethod: urls.legStatus ? "POST" : undefined,
          });
          return sip ? `<Sip${a}>${escapeXml(t.number)}</Sip>` : `<Number${a}>${escapeXml(t.number)}</Number>`;
        })
        .join("");
      const dial = xmlAttrs({
        action: urls.dialAction,
        method: urls.dialAction ? "POST" : undefined,
        timeout: clamp(step.ringSeconds, 5, 120),
        record: step.record ? "record-from-answer-dual" : undefined,
        recordingStatusCallback: step.record ? urls.recording : undefined,
        recordingStatusCallbackMethod: step.record && urls.recording ? "POST" : undefined,
      });
      return `<Dial${dial}>${targets}</Dial>`;
    }
    case "gather": {
      const gather = `<Gather${xmlAttrs({ action: urls.gather, numDigits: 1, timeout: clamp(step.timeoutSeconds, 1, 120) })}><Say>${escapeXml(step.prompt)}</Say></Gather>`;
      // Reached only when the caller pressed nothing: reported as a menu with no keys.
      return urls.gather ? `${gather}<Redirect method="POST">${escapeXml(urls.gather)}</Redirect>` : gather;
    }
    case "voicemail":
      return `<Record${xmlAttrs({
        action: urls.voicemailDone,
        method: urls.voicemailDone ? "POST" : undefined,
        maxLength: clamp(step.maxSeconds, 1, 14_400),
        playBeep: "true",
        recordingStatusCallback: urls.recording,
        recordingStatusCallbackMethod: urls.recording ? "POST" : undefined,
      })}/>`;
    case "hangup":
      return "<Hangup/>";
    default: {
      const unreachable: never = step;
      throw new Error(`cannot render ${JSON.stringify(unreachable)}`);
    }
  }
}

export function renderTexml(decision: RoutingDecision, callback?: CallbackUrl) {
  const urls = markupCallbacks(callback, decision);
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${decision.steps.map((s) => renderStep(s, urls)).join("")}</Response>`;
}

/** What the person who answers hears before the caller is put through. */
export function renderTexmlWhisper(text: string) {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Say>${escapeXml(text)}</Say></Response>`;
}
