/**
 * What the XML dialects (TwiML and LaML, TeXML, Plivo XML) share: escaping, attributes, the callback
 * URLs a decision's markup names, and the pause-then-digits of an extension. Each dialect's own
 * elements stay in its folder.
 */
import { stepQuery, type CallbackUrl, type RoutingDecision } from "../../telephony/contract.ts";

export function escapeXml(text: string) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** ` name="value"` for each value given; an undefined value is left out. */
export function xmlAttrs(values: Record<string, string | number | undefined>) {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join("");
}

/** Where the provider reports back; each is named in the markup that needs it. */
export type CallbackUrls = {
  dialAction?: string;
  legStatus?: string;
  gather?: string;
  voicemailDone?: string;
  recording?: string;
  whisper?: (text: string) => string;
};

/**
 * The callback URLs of an adapter's own webhook paths (the same paths in every XML dialect) for the
 * markup of `decision`: the dial step's end and the menu's answer name the decision's step, so a
 * retry is told from the next step's.
 */
export function markupCallbacks(callback: CallbackUrl | undefined, decision: RoutingDecision): CallbackUrls {
  if (!callback) return {};
  return {
    dialAction: callback("dial-action", stepQuery(decision)),
    legStatus: callback("leg-status"),
    gather: callback("gather", stepQuery(decision)),
    voicemailDone: callback("voicemail-done"),
    recording: callback("recording"),
    whisper: (text) => callback("whisper", { text }),
  };
}

/** `w` waits half a second before each digit sent; the delay comes first. */
export function sendDigits(extension: string, delaySeconds = 0) {
  return "w".repeat(Math.max(0, Math.round(delaySeconds * 2))) + extension;
}
