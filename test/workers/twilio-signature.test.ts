import { describe, expect, it } from "vitest";
import { signedPayload, twilioSignature, urlVariants, verifyTwilioSignature } from "../../worker/providers/twilio/signature.ts";
import { sdkSignature, sdkValidates, type SdkParams } from "./twilio-helpers.ts";

// The example of Twilio's security documentation, signed by its published algorithm.
const TWILIO_EXAMPLE = {
  token: "12345",
  url: "https://mycompany.com/myapp.php?foo=1&bar=2",
  params: [
    ["CallSid", "CA1234567890ABCDE"],
    ["Caller", "+14158675309"],
    ["Digits", "1234"],
    ["From", "+14158675309"],
    ["To", "+18005551212"],
  ] as [string, string][],
  signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
};

describe("Twilio request signatures", () => {
  it("match Twilio's published example", async () => {
    expect(await twilioSignature(TWILIO_EXAMPLE.token, TWILIO_EXAMPLE.url, TWILIO_EXAMPLE.params)).toBe(TWILIO_EXAMPLE.signature);
    expect(await verifyTwilioSignature(TWILIO_EXAMPLE.token, TWILIO_EXAMPLE.url, TWILIO_EXAMPLE.params, TWILIO_EXAMPLE.signature)).toBe(true);
  });

  it("sign parameters sorted by name, whatever order they came in", async () => {
    const reversed = [...TWILIO_EXAMPLE.params].reverse();
    expect(signedPayload(TWILIO_EXAMPLE.url, reversed)).toBe(
      "https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212",
    );
    expect(await verifyTwilioSignature(TWILIO_EXAMPLE.token, TWILIO_EXAMPLE.url, reversed, TWILIO_EXAMPLE.signature)).toBe(true);
  });

  it("refuse a tampered parameter, a wrong token, another URL, a missing or malformed header", async () => {
    const { token, url, params, signature } = TWILIO_EXAMPLE;
    const tampered = params.map(([k, v]) => [k, k === "From" ? "+14158675310" : v] as [string, string]);
    expect(await verifyTwilioSignature(token, url, tampered, signature)).toBe(false);
    expect(await verifyTwilioSignature(token, url, [...params, ["Extra", "1"]], signature)).toBe(false);
    expect(await verifyTwilioSignature("54321", url, params, signature)).toBe(false);
    expect(await verifyTwilioSignature(token, "https://mycompany.com/myapp.php?foo=1&bar=3", params, signature)).toBe(false);
    expect(await verifyTwilioSignature(token, url, params, undefined)).toBe(false);
    expect(await verifyTwilioSignature(token, url, params, "")).toBe(false);
    expect(await verifyTwilioSignature(token, url, params, "not base64 at all!")).toBe(false);
    expect(await verifyTwilioSignature(token, url, params, "AAAA")).toBe(false);
  });

  it("accept a URL signed with or without its default port, as Twilio's helper does", async () => {
    const { token, params } = TWILIO_EXAMPLE;
    const withPort = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
    const signedWithPort = await twilioSignature(token, withPort, params);
    // The Worker sees the URL without the default port (URLs drop it); Twilio may have signed it with.
    expect(await verifyTwilioSignature(token, TWILIO_EXAMPLE.url, params, signedWithPort)).toBe(true);
    expect(urlVariants("https://mycompany.com/a?b=1")).toEqual(["https://mycompany.com/a?b=1", "https://mycompany.com:443/a?b=1"]);
    expect(urlVariants("http://127.0.0.1:8787/a")).toEqual(["http://127.0.0.1:8787/a", "http://127.0.0.1/a"]);
    // A request that came in on an explicit port may have been signed without it (behind a proxy).
    const signedWithoutPort = await twilioSignature(token, "http://127.0.0.1/a", params);
    expect(await verifyTwilioSignature(token, "http://127.0.0.1:8787/a", params, signedWithoutPort)).toBe(true);
  });
});

