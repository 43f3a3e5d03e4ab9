/**
 * SignalWire's LaML as the simulator plays it: Twilio's forms and TwiML (./twilio.ts), with the
 * project's UUIDs, X-SignalWire-Signature under the project's Signing Key, and recordings on the
 * space's own host. The demo project is SPEC's.
 */
import { TwilioNetwork, type TwimlDialect } from "./twilio.ts";

export const SIGNALWIRE_DEMO = { token: "demo-signalwire-signing-key", account: "00000000-0000-4000-8000-000000000000" };

export const SIGNALWIRE: TwimlDialect = {
  provider: "signalwire",
  demoNumber: "+14155550102",
  demo: SIGNALWIRE_DEMO,
  signatureHeader: "X-SignalWire-Signature",
  userAgent: "SignalWire-LaML (switchboard-simulator)",
  newCallId: () => crypto.randomUUID(),
  recordingUrl: (account) => `https://demo.signalwire.com/api/laml/2010-04-01/Accounts/${account}/Recordings/${crypto.randomUUID()}`,
};

export const signalwireNetwork = (url: string, credentials: { token?: string | undefined; account?: string | undefined }) => new TwilioNetwork(url, credentials, SIGNALWIRE);
