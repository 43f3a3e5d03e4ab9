/**
 * Self-service in the browser: a business signs up, changes its settings, makes and revokes an API
 * key, sees its provider accounts, changes a password; and weaker roles see none of it.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { simulateCall } from "../../scripts/networks/call-life.ts";
import { launch, shots } from "./chromium.ts";

const baseURL = inject("baseURL");
const owner = { email: `owner-${Date.now()}@settings.test`, password: "correct horse battery" };
let browser: Browser;
let context: BrowserContext;
let page: Page;

async function logIn(p: Page, email: string, password = "demo-password") {
  await p.goto("/");
  await p.getByLabel("Email").fill(email);
  await p.getByLabel("Password").fill(password);
  await p.getByRole("button", { name: "Log in" }).click();
  await p.getByTestId("who").waitFor();
}

beforeAll(async () => {
  browser = await launch();
  context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 800 } });
  page = await context.newPage();
  page.on("dialog", (dialog) => void dialog.accept());
});
afterAll(async () => {
  await browser?.close();
});

describe("signing up", () => {
  it("from the login page: a short password is refused with the rule, then the owner lands in the dashboard", async () => {
    await page.goto("/");
    await page.getByRole("link", { name: "Create an account for your business" }).click();
    await page.getByRole("heading", { name: "Create your Switchboard" }).waitFor();
    // The browser's own zone and country are the defaults.
    expect(await page.getByLabel("Time zone").inputValue()).toBe(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone));
    expect(await page.getByLabel("Country").inputValue()).toMatch(/^[A-Z]{2}$/);
    await page.getByLabel("Business name").fill("Orchard Electric");
    await page.getByLabel("Your name").fill("Olive Orchard");
    await page.getByLabel("Email").fill(owner.email);
    // The form's own minimum is the server's: the server's message shows when the browser's is bypassed.
    await page.getByLabel("Password").evaluate((el) => el.removeAttribute("minlength"));
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    expect(await page.getByRole("alert").textContent()).toBe("Password must be at least 10 characters");
    expect(await shots(page, "settings-01-signup")).toBe(true);
    await page.getByLabel("Password").fill(owner.password);
    await page.getByRole("button", { name: "Create account" }).click();
    const who = page.getByTestId("who");
    await who.waitFor();
    expect(await who.getAttribute("title")).toBe(`Olive Orchard · Admin · ${owner.email}`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).waitFor();
    expect(await shots(page, "settings-02-signed-up")).toBe(true);
  });

  it("the same email again is refused with the server's words", async () => {
    const other = await (await browser.newContext({ baseURL })).newPage();
    await other.goto("/#/signup");
    await other.getByLabel("Business name").fill("Orchard Again");
    await other.getByLabel("Your name").fill("Olive");
    await other.getByLabel("Email").fill(owner.email);
    await other.getByLabel("Password").fill(owner.password);
    await other.getByRole("button", { name: "Create account" }).click();
    expect(await other.getByRole("alert").textContent()).toBe("An account with this email already exists; log in instead");
    await other.context().close();
  });
});

describe("Settings", () => {
  it("Business: the name changes and the change is kept", async () => {
    await page.goto("/#/settings");
    const form = page.getByRole("form", { name: "Business" });
    expect(await form.getByLabel("Business name").inputValue()).toBe("Orchard Electric");
    await form.getByLabel("Business name").fill("Orchard Electric & Solar");
    await form.getByLabel("Attribution window (days)").fill("60");
    await form.getByRole("button", { name: "Save" }).click();
    await form.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    expect(await shots(page, "settings-03-business")).toBe(true);
    await page.reload();
    expect(await page.getByRole("form", { name: "Business" }).getByLabel("Business name").inputValue()).toBe("Orchard Electric & Solar");
    expect(await page.getByLabel("Attribution window (days)").inputValue()).toBe("60");
  });

  it("Provider accounts: the sign-up's sandbox account, said so, with no token in sight", async () => {
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Provider accounts" }).click();
    const row = page.locator('tr[data-provider="twilio"]');
    await row.waitFor();
    expect(await row.textContent()).toContain("Sandbox (fictional numbers, simulated calls)");
    // The sandbox is never called: its test says so.
    await row.getByRole("button", { name: "Test connection" }).click();
    await page.getByRole("status").filter({ hasText: /^Connection works: AC[0-9a-f]{32} \(sandbox: not called\)\.$/ }).waitFor();
    // Replacing credentials asks for the current password; a wrong one is refused in words.
    await row.getByRole("button", { name: "Replace credentials" }).click();
    const form = page.getByRole("form", { name: "Twilio account" });
    await form.getByLabel("Account SID").fill(`AC${"1".repeat(32)}`);
    await form.getByLabel("Auth token").fill("a-made-up-token");
    // Typed credentials are tried before saving; this machine reaches no Twilio, and the page says what failed.
    await form.getByRole("button", { name: "Test connection" }).click();
    await form.getByRole("status").filter({ hasText: /^Connection failed: \S/ }).waitFor({ timeout: 20_000 });
    await form.getByLabel("Your current password").fill("not my password");
    await form.getByRole("button", { name: "Save" }).click();
    await form.getByRole("status").filter({ hasText: "Your current password is not right; nothing was saved" }).waitFor();
    expect(await shots(page, "settings-04-providers")).toBe(true);
    await form.getByRole("button", { name: "Cancel" }).click();
  });

  it("Team: an invitation link is shown once; the invited reporting user joins from a second browser", async () => {
    await page.goto("/#/settings/team");
    await page.locator(`tr[data-user="${owner.email}"]`).waitFor();
    const form = page.getByRole("form", { name: "Invite someone" });
    await form.getByLabel("Email").fill("rita@orchard.test");
    await form.getByLabel("Role").selectOption({ label: "Reporting" });
    await form.getByRole("button", { name: "Create invitation" }).click();
    const once = page.getByRole("region", { name: "Invitation for rita@orchard.test" });
    await once.waitFor();
    const url = await once.getByRole("textbox").inputValue();
    expect(url).toMatch(/\/#\/invite\/[\w-]+$/);
    expect(await once.textContent()).toContain("valid 7 days");
    await once.getByRole("button", { name: "Copy" }).waitFor();
    await page.locator('tr[data-invitation="rita@orchard.test"]').waitFor();
    // A second invitation, withdrawn: its row goes.
    await form.getByLabel("Email").fill("nobody@orchard.test");
    await form.getByRole("button", { name: "Create invitation" }).click();
    const withdrawn = page.locator('tr[data-invitation="nobody@orchard.test"]');
    await withdrawn.getByRole("button", { name: "Withdraw" }).click();
    await withdrawn.waitFor({ state: "detached" });
    expect(await shots(page, "settings-08-team-invited")).toBe(true);

    const newcomer = await browser.newContext({ baseURL, viewport: { width: 1366, height: 800 } });
    const rita = await newcomer.newPage();
    await rita.goto(url.replace(/^https?:\/\/[^/]+/, ""));
    await rita.getByRole("heading", { name: "Join Orchard Electric & Solar as a reporting user" }).waitFor();
    await rita.getByLabel("Your name").fill("Rita Reyes");
    await rita.getByLabel("Password").fill("reports all day long");
    expect(await shots(rita, "settings-09-invitation")).toBe(true);
    await rita.getByRole("button", { name: "Join Orchard Electric & Solar" }).click();
    await rita.getByTestId("who").filter({ hasText: "Rita Reyes" }).waitFor();
    const nav = rita.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link").allTextContents()).toEqual(["Dashboard", "Call log", "Reports", "Campaigns"]);
    await rita.goto("/#/campaigns");
    await rita.getByRole("heading", { name: "Campaigns" }).waitFor();
    expect(await rita.getByRole("button", { name: "Add campaign" }).count()).toBe(0);
    expect(await shots(rita, "settings-10-reporting-campaigns")).toBe(true);
    // The link works once.
    const again = await (await browser.newContext({ baseURL })).newPage();
    await again.goto(url.replace(/^https?:\/\/[^/]+/, ""));
    await again.getByRole("heading", { name: "This invitation cannot be used" }).waitFor();
    await again.context().close();

    // She forgot her password: the admin makes a reset link, she sets a new one.
    await page.reload();
    const row = page.locator('tr[data-user="rita@orchard.test"]');
    await row.getByRole("button", { name: "Reset link" }).click();
    const reset = page.getByRole("region", { name: "Reset link for Rita Reyes" });
    const resetUrl = await reset.getByRole("textbox").inputValue();
    expect(await shots(page, "settings-11-reset-link")).toBe(true);
    await reset.getByRole("button", { name: "Done" }).click();
    const fresh = await (await browser.newContext({ baseURL })).newPage();
    await fresh.goto(resetUrl.replace(/^https?:\/\/[^/]+/, ""));
    await fresh.getByRole("heading", { name: "Choose a new password" }).waitFor();
    await fresh.getByLabel("New password", { exact: true }).fill("a fresh start today");
    await fresh.getByLabel("New password again").fill("a fresh start today");
    expect(await shots(fresh, "settings-12-reset")).toBe(true);
    await fresh.getByRole("button", { name: "Save and log in" }).click();
    await fresh.getByTestId("who").filter({ hasText: "Rita Reyes" }).waitFor();
    // Made an agent while her dashboard is open: it follows the new role without a reload.
    const freshNav = fresh.getByRole("navigation", { name: "Main" });
    expect(await freshNav.getByRole("link").allTextContents()).toEqual(["Dashboard", "Call log", "Reports", "Campaigns"]);
    await fresh.getByTestId("connection").filter({ hasText: "Live" }).waitFor();
    await row.getByRole("combobox", { name: "Role of Rita Reyes" }).selectOption({ label: "Agent" });
    await expect.poll(() => freshNav.getByRole("link").allTextContents(), { timeout: 10_000 }).toEqual(["Dashboard", "Contacts", "Call log"]);
    await fresh.getByTestId("connection").filter({ hasText: "Live" }).waitFor();
    await fresh.context().close();

    // Disabled, she is out; the owner cannot be demoted below the last admin (not offered).
    await row.getByRole("button", { name: "Disable" }).click();
    await row.filter({ hasText: "Disabled" }).waitFor();
    await rita.getByRole("button", { name: "Log in" }).waitFor({ timeout: 15_000 });
    expect(await page.locator(`tr[data-user="${owner.email}"] select`).count()).toBe(0);
    await newcomer.close();
  });

  it("API keys: a new key is shown once with a copy button, then revoked after a confirmation", async () => {
    await page.goto("/#/settings/keys");
    const form = page.getByRole("form", { name: "New API key" });
    await form.getByLabel("Name").fill("Accounting sync");
    await form.getByLabel("Acts as").selectOption({ label: "Reporting" });
    await form.getByRole("button", { name: "Create API key" }).click();
    const once = page.getByRole("region", { name: 'API key "Accounting sync"' });
    await once.waitFor();
    expect(await once.getByRole("textbox").inputValue()).toMatch(/^sb_/);
    await once.getByRole("button", { name: "Copy" }).waitFor();
    const row = page.locator('tr[data-key="Accounting sync"]');
    await row.waitFor();
    expect(await row.textContent()).toContain("Reporting (3 scopes)");
    expect(await form.getByLabel("Acts as").inputValue()).toBe("agent");
    expect(await shots(page, "settings-05-key-created")).toBe(true);
    await once.getByRole("button", { name: "Done" }).click();
    await row.getByRole("button", { name: "Revoke" }).click();
    await row.waitFor({ state: "detached" });
    await page.getByRole("status").filter({ hasText: 'API key "Accounting sync" revoked' }).waitFor();
  });
  it("Audit log: what changed, by whom, newest first, with older entries a page at a time", async () => {
    // Enough changes for a second page: 50 keys made through the API, as a program would.
    await page.evaluate(async () => {
      for (let i = 0; i < 50; i++) await fetch("/api/keys", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: `Batch ${i}` }) });
    });
    await page.goto("/#/settings/audit");
    const rows = page.locator("table.audit tbody tr");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(50);
    expect(await rows.first().textContent()).toContain('Created API key "Batch 49"');
    expect(await rows.first().textContent()).toContain("Olive Orchard");
    expect(await shots(page, "settings-15-audit")).toBe(true);
    await page.getByRole("button", { name: "Older" }).click();
    await expect.poll(() => rows.count()).toBeGreaterThan(50);
    expect(await page.locator("table.audit").textContent()).toContain('Revoked API key "Accounting sync"');
  });
});

describe("Profile", () => {
  it("changes the password: a wrong current one is refused, then the other session ends", async () => {
    const elsewhere = await browser.newContext({ baseURL });
    const second = await elsewhere.newPage();
    await logIn(second, owner.email, owner.password);

    await page.goto("/#/profile");
    const form = page.getByRole("form", { name: "Change password" });
    await form.getByLabel("Current password").fill("not the password");
    await form.getByLabel("New password", { exact: true }).fill("a brand new passphrase");
    await form.getByLabel("New password again").fill("a brand new passphrase");
    await form.getByRole("button", { name: "Change password" }).click();
    await form.getByRole("status").filter({ hasText: "Wrong current password" }).waitFor();
    await form.getByLabel("Current password").fill(owner.password);
    await form.getByRole("button", { name: "Change password" }).click();
    await form.getByRole("status").filter({ hasText: "Password changed. Signed out of 1 other session." }).waitFor();
    expect(await shots(page, "settings-06-password")).toBe(true);
    owner.password = "a brand new passphrase";
    // The other browser is back at the login.
    await second.getByRole("button", { name: "Log in" }).waitFor({ timeout: 15_000 });
    await elsewhere.close();
  });
});

describe("what each role sees", () => {
  it("an agent: no Settings, Numbers, Reports or Campaigns; contacts and calls to work with", async () => {
    const agent = await (await browser.newContext({ baseURL, viewport: { width: 1366, height: 800 } })).newPage();
    await logIn(agent, "agent@demo.test");
    const nav = agent.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link").allTextContents()).toEqual(["Dashboard", "Contacts", "Call log"]);
    expect(await agent.locator(".setup").count()).toBe(0);
    await agent.goto("/#/contacts");
    await agent.getByRole("link", { name: "New contact" }).waitFor();
    await agent.goto("/#/settings");
    await agent.getByText("Settings are for admins and managers.").waitFor();
    expect(await shots(agent, "settings-07-agent")).toBe(true);
    await agent.context().close();
  });
  it("a reporting user: calls, reports and campaigns to read, and no popup for a ringing call", async () => {
    const reporting = await (await browser.newContext({ baseURL, viewport: { width: 1366, height: 800 } })).newPage();
    await logIn(reporting, "reporting@demo.test");
    expect(await reporting.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents()).toEqual(["Dashboard", "Call log", "Reports", "Campaigns"]);
    await reporting.goto("/#/numbers");
    await reporting.getByText("Your role does not open this screen.").waitFor();
    await reporting.goto("/#/reports");
    await reporting.getByRole("heading", { name: "Campaign report" }).waitFor();
    expect(await reporting.getByRole("button", { name: "Record income" }).count()).toBe(0);
    expect(await shots(reporting, "settings-13-reporting-reports")).toBe(true);
    // A call rings: the reporting user sees it among the active calls, with no popup to answer it.
    await reporting.goto("/#/");
    await reporting.getByTestId("connection").filter({ hasText: "Live" }).waitFor();
    const life = simulateCall({ url: baseURL, token: "demo-twilio-auth-token", account: "AC00000000000000000000000000000000", ring: 3, talk: 1 }, "+14155550177", "+14155550100", "no-answer");
    await reporting.locator(".active-calls tbody tr", { hasText: "(415) 555-0177" }).waitFor();
    expect(await reporting.locator(".popup").count()).toBe(0);
    expect(await shots(reporting, "settings-14-reporting-live")).toBe(true);
    expect((await life).error).toBeUndefined();
    await reporting.context().close();
  });

  it("a manager: Settings with the Business tab only", async () => {
    const manager = await (await browser.newContext({ baseURL, viewport: { width: 1366, height: 800 } })).newPage();
    await logIn(manager, "manager@demo.test");
    await manager.goto("/#/settings/team");
    // A tab the role may not open shows the first one it may.
    await manager.getByRole("form", { name: "Business" }).waitFor();
    expect(await manager.getByRole("navigation", { name: "Settings" }).getByRole("link").allTextContents()).toEqual(["Business"]);
    await manager.context().close();
  });
});
