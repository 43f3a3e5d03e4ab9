/**
 * Every screen, as each role: nothing the screen asks of the server is refused (a screen offers only
 * what the role may do), and at a desk and on a phone every screen fits without sideways scrolling.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, logIn, shots } from "./chromium.ts";

const baseURL = inject("baseURL");
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function openAs(email: string) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 800 } });
  const page = await context.newPage();
  const refused: string[] = [];
  page.on("response", (r) => {
    if (r.url().includes("/api/") && r.status() === 403) refused.push(`${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  await logIn(page, email);
  return { page, refused };
}

/** The screens the role's navigation offers, and each of its Settings tabs. */
async function screensOf(page: Page) {
  const links = await page.getByRole("navigation", { name: "Main" }).getByRole("link").evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
  const paths = [...links, "#/profile"];
  if (links.includes("#/settings")) {
    await page.goto("/#/settings");
    const tabs = page.getByRole("navigation", { name: "Settings" }).getByRole("link");
    await tabs.first().waitFor();
    paths.push(...(await tabs.evaluateAll((as) => as.map((a) => a.getAttribute("href")!))));
  }
  // Numbers has tabs of its own: receiving numbers and routes, and a route's editor.
  if (links.includes("#/numbers")) {
    await page.goto("/#/numbers");
    const tabs = page.getByRole("navigation", { name: "Numbers" }).getByRole("link");
    await tabs.first().waitFor();
    paths.push(...(await tabs.evaluateAll((as) => as.map((a) => a.getAttribute("href")!))), "#/numbers/receiving/new", "#/numbers/routes/new?kind=conditional");
  }
  return [...new Set(paths)];
}

async function settle(page: Page) {
  await page.waitForLoadState("networkidle");
  await page.locator(".loading").first().waitFor({ state: "detached", timeout: 5000 }).catch(() => {});
}

describe("dark mode, from the system setting", () => {
  it("the dashboard, a popup and the call log read in dark colours", async () => {
    const context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 800 }, colorScheme: "dark" });
    const page = await context.newPage();
    await logIn(page, "agent@demo.test");
    const colours = await page.evaluate(() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]);
    expect(colours).toEqual(["rgb(14, 16, 20)", "rgb(231, 233, 238)"]);
    await shots(page, "screens-dark-dashboard");
    await context.close();
  });
});

describe("every screen, as each role", () => {
  for (const role of ["admin", "manager", "agent", "reporting"]) {
    it(`${role}: every screen it is offered loads without a refusal${role === "admin" ? ", and fits a desk and a phone" : ""}`, async () => {
      const { page, refused } = await openAs(`${role}@demo.test`);
      const screens = await screensOf(page);
      expect(screens.length).toBeGreaterThan(2);
      const overflowing: string[] = [];
      for (const path of screens) {
        await page.goto(`/${path}`);
        await settle(page);
        expect(await page.getByText("Your role does not open this screen.").count(), path).toBe(0);
        if (role === "admin") {
          const name = `screens-${path.replace(/^#\//, "").replace(/[/?=]/g, "-") || "dashboard"}`;
          if (!(await shots(page, name))) overflowing.push(path);
        }
      }
      expect(refused).toEqual([]);
      expect(overflowing).toEqual([]);
      // At 1280 px the header is one line: every item of it sits on the same row.
      await page.setViewportSize({ width: 1280, height: 800 });
      const rows = await page.locator("header.bar > *, header.bar .tools > *").evaluateAll((els) =>
        els.filter((e) => e.getBoundingClientRect().height > 0).map((e) => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2)),
      );
      expect(Math.max(...rows) - Math.min(...rows)).toBeLessThanOrEqual(4);
      expect(await page.evaluate(() => document.querySelector("header.bar")!.getBoundingClientRect().height)).toBeLessThan(64);
      await page.context().close();
    }, 120_000);
  }
});
