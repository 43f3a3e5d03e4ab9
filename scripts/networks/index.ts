/** The providers the simulator and the benchmark can play, by id. */
import type { Network } from "./network.ts";
import { PlivoNetwork } from "./plivo.ts";
import { signalwireNetwork } from "./signalwire.ts";
import { PbxNetwork } from "./pbx.ts";
import { TelnyxNetwork } from "./telnyx.ts";
import { TwilioNetwork } from "./twilio.ts";
import { VonageNetwork } from "./vonage.ts";

export const NETWORKS: Record<string, (url: string, credentials: { token?: string | undefined; account?: string | undefined }) => Network> = {
  twilio: (url, credentials) => new TwilioNetwork(url, credentials),
  plivo: (url, credentials) => new PlivoNetwork(url, credentials),
  signalwire: signalwireNetwork,
  pbx: (url, credentials) => new PbxNetwork(url, credentials),
  telnyx: (url, credentials) => new TelnyxNetwork(url, credentials),
  vonage: (url, credentials) => new VonageNetwork(url, credentials),
};

export function networkFor(provider: string, url: string, credentials: { token?: string | undefined; account?: string | undefined } = {}): Network {
  const make = NETWORKS[provider];
  if (!make) throw new Error(`--provider takes ${Object.keys(NETWORKS).join(", ")}`);
  return make(url, credentials);
}
