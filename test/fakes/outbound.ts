/**
 * Where a Worker's outbound requests go in the tests: each provider's REST API to its local fake (in
 * that provider's documented shapes), and webhooks to a local receiver, by host; nothing else may leave.
 */
import { fakePlivo } from "./plivo-api.ts";
import { fakeReceiver } from "./receiver.ts";
import { fakeTelnyx } from "./telnyx-api.ts";
import { fakeTwilio } from "./twilio-api.ts";
import { fakeVonageApi, fakeVonageRest } from "./vonage-api.ts";
import { fakeSignalWire, SIGNALWIRE_TEST_SPACE } from "./signalwire-api.ts";

const FAKES: Record<string, { fetch: (request: Request) => Response | Promise<Response> }> = {
  "api.twilio.com": fakeTwilio,
  "api.plivo.com": fakePlivo,
  [SIGNALWIRE_TEST_SPACE]: fakeSignalWire,
  "api.telnyx.com": fakeTelnyx,
  "rest.nexmo.com": fakeVonageRest,
  "api.nexmo.com": fakeVonageApi,
  // A business's webhook receiver (the outbound tests).
  "hooks.test": fakeReceiver,
};

export function outbound(request: Request): Response | Promise<Response> {
  const url = new URL(request.url);
  const fake = FAKES[url.hostname];
  return fake ? fake.fetch(request) : new Response(`No network from tests: ${url.hostname}`, { status: 502 });
}
