/**
 * Desktop alerts when the browser says no: the dashboard tells the user they are blocked and how to
 * allow them, instead of a button that does nothing.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, logIn, shot } from "./chromium.ts";

const baseURL = inject("baseURL");
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** A browser whose notification permission starts as `permission`, and which answers a request with `answer`. */
async function agentIn(permission: NotificationPermission, answer: NotificationPermission): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 800 } });
  await context.addInitScript(
    ([start, reply]) => {
      let current = start;
      Object.defineProperty(Notification, "permission", { get: () => current });
      Notification.requestPermission = async () => (current = reply as NotificationPermission);
    },
    [permission, answer],
  );
  const page = await context.newPage();
  await logIn(page, "agent@demo.test");
  return page;
}

describe("desktop alerts", () => {
  it("when the user refuses, the header says alerts are blocked and how to allow them", async () => {
    const page = await agentIn("default", "denied");
    await page.getByRole("button", { name: "Enable call alerts" }).click();
    const how = page.getByRole("dialog", { name: "Desktop alerts" });
    await how.waitFor();
    expect(await how.textContent()).toContain("blocks notifications from this site");
    expect(await how.textContent()).toContain("set Notifications to Allow");
    await shot(page, "alerts-01-blocked", { fullPage: false });
    await page.keyboard.press("Escape");
    await how.waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Alerts blocked" }).click();
    await how.waitFor();
    await page.context().close();
  });

  it("blocked before the page opened: said in the header and on Profile, with no button that cannot work", async () => {
    const page = await agentIn("denied", "denied");
    await page.getByRole("button", { name: "Alerts blocked" }).waitFor();
    expect(await page.getByRole("button", { name: "Enable call alerts" }).count()).toBe(0);
    await page.goto("/#/profile");
    await page.getByText("blocked by your browser.").waitFor();
    expect(await page.getByRole("button", { name: "Turn on" }).count()).toBe(0);
    await page.context().close();
  });

  it("allowed: neither the offer nor the warning shows", async () => {
    const page = await agentIn("default", "granted");
    await page.getByRole("button", { name: "Enable call alerts" }).click();
    await page.getByRole("button", { name: "Enable call alerts" }).waitFor({ state: "detached" });
    expect(await page.getByRole("button", { name: "Alerts blocked" }).count()).toBe(0);
    await page.context().close();
  });
});
