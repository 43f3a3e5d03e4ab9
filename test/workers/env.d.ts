// Bindings the test configuration adds on top of wrangler.toml's.
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** Twilio's official SDK, in Node: signs and validates webhooks (test/fakes/twilio-sdk.ts). */
    TWILIO_SDK: Fetcher;
    /** Plivo's official SDK, in Node: signs (with its own V3 code) and validates webhooks (test/fakes/plivo-sdk.ts). */
    PLIVO_SDK: Fetcher;
    /** SignalWire's official SDK, in Node: signs and validates LaML webhooks (test/fakes/signalwire-sdk.ts). */
    SIGNALWIRE_SDK: Fetcher;
    /** Telnyx's official SDK (TelnyxWebhook), in Node, and Node's Ed25519 to sign (test/fakes/telnyx-sdk.ts). */
    TELNYX_SDK: Fetcher;
    /** Vonage's official JWT code, in Node: signs and verifies webhook JWTs (test/fakes/vonage-sdk.ts). */
    VONAGE_SDK: Fetcher;
    /** The fuzz suite's seed and case count, from the environment of `vitest` (empty: the defaults). */
    FUZZ_SEED: string;
    FUZZ_RUNS: string;
    FUZZ_CHECK_EVERY: string;
  }
}
interface Env {
  TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
  TWILIO_SDK: Fetcher;
  PLIVO_SDK: Fetcher;
  SIGNALWIRE_SDK: Fetcher;
  TELNYX_SDK: Fetcher;
  VONAGE_SDK: Fetcher;
  FUZZ_SEED: string;
  FUZZ_RUNS: string;
  FUZZ_CHECK_EVERY: string;
}
