// Bindings the test configuration adds on top of wrangler.toml's.
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** Twilio's official SDK, in Node: signs and validates webhooks (test/fakes/twilio-sdk.ts). */
    TWILIO_SDK: Fetcher;
  }
}
interface Env {
  TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
  TWILIO_SDK: Fetcher;
}
