/**
 * Switchboard talking back, as an admin sets it up in the browser: a webhook to a receiver on this
 * machine (a server of the test's own on 127.0.0.1), every event of simulated calls and the contacts
 * API arriving signed and verified by the `standardwebhooks` library, a receiver that fails twice
 * getting the same webhook-id a third time, the delivery log with "Send again", the popup's Open in
 * CRM button, and the texts choice on Profile. Callers: +1 415 555 8xxx (the e2e files share one dev server).
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { WEBHOOK_EVENT_TYPES } from "../../schema/constants.ts";
import { simulateCall, type SimulatorOptions } from "../../scripts/networks/call-life.ts";
import { launch, logIn, shots, apiAs } from "./chromium.ts";

const baseURL = inject("baseURL");
const sim = (ring: number): SimulatorOptions => ({ url: baseURL, token: "demo-twilio-auth-token", account: "AC00000000000000000000000000000000", ring, talk: 0.5 });
const MAIN = "+14155550100";
const MENU = "+14155550101";

type Received = { id: string; type: string; body: string; headers: IncomingHttpHeaders; answered: number; data: { id?: string; status?: string } };
/** What the receiver was sent, in order; `failNext` answers that many requests 503 (Retry-After: 1) first. */
const receiver = { got: [] as Received[], failNext: 0, url: "" };
let server: Server;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let secret = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const answered = receiver.failNext > 0 ? 503 : 200;
      if (answered === 503) receiver.failNext--;
      const parsed = JSON.parse(body) as { type: string; data: Received["data"] };
      receiver.got.push({ id: String(req.headers["webhook-id"]), type: parsed.type, body, headers: req.headers, answered, data: parsed.data });
      res.writeHead(answered, answered === 503 ? { "Retry-After": "1", "Content-Type": "text/plain" } : { "Content-Type": "application/json" });
      res.end(answered === 503 ? "busy, try again" : '{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/switchboard`;
  browser = await launch();
  context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 800 } });
  page = await context.newPage();
  page.on("dialog", (dialog) => void dialog.accept());
  await logIn(page, "admin@demo.test");
});

afterAll(async () => {
  // What this file set up, undone: the next files' calls send nothing and text nobody.
  if (page) {
    await apiAs(page, "PATCH", "/api/tenant", { crmUrlTemplate: null }).catch(() => {});
    await apiAs(page, "PATCH", "/api/profile", { smsAlerts: "off" }).catch(() => {});
  }
  await context?.close();
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});


