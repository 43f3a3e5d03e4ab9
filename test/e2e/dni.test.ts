/**
 * Website call tracking, end to end (issue #22's Done-when): a business's small website, served from
 * its own port with the snippet, opened in Chromium from a Google Ads click; the page's number is
 * swapped for a pool number, a signed call to that number shows in the popup, the call log and the
 * source report as Google / cpc / spring / "water heater"; a second visitor gets another number; a
 * page whose Switchboard cannot be reached keeps its own number. The pool is made in the browser.
 * Numbers: sandbox numbers in area code 916, callers +1 415 555 73xx (the e2e files share one server).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { simulateCall, type SimulatorOptions } from "../../scripts/networks/call-life.ts";
import { launch, logIn, shots, apiAs } from "./chromium.ts";

const baseURL = inject("baseURL");
const sim: SimulatorOptions = { url: baseURL, token: "demo-twilio-auth-token", account: "AC00000000000000000000000000000000", ring: 0.3, talk: 0.3 };
const ADS_QUERY = "?utm_source=google&utm_medium=cpc&utm_campaign=spring&utm_term=water+heater";
const SITE_NUMBER = "(415) 555-0100";

let browser: Browser;
let page: Page;
let site: Server;
let siteOrigin = "";
/** Requests the site server saw for /dni/visits: the "down" page's snippet asks there, and gets its connection cut. */
let downAsked = 0;
let snippetCode = "";
let poolNumbers: string[] = [];
let originsBefore: string[] = [];

/** The business's website: a page with its number in text and a tel: link, one more added after load, and the snippet. */
function pageHtml(scriptSrc: string, title: string) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;max-width:40rem} .cta{font-size:1.5rem}</style></head>
<body><h1>Acme Plumbing: ${title}</h1>
<p class="cta">Call us: <a id="call" href="tel:+14155550100">${SITE_NUMBER}</a></p>
<p id="footer">Office line 415.555.0100 · Fax (415) 555-0199</p>
<div id="late"></div>
<p><a href="/about">About us</a></p>
<script>setTimeout(function(){document.getElementById("late").textContent="Emergency? Call ${SITE_NUMBER}, day or night."},400)</script>
<script async src="${scriptSrc}" data-switchboard="demo" data-number="${SITE_NUMBER}"></script>
</body></html>`;
}

/** Listens on the first free port of 4700–4799 on 127.0.0.1. */
async function listen(server: Server) {
  for (let port = 4722; port < 4800; port++) {
    const bound = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => resolve(true));
    });
    if (bound) return (server.address() as AddressInfo).port;
  }
  throw new Error("no free port in 4700–4799");
}


/** A visitor in a browser of their own (no storage shared with anyone). */
async function visitor(path: string) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
  const p = await context.newPage();
  await p.goto(`${siteOrigin}${path}`);
  return p;
}

/** The number the page's tel: link dials now, once the snippet changed it. */
async function swappedNumber(p: Page) {
  await p.waitForFunction(() => document.getElementById("call")?.getAttribute("href") !== "tel:+14155550100", null, { timeout: 10_000 });
  return (await p.locator("#call").getAttribute("href"))!.replace(/^tel:/, "");
}

beforeAll(async () => {
  browser = await launch();
  snippetCode = await (await fetch(`${baseURL}/dni.js`)).text();
  site = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://site");
    if (url.pathname === "/dni/visits") {
      // The "down" page's Switchboard: the connection drops, as when it cannot be reached.
      downAsked++;
      req.socket.destroy();
      return;
    }
    if (url.pathname === "/down/dni.js") {
      res.writeHead(200, { "Content-Type": "text/javascript" });
      res.end(snippetCode);
      return;
    }
    if (url.pathname === "/down") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(pageHtml(`${siteOrigin}/down/dni.js`, "Switchboard down"));
      return;
    }
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(pageHtml(`${baseURL}/dni.js`, url.pathname === "/about" ? "About us" : "Water heaters"));
  });
  siteOrigin = `http://127.0.0.1:${await listen(site)}`;

  const context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 800 } });
  page = await context.newPage();
  page.on("dialog", (dialog) => void dialog.accept());
  await logIn(page, "admin@demo.test");
  originsBefore = (await apiAs<{ siteOrigins: string[] }>(page, "GET", "/api/tenant")).body.siteOrigins;
  // Two sandbox numbers set aside for the website, ringing the office.
  const offered = await apiAs<{ items: { number: string }[] }>(page, "GET", "/api/tracking-numbers/available?areaCode=916");
  poolNumbers = offered.body.items.slice(0, 2).map((n) => n.number);
  for (const [i, number] of poolNumbers.entries()) expect((await apiAs(page, "POST", "/api/tracking-numbers", { number, label: `Website ${i + 1}`, terminationNumber: "+14155550150" })).status).toBe(201);
}, 120_000);

