/** Debian's Chromium, driven by playwright-core: never a browser downloaded by a test tool. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // This machine has no network: anything Chromium would fetch for itself is switched off.
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

const SHOTS = join(import.meta.dirname, "..", "..", "test-results", "screenshots");

/** A screenshot of each step, for people to look at; written, never committed. */
export async function shot(page: Page, name: string, { fullPage = true } = {}) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

/** The same screen at a desk (1366×800) and on a phone (390×844), to look at both. */
export async function shots(page: Page, name: string) {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 1366, height: 800 });
  await shot(page, `${name}-desk`);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, `${name}-phone`);
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);
  if (before) await page.setViewportSize(before);
  return fits;
}

/** Logs in from the login page and waits for the live connection: the dashboard is ready. */
export async function logIn(page: Page, email: string, password = "demo-password") {
  await page.goto("/");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByTestId("connection").filter({ hasText: "Live" }).waitFor();
}

/** A request to the API as the page's user (its session cookie), for what a test needs in place or reads back. */
export async function apiAs<T>(p: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  return p.evaluate(
    async ([m, url, json]) => {
      const res = await fetch(url, { method: m, credentials: "same-origin", headers: json === undefined ? {} : { "Content-Type": "application/json" }, body: json === undefined ? null : JSON.stringify(json) });
      return { status: res.status, body: res.status === 204 ? null : await res.json() };
    },
    [method, path, body] as const,
  ) as Promise<{ status: number; body: T }>;
}
