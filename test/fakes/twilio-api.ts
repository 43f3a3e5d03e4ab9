/**
 * A local stand-in for the parts of Twilio's REST API Switchboard uses (api.twilio.com cannot be
 * reached from here). It answers in Twilio's documented shapes: the Account resource (fetched to test
 * credentials), AvailablePhoneNumbers Local search, IncomingPhoneNumbers purchase, read, update and
 * release, Messages (send a text, list those sent), and Twilio's error bodies. The Workers tests route every outbound fetch here (miniflare's
 * outboundService). Numbers are fictional (555-01xx). By the auth token: one that starts with "bad"
 * is refused, as Twilio refuses wrong credentials; "suspended…" and "closed…" are accounts in that
 * status; "down…" gets the 503 of a Twilio that is having trouble. SignalWire's compatibility API has
 * the same number resources and shapes under its space's own base path, with UUIDs for ids:
 * `twimlNumbersApi` serves either (test/fakes/signalwire-api.ts).
 */
import { Hono } from "hono";

type Owned = {
  sid: string;
  account_sid: string;
  phone_number: string;
  friendly_name: string;
  voice_url: string;
  voice_method: string;
  voice_fallback_url: string;
  voice_fallback_method: string;
  status_callback: string;
  status_callback_method: string;
};