/** A small seeded generator (mulberry32): a failure names its seed and can be replayed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Names as Twilio sends them, and some that test the sort: case, digits, punctuation, non-ASCII.
const NAMES = ["CallSid", "AccountSid", "From", "To", "Digits", "digits", "DIGITS", "Called", "Caller", "a", "A", "_x", "Z9", "x-y", "Ünïcode", "SequenceNumber", "Timestamp"];
const VALUES = ["", "+14155550124", "CA0123456789abcdef0123456789abcdef", "in-progress", "Mon, 30 Nov 2026 08:00:00 +0000", "a&b=c", "100%", "café", "☎️ 👋", "line\nbreak", " padded ", "1", "2", "10"];
const URLS = ["https://switchboard.example/webhooks/twilio/voice", "https://switchboard.example/webhooks/twilio/dial-action?tenant=tnt_1", "http://127.0.0.1:8787/webhooks/twilio/status", "https://mycompany.com/myapp.php?foo=1&bar=2"];

function pick<T>(next: () => number, from: readonly T[]) {
  return from[Math.floor(next() * from.length)]!;
}

describe("our signatures against Twilio's own SDK (the twilio npm package, in Node)", () => {
  it("sign random parameter sets exactly as getExpectedTwilioSignature does", async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const next = random(seed);
      const token = `token-${seed}-${Math.floor(next() * 1e9)}`;
      const url = pick(next, URLS);
      const params: Record<string, string> = {};
      for (let i = Math.floor(next() * 8); i > 0; i--) params[pick(next, NAMES)] = pick(next, VALUES);
      const ours = await twilioSignature(token, url, Object.entries(params));
      expect(ours, `seed ${seed}: ${JSON.stringify({ url, params })}`).toBe(await sdkSignature(token, url, params));
      expect(await verifyTwilioSignature(token, url, Object.entries(params), ours)).toBe(true);
    }
  });

  it("agree on a name that repeats with different values: each value, in sorted order", async () => {
    // The SDK takes an object, so repeats come as an array; it signs the array's values sorted.
    const url = "https://switchboard.example/webhooks/twilio/status";
    const pairs: [string, string][] = [
      ["StatusCallbackEvent", "completed"],
      ["CallSid", "CA0123456789abcdef0123456789abcdef"],
      ["StatusCallbackEvent", "answered"],
      ["StatusCallbackEvent", "10"],
      ["StatusCallbackEvent", "9"],
    ];
    const sdk: SdkParams = { CallSid: "CA0123456789abcdef0123456789abcdef", StatusCallbackEvent: ["completed", "answered", "10", "9"] };
    expect(await twilioSignature("tok", url, pairs)).toBe(await sdkSignature("tok", url, sdk));
  });

  // The SDK signs each distinct value of a name once (Array.from(new Set(values))), so a form that
  // repeats a pair exactly (A=1&A=1) is signed as if it did not; so do we.
  it("(what the SDK does with a pair repeated exactly: signs it once, as if it were not repeated)", async () => {
    const url = "https://switchboard.example/webhooks/twilio/status";
    const once = await sdkSignature("tok", url, { CallSid: "CA0123456789abcdef0123456789abcdef", A: "1" });
    expect(await sdkSignature("tok", url, { CallSid: "CA0123456789abcdef0123456789abcdef", A: ["1", "1"] })).toBe(once);
    expect(await twilioSignature("tok", url, [["CallSid", "CA0123456789abcdef0123456789abcdef"], ["A", "1"]])).toBe(once);
  });

  it("agree on a pair repeated exactly (each signs it once)", async () => {
    const url = "https://switchboard.example/webhooks/twilio/status";
    const pairs: [string, string][] = [
      ["CallSid", "CA0123456789abcdef0123456789abcdef"],
      ["A", "1"],
      ["A", "1"],
    ];
    expect(await twilioSignature("tok", url, pairs)).toBe(await sdkSignature("tok", url, { CallSid: "CA0123456789abcdef0123456789abcdef", A: ["1", "1"] }));
  });

  it("accept the same URL variants as validateRequest: the default port added or removed, a non-default port removed", async () => {
    const params = Object.fromEntries(TWILIO_EXAMPLE.params);
    const cases: [signedFor: string, receivedAt: string, accepted: boolean][] = [
      ["https://mycompany.com:443/myapp.php?foo=1&bar=2", "https://mycompany.com/myapp.php?foo=1&bar=2", true],
      ["http://switchboard.test:80/webhooks/twilio/voice", "http://switchboard.test/webhooks/twilio/voice", true],
      ["http://127.0.0.1/webhooks/twilio/voice", "http://127.0.0.1:8787/webhooks/twilio/voice", true],
      ["http://127.0.0.1:8787/webhooks/twilio/voice", "http://127.0.0.1:8787/webhooks/twilio/voice", true],
      ["https://mycompany.com/myapp.php?foo=1&bar=2", "http://mycompany.com/myapp.php?foo=1&bar=2", false],
      ["https://mycompany.com/myapp.php?foo=1&bar=2", "https://mycompany.com/myapp.php?foo=1&bar=3", false],
      ["https://mycompany.com/myapp.php", "https://mycompany.com/other.php", false],
      ["http://127.0.0.1:8788/webhooks/twilio/voice", "http://127.0.0.1:8787/webhooks/twilio/voice", false],
    ];
    for (const [signedFor, receivedAt, accepted] of cases) {
      const signature = await sdkSignature(TWILIO_EXAMPLE.token, signedFor, params);
      expect(await verifyTwilioSignature(TWILIO_EXAMPLE.token, receivedAt, TWILIO_EXAMPLE.params, signature), `ours: ${signedFor} at ${receivedAt}`).toBe(accepted);
      expect(await sdkValidates(TWILIO_EXAMPLE.token, signature, receivedAt, params), `SDK: ${signedFor} at ${receivedAt}`).toBe(accepted);
    }
  });

  // Given a URL string that names its default port ("https://host:443/..."), validateRequest also
  // tries it without the port (removePort); so do we. (Through the Worker, Request.url never names a
  // default port: see "URL port variants" in callback-signatures.test.ts.)
  const BARE = "https://mycompany.com/myapp.php?foo=1&bar=2";
  const NAMING_443 = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
  it("(what the SDK does with a URL that names its default port: also tries it without)", async () => {
    const params = Object.fromEntries(TWILIO_EXAMPLE.params);
    const signature = await sdkSignature(TWILIO_EXAMPLE.token, BARE, params);
    expect(await sdkValidates(TWILIO_EXAMPLE.token, signature, NAMING_443, params)).toBe(true);
    expect(urlVariants(NAMING_443)).toContain(BARE);
  });

  it("accept a signature over the bare URL when the URL given names its default port", async () => {
    const signature = await sdkSignature(TWILIO_EXAMPLE.token, BARE, Object.fromEntries(TWILIO_EXAMPLE.params));
    const receivedAt = NAMING_443;
    expect(await verifyTwilioSignature(TWILIO_EXAMPLE.token, receivedAt, TWILIO_EXAMPLE.params, signature)).toBe(true);
  });

  it("the SDK accepts our signatures, and refuses them for another token or a changed parameter", async () => {
    const { token, url, params } = TWILIO_EXAMPLE;
    const ours = await twilioSignature(token, url, params);
    const object = Object.fromEntries(params);
    expect(await sdkValidates(token, ours, url, object)).toBe(true);
    expect(await sdkValidates("54321", ours, url, object)).toBe(false);
    expect(await sdkValidates(token, ours, url, { ...object, From: "+14158675310" })).toBe(false);
  });
});
