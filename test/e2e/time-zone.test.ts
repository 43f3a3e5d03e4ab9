/**
 * The browser in Tokyo, the business in Los Angeles: every time on the dashboard is the business's,
 * and a date typed into a filter is the business's day, as the server reads it. A call is shown at
 * its Los Angeles time, found by filtering for its Los Angeles day, and counted in that day's report.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { simulateCall, type SimulatorOptions } from "../../scripts/networks/call-life.ts";
import { launch, logIn, shot } from "./chromium.ts";

const baseURL = inject("baseURL");
const sim: SimulatorOptions = { url: baseURL, token: "demo-twilio-auth-token", account: "AC00000000000000000000000000000000", ring: 0.3, talk: 1 };
const MAIN = "+14155550100";
const TENANT_ZONE = "America/Los_Angeles"; // the demo tenant's
const BROWSER_ZONE = "Asia/Tokyo";
const CALLER = "+14155550193";
let browser: Browser;
let page: Page;

// The expectations are worked out here in Node with Intl alone, not with the code under test.
/** How the dashboard shows a moment of this year: "Nov 30, 6:02 AM" (the year only for another year). */
const shown = (at: number, timeZone: string) => new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZone }).format(at);
const dayIn = (at: number, timeZone: string) => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
const wallIn = (at: number, timeZone: string) => new Intl.DateTimeFormat("sv-SE", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).format(at).replace(" ", "T");

type LoggedCall = { id: string; startedAt: number; followUpAt: number | null };

beforeAll(async () => {
  browser = await launch();
  const context = await browser.newContext({ baseURL, locale: "en-US", timezoneId: BROWSER_ZONE, viewport: { width: 1366, height: 800 } });
  page = await context.newPage();
  await logIn(page, "admin@demo.test");
});
afterAll(async () => {
  await browser?.close();
});

async function websiteCalls(day: string) {
  await page.goto(`/#/reports?from=${day}&to=${day}`);
  const row = page.locator('table.report tr[data-campaign="Website"]');
  await row.waitFor();
  return Number(await row.locator(".calls").textContent());
}

describe("a browser in Tokyo, a business in Los Angeles", () => {
  it("shows a call at its Los Angeles time, finds it on its Los Angeles day, and counts it in that day's report", async () => {
    expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe(BROWSER_ZONE);
    const day = dayIn(Date.now(), TENANT_ZONE);
    const before = await websiteCalls(day);

    expect((await simulateCall(sim, CALLER, MAIN, "answered")).error).toBeUndefined();
    const res = await page.request.get(`/api/calls?q=${CALLER.slice(-4)}&limit=1`);
    const [call] = ((await res.json()) as { items: LoggedCall[] }).items;
    if (!call) throw new Error("the call is not in the log");
    // Minutes after midnight in Los Angeles, the day is another there than here: the test works on the call's own day.
    const callDay = dayIn(call.startedAt, TENANT_ZONE);

    // The log, unfiltered: the Los Angeles time, not Tokyo's, with the zone said beside the filters.
    await page.goto(`/#/calls?q=${CALLER.slice(-4)}`);
    const started = page.locator("table.calls tbody tr").first().locator("td").first();
    await started.filter({ hasText: shown(call.startedAt, TENANT_ZONE) }).waitFor();
    expect(shown(call.startedAt, TENANT_ZONE)).not.toBe(shown(call.startedAt, BROWSER_ZONE));
    expect(await page.getByTestId("zone-hint").textContent()).toBe("Dates and times in Pacific Time");

    // Filtered by its day, typed into the date inputs as a person would: found.
    await page.getByLabel("From", { exact: true }).fill(callDay);
    await page.getByLabel("To", { exact: true }).fill(callDay);
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(new RegExp(`from=${callDay}&to=${callDay}`));
    await page.locator("table.calls tbody tr", { hasText: shown(call.startedAt, TENANT_ZONE) }).waitFor();
    await shot(page, "time-zone-01-call-log-filtered");
    // Tokyo's date for it, when that is another day, is not its day.
    const tokyoDay = dayIn(call.startedAt, BROWSER_ZONE);
    if (tokyoDay !== callDay) {
      await page.goto(`/#/calls?q=${CALLER.slice(-4)}&from=${tokyoDay}&to=${tokyoDay}`);
      await page.waitForFunction(() => document.querySelector("table.calls") && document.querySelectorAll("table.calls tbody tr").length === 0);
    }

    // Its page says the same time.
    await page.goto(`/#/calls/${call.id}`);
    await page.locator("dl.facts dd", { hasText: shown(call.startedAt, TENANT_ZONE) }).waitFor();

    // The report for that day counts it (the day it was made, should midnight have passed meanwhile).
    expect(await websiteCalls(callDay)).toBe(callDay === day ? before + 1 : 1);
    await shot(page, "time-zone-02-report");
    // And the report opens on this month of the Los Angeles calendar.
    await page.goto("/#/reports");
    const today = dayIn(Date.now(), TENANT_ZONE);
    expect([await page.getByLabel("From", { exact: true }).inputValue(), await page.getByLabel("To", { exact: true }).inputValue()]).toEqual([`${today.slice(0, 8)}01`, today]);
  });

  it("reads and writes a follow-up reminder's date and time in Los Angeles time", async () => {
    const [call] = ((await (await page.request.get(`/api/calls?q=${CALLER.slice(-4)}&limit=1`)).json()) as { items: LoggedCall[] }).items;
    const due = call!.startedAt + 3 * 86_400_000;
    const wall = wallIn(due, TENANT_ZONE);
    await page.goto(`/#/calls/${call!.id}`);
    const input = page.getByLabel("Follow-up reminder");
    await input.fill(wall);
    await page.getByRole("button", { name: "Save call information" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    const saved = (await (await page.request.get(`/api/calls/${call!.id}`)).json()) as LoggedCall;
    expect(saved.followUpAt).toBe(due - (due % 60_000));
    await page.reload();
    expect(await page.getByLabel("Follow-up reminder").inputValue()).toBe(wall);
    expect(await page.locator("form.call-info label", { hasText: "Follow-up reminder" }).textContent()).toContain("(Pacific Time)");
    // Cleared again: no reminder left to fire in a later test.
    await page.getByLabel("Follow-up reminder").fill("");
    await page.getByRole("button", { name: "Save call information" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    expect(((await (await page.request.get(`/api/calls/${call!.id}`)).json()) as LoggedCall).followUpAt).toBeNull();
  });
});