afterAll(async () => {
  if (page) {
    // The demo tenant as it was: its origins, and no pool or numbers of this file's.
    await apiAs(page, "PATCH", "/api/tenant", { siteOrigins: originsBefore });
    const pools = (await apiAs<{ items: { id: string; name: string }[] }>(page, "GET", "/api/pools")).body.items.filter((p) => p.name === "Website visitors");
    for (const p of pools) await apiAs(page, "DELETE", `/api/pools/${p.id}`);
    const numbers = (await apiAs<{ items: { id: string; number: string }[] }>(page, "GET", "/api/tracking-numbers")).body.items.filter((n) => poolNumbers.includes(n.number));
    for (const n of numbers) await apiAs(page, "DELETE", `/api/tracking-numbers/${n.id}`);
  }
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
});

describe("website call tracking", () => {
  it("the business adds its website, makes a pool of two numbers in the browser, and gets the snippet", async () => {
    await page.goto("/#/settings/business");
    const origins = page.getByLabel("Website origins");
    await origins.fill(`${siteOrigin}\n`);
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();

    await page.goto("/#/numbers");
    await page.getByRole("navigation", { name: "Numbers" }).getByRole("link", { name: "Number pools" }).click();
    await page.getByRole("heading", { name: "Number pools" }).waitFor();
    await page.getByRole("link", { name: "New pool" }).click();
    const form = page.getByRole("form", { name: "New pool" });
    await form.getByLabel("Name").fill("Website visitors");
    await form.getByLabel("Lease minutes").fill("30");
    for (const number of poolNumbers) await form.locator("label.check", { hasText: `(916) ${number.slice(5, 8)}-${number.slice(8)}` }).getByRole("checkbox").check();
    await form.getByRole("button", { name: "Add rule" }).click();
    await form.getByRole("group", { name: "Rule 1" }).getByLabel("Source").fill("google");
    // From the top: a page shot while scrolled draws the sticky header over the form.
    await page.evaluate(() => scrollTo(0, 0));
    expect(await shots(page, "dni-01-pool-form")).toBe(true);
    // Every visit, after all: the rule goes.
    await form.getByRole("button", { name: "Remove rule 1" }).click();
    await form.getByRole("button", { name: "Create pool" }).click();
    await page.getByRole("status").filter({ hasText: "Saved Website visitors" }).waitFor();
    const row = page.locator('tr[data-pool="Website visitors"]');
    expect(await row.textContent()).toContain("Every visit");
    expect(await row.textContent()).toContain("0 of 2");
    await page.getByLabel("The number your website shows").fill(SITE_NUMBER);
    expect(await page.getByTestId("snippet").textContent()).toBe(`<script async src="${baseURL}/dni.js" data-switchboard="demo" data-number="${SITE_NUMBER}"></script>`);
    expect(await shots(page, "dni-02-pools")).toBe(true);
  }, 60_000);

  it("a Google Ads visitor sees a pool number; their call is theirs in the popup, the call log and the source report", async () => {
    const visit = await visitor(`/water-heaters${ADS_QUERY}`);
    const number = await swappedNumber(visit);
    expect(poolNumbers).toContain(number);
    const shown = `(916) ${number.slice(5, 8)}-${number.slice(8)}`;
    await visit.locator("#call", { hasText: shown }).waitFor();
    // In the page's own writing, wherever the business's number was; the fax is not the business's number.
    expect(await visit.locator("#footer").textContent()).toBe(`Office line 916.${number.slice(5, 8)}.${number.slice(8)} · Fax (415) 555-0199`);
    // Added after load (a single-page site): swapped too.
    await visit.locator("#late", { hasText: shown }).waitFor();
    expect(await shots(visit, "dni-03-website-swapped")).toBe(true);
    // The next page of the same visit keeps the number.
    await visit.getByRole("link", { name: "About us" }).click();
    await visit.getByRole("heading", { name: /About us/ }).waitFor();
    expect(await swappedNumber(visit)).toBe(number);

    const caller = "+14155557301";
    const ringing = simulateCall({ ...sim, ring: 3, talk: 1 }, caller, number, { outcomes: ["answered"] });
    const popup = page.getByRole("region", { name: "Incoming call: (415) 555-7301" });
    await popup.waitFor({ timeout: 15_000 });
    const line = popup.getByTestId("visit").filter({ hasText: "Google Ads" });
    await line.waitFor();
    expect(await line.textContent()).toBe("Google Ads: water heaterGoogle / cpc / spring / “water heater”");
    expect(await shots(page, "dni-04-popup")).toBe(true);
    const life = await ringing;
    expect(life.ok, life.error).toBe(true);
    // Closed, so the screens below are seen whole on a phone too (its popups are a sheet over the page's foot).
    await popup.getByRole("button", { name: "Close" }).click();

    await page.goto("/#/calls?source=google");
    const logged = page.locator("table.calls tbody tr", { hasText: "(415) 555-7301" });
    await logged.first().waitFor();
    expect(await logged.first().locator("td.visit-line").textContent()).toBe("Google Ads: water heaterGoogle / cpc / spring / “water heater”");
    expect(await page.locator("table.calls tbody tr td.visit-line").allTextContents()).not.toContain("—");
    expect(await shots(page, "dni-05-call-log")).toBe(true);

    await page.goto("/#/reports");
    const report = page.getByTestId("source-report");
    const source = report.locator("tr[data-source=google]", { hasText: "water heater" }).first();
    await source.waitFor();
    const cells = await source.locator("td").allTextContents();
    expect(cells.slice(0, 4)).toEqual(["Google", "cpc", "spring", "water heater"]);
    expect(Number(cells[4])).toBeGreaterThanOrEqual(1);
    expect(await shots(page, "dni-06-source-report")).toBe(true);
    await visit.context().close();
  }, 60_000);

  it("a second visitor, in another browser, gets the other number; with more visitors than numbers the pool says it is too small", async () => {
    const first = await visitor(`/water-heaters${ADS_QUERY}`);
    const second = await visitor("/");
    const [a, b] = [await swappedNumber(first), await swappedNumber(second)];
    expect(poolNumbers).toContain(a);
    expect(poolNumbers).toContain(b);
    expect(a).not.toBe(b);
    // Three visitors now hold leases (the Google Ads visitor's is still running) on two numbers: one was taken over.
    await page.goto("/#/numbers/pools");
    const row = page.locator('tr[data-pool="Website visitors"]');
    await row.getByRole("alert").filter({ hasText: "Pool too small: add numbers." }).waitFor();
    expect(await row.locator("td").nth(4).textContent()).toBe("2 of 2");
    expect(await shots(page, "dni-07-pool-too-small")).toBe(true);
    await first.context().close();
    await second.context().close();
  }, 30_000);

  it("a page whose Switchboard cannot be reached keeps its own number", async () => {
    const down = await visitor("/down");
    // The snippet ran and asked (the connection dropped); the late text came in; nothing changed.
    await down.waitForFunction(() => document.getElementById("late")?.textContent !== "", null, { timeout: 5000 });
    await expect.poll(() => downAsked, { timeout: 5000 }).toBeGreaterThan(0);
    await down.waitForTimeout(500);
    expect(await down.locator("#call").getAttribute("href")).toBe("tel:+14155550100");
    expect(await down.locator("#call").textContent()).toBe(SITE_NUMBER);
    expect(await down.locator("#late").textContent()).toBe(`Emergency? Call ${SITE_NUMBER}, day or night.`);
    expect(await down.evaluate(() => localStorage.getItem("switchboard-visit"))).toBeNull();
    await down.context().close();
  }, 30_000);
});
