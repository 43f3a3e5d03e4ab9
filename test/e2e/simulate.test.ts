import { describe, expect, inject, it } from "vitest";
import { simulateCall, type SimulatorOptions } from "../../scripts/networks/call-life.ts";

const sim: SimulatorOptions = { url: inject("baseURL"), token: "demo-twilio-auth-token", account: "AC00000000000000000000000000000000", ring: 0, talk: 0 };
const MENU_NUMBER = "+14155550101";

describe("npm run simulate drives every kind of step against the dev server", () => {
  it("the demo menu: 1 rings the office", async () => {
    const life = await simulateCall(sim, "+14155550124", MENU_NUMBER, { outcomes: ["answered"], digits: ["1"] });
    expect(life.error).toBeUndefined();
    expect(life.steps).toContain("says: Thanks for calling Demo Heating and Plumbing. Press 1 for the office, press 2 for service.");
    expect(life.steps).toContain("menu press 1 → 200");
    expect(life.steps).toContain("leg +14155550150 in-progress → 204");
  });

  it("2 hunts: no answer at dispatch, busy at the service desk, then voicemail", async () => {
    const life = await simulateCall(sim, "+14155550199", MENU_NUMBER, { outcomes: ["no-answer", "busy"], digits: ["2"] });
    expect(life.error).toBeUndefined();
    // Each dialled leg reports what our TwiML asks of it: its answer and its end (here, no answer).
    const dialledLegs = life.steps.filter((s) => s.startsWith("leg "));
    expect(dialledLegs).toEqual(["leg +14155550151 no-answer → 204", "leg +14155550153 busy → 204"]);
    expect(life.steps).toContain("dial-action no-answer → 200");
    expect(life.steps).toContain("dial-action busy → 200");
    expect(life.steps).toContain("voicemail recording → 204");
    expect(life.steps).toContain("voicemail left → 200");
  });

  it("a wrong key, then no key at all, ends at the office", async () => {
    const life = await simulateCall(sim, "+14155550124", MENU_NUMBER, { outcomes: ["answered"], digits: ["7", ""] });
    expect(life.error).toBeUndefined();
    expect(life.steps).toContain("says: Sorry, that is not an option. Thanks for calling Demo Heating and Plumbing. Press 1 for the office, press 2 for service.");
    expect(life.steps).toContain("menu no key → 200");
    expect(life.steps).toContain("leg +14155550150 in-progress → 204");
  });

  it("the main tracking number rings the office straight away", async () => {
    const life = await simulateCall(sim, "+14155550124", "+14155550100", "busy");
    expect(life.error).toBeUndefined();
    expect(life.steps).toContain("leg +14155550150 busy → 204");
  });
});