/** Waits (polling, up to `seconds`) until the receiver has what `done` looks for. */
async function until(done: () => boolean, seconds = 20) {
  for (let waited = 0; !done(); waited += 0.2) {
    if (waited > seconds) throw new Error(`the receiver did not get it in ${seconds} s; it has: ${receiver.got.map((r) => `${r.type} ${r.answered}`).join(", ")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("webhooks out, set up in the browser", () => {
  it("an admin adds a webhook to a local receiver: its signing secret shown once", async () => {
    await page.goto("/#/settings");
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Webhooks" }).click();
    await page.getByText("No webhooks yet").waitFor();
    const form = page.getByRole("form", { name: "New webhook" });
    await form.getByLabel("URL").fill(receiver.url);
    await form.getByLabel("Description").fill("Our CRM");
    // Every event is ticked to start with.
    expect(await form.locator('input[name="events"]:checked').count()).toBe(WEBHOOK_EVENT_TYPES.length);
    await form.getByRole("button", { name: "Add webhook" }).click();
    const shown = page.getByRole("region", { name: /^Signing secret for 127\.0\.0\.1/ });
    await shown.waitFor();
    secret = await shown.getByRole("textbox").inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    const row = page.locator(`tr[data-url="${receiver.url}"]`);
    expect(await row.textContent()).toContain("All events");
    expect(await row.textContent()).toContain("On");
    expect(await shots(page, "webhooks-01-secret-once")).toBe(true);
    await shown.getByRole("button", { name: "Done" }).click();
    // Shown once: the list and the API never show it again.
    expect(await page.getByText(secret).count()).toBe(0);
    const listed = await apiAs<{ items: Record<string, unknown>[] }>(page, "GET", "/api/webhooks");
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(6));
  });

  it("the business's CRM link: every popup gets Open in CRM with the caller's number filled in", async () => {
    await page.goto("/#/settings/business");
    const form = page.getByRole("form", { name: "Business" });
    await form.getByLabel("Open in CRM link").fill("https://crm.example.com/contacts?phone={number}&name={nmae}");
    await form.getByRole("button", { name: "Save" }).click();
    await form.getByRole("status").filter({ hasText: "{nmae} is not a placeholder" }).waitFor();
    await form.getByLabel("Open in CRM link").fill("https://crm.example.com/contacts?phone={number}&name={name}");
    await form.getByRole("button", { name: "Save" }).click();
    await form.getByRole("status").filter({ hasText: "Saved" }).waitFor();
  });

  it("simulated calls and the contacts API: every event arrives, signed, verified by standardwebhooks, a call's in order", async () => {
    await page.goto("/#/");
    const answered = simulateCall(sim(2), "+14155558101", MAIN, "answered");
    const popup = page.locator(".popup", { hasText: "(415) 555-8101" });
    const crm = popup.getByRole("link", { name: "Open in CRM" });
    await crm.waitFor();
    expect(await crm.getAttribute("href")).toBe("https://crm.example.com/contacts?phone=%2B14155558101&name=");
    expect(await crm.getAttribute("target")).toBe("_blank");
    expect(await shots(page, "webhooks-02-open-in-crm")).toBe(true);
    const callId = (await popup.getAttribute("data-call-id"))!;
    expect((await answered).error).toBeUndefined();
    expect((await apiAs(page, "PATCH", `/api/calls/${callId}`, { subject: "Water heater", outcome: "Booked", tags: ["webhooks"] })).status).toBe(200);

    const missed = await simulateCall(sim(0.3), "+14155558102", MENU, { outcomes: ["no-answer"], digits: ["2"] });
    expect(missed.steps).toContain("voicemail left → 200");
    const made = await apiAs<{ id: string }>(page, "POST", "/api/contacts", { kind: "customer", name: "Webhook Wendy", phones: [{ number: "(415) 555-8103" }] });
    expect(made.status).toBe(201);
    expect((await apiAs(page, "PATCH", `/api/contacts/${made.body.id}`, { company: "Wendy's Plumbing" })).status).toBe(200);

    await until(() => WEBHOOK_EVENT_TYPES.every((t) => receiver.got.some((r) => r.type === t)));
    const wh = new Webhook(secret);
    for (const r of receiver.got) {
      const headers = { "webhook-id": String(r.headers["webhook-id"]), "webhook-timestamp": String(r.headers["webhook-timestamp"]), "webhook-signature": String(r.headers["webhook-signature"]) };
      expect(wh.verify(r.body, headers)).toMatchObject({ type: r.type });
      // Signed with this secret only: another secret does not verify it.
      expect(() => new Webhook("whsec_" + Buffer.from("not the secret at all, 32 bytes!").toString("base64")).verify(r.body, headers)).toThrow();
    }
    const ofCall = receiver.got.filter((r) => r.data.id === callId).map((r) => r.type);
    expect(ofCall).toEqual(["call.ringing", "call.answered", "call.ended", "call.info_saved"]);
    const contact = receiver.got.filter((r) => r.data.id === made.body.id).map((r) => r.type);
    expect(contact).toEqual(["contact.created", "contact.updated"]);
    // Each event once: no webhook-id twice (nothing failed yet, so nothing was tried again).
    expect(new Set(receiver.got.map((r) => r.id)).size).toBe(receiver.got.length);
  }, 90_000);

  it("a receiver that fails twice gets the same webhook-id a third time; the delivery log says so and sends it again", async () => {
    receiver.failNext = 2;
    const before = receiver.got.length;
    await page.goto("/#/settings/webhooks");
    const row = page.locator(`tr[data-url="${receiver.url}"]`);
    await row.getByRole("button", { name: "Send test event" }).click();
    await page.getByRole("status").filter({ hasText: "Test event sent" }).waitFor();
    await until(() => receiver.got.slice(before).filter((r) => r.type === "webhook.test").length >= 3, 30);
    const tries = receiver.got.slice(before).filter((r) => r.type === "webhook.test");
    expect(tries.map((r) => r.answered)).toEqual([503, 503, 200]);
    expect(new Set(tries.map((r) => r.id)).size).toBe(1);

    const log = page.getByRole("region", { name: /^Deliveries to 127\.0\.0\.1/ });
    await log.waitFor();
    const delivery = log.locator(`tr[data-delivery="${tries[0]!.id}"]`);
    await log.getByRole("button", { name: "Refresh" }).click();
    await delivery.filter({ hasText: "Delivered" }).waitFor();
    expect(await delivery.locator('td[data-label="Tries"]').textContent()).toBe("3");
    expect(await delivery.locator('td[data-label="Answer"]').textContent()).toContain("200");
    expect(await shots(page, "webhooks-03-delivery-log")).toBe(true);

    await delivery.getByRole("button", { name: "Send again" }).click();
    await log.getByRole("status").filter({ hasText: "Sending webhook.test again" }).waitFor();
    await until(() => receiver.got.slice(before).filter((r) => r.type === "webhook.test").length >= 4);
    expect(receiver.got.slice(before).filter((r) => r.type === "webhook.test").at(-1)!.id).toBe(tries[0]!.id);
  }, 60_000);

  it("texts on Profile: an agent number needed first, then any missed call or voicemail", async () => {
    await page.goto("/#/profile");
    const form = page.locator("form.contact-form").first();
    await form.getByLabel('My number for "dial agent" routes').fill("");
    await form.getByLabel("Text me at my number when").selectOption("all");
    await form.getByRole("button", { name: "Save" }).click();
    await form.getByRole("status").filter({ hasText: /^Texts:/ }).waitFor();
    await form.getByLabel('My number for "dial agent" routes').fill("(415) 555-8199");
    await form.getByRole("button", { name: "Save" }).click();
    await form.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    expect((await apiAs<{ smsAlerts: string }>(page, "GET", "/api/profile")).body.smsAlerts).toBe("all");
    await form.getByLabel("Text me at my number when").selectOption("off");
    await form.getByRole("button", { name: "Save" }).click();
    await form.getByRole("status").filter({ hasText: "Saved." }).waitFor();
  });

  it("the webhook deleted: nothing more is sent", async () => {
    await page.goto("/#/settings/webhooks");
    await page.locator(`tr[data-url="${receiver.url}"]`).getByRole("button", { name: "Delete" }).click();
    await page.getByRole("status").filter({ hasText: "Deleted the webhook" }).waitFor();
    await page.getByText("No webhooks yet").waitFor();
    const before = receiver.got.length;
    await simulateCall(sim(0.3), "+14155558104", MAIN, "answered");
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.got.length).toBe(before);
  }, 30_000);

  it("a manager has no Webhooks section", async () => {
    const manager = await browser.newPage({ baseURL });
    await logIn(manager, "manager@demo.test");
    await manager.goto("/#/settings");
    await manager.getByRole("navigation", { name: "Settings" }).waitFor();
    expect(await manager.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Webhooks" }).count()).toBe(0);
    await manager.close();
  });
});
