import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { simulateCall, type SimulatorOptions } from "../../scripts/networks/call-life.ts";
import { launch, logIn, shot, shots, apiAs } from "./chromium.ts";
import { formatPhone } from "../../schema/phone.ts";

const baseURL = inject("baseURL");
const sim: SimulatorOptions = { url: baseURL, token: "demo-twilio-auth-token", account: "AC00000000000000000000000000000000", ring: 0.3, talk: 1 };
let browser: Browser;
let page: Page;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  browser = await launch();
  page = await (await browser.newContext({ baseURL, viewport: { width: 1366, height: 900 } })).newPage();
  page.on("dialog", (dialog) => void dialog.accept());
  await logIn(page, "admin@demo.test");
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
    const choose = page.getByRole("button", { name: /^Choose \(503\)/ }).first();
    const number = (await choose.getAttribute("data-number"))!;
    await shot(page, "marketing-01-available-numbers");
    await choose.click();
    const buy = page.getByRole("form", { name: "Buy number" });
    await buy.getByLabel("Label").fill("Trade show booth");
    await buy.getByLabel("Campaign").selectOption({ label: "Trade show" });
    await buy.getByLabel("Termination number (where it rings)").fill("(415) 555-0150");
    await buy.getByRole("button", { name: `Buy ${formatPhone(number, "US")}` }).click();
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
    const popup = page.locator(".popup", { hasText: "Incoming call: (415) 555-0182" });
    await popup.getByRole("button", { name: "New Customer" }).click();
    await page.getByLabel("Name").fill("Pat Price");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Pat Price" }).waitFor();
    expect((await first).error).toBeUndefined();
    expect((await simulateCall(sim, "+14155550183", number, "no-answer")).error).toBeUndefined();
    // Their popups close by themselves once the calls end; meanwhile they keep to their own column.

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
    await page.locator(".roi-chart svg").waitFor();
    await shot(page, "marketing-03-report");

    // Delete the number: routing and tracking stop.
    await page.goto("/#/numbers");
    await page.locator(`tr[data-number="${number}"]`).getByRole("button", { name: "Delete" }).click();
    await page.getByRole("status").filter({ hasText: `${formatPhone(number, "US")} no longer routes or tracks calls` }).waitFor();
    await page.locator(`tr[data-number="${number}"]`).waitFor({ state: "detached" });
    await shot(page, "marketing-04-deleted");
  }, 90_000);
});


async function openAs(email: string) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 800 } });
  const p = await context.newPage();
  p.on("dialog", (dialog) => void dialog.accept());
  await logIn(p, email);
  return p;
}

