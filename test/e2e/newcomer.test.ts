/**
 * The self-service issue's "done when", all in the browser: someone who has never seen Switchboard
 * signs up, buys a sandbox tracking number, says where it rings, places the test call from the
 * checklist and sees the popup; invites an agent, who opens the copied link in a second browser,
 * joins, and sees the popup of the next test call.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, shots } from "./chromium.ts";
import { formatPhone } from "../../schema/phone.ts";

const baseURL = inject("baseURL");
const stamp = Date.now();
let browser: Browser;
let ownerContext: BrowserContext;
let owner: Page;

const step = (p: Page, id: string) => p.locator(`.setup li[data-step="${id}"]`);
const popup = (p: Page) => p.locator(".popup", { hasText: "Incoming call:" });

beforeAll(async () => {
  browser = await launch();
  ownerContext = await browser.newContext({ baseURL, viewport: { width: 1366, height: 800 } });
  await ownerContext.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  owner = await ownerContext.newPage();
});
afterAll(async () => {
  await browser?.close();
});

describe("a newcomer sets up Switchboard", () => {
  it("signs up, buys a number, places a test call, invites an agent who sees the next one", async () => {
    // 1. Sign up from the login page.
    await owner.goto("/");
    await owner.getByRole("link", { name: "Create an account for your business" }).click();
    await owner.getByLabel("Business name").fill("Maple Street Plumbing");
    await owner.getByLabel("Your name").fill("Morgan Maple");
    await owner.getByLabel("Email").fill(`morgan-${stamp}@maple.test`);
    await owner.getByLabel("Password").fill("pipes and wrenches");
    await shots(owner, "newcomer-01-signup");
    await owner.getByRole("button", { name: "Create account" }).click();

    // 2. The dashboard greets them with the checklist: the sandbox counts as a provider account.
    await owner.getByRole("heading", { name: /Getting started/ }).waitFor();
    await owner.getByTestId("connection").filter({ hasText: "Live" }).waitFor();
    await step(owner, "provider").and(owner.locator(".done")).waitFor();
    expect(await step(owner, "number").getAttribute("class")).toBe("todo");
    expect(await shots(owner, "newcomer-02-checklist")).toBe(true);

    // 3. Buy a sandbox number, and say where it rings.
    await step(owner, "number").getByRole("link", { name: "Go to Numbers" }).click();
    await owner.getByRole("heading", { name: "Tracking numbers" }).waitFor();
    await owner.getByLabel("Area code").fill("503");
    await owner.getByRole("button", { name: "Search" }).click();
    const choose = owner.getByRole("button", { name: /^Choose \(503\)/ }).first();
    const number = (await choose.getAttribute("data-number"))!;
    await choose.click();
    const buy = owner.getByRole("form", { name: "Buy number" });
    await buy.getByLabel("Label").fill("Van signs");
    await buy.getByLabel("Termination number (where it rings)").fill("(503) 555-0150");
    expect(await shots(owner, "newcomer-03-buy")).toBe(true);
    await buy.getByRole("button", { name: `Buy ${formatPhone(number, "US")}` }).click();
    await owner.locator(`tr[data-number="${number}"]`).waitFor();
    expect(await shots(owner, "newcomer-04-bought")).toBe(true);

    // 4. Back on the dashboard: number and routing tick; the test call rings and the popup opens.
    await owner.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
    await step(owner, "routing").and(owner.locator(".done")).waitFor();
    expect(await step(owner, "number").getAttribute("class")).toBe("done");
    expect(await shots(owner, "newcomer-05-routed")).toBe(true);
    await step(owner, "test-call").getByRole("button", { name: "Place a test call" }).click();
    await popup(owner).waitFor({ timeout: 15_000 });
    expect(await popup(owner).textContent()).toContain(formatPhone(number, "US"));
    await step(owner, "test-call").and(owner.locator(".done")).waitFor();
    expect(await shots(owner, "newcomer-06-test-call-popup")).toBe(true);
    await popup(owner).getByRole("button", { name: "Close" }).click();

    // 5. Invite an agent and copy the link.
    await step(owner, "team").getByRole("link", { name: "Go to Settings › Team" }).click();
    const invite = owner.getByRole("form", { name: "Invite someone" });
    await invite.getByLabel("Email").fill(`alex-${stamp}@maple.test`);
    await invite.getByLabel("Role").selectOption({ label: "Agent" });
    await invite.getByRole("button", { name: "Create invitation" }).click();
    const once = owner.getByRole("region", { name: `Invitation for alex-${stamp}@maple.test` });
    await once.getByRole("button", { name: "Copy" }).click();
    await once.getByRole("button", { name: "Copied" }).waitFor();
    const link = await owner.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(await once.getByRole("textbox").inputValue());
    expect(await shots(owner, "newcomer-07-invitation")).toBe(true);

    // Everything is done: the checklist steps aside.
    await owner.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
    await owner.getByRole("heading", { name: "Active calls" }).waitFor();
    await expect.poll(() => owner.locator(".setup").count()).toBe(0);

    // The test call rings for 25 seconds, unanswered; one rings at a time.
    await owner.getByRole("button", { name: "Active calls: 0" }).waitFor({ timeout: 40_000 });

    // 6. The agent opens the link on a phone, joins, and is in.
    const agentContext = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, isMobile: true });
    const agent = await agentContext.newPage();
    await agent.goto(link);
    await agent.getByRole("heading", { name: "Join Maple Street Plumbing as an agent" }).waitFor();
    await agent.getByLabel("Your name").fill("Alex Agent");
    await agent.getByLabel("Password").fill("answering every call");
    await shots(agent, "newcomer-08-agent-joins");
    await agent.getByRole("button", { name: "Join Maple Street Plumbing" }).click();
    await agent.getByTestId("connection").filter({ hasText: "Live" }).waitFor();
    // On a phone the screens are behind the menu button, Profile among them.
    await agent.getByRole("button", { name: "Menu" }).click();
    expect(await agent.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents()).toEqual(["Dashboard", "Contacts", "Call log", "Profile"]);
    await agent.getByRole("button", { name: "Menu" }).click();

    // 7. The next test call, from the Numbers screen: both see its popup.
    await owner.goto("/#/numbers");
    await owner.locator(`tr[data-number="${number}"]`).getByRole("button", { name: "Test call" }).click();
    await popup(agent).waitFor({ timeout: 15_000 });
    await popup(owner).waitFor();
    expect(await popup(agent).textContent()).toContain(formatPhone(number, "US"));
    expect(await shots(agent, "newcomer-09-agent-popup")).toBe(true);
    expect(await shots(owner, "newcomer-10-owner-popup")).toBe(true);
    await agentContext.close();
  }, 90_000);
});
