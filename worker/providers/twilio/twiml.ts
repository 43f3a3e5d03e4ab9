/** Renders a routing decision as TwiML (also spoken by SignalWire and Telnyx TeXML). */
import type { RoutingDecision } from "../../../party/routing.ts";

function escape(text: string) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

function attrs(values: Record<string, string | number | undefined>) {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escape(String(v))}"`)
    .join("");
}

export type CallbackUrls = { dialAction?: string; legStatus?: string; whisper?: (text: string) => string };

/** `w` waits half a second before each digit Twilio sends; the delay comes first. */
function sendDigits(extension: string, delaySeconds = 0) {
  return "w".repeat(Math.max(0, Math.round(delaySeconds * 2))) + extension;
}

export function renderTwiml(decision: RoutingDecision, urls: CallbackUrls = {}) {
  const body = (() => {
    switch (decision.kind) {
      case "dial": {
        const numbers = decision.targets
          .map((t) => {
            const a = attrs({
              sendDigits: t.extension ? sendDigits(t.extension, t.extensionDelaySeconds) : undefined,
              url: t.whisper && urls.whisper ? urls.whisper(t.whisper) : undefined,
              statusCallback: urls.legStatus,
              statusCallbackEvent: urls.legStatus ? "initiated ringing answered completed" : undefined,
              statusCallbackMethod: urls.legStatus ? "POST" : undefined,
            });
            return `<Number${a}>${escape(t.number)}</Number>`;
          })
          .join("");
        const dial = attrs({
          action: urls.dialAction,
          method: urls.dialAction ? "POST" : undefined,
          timeout: decision.ringSeconds,
          record: decision.record ? "record-from-answer-dual" : undefined,
        });
        return `<Dial${dial}>${numbers}</Dial>`;
      }
      case "hangup":
        return "<Hangup/>";
      default: {
        const unreachable: never = decision;
        throw new Error(`cannot render ${JSON.stringify(unreachable)}`);
      }
    }
  })();
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`;
}
