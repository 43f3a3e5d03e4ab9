import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { outbound } from "./test/fakes/outbound.ts";
import { plivoSdk } from "./test/fakes/plivo-sdk.ts";
import { telnyxSdk } from "./test/fakes/telnyx-sdk.ts";
import { twilioSdk } from "./test/fakes/twilio-sdk.ts";
import { signalwireSdk } from "./test/fakes/signalwire-sdk.ts";
import { vonageSdk } from "./test/fakes/vonage-sdk.ts";

// Tests never reach Cloudflare: no telemetry, no sample `request.cf` download.
process.env.WRANGLER_SEND_METRICS = "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";

/** A fixed AES key for tests only (32 bytes, base64); real deployments set the SECRETS_KEY secret. */
const TEST_SECRETS_KEY = "dGVzdC1vbmx5LXNlY3JldHMta2V5LTMyLWJ5dGVzISE=";
/** The deep health checks' bearer key in tests. */
const TEST_HEALTH_KEY = "test-health-key";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  SECRETS_KEY: TEST_SECRETS_KEY,
                  HEALTH_KEY: TEST_HEALTH_KEY,
                  // The fuzz suite's seed and number of cases (test/workers/fuzz.test.ts): fixed unless set.
                  FUZZ_SEED: process.env.FUZZ_SEED ?? "",
                  FUZZ_RUNS: process.env.FUZZ_RUNS ?? "",
                  FUZZ_CHECK_EVERY: process.env.FUZZ_CHECK_EVERY ?? "",
                  // The webhook receiver of the tests is local (test/fakes/receiver.ts); texts link to the call here.
                  OUTBOUND_PRIVATE_ADDRESSES: "allow",
                  // As deployed, whatever a developer's .dev.vars says (npm run dev writes "allow" there for the benchmark).
                  SWITCHBOARD_RESETS: "refuse",
                  PUBLIC_URL: "http://switchboard.test",
                },
                // The outbound queue and its dead-letter queue come from wrangler.toml; in tests a batch
                // is handed over as soon as it is sent, so a delivery's retries follow its own delays.
                queueConsumers: { "switchboard-outbound": { maxBatchTimeout: 0 }, "switchboard-outbound-dead": { maxBatchTimeout: 0 } },
                // Providers' REST APIs are answered by local fakes; every other outbound request fails.
                outboundService: (request: Request) => outbound(request),
                // Twilio's own signing code (the `twilio` package, in Node): the tests sign webhooks with it.
                serviceBindings: {
                  TWILIO_SDK: (request: Request) => twilioSdk(request),
                  // Plivo's V3 signature code (the `plivo` package, in Node): test/fakes/plivo-sdk.ts.
                  PLIVO_SDK: (request: Request) => plivoSdk(request),
                  SIGNALWIRE_SDK: (request: Request) => signalwireSdk(request),
                  TELNYX_SDK: (request: Request) => telnyxSdk(request),
                  VONAGE_SDK: (request: Request) => vonageSdk(request),
                },
              },
            }),
          ],
          test: { name: "workers", include: ["test/workers/**/*.test.ts"], setupFiles: ["test/workers/setup.ts"] },
        },
        {
          // The dashboard's logic (signals models, formatting) in plain Node.
          test: { name: "client", include: ["test/client/**/*.test.ts"], environment: "node" },
        },
        {
          test: {
            // Against the app served as `npm run dev` serves it: Chromium and the simulator.
            name: "e2e",
            include: ["test/e2e/**/*.test.ts"],
            environment: "node",
            globalSetup: ["test/e2e/global-setup.ts"],
            // One Chromium and one dev server for the whole project: files run one after another.
            fileParallelism: false,
            testTimeout: 30_000,
            hookTimeout: 120_000,
          },
        },
      ],
    },
  };
});
