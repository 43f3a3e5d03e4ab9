// Bindings the test configuration adds on top of wrangler.toml's.
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** Twilio's official SDK, in Node: signs and validates webhooks (test/fakes/twilio-sdk.ts). */
    TWILIO_SDK: Fetcher;
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
  VONAGE_SDK: Fetcher;
  FUZZ_SEED: string;
  FUZZ_RUNS: string;
  FUZZ_CHECK_EVERY: string;
}
