/**
 * The demo tenant's sandbox Telnyx account (SPEC § Provider contract): the SPEC's Ed25519 public key,
 * an account id of our choosing (TeXML webhooks must carry it as AccountSid), and its tracking number.
 * The private key is public too, for the simulator and the tests: this account proves nothing.
 */
export const TELNYX_DEMO = {
  accountSid: "00000000-0000-4000-8000-000000000103",
  publicKey: "6XYJFvvZixGIUYZSs5L2mlmBlbEWDeZoRYHSIFidO/Q=",
  privateKey: "e6rYc0BOqteukY6KBjnR1utK6PA8mPm3CchP46rVPAQ=",
  trackingNumber: "+14155550103",
} as const;
