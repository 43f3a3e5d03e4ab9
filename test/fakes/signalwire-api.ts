/**
 * A local stand-in for SignalWire's compatibility REST API (LaML), as a space serves it at
 * https://<space>.signalwire.com/api/laml/2010-04-01: the Twilio-shaped AvailablePhoneNumbers and
 * IncomingPhoneNumbers resources, with SignalWire's UUID ids. Auth is Basic project id : API token;
 * a token starting with "bad" is refused. The tests' space is SIGNALWIRE_TEST_SPACE.
 */
import { twimlNumbersApi } from "./twilio-api.ts";

export const SIGNALWIRE_TEST_SPACE = "switchboard-test.signalwire.com";

export const fakeSignalWire = twimlNumbersApi({
  basePath: "/api/laml/2010-04-01",
  numberSid: () => crypto.randomUUID(),
  moreInfo: (code) => `https://developer.signalwire.com/compatibility-api/reference/error-codes#${code}`,
});
