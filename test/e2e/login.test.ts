import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { launch, shot } from "./chromium.ts";

const baseURL = inject("baseURL");
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  const context = await browser.newContext({ baseURL });
  page = await context.newPage();
});

describe("logging in to the dashboard", () => {
  it("the demo admin logs in, sees who they are, and logs out", async () => {
    await page.goto("/");
    await page.getByLabel("Email").fill("admin@demo.test");
    await page.getByLabel("Password").fill("demo-password");
    await shot(page, "login-01-form");
    await page.getByRole("button", { name: "Log in" }).click();
    const who = page.getByTestId("who");
    await who.waitFor();
    expect(await who.getAttribute("title")).toContain("admin@demo.test");
    await shot(page, "login-02-logged-in");

    // The session survives a reload: the cookie is HttpOnly, so the page asks the server.
    await page.reload();
    await who.waitFor();
    expect(await page.evaluate(() => document.cookie)).toBe("");

    await who.click();
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("button", { name: "Log in" }).waitFor();
    await page.reload();
    await page.getByRole("button", { name: "Log in" }).waitFor();
    await shot(page, "login-03-logged-out");
  });

  it("a wrong password says so and stays on the form", async () => {
    await page.goto("/");
    await page.getByLabel("Email").fill("agent@demo.test");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Log in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toBe("Wrong email or password");
    await shot(page, "login-04-wrong-password");
  });
});