describe("correcting campaigns, spend and income; the ROI chart; what each role is offered", () => {
  it("edits and ends a campaign, lists and deletes spend, lists, edits and deletes income, and draws cost beside income", async () => {
    await page.setViewportSize({ width: 1366, height: 800 });
    const stamp = Date.now().toString(36);
    const name = `Fair ${stamp}`;
    // A caller no earlier run has used: the first call from the number is this campaign's.
    const caller = `+1503${String(2_000_000 + Math.floor(Math.random() * 7_999_999))}`;

    // The campaign, from the form.
    await page.goto("/#/campaigns");
    const create = page.getByRole("form", { name: "New campaign" });
    await create.getByLabel("Name").fill(name);
    await create.getByLabel("Channel").selectOption("radio");
    await create.getByRole("button", { name: "Add campaign" }).click();
    const row = page.locator(`tr[data-campaign="${name}"]`);
    await row.waitFor();
    const campaignId = (await apiAs<{ items: { id: string; name: string }[] }>(page, "GET", "/api/campaigns")).body.items.find((c) => c.name === name)!.id;

    // A number of its own, a call to it, and the caller as a customer (set up through the API).
    const offered = await apiAs<{ items: { number: string }[] }>(page, "GET", "/api/tracking-numbers/available?areaCode=541");
    const number = offered.body.items[0]!.number;
    const bought = await apiAs<{ id: string }>(page, "POST", "/api/tracking-numbers", { number, label: "Fair booth", campaignId, terminationNumber: "+14155550150" });
    expect(bought.status).toBe(201);
    expect((await simulateCall(sim, caller, number, "answered")).error).toBeUndefined();
    const customer = await apiAs<{ id: string }>(page, "POST", "/api/contacts", { kind: "customer", name: `Fay ${stamp}`, phones: [{ number: caller }] });
    expect(customer.status).toBe(201);
    await page.locator(".popup", { hasText: caller.slice(-4) }).getByRole("button", { name: "Close" }).click({ timeout: 5_000 }).catch(() => {});

    // Edit: its channel, and an end date two days ago (it has ended, whatever the time zone).
    await page.goto("/#/campaigns");
    await row.getByRole("button", { name: `Edit ${name}` }).click();
    const edit = page.getByRole("form", { name: `Edit ${name}` });
    await edit.getByLabel("Channel").selectOption("print");
    await edit.getByLabel("Ends on").fill(day(-2));
    await edit.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: `Saved ${name}` }).waitFor();
    await row.locator(".badge", { hasText: "Ended" }).waitFor();
    expect(await row.locator("td").allTextContents()).toEqual(expect.arrayContaining(["print", "$0.00"]));
    expect(await row.locator('td[data-label="Runs"]').textContent()).toMatch(/^Until [A-Z][a-z]{2} \d{1,2}, \d{4}$/);

    // One-off spend: two added, both listed as money on a date, one deleted.
    const spend = page.getByRole("form", { name: `Spend on ${name}` });
    for (const [amount, note] of [["300", "Booth"], ["45.50", "Flyers"]] as const) {
      await spend.getByLabel("Spent on").fill(day(0));
      await spend.getByLabel("Amount ($)").fill(amount);
      await spend.getByLabel("What for").fill(note);
      await spend.getByRole("button", { name: "Add spend" }).click();
      await page.locator("table.spend td", { hasText: note }).waitFor();
    }
    const spends = page.locator("table.spend tbody tr");
    expect(await spends.count()).toBe(2);
    expect(await page.locator("table.spend").textContent()).toContain("$45.50");
    expect(await page.locator("table.spend").textContent()).toContain("$300.00");
    expect(await spends.first().locator("td").first().textContent()).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}$/);
    expect(await shots(page, "marketing-05-campaign-edit")).toBe(true);
    await page.getByRole("button", { name: /^Delete spend of \$45\.50/ }).click();
    await page.locator("table.spend td", { hasText: "Flyers" }).waitFor({ state: "detached" });
    expect(await spends.count()).toBe(1);

    // Income for the customer, from the report's form.
    const reference = `FAIR-${stamp}`;
    await page.goto(`/#/reports?from=${day(-1)}&to=${day(1)}`);
    const record = page.getByRole("form", { name: "Record income" });
    await record.getByPlaceholder("Name or phone").fill(`Fay ${stamp}`);
    await record.getByLabel("Which one").locator("option", { hasText: `Fay ${stamp}` }).waitFor({ state: "attached" });
    await record.getByLabel("Amount ($)").fill("1250");
    await record.getByLabel("Received on").fill(day(0));
    await record.getByLabel("Invoice or payment number").fill(reference);
    await record.getByRole("button", { name: "Record income" }).click();
    const reportRow = page.locator(`table.report tr[data-campaign="${name}"]`);
    await reportRow.locator(".income", { hasText: "$1,250.00" }).waitFor();
    expect(await reportRow.locator('td[data-label="Cost"]').textContent()).toBe("$300.00");

    // The chart: a legend that names what it shows, and the $300 cost beside the $1,250 income.
    const legend = (await page.locator(".roi-chart .legend").textContent())!;
    expect(legend).toContain("Cost");
    expect(legend).toContain("Income");
    expect(await page.locator(".roi-chart").textContent()).not.toContain("--");
    const cost = (await page.locator(`.roi-chart rect.cost[data-campaign="${name}"]`).boundingBox())!;
    const income = (await page.locator(`.roi-chart rect.income[data-campaign="${name}"]`).boundingBox())!;
    expect(cost.width).toBeGreaterThan(4);
    expect(cost.height).toBeGreaterThan(4);
    expect(income.height).toBeGreaterThan(cost.height);
    expect(cost.x + cost.width).toBeLessThanOrEqual(income.x);
    // Tick labels are inside the chart's box, not cut at its left.
    const chartBox = (await page.locator(".roi-chart svg").boundingBox())!;
    for (const tick of await page.locator(".roi-chart .tick text").all()) expect((await tick.boundingBox())!.x).toBeGreaterThanOrEqual(chartBox.x);
    expect(await page.locator(".roi-chart .tick text").first().textContent()).toMatch(/^\$/);
    await page.locator(".roi-chart").scrollIntoViewIfNeeded();
    expect(await shots(page, "marketing-06-report-chart")).toBe(true);
    // In dark mode the axis and names take the page's text colour.
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await page.locator(".roi-chart .name").first().evaluate((el) => getComputedStyle(el).fill)).toBe(await page.evaluate(() => getComputedStyle(document.body).color));
    await page.locator(".roi-chart").screenshot({ path: "test-results/screenshots/marketing-06-report-chart-dark.png" });
    await page.emulateMedia({ colorScheme: "light" });

    // Income listed, corrected in its row, then deleted.
    const entry = page.locator(`tr[data-income="${reference}"]`);
    expect(await entry.locator(".amount").textContent()).toBe("$1,250.00");
    expect(await entry.locator("td").first().textContent()).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}$/);
    await entry.getByRole("button", { name: `Edit income ${reference}` }).click();
    await entry.getByLabel("Amount ($)").fill("1,300");
    await entry.getByRole("button", { name: "Save" }).click();
    await entry.locator(".amount", { hasText: "$1,300.00" }).waitFor();
    await reportRow.locator(".income", { hasText: "$1,300.00" }).waitFor();
    await page.locator("#income-list-title").scrollIntoViewIfNeeded();
    expect(await shots(page, "marketing-07-income-list")).toBe(true);
    await entry.getByRole("button", { name: `Delete income ${reference}` }).click();
    await entry.waitFor({ state: "detached" });
    await reportRow.locator(".income", { hasText: "$0.00" }).waitFor();

    // Deleting the campaign: the confirmation says what happens; its number stays, with no campaign.
    await page.goto("/#/campaigns");
    let asked = "";
    page.once("dialog", (d) => void (asked = d.message()));
    await row.getByRole("button", { name: `Delete ${name}` }).click();
    await row.waitFor({ state: "detached" });
    expect(asked).toContain("Its tracking number keeps routing and tracking calls, with no campaign");
    expect(asked).toContain('count in reports as "No campaign"');
    expect((await apiAs(page, "DELETE", `/api/tracking-numbers/${bought.body.id}`)).status).toBe(200);
  }, 120_000);

  it("an agent is offered no campaign or income controls; a reporting user reads campaigns, spend and income but changes none", async () => {
    const agent = await openAs("agent@demo.test");
    expect(await agent.locator("header a", { hasText: "Campaigns" }).count()).toBe(0);
    for (const screen of ["/#/campaigns", "/#/reports"]) {
      await agent.goto(screen);
      await agent.getByText("Your role does not open this screen").waitFor();
      for (const control of ["New campaign", "Add campaign", "Edit", "Delete", "Record income"]) expect(await agent.getByRole("button", { name: control }).count(), control).toBe(0);
      expect(await agent.getByRole("heading", { name: "New campaign" }).count()).toBe(0);
    }
    expect(await shots(agent, "marketing-08-agent-campaigns")).toBe(true);
    await agent.context().close();

    const reporting = await openAs("reporting@demo.test");
    await reporting.goto("/#/campaigns");
    const website = reporting.locator('tr[data-campaign="Website"]');
    await website.waitFor();
    expect(await reporting.getByRole("button", { name: /^(Edit|Delete)\b/ }).count()).toBe(0);
    expect(await reporting.getByRole("heading", { name: "New campaign" }).count()).toBe(0);
    await website.getByRole("button", { name: "Details of Website" }).click();
    await reporting.locator("table.spend").waitFor();
    expect(await reporting.getByRole("form").count()).toBe(0);
    expect(await shots(reporting, "marketing-09-reporting-campaign")).toBe(true);
    await reporting.goto(`/#/reports?from=${day(-30)}&to=${day(1)}`);
    await reporting.locator("table.income-list").waitFor();
    expect(await reporting.locator("table.income-list button").count()).toBe(0);
    expect(await reporting.getByRole("form", { name: "Record income" }).count()).toBe(0);
    await reporting.context().close();
  }, 60_000);
});
