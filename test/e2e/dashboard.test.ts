import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { simulateCall, type SimulatorOptions } from "../../scripts/networks/call-life.ts";
import { launch, logIn, shot } from "./chromium.ts";
import { startProxy } from "./proxy.ts";
import { formatPhone } from "../../schema/phone.ts";

const baseURL = inject("baseURL");
const sim = (ring: number, talk = 1): SimulatorOptions => ({ url: baseURL, token: "demo-twilio-auth-token", account: "AC00000000000000000000000000000000", ring, talk });
const MAIN = "+14155550100";
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** A number as the dashboard shows it (the demo tenant is in the US). */
const shown = (number: string) => formatPhone(number, "US");
const popupFor = (p: Page, number: string) => p.locator(".popup", { hasText: `Incoming call: ${shown(number)}` });

beforeAll(async () => {
  browser = await launch();
  context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 900 } });
  page = await context.newPage();
  await logIn(page, "admin@demo.test");
});
afterAll(async () => {
  await browser?.close();
});

describe("the incoming-call popup", () => {
  it("a known caller: name, type, History and Open, which opens the contact with its phones and calls", async () => {
    const life = simulateCall(sim(2), "+14155550125", MAIN, "answered");
    const popup = popupFor(page, "+14155550125");
    await popup.waitFor();
    expect(await popup.locator(".name").textContent()).toBe("Bob Baker");
    expect(await popup.locator(".badge").textContent()).toBe("Customer");
    await popup.getByRole("link", { name: "History" }).waitFor();
    await shot(page, "dashboard-01-known-caller");
    expect((await life).error).toBeUndefined();
    await popup.getByRole("link", { name: "Open" }).click();
    await page.getByRole("heading", { name: "Bob Baker" }).waitFor();
    expect(await page.locator(".phones").textContent()).toContain("(415) 555-0126 x12");
    await page.locator("table.history tbody tr").first().waitFor();
    await shot(page, "dashboard-02-contact-with-history");
    await popup.getByRole("button", { name: "Close" }).click();
    await page.goto("/#/");
  });

  it("an unknown caller: New Customer opens a form with the number filled in; the contact saved matches the next call", async () => {
    const caller = "+14155550171";
    // Every call a test starts ends before the test does: a later test file must not inherit it.
    const ringing = simulateCall(sim(8), caller, MAIN, "no-answer");
    const popup = popupFor(page, caller);
    await popup.waitFor();
    for (const name of ["New Customer", "New Vendor", "New Employee", "New Lead", "Select customer", "Close"]) await popup.getByRole("button", { name }).waitFor();
    expect(await popup.locator(".badge").textContent()).toBe("Unknown");
    await shot(page, "dashboard-03-unknown-caller");
    await popup.getByRole("button", { name: "New Customer" }).click();
    await page.getByRole("heading", { name: "New customer" }).waitFor();
    expect(await page.getByLabel("Phone 1", { exact: true }).inputValue()).toBe(caller);
    await page.getByLabel("Name").fill("Carla Cruz");
    await shot(page, "dashboard-04-new-customer-form");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Carla Cruz" }).waitFor();
    // The ringing call now belongs to her, on this screen and every other.
    await popup.locator(".name", { hasText: "Carla Cruz" }).waitFor();
    await popup.getByRole("button", { name: "Close" }).click();

    const next = simulateCall(sim(1), caller, MAIN, "answered");
    const again = popupFor(page, caller);
    await again.locator(".name", { hasText: "Carla Cruz" }).waitFor();
    expect(await again.locator(".badge").textContent()).toBe("Customer");
    await shot(page, "dashboard-05-new-contact-matches");
    expect((await next).error).toBeUndefined();
    await again.getByRole("button", { name: "Close" }).click();
    expect((await ringing).error).toBeUndefined();
  }, 40_000);

  it("Select customer links an unknown call to a contact and saves the number on it", async () => {
    const caller = "+14155550172";
    const ringing = simulateCall(sim(6), caller, MAIN, "no-answer");
    const popup = popupFor(page, caller);
    await popup.getByRole("button", { name: "Select customer" }).click();
    await popup.getByPlaceholder("Name or phone").fill("Val");
    await popup.getByLabel(/Val Vance/).check();
    await shot(page, "dashboard-06-select-customer");
    await popup.getByRole("button", { name: "Select", exact: true }).click();
    await popup.locator(".name", { hasText: "Val Vance" }).waitFor();
    expect(await popup.locator(".badge").textContent()).toBe("Vendor");
    await popup.getByRole("button", { name: "Close" }).click();
    expect((await ringing).error).toBeUndefined();
  });

  it("two calls at once show two popups, neither hiding the other, and the durations tick", async () => {
    await page.goto("/#/");
    const lives = [simulateCall(sim(6), "+14155550173", MAIN, "no-answer"), simulateCall(sim(6), "+14155550174", MAIN, "no-answer")];
    const one = popupFor(page, "+14155550173");
    const two = popupFor(page, "+14155550174");
    await one.waitFor();
    await two.waitFor();
    const [a, b] = [await one.boundingBox(), await two.boundingBox()];
    expect(a && b && (a.y + a.height <= b.y || b.y + b.height <= a.y)).toBe(true);
    const duration = page.locator('.active-calls tbody tr', { hasText: shown("+14155550173") }).locator(".duration");
    const first = await duration.textContent();
    await expect.poll(() => duration.textContent(), { timeout: 5000 }).not.toBe(first);
    await shot(page, "dashboard-07-two-popups");
    await one.getByRole("button", { name: "Close" }).click();
    expect(await two.isVisible()).toBe(true);
    await two.getByRole("button", { name: "Close" }).click();
    for (const life of await Promise.all(lives)) expect(life.error).toBeUndefined();
  });
});

