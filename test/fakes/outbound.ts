/**
 * Where a Worker's outbound requests go in the tests: each provider's REST API to its local fake (in
 * that provider's documented shapes), by host; nothing else may leave.
 */
import { fakePlivo } from "./plivo-api.ts";
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
};

export function outbound(request: Request): Response | Promise<Response> {
  const url = new URL(request.url);
  const fake = FAKES[url.hostname];
  return fake ? fake.fetch(request) : new Response(`No network from tests: ${url.hostname}`, { status: 502 });
}
