/** Every provider adapter against the one contract (test/workers/adapters/contract.ts). */
import { describe, expect, it } from "vitest";
import { ADAPTERS } from "../../worker/providers/index.ts";
import { adapterContract, type AdapterFixture } from "./adapters/contract.ts";
import { plivoFixture } from "./adapters/plivo.fixture.ts";
import { pbxFixture } from "./adapters/pbx.fixture.ts";
import { telnyxFixture } from "./adapters/telnyx.fixture.ts";
import { twilioFixture } from "./adapters/twilio.fixture.ts";
import { vonageFixture } from "./adapters/vonage.fixture.ts";
import { signalwireFixture } from "./adapters/signalwire.fixture.ts";

/** One suite per fixture, each keeping its own credential type. */
const suite = <C>(fixture: AdapterFixture<C>) => ({ id: fixture.adapter.id, name: fixture.adapter.name, run: () => adapterContract(fixture) });
const SUITES = [suite(twilioFixture), suite(signalwireFixture), suite(telnyxFixture), suite(plivoFixture), suite(vonageFixture), suite(pbxFixture)];

it("every registered provider has a contract fixture", () => {
  // A provider registered without one would escape the contract.
  expect(ADAPTERS.map((a) => a.id).filter((id) => !SUITES.some((s) => s.id === id))).toEqual([]);
});

for (const s of SUITES) describe(`the ${s.name} adapter`, s.run);