describe("the Notification Center", () => {
  it("keeps a missed call after its popup closes, counted unread until read", async () => {
    const caller = "+14155550175";
    const life = simulateCall(sim(0.5), caller, MAIN, "busy");
    await popupFor(page, caller).waitFor();
    expect((await life).error).toBeUndefined();
    await popupFor(page, caller).getByRole("button", { name: "Close" }).click();
    const bell = page.getByTestId("bell");
    expect(Number(await bell.locator(".unread-count").textContent())).toBeGreaterThan(0);
    await bell.click();
    const missed = page.locator(".notifications li.missed-call.unread", { hasText: `Missed call: ${shown(caller)}` });
    await missed.waitFor();
    await shot(page, "dashboard-08-notification-center");
    await page.getByRole("button", { name: "Mark all read" }).click();
    await page.locator(".notifications li.unread").first().waitFor({ state: "detached" });
    expect(await bell.locator(".unread-count").count()).toBe(0);
    await page.keyboard.press("Escape");
    // Read on every screen of this user: a second tab agrees.
    const other = await context.newPage();
    await other.goto("/");
    await other.getByTestId("connection").filter({ hasText: "Live" }).waitFor();
    expect(await other.getByTestId("bell").locator(".unread-count").count()).toBe(0);
    await other.close();
  });

  it("a follow-up reminder fires at its time and lands in the Notification Center", async () => {
    const caller = "+14155550176";
    const ringing = simulateCall(sim(6), caller, MAIN, "no-answer");
    const popup = popupFor(page, caller);
    await popup.getByRole("button", { name: "Call information" }).click();
    await popup.getByLabel("Subject").fill("Send the boiler quote");
    // Due this very minute: the Switchboard's alarm fires it at once. Typed as the business's clock reads it.
    const minute = new Intl.DateTimeFormat("sv-SE", { timeZone: "America/Los_Angeles", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).format(Date.now()).replace(" ", "T");
    await popup.getByLabel("Follow-up reminder").fill(minute);
    await popup.getByRole("button", { name: "Save call information" }).click();
    await popup.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    await page.getByTestId("bell").click();
    await page.locator(".notifications li.reminder", { hasText: `Follow up: ${shown(caller)}` }).waitFor({ timeout: 15_000 });
    await shot(page, "dashboard-09-reminder");
    await page.keyboard.press("Escape");
    await popup.getByRole("button", { name: "Close" }).click();
    expect((await ringing).error).toBeUndefined();
  });
});

describe("the call log", () => {
  it("filters by status and caller and opens a call", async () => {
    expect((await simulateCall(sim(0), "+14155550179", MAIN, "busy")).error).toBeUndefined();
    await page.goto("/#/calls?outcome=missed");
    await page.locator("table.calls tbody tr").first().waitFor();
    const statuses = await page.locator("table.calls tbody tr td:nth-child(6)").allTextContents();
    expect(statuses.every((s) => s.startsWith("Missed"))).toBe(true);
    await page.getByRole("searchbox", { name: "Caller" }).fill("0179");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForFunction(() => document.querySelectorAll("table.calls tbody tr").length === 1);
    await shot(page, "dashboard-10-call-log");
    await page.locator("table.calls tbody tr a").first().click();
    await page.getByRole("heading", { name: "Call from (415) 555-0179" }).waitFor();
    expect(await page.locator(".facts").textContent()).toContain("Missed (busy)");
    await page.goto("/#/");
  });
});

describe("staying connected", () => {
  it("shows the reconnecting state on a drop and, back online, shows what it missed", async () => {
    // The second screen reaches the app through a proxy the test can cut: a real network drop.
    const proxy = await startProxy(Number(new URL(baseURL).port));
    const viaProxy = `http://127.0.0.1:${proxy.port}`;
    const dropped = await browser.newContext({ baseURL: viaProxy });
    const second = await dropped.newPage();
    try {
      await logIn(second, "agent@demo.test");
      proxy.cut();
      await second.getByTestId("connection").filter({ hasText: "Reconnecting…" }).waitFor({ timeout: 20_000 });
      await shot(second, "dashboard-11-reconnecting");
      const caller = "+14155550178";
      const life = simulateCall(sim(8), caller, MAIN, "no-answer");
      await popupFor(page, caller).waitFor();
      proxy.restore();
      await second.getByTestId("connection").filter({ hasText: "Live" }).waitFor({ timeout: 20_000 });
      await popupFor(second, caller).waitFor();
      await shot(second, "dashboard-12-resumed");
      expect((await life).error).toBeUndefined();
      await popupFor(page, caller).getByRole("button", { name: "Close" }).click();
    } finally {
      await dropped.close();
      await proxy.close();
    }
  });
});

describe("any screen, any keyboard", () => {
  it("fits a phone-sized screen: no sideways scrolling, popups full width", async () => {
    const phone = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, isMobile: true });
    const p = await phone.newPage();
    await logIn(p, "agent@demo.test");
    const ringing = simulateCall(sim(3), "+14155550142", MAIN, "no-answer");
    await popupFor(p, "+14155550142").waitFor();
    await shot(p, "dashboard-13-phone");
    expect(await p.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    await phone.close();
    expect((await ringing).error).toBeUndefined();
  });

  it("reaches the Notification Center from the keyboard, and Escape closes it", async () => {
    await page.getByTestId("bell").focus();
    await page.keyboard.press("Enter");
    await page.getByRole("region", { name: "Notification Center" }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("region", { name: "Notification Center" }).waitFor({ state: "detached" });
  });
});
