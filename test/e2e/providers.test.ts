/**
 * Every provider Switchboard speaks, end to end: its own webhooks (signed as it signs, by the
 * simulator's network of that provider) to the demo tenant's tracking number of that provider, on
 * the dev server, and the popup in Chromium. The same known caller each time: the name comes from the
 * tenant's contacts, whichever phone system the call came through.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { simulateCall, type SimulatorOptions } from "../../scripts/networks/call-life.ts";
import { NETWORKS, networkFor } from "../../scripts/networks/index.ts";
import { formatPhone } from "../../schema/phone.ts";
import { launch, logIn, shot } from "./chromium.ts";

const baseURL = inject("baseURL");
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  const context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 800 } });
  page = await context.newPage();
  await logIn(page, "agent@demo.test");
});
afterAll(async () => {
  await browser?.close();
});

describe("a call from each provider shows its popup", () => {
  it("registers all six providers", () => {
    expect(Object.keys(NETWORKS).sort()).toEqual(["pbx", "plivo", "signalwire", "telnyx", "twilio", "vonage"]);
  });

  it.each(Object.keys(NETWORKS))("%s: Ann Archer calls the demo number of this provider; the popup names her and the number she called", async (provider) => {
    const to = networkFor(provider, baseURL).demoNumber;
    const sim: SimulatorOptions = { url: baseURL, provider, ring: 2, talk: 1 };
    const life = simulateCall(sim, "+14155550124", to, "answered");
    const popup = page.locator(".popup", { hasText: "Ann Archer" }).filter({ hasText: formatPhone(to, "US") });
    await popup.waitFor();
    expect(await popup.textContent()).toContain("Incoming call: (415) 555-0124");
    expect(await popup.locator(".badge").textContent()).toBe("Customer");
    await shot(page, `providers-${provider}`);
    const result = await life;
    expect(result.error, result.steps.join("\n")).toBeUndefined();
    await popup.locator('.status[data-status="completed"]').waitFor();
    await popup.getByRole("button", { name: "Close" }).click();
    await popup.waitFor({ state: "detached" });
  });
});
