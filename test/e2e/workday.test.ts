/**
 * A dispatcher's working day: a stream of 40 simulated calls on an open dashboard, at a desk
 * (1366×800) and on a phone (390×844). Nothing the user clicks is ever under a popup, the newest
 * ringing call is always in sight, and ended calls' popups close after the delay the user chose.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { simulateCall, type Outcome, type SimulatorOptions } from "../../scripts/networks/call-life.ts";
import { launch, logIn, shot } from "./chromium.ts";

const baseURL = inject("baseURL");
const sim = (ring: number, talk: number): SimulatorOptions => ({ url: baseURL, token: "demo-twilio-auth-token", account: "AC00000000000000000000000000000000", ring, talk });
const CLOSE_AFTER_SECONDS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let browser: Browser;
let context: BrowserContext;
let page: Page;

async function setCloseDelay(p: Page, label: string) {
  await p.goto("/#/profile");
  await p.getByLabel("Close a popup").selectOption({ label });
  await p.getByRole("button", { name: "Save", exact: true }).click();
  await p.getByRole("status").filter({ hasText: "Saved." }).waitFor();
}

beforeAll(async () => {
  browser = await launch();
  context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 800 } });
  page = await context.newPage();
  await logIn(page, "manager@demo.test");
  await setCloseDelay(page, `${CLOSE_AFTER_SECONDS} seconds after the call ends`);
  await page.goto("/#/");
  await page.getByTestId("connection").filter({ hasText: "Live" }).waitFor();
});
afterAll(async () => {
  if (page) await setCloseDelay(page, "10 seconds after the call ends").catch(() => {});
  await browser?.close();
});

/**
 * What the screen shows right now, read in one go in the page: controls that a click would miss
 * because something lies over them, the newest ringing call and whether its popup is in sight.
 */
