/**
 * A local stand-in for SignalWire's compatibility REST API (LaML), as a space serves it at
 * https://<space>.signalwire.com/api/laml/2010-04-01: the Twilio-shaped AvailablePhoneNumbers and
 * IncomingPhoneNumbers resources, with SignalWire's UUID ids. Auth is Basic project id : API token;
 * a token starting with "bad" is refused. The tests' space is SIGNALWIRE_TEST_SPACE.
 */
import { Hono } from "hono";
import { twimlAccount, twimlNumbersApi } from "./twilio-api.ts";

export const SIGNALWIRE_TEST_SPACE = "switchboard-test.signalwire.com";

const BASE = "/api/laml/2010-04-01";
const moreInfo = (code: number) => `https://developer.signalwire.com/compatibility-api/reference/error-codes#${code}`;

export const fakeSignalWire = new Hono({ strict: false })
  // The project's Account resource (the connection test), as the Twilio-shaped API serves it, with a UUID sid.
  .get(`${BASE}/Accounts/:file`, (c, next) => (c.req.param("file").endsWith(".json") ? twimlAccount(c.req.param("file"), c.req.header("Authorization"), /^([0-9a-f-]{36})\.json$/, moreInfo, BASE) : next()))
  .route("/", twimlNumbersApi({ basePath: BASE, numberSid: () => crypto.randomUUID(), moreInfo }));
