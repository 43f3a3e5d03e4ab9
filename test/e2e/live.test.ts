import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { simulateCall, type SimulatorOptions } from "../../scripts/networks/call-life.ts";
import { launch, logIn, shot } from "./chromium.ts";

const baseURL = inject("baseURL");
const sim: SimulatorOptions = { url: baseURL, token: "demo-twilio-auth-token", account: "AC00000000000000000000000000000000", ring: 1.5, talk: 2.5 };
let browser: Browser;
let page: Page;
/** What the browser refused under the dashboard's Content-Security-Policy: must stay empty. */
const refused: string[] = [];

beforeAll(async () => {
  browser = await launch();
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
  });
  await logIn(page, "agent@demo.test");
});
afterAll(async () => {
  await browser?.close();
});

it("the dashboard runs under its Content-Security-Policy: the live socket connects and nothing is refused", () => {
  // beforeAll waited for "Live": the WebSocket connected under connect-src 'self'.
  expect(refused).toEqual([]);
});

describe("a simulated call on an open dashboard", () => {
  it("a known caller appears with name, type, tracking number and where it rings, then leaves when the call ends", async () => {
    const life = simulateCall(sim, "+14155550124", "+14155550100", "answered");
    const popup = page.locator(".popup", { hasText: "Ann Archer" });
    await popup.waitFor();
    expect(await popup.textContent()).toContain("Incoming call: (415) 555-0124");
    expect(await popup.locator(".badge").textContent()).toBe("Customer");
    expect(await popup.textContent()).toContain("(415) 555-0100 (Website)");
    expect(await popup.textContent()).toContain("(415) 555-0150");
    // Other tests' calls may be live on the same server: follow this call by its id.
    const id = await popup.getAttribute("data-call-id");
    const row = page.locator(`.active-calls tbody tr[data-call-id="${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain("Ann Archer");
    expect(Number(await page.getByTestId("call-count").locator("span").textContent())).toBeGreaterThanOrEqual(1);
    await shot(page, "live-01-known-caller-ringing");
    await page.locator(`.active-calls tr[data-call-id="${id}"][data-status="in-progress"]`).waitFor();
    await shot(page, "live-02-answered");

    const result = await life;
    expect(result.error).toBeUndefined();
    await row.waitFor({ state: "detached" });
    // The popup stays until the user closes it, showing how the call ended.
    // In the words the grid and the call log use, with the whole call's duration and its talk time.
    expect(await popup.locator(".status").textContent()).toBe("Answered");
    expect(await popup.locator(".talk-time").textContent()).toMatch(/^0:0\d$/);
    await shot(page, "live-03-ended");
    await popup.getByRole("button", { name: "Close" }).click();
    await popup.waitFor({ state: "detached" });
  });

  it("an unknown caller shows the number and Unknown", async () => {
    const life = simulateCall(sim, "+14155550188", "+14155550100", "no-answer");
    const popup = page.locator(".popup", { hasText: "Incoming call: (415) 555-0188" });
    await popup.waitFor();
    expect(await popup.locator(".badge").textContent()).toBe("Unknown");
    await shot(page, "live-04-unknown-caller");
    expect((await life).ok).toBe(true);
    await page.locator(`.active-calls tbody tr[data-call-id="${await popup.getAttribute("data-call-id")}"]`).waitFor({ state: "detached" });
    expect(await popup.locator(".status").textContent()).toBe("Missed (no answer)");
    await popup.getByRole("button", { name: "Close" }).click();
  });
});

describe("a caller who leaves a voicemail", () => {
  it("is a voicemail on every screen: the popup and the grid (numbers formatted), the notification, the call log with a player", async () => {
    // The demo's second number: press 2 for service, nobody answers, the caller leaves a message.
    const life = simulateCall(sim, "+14155550196", "+14155550101", { outcomes: ["no-answer"], digits: ["2"] });
    const popup = page.locator(".popup", { hasText: "Incoming call: (415) 555-0196" });
    await popup.waitFor();
    expect(await popup.getAttribute("aria-label")).toBe("Incoming call: (415) 555-0196");
    const id = await popup.getAttribute("data-call-id");
    const row = page.locator(`.active-calls tbody tr[data-call-id="${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain("(415) 555-0196");
    expect(await row.textContent()).toContain("(415) 555-0101");
    expect((await life).error).toBeUndefined();

    await popup.locator(".status", { hasText: "Voicemail" }).waitFor();
    expect(await popup.locator("audio").getAttribute("src")).toMatch(/^https:\/\/api\.twilio\.com\//);
    await shot(page, "live-05-voicemail-popup");
    await popup.getByRole("button", { name: "Close" }).click();

    await page.getByTestId("bell").click();
    await page.locator(".notifications li.voicemail", { hasText: "Voicemail from (415) 555-0196" }).waitFor();
    await page.keyboard.press("Escape");

    await page.goto("/#/calls?outcome=voicemail");
    const logged = page.locator("table.calls tbody tr", { hasText: "(415) 555-0196" });
    await logged.waitFor();
    expect(await logged.getAttribute("data-outcome")).toBe("voicemail");
    expect(await logged.textContent()).toContain("Voicemail");
    // The tracking number, formatted, with its label beneath.
    expect(await logged.locator("td").nth(3).textContent()).toBe("(415) 555-0101Yard signs");
    expect(await logged.locator("audio").getAttribute("src")).toMatch(/^https:\/\/api\.twilio\.com\//);
    await shot(page, "live-06-voicemail-call-log");
    await logged.getByRole("link").first().click();
    await page.getByRole("heading", { name: "Call from (415) 555-0196" }).waitFor();
    expect(await page.locator(".facts audio").count()).toBe(1);
    await page.locator(".facts").getByRole("link", { name: "Listen" }).waitFor();
    expect(refused).toEqual([]);
    await page.goto("/#/");
  });
});