function hex(n: number) {
  return [...crypto.getRandomValues(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const REGION_AREA_CODES: Record<string, string> = { CA: "415", NY: "212", IL: "312", TX: "512", WA: "206" };

const twilioMoreInfo = (code: number) => `https://www.twilio.com/docs/errors/${code}`;

/** The user and password of a request's basic auth, as Twilio reads them. */
function basicAuth(header: string | undefined) {
  if (!header?.startsWith("Basic ")) return { user: undefined, token: undefined };
  const [user, token] = atob(header.slice("Basic ".length)).split(":");
  return { user, token };
}

const ACCOUNT_FILE = /^(AC[0-9a-fA-F]{32})\.json$/;

/**
 * `GET …/Accounts/{AccountSid}.json`: the Account resource (auth token and all, as Twilio sends it),
 * for a dialect's id pattern and error pages.
 */
export function twimlAccount(file: string, authorization: string | undefined, pattern = ACCOUNT_FILE, moreInfo = twilioMoreInfo, base = "/2010-04-01") {
  const twilioError = (status: number, code: number, message: string) => Response.json({ code, message, more_info: moreInfo(code), status }, { status });
  const sid = pattern.exec(file)?.[1];
  const { user, token } = basicAuth(authorization);
  if (token?.startsWith("down")) return twilioError(503, 20500, "Service Unavailable");
  if (!sid || user !== sid || !token || token.startsWith("bad")) return twilioError(401, 20003, "Authenticate");
  const status = token.startsWith("suspended") ? "suspended" : token.startsWith("closed") ? "closed" : "active";
  const uri = `${base}/Accounts/${sid}.json`;
  return Response.json({
    auth_token: token,
    date_created: "Thu, 30 Jul 2015 20:00:00 +0000",
    date_updated: "Thu, 30 Jul 2015 20:00:00 +0000",
    friendly_name: "Acme Plumbing main account",
    owner_account_sid: sid,
    sid,
    status,
    subresource_uris: { available_phone_numbers: uri.replace(".json", "/AvailablePhoneNumbers.json"), incoming_phone_numbers: uri.replace(".json", "/IncomingPhoneNumbers.json") },
    type: "Full",
    uri,
  });
}

/** Where the API lives, how it writes a number's id, and where its error codes are explained. */
export type ApiDialect = { basePath: string; numberSid: () => string; moreInfo: (code: number) => string };

/** Texts sent through the fake, by account: Twilio's Message resource, as its list answers it. */
type SentMessage = { sid: string; account_sid: string; from: string; to: string; body: string; status: string; direction: string; date_created: string; num_segments: string };

export function twimlNumbersApi({ basePath, numberSid, moreInfo }: ApiDialect) {
  const owned = new Map<string, Owned>();
  const messages: SentMessage[] = [];
  const twilioError = (status: number, code: number, message: string) => Response.json({ code, message, more_info: moreInfo(code), status }, { status });
  return new Hono<{ Variables: { account: string } }>({ strict: false })
    .basePath(`${basePath}/Accounts/:account`)
    .use(async (c, next) => {
      const account = c.req.param("account")!;
      const auth = c.req.header("Authorization") ?? "";
      const [user, token] = atob(auth.replace(/^Basic /, "")).split(":");
      if (!auth.startsWith("Basic ") || user !== account || !token || token.startsWith("bad")) return twilioError(401, 20003, "Authenticate");
      c.set("account", account);
      await next();
    })
    .get("/AvailablePhoneNumbers/:country/Local.json", (c) => {
      const near = c.req.query("NearNumber");
      const code = c.req.query("AreaCode") ?? (near ? near.replace(/^\+1/, "").slice(0, 3) : undefined) ?? REGION_AREA_CODES[c.req.query("InRegion") ?? ""];
      const size = Number(c.req.query("PageSize") ?? 20);
      if (!code) return twilioError(400, 21452, "No phone numbers found (give AreaCode, NearNumber or InRegion)");
      // 999 has no numbers to offer, as an exhausted area code would.
      const free = code === "999" ? [] : Array.from({ length: 100 }, (_, i) => `+1${code}55501${String(i).padStart(2, "0")}`).filter((n) => ![...owned.values()].some((o) => o.phone_number === n));
      return c.json({
        uri: c.req.path,
        available_phone_numbers: free.slice(0, size).map((n) => ({
          friendly_name: `(${code}) 555-${n.slice(-4)}`,
          phone_number: n,
          lata: "722",
          rate_center: "SNFC CNTRL",
          latitude: "37.780000",
          longitude: "-122.390000",
          locality: "San Francisco",
          region: c.req.query("InRegion") ?? "CA",
          postal_code: "94107",
          iso_country: "US",
          address_requirements: "none",
          beta: false,
          capabilities: { voice: true, SMS: true, MMS: true, fax: false },
        })),
      });
    })
    .post("/IncomingPhoneNumbers.json", async (c) => {
      const form = new URLSearchParams(await c.req.text());
      const number = form.get("PhoneNumber");
      if (!number) return twilioError(400, 21421, "PhoneNumber is required");
      if ([...owned.values()].some((o) => o.phone_number === number)) return twilioError(400, 21422, `Phone number ${number} is not available`);
      const record: Owned = {
        sid: numberSid(),
        account_sid: c.get("account"),
        phone_number: number,
        friendly_name: form.get("FriendlyName") ?? number,
        voice_url: form.get("VoiceUrl") ?? "",
        voice_method: form.get("VoiceMethod") ?? "POST",
        voice_fallback_url: form.get("VoiceFallbackUrl") ?? "",
        voice_fallback_method: form.get("VoiceFallbackMethod") ?? "POST",
        status_callback: form.get("StatusCallback") ?? "",
        status_callback_method: form.get("StatusCallbackMethod") ?? "POST",
      };
      owned.set(record.sid, record);
      return c.json({ ...record, capabilities: { voice: true, sms: true, mms: true }, date_created: new Date().toUTCString(), uri: `${c.req.path.replace(".json", "")}/${record.sid}.json` }, 201);
    })
    .get("/IncomingPhoneNumbers.json", (c) => {
      const mine = [...owned.values()].filter((o) => o.account_sid === c.get("account") && (!c.req.query("PhoneNumber") || o.phone_number === c.req.query("PhoneNumber")));
      return c.json({ incoming_phone_numbers: mine, uri: c.req.path });
    })
    .post("/IncomingPhoneNumbers/:file", async (c) => {
      const sid = c.req.param("file").replace(/\.json$/, "");
      const record = owned.get(sid);
      if (!record || record.account_sid !== c.get("account")) return twilioError(404, 20404, `The requested resource ${basePath}/Accounts/${c.get("account")}/IncomingPhoneNumbers/${sid}.json was not found`);
      const form = new URLSearchParams(await c.req.text());
      const fields = { FriendlyName: "friendly_name", VoiceUrl: "voice_url", VoiceMethod: "voice_method", VoiceFallbackUrl: "voice_fallback_url", VoiceFallbackMethod: "voice_fallback_method", StatusCallback: "status_callback", StatusCallbackMethod: "status_callback_method" } as const;
      for (const [param, field] of Object.entries(fields)) {
        const value = form.get(param);
        if (value !== null) record[field] = value;
      }
      return c.json({ ...record, capabilities: { voice: true, sms: true, mms: true }, uri: c.req.path });
    })
    // Programmable Messaging: send a text, and list what was sent (filtered by To, as Twilio's list is).
    .post("/Messages.json", async (c) => {
      const form = new URLSearchParams(await c.req.text());
      const to = form.get("To");
      const from = form.get("From");
      const body = form.get("Body");
      if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
      if (!from) return twilioError(400, 21603, "A 'From' phone number is required.");
      if (!body) return twilioError(400, 21602, "Message body is required.");
      if (!/^\+[1-9]\d{6,14}$/.test(to)) return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
      const message: SentMessage = { sid: `SM${hex(16)}`, account_sid: c.get("account"), from, to, body, status: "queued", direction: "outbound-api", date_created: new Date().toUTCString(), num_segments: String(Math.ceil(body.length / 153)) };
      messages.push(message);
      return c.json({ ...message, uri: `${c.req.path.replace(".json", "")}/${message.sid}.json` }, 201);
    })
    .get("/Messages.json", (c) => {
      const to = c.req.query("To");
      const mine = messages.filter((m) => m.account_sid === c.get("account") && (!to || m.to === to));
      return c.json({ messages: mine, uri: c.req.path });
    })
    .delete("/IncomingPhoneNumbers/:file", (c) => {
      const sid = c.req.param("file").replace(/\.json$/, "");
      const record = owned.get(sid);
      if (!record || record.account_sid !== c.get("account")) return twilioError(404, 20404, `The requested resource ${basePath}/Accounts/${c.get("account")}/IncomingPhoneNumbers/${sid}.json was not found`);
      owned.delete(sid);
      return c.body(null, 204);
    });
}

export const fakeTwilio = new Hono({ strict: false })
  .get("/2010-04-01/Accounts/:file", (c, next) => (c.req.param("file").endsWith(".json") ? twimlAccount(c.req.param("file"), c.req.header("Authorization")) : next()))
  .route("/", twimlNumbersApi({ basePath: "/2010-04-01", numberSid: () => `PN${hex(16)}`, moreInfo: (code) => `https://www.twilio.com/docs/errors/${code}` }));
