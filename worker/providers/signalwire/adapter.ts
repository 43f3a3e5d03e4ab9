/**
 * SignalWire's LaML (cXML), through its Twilio-compatible API, behind the telephony contract. Its
 * webhooks are Twilio's forms with SignalWire's ids (UUIDs), signed with Twilio's algorithm under the
 * project's Signing Key in X-SignalWire-Signature; its markup is TwiML; its number shop is Twilio's
 * REST resources in the space's own `/api/laml/2010-04-01`. So this adapter is Twilio's pieces, given
 * SignalWire's dialect: nothing here re-implements them.
 */
import * as z from "zod/mini";
import { ProviderError, type NumberShop, type RoutingAdapter } from "../../../telephony/contract.ts";
import { formPairs, TWIML_PATHS, twimlParser } from "../twilio/adapter.ts";
import { checkTwilioAccount } from "../twilio/account.ts";
import { twimlForms } from "../twilio/forms.ts";
import { TwilioNumbers } from "../twilio/numbers.ts";
import { verifyTwilioSignature } from "../twilio/signature.ts";
import { twilioSimulator } from "../twilio/simulator.ts";
import { renderTwiml, renderWhisper } from "../twilio/twiml.ts";
import { markupCallbacks } from "../xml-markup.ts";
import { lazy } from "../../../schema/lazy.ts";

/** SignalWire writes project, call and recording ids as UUIDs. */
const uuid = (what: string) => z.string().check(z.regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, `must be a SignalWire ${what} (a UUID)`));

/** A space's host, however it was pasted: `example.signalwire.com`, with or without `https://` and a slash. */
// z.overwrite, not z.transform: zod/mini's transform answers asynchronously under safeParseAsync (classic's
// does not), which put this field's issue after the later fields' in a request's issues.
const spaceUrl = lazy(() => z.pipe(z.string().check(z.trim(), z.maxLength(200), z.overwrite((v) => v.toLowerCase().replace(/^https:\/\//, "").replace(/\/+$/, ""))), z.string().check(z.regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.signalwire\.com$/, "must be your SignalWire space, like example.signalwire.com"))));

/**
 * A project's credentials. The Signing Key (Dashboard → API Credentials; not the API token) checks
 * its webhooks. The space and an API token are for the number shop only: a sandbox account, whose
 * numbers come from Switchboard's fictional range, needs neither; a live account gives both or none.
 */
export const signalwireCredentials = lazy(() => z.object({
    projectId: uuid("project id"),
    signingKey: z.string().check(z.minLength(8), z.maxLength(200)),
    spaceUrl: z.optional(spaceUrl),
    apiToken: z.optional(z.string().check(z.minLength(8), z.maxLength(200))),
  }).check(z.refine((c) => (c.spaceUrl === undefined) === (c.apiToken === undefined), { message: "give both spaceUrl and apiToken (for buying numbers), or neither", path: ["apiToken"] })));
export type SignalWireCredentials = z.infer<typeof signalwireCredentials>;

export const SIGNALWIRE_FORMS = lazy(() => twimlForms({
  callSid: uuid("call id"),
  accountSid: uuid("project id"),
  // https://<space>.signalwire.com/api/laml/2010-04-01/Accounts/<project>/Recordings/<id>
  recordingHost: /^([a-z0-9-]+\.)*signalwire\.com$/,
  recordingHostName: "signalwire.com",
}));

/** The shop of an account without the space or token to reach it: every call says what to add. */
const noShop = (): NumberShop => {
  const refuse = () => Promise.reject(new ProviderError("SignalWire: add the space URL and an API token to this account to buy and set up numbers here", 400));
  return { search: refuse, buy: refuse, configure: refuse, release: refuse };
};

export const signalwire: RoutingAdapter<SignalWireCredentials> = {
  id: "signalwire",
  name: "SignalWire",
  credentials: signalwireCredentials,
  accountOf: (credentials) => credentials.projectId,
  describe: (credentials) => ({ projectId: credentials.projectId, ...(credentials.spaceUrl ? { spaceUrl: credentials.spaceUrl } : {}) }),
  paths: TWIML_PATHS,
  parse: twimlParser(SIGNALWIRE_FORMS, "SignalWire"),
  // Twilio's algorithm under the Signing Key. The SDK's own middleware falls back to X-Twilio-Signature, which holds the same.
  verify: (request, credentials) =>
    verifyTwilioSignature(credentials.signingKey, request.url, formPairs(request), request.headers.get("X-SignalWire-Signature") ?? request.headers.get("X-Twilio-Signature") ?? undefined),
  markup: {
    contentType: "text/xml; charset=utf-8",
    render: (decision, callback) => renderTwiml(decision, markupCallbacks(callback, decision)),
    whisper: renderWhisper,
  },
  numbers: (credentials) =>
    credentials.spaceUrl && credentials.apiToken
      ? new TwilioNumbers(credentials.projectId, credentials.apiToken, { name: "SignalWire", api: `https://${credentials.spaceUrl}/api/laml/2010-04-01`, nearNumber: false })
      : noShop(),
  // The project's Account resource through the space's API; the Signing Key itself is never sent anywhere.
  check: async (credentials) =>
    credentials.spaceUrl && credentials.apiToken
      ? checkTwilioAccount(credentials.projectId, credentials.apiToken, { name: "SignalWire", api: `https://${credentials.spaceUrl}/api/laml/2010-04-01`, console: "the SignalWire Dashboard (API)", id: "Project ID", secret: "API token" })
      : { ok: false, error: "Add the space URL and an API token to test this SignalWire project (the Signing Key alone cannot be tested)" },
  simulator: (credentials) =>
    twilioSimulator(credentials.projectId, credentials.signingKey, { signatureHeader: "X-SignalWire-Signature", newCallId: () => crypto.randomUUID(), userAgent: "SignalWire-LaML (switchboard-sandbox)" }),
};