function look(p: Page, scrollEach: boolean) {
  return p.evaluate((scrollEach) => {
    const name = (el: Element | null) => (el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${[...el.classList].join(".")} "${(el.textContent ?? "").trim().slice(0, 30)}"` : "nothing");
    const covered: string[] = [];
    const controls = [...document.querySelectorAll("main a, main button, main input, main select, main textarea, header.bar a, header.bar button")];
    for (const el of controls) {
      if (scrollEach && el.closest("main")) el.scrollIntoView({ block: "start" });
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const x = r.left + r.width / 2;
      const y = r.top + Math.min(r.height / 2, 8);
      if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
      const hit = document.elementFromPoint(x, y);
      if (!hit || !(hit === el || el.contains(hit))) covered.push(`${name(el)} under ${name(hit)}`);
    }
    // The Active Calls grid lists calls oldest first: its last ringing row is the newest ringing call.
    const ringing = [...document.querySelectorAll('.active-calls tbody tr[data-status="ringing"]')];
    const newest = ringing.at(-1)?.getAttribute("data-call-id") ?? null;
    let newestInSight: boolean | null = null;
    if (newest) {
      const title = document.querySelector(`.popups .popup[data-call-id="${newest}"] .title`);
      const r = title?.getBoundingClientRect();
      newestInSight = !!r && r.top >= 0 && r.bottom <= innerHeight && document.elementFromPoint(r.left + 4, r.top + r.height / 2)?.closest(".popup")?.getAttribute("data-call-id") === newest;
    }
    return {
      covered,
      ringing: ringing.length,
      newest,
      newestInSight,
      full: document.querySelectorAll(".popups .popup").length,
      more: document.querySelector('[data-testid="more-popups"]')?.textContent ?? null,
    };
  }, scrollEach);
}

/** `count` calls, one every `everyMs`, each ringing a few seconds and ending in one of the outcomes. */
async function stream(count: number, everyMs: number) {
  const outcomes: Outcome[] = ["answered", "no-answer", "busy", "hangup", "answered"];
  const lives = [];
  for (let i = 0; i < count; i++) {
    const from = `+1415555${String(3000 + i).padStart(4, "0")}`;
    lives.push(simulateCall(sim(3 + (i % 4), 2 + (i % 3)), from, "+14155550100", outcomes[i % outcomes.length]!));
    await sleep(everyMs);
  }
  return Promise.all(lives);
}

async function waitForNoPopups(p: Page, withinMs: number) {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    const left = await p.locator(".popups .popup, .popups .waiting li").count();
    if (left === 0) return Date.now() - started;
    await sleep(250);
  }
  throw new Error(`popups still open ${withinMs} ms after the last call ended`);
}

describe("40 calls at a desk (1366×800)", () => {
  it("no control is covered, the newest ringing call is always in sight, ended calls' popups close after the delay", async () => {
    const traffic = stream(40, 500);
    let samples = 0;
    let sawCounter = false;
    let done = false;
    void traffic.finally(() => (done = true));
    while (!done) {
      const seen = await look(page, false);
      expect(seen.covered).toEqual([]);
      if (seen.newest) expect(seen.newestInSight, `newest ringing call ${seen.newest}`).toBe(true);
      expect(seen.full).toBeLessThanOrEqual(3);
      if (seen.more) sawCounter = true;
      if (samples === 8) await shot(page, "workday-01-busy-line-desk", { fullPage: false });
      samples++;
      await sleep(300);
    }
    const lives = await traffic;
    expect(lives.filter((l) => !l.ok)).toEqual([]);
    expect(samples).toBeGreaterThan(20);
    // At the peak more calls rang than fit: the rest waited behind the counter.
    expect(sawCounter).toBe(true);
    await shot(page, "workday-02-after-the-stream-desk");
    const tookMs = await waitForNoPopups(page, (CLOSE_AFTER_SECONDS + 4) * 1000);
    expect(tookMs).toBeGreaterThan(0);
    // The missed ones are in the Notification Center.
    await page.getByTestId("bell").click();
    await page.locator(".notifications li[data-kind='missed-call']").first().waitFor();
    await page.getByTestId("bell").click();
    await shot(page, "workday-03-calm-desk");
  }, 120_000);

  it("a popup with a form open stays open and in place after its call ends; Dismiss all clears the rest", async () => {
    const lives = [simulateCall(sim(4, 1), "+14155554001", "+14155550100", "no-answer")];
    const first = page.locator(".popup", { hasText: "(415) 555-4001" }).or(page.locator(".popup", { hasText: "+14155554001" }));
    await first.first().waitFor();
    await first.first().getByRole("button", { name: "Call information" }).click();
    for (let i = 2; i <= 5; i++) lives.push(simulateCall(sim(20, 1), `+1415555400${i}`, "+14155550100", "no-answer"));
    await page.locator(".popups .popup").nth(3).or(page.getByTestId("more-popups")).first().waitFor();
    // The popup being worked in keeps the top of the column while newer calls ring.
    expect(await page.locator(".popups .popup").first().getAttribute("data-call-id")).toBe(await first.first().getAttribute("data-call-id"));
    await lives[0];
    await sleep((CLOSE_AFTER_SECONDS + 1) * 1000);
    expect(await first.first().getAttribute("data-call-id")).toBeTruthy();
    await shot(page, "workday-04-working-in-a-popup-desk", { fullPage: false });
    await page.getByRole("button", { name: "Dismiss all" }).click();
    expect(await page.locator(".popups .popup").count()).toBe(0);
    // Dismissing popups leaves the calls: they are still ringing in the grid.
    expect(await page.locator('.active-calls tbody tr[data-status="ringing"]').count()).toBeGreaterThanOrEqual(4);
    await Promise.all(lives);
  }, 60_000);
});

describe("on a phone (390×844)", () => {
  it("popups take a sheet at the bottom: the newest ringing call in sight, every control reachable uncovered", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const traffic = stream(12, 500);
    let done = false;
    void traffic.finally(() => (done = true));
    let shotTaken = false;
    while (!done) {
      await page.evaluate(() => scrollTo(0, 0));
      const seen = await look(page, false);
      if (seen.newest) expect(seen.newestInSight, `newest ringing call ${seen.newest}`).toBe(true);
      expect(seen.full).toBeLessThanOrEqual(1);
      if (seen.ringing > 1 && !shotTaken) {
        await shot(page, "workday-05-busy-line-phone", { fullPage: false });
        shotTaken = true;
      }
      // Each control, scrolled to the top of the screen, is clear of the sheet and the header.
      expect((await look(page, true)).covered).toEqual([]);
      await sleep(300);
    }
    await traffic;
    await waitForNoPopups(page, (CLOSE_AFTER_SECONDS + 4) * 1000);
    await page.setViewportSize({ width: 1366, height: 800 });
  }, 90_000);

  it("with Call information open in the sheet, who is calling stays in sight as the form scrolls", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/#/");
    const life = simulateCall(sim(8, 1), "+14155554201", "+14155550100", "no-answer");
    const popup = page.locator(".popups .popup").first();
    await popup.waitFor();
    await popup.getByRole("button", { name: "Call information" }).click();
    await popup.getByRole("button", { name: "Save call information" }).waitFor();
    await page.evaluate(() => {
      const sheet = document.querySelector(".popups")!;
      sheet.scrollTop = sheet.scrollHeight;
    });
    await popup.getByRole("button", { name: "Save call information" }).scrollIntoViewIfNeeded();
    const title = popup.locator(".title");
    const box = (await title.boundingBox())!;
    const sheet = (await page.locator(".popups").boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(sheet.y - 1);
    expect(await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.closest(".title") !== null, [box.x + 4, box.y + box.height / 2])).toBe(true);
    await shot(page, "workday-08-call-information-phone", { fullPage: false });
    await popup.getByRole("button", { name: "Close" }).click();
    await life;
    await page.setViewportSize({ width: 1366, height: 800 });
  }, 30_000);

  it("the menu holds every screen; the notification center is not under the sheet", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const life = simulateCall(sim(6, 1), "+14155554101", "+14155550100", "no-answer");
    await page.locator(".popups .popup").first().waitFor();
    await page.getByRole("button", { name: "Menu" }).click();
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const screen of ["Dashboard", "Contacts", "Call log", "Reports", "Numbers", "Campaigns", "Settings", "Profile"]) {
      const link = nav.getByRole("link", { name: screen, exact: true });
      expect(await link.isVisible(), screen).toBe(true);
    }
    await shot(page, "workday-06-menu-phone", { fullPage: false });
    await nav.getByRole("link", { name: "Call log" }).click();
    await page.getByRole("heading", { name: "Call log" }).waitFor();
    expect(await nav.isVisible()).toBe(false);
    await page.getByTestId("bell").click();
    const center = page.getByRole("region", { name: "Notification Center" });
    const box = (await center.boundingBox())!;
    const hit = await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.closest("[aria-label='Notification Center']") !== null, [box.x + box.width / 2, box.y + box.height - 10]);
    expect(hit).toBe(true);
    await shot(page, "workday-07-notifications-phone", { fullPage: false });
    await page.getByTestId("bell").click();
    await life;
    await page.setViewportSize({ width: 1366, height: 800 });
  });
});
