import { describe, expect, it } from "vitest";
import { signedPayload, twilioSignature, urlVariants, verifyTwilioSignature } from "../../worker/providers/twilio/signature.ts";

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
