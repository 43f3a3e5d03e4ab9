/**
 * Self-service in the browser: a business signs up, changes its settings, makes and revokes an API
 * key, sees its provider accounts, changes a password; and weaker roles see none of it.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
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
    expect(await who.textContent()).toBe(`Olive Orchard · ${owner.email} · Admin`);
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
    // Replacing credentials asks for the current password; a wrong one is refused in words.
    await row.getByRole("button", { name: "Replace credentials" }).click();
    const form = page.getByRole("form", { name: "Twilio account" });
    await form.getByLabel("Account SID").fill(`AC${"1".repeat(32)}`);
    await form.getByLabel("Auth token").fill("a-made-up-token");
    await form.getByLabel("Your current password").fill("not my password");
    await form.getByRole("button", { name: "Save" }).click();
    await form.getByRole("status").filter({ hasText: "Your current password is not right; nothing was saved" }).waitFor();
    expect(await shots(page, "settings-04-providers")).toBe(true);
    await form.getByRole("button", { name: "Cancel" }).click();
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
    expect(await nav.getByRole("link").allTextContents()).toEqual(["Dashboard", "Contacts", "Call log", "Profile"]);
    expect(await agent.locator(".setup").count()).toBe(0);
    await agent.goto("/#/contacts");
    await agent.getByRole("link", { name: "New contact" }).waitFor();
    await agent.goto("/#/settings");
    await agent.getByText("Settings are for admins and managers.").waitFor();
    expect(await shots(agent, "settings-07-agent")).toBe(true);
    await agent.context().close();
  });
});
