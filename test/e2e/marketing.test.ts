import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { simulateCall, type SimulatorOptions } from "../../scripts/networks/call-life.ts";
import { launch, shot } from "./chromium.ts";

const baseURL = inject("baseURL");
const sim: SimulatorOptions = { url: baseURL, token: "demo-twilio-auth-token", account: "AC00000000000000000000000000000000", ring: 0.3, talk: 1 };
let browser: Browser;
let page: Page;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  browser = await launch();
  page = await (await browser.newContext({ baseURL, viewport: { width: 1366, height: 900 } })).newPage();
  page.on("dialog", (dialog) => void dialog.accept());
  await page.goto("/");
  await page.getByLabel("Email").fill("admin@demo.test");
  await page.getByLabel("Password").fill("demo-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByTestId("connection").filter({ hasText: "Live" }).waitFor();
});
afterAll(async () => {
  await browser?.close();
});

async function reportRow(name: string) {
  await page.goto(`/#/reports?from=${day(-1)}&to=${day(1)}`);
  const row = page.locator(`table.report tr[data-campaign="${name}"]`);
  await row.waitFor();
  return { calls: Number(await row.locator(".calls").textContent()), income: await row.locator(".income").textContent(), row };
}

describe("from a new number to money in the report", () => {
  it("buy a sandbox number for a campaign, take calls on it, record income, and see the report change", async () => {
    // A campaign.
    await page.goto("/#/campaigns");
    await page.getByLabel("Name").fill("Trade show");
    await page.getByLabel("Monthly cost ($)").fill("200");
    await page.getByRole("button", { name: "Add campaign" }).click();
    await page.locator("table.list td", { hasText: "Trade show" }).waitFor();

    // A number for it, from the sandbox's 555-01xx range of area code 503.
    await page.goto("/#/numbers");
    await page.getByLabel("Area code").fill("503");
    await page.getByRole("button", { name: "Search" }).click();
    const choose = page.getByRole("button", { name: /^Choose \+1503/ }).first();
    const number = (await choose.textContent())!.replace("Choose ", "");
    await shot(page, "marketing-01-available-numbers");
    await choose.click();
    const buy = page.getByRole("form", { name: "Buy number" });
    await buy.getByLabel("Label").fill("Trade show booth");
    await buy.getByLabel("Campaign").selectOption({ label: "Trade show" });
    await buy.getByLabel("Termination number (where it rings)").fill("(415) 555-0150");
    await buy.getByRole("button", { name: `Buy ${number}` }).click();
    const row = page.locator(`tr[data-number="${number}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain("Trade show");
    await shot(page, "marketing-02-bought");

    const before = await reportRow("Trade show");
    expect(before.calls).toBe(0);
    expect(before.income).toBe("$0.00");

    // Two calls to it; the first caller becomes a customer from the popup.
    await page.goto("/#/");
    const first = simulateCall(sim, "+14155550182", number, "answered");
    const popup = page.locator(".popup", { hasText: "Incoming call: +14155550182" });
    await popup.getByRole("button", { name: "New Customer" }).click();
    await page.getByLabel("Name").fill("Pat Price");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Pat Price" }).waitFor();
    expect((await first).error).toBeUndefined();
    expect((await simulateCall(sim, "+14155550183", number, "no-answer")).error).toBeUndefined();
    for (const caller of ["+14155550182", "+14155550183"]) await page.locator(".popup", { hasText: `Incoming call: ${caller}` }).getByRole("button", { name: "Close" }).click();

    // Income for Pat, as the accounting system would send it.
    await page.goto(`/#/reports?from=${day(-1)}&to=${day(1)}`);
    const income = page.getByRole("form", { name: "Record income" });
    await income.getByPlaceholder("Name or phone").fill("Pat Price");
    await income.getByLabel("Which one").locator("option", { hasText: "Pat Price" }).waitFor({ state: "attached" });
    await income.getByLabel("Amount ($)").fill("750");
    await income.getByLabel("Received on").fill(day(0));
    await income.getByLabel("Invoice or payment number").fill(`TS-${Date.now()}`);
    await income.getByRole("button", { name: "Record income" }).click();
    await page.getByRole("status").filter({ hasText: "Income recorded" }).waitFor();

    // The report reloads with the income in it.
    const after = page.locator('table.report tr[data-campaign="Trade show"]');
    await after.locator(".income", { hasText: "$750.00" }).waitFor();
    // Two callers, both new to the tenant; one became a customer.
    expect(await after.locator("td").allTextContents()).toEqual(expect.arrayContaining(["Trade show", "2", "50.0%", "1", "$750.00"]));
    await page.locator(".chart canvas").first().waitFor();
    await shot(page, "marketing-03-report");

    // Delete the number: routing and tracking stop.
    await page.goto("/#/numbers");
    await page.locator(`tr[data-number="${number}"]`).getByRole("button", { name: "Delete" }).click();
    await page.getByRole("status").filter({ hasText: `${number} no longer routes or tracks calls` }).waitFor();
    await page.locator(`tr[data-number="${number}"]`).waitFor({ state: "detached" });
    await shot(page, "marketing-04-deleted");
  }, 90_000);
});
