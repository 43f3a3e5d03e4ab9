/**
 * CTM's example set up in the browser by a business owner, then called: receiving numbers with an
 * extension and a whisper; a voice menu whose key 2 hunts two numbers with voicemail after; a round
 * robin group of numbers typed into the editor, weighted and sticky; business hours with a holiday
 * and an after-hours target. Each path is followed by a simulated call (what the
 * provider was told to dial), a change saved in the browser routes the very next call, refusals are
 * said at their field, a manager edits and an agent or reporting user gets no routing screens.
 * Numbers: +1 415 555 7xxx (the e2e files share one dev server).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { simulateCall, type CallLife, type SimulatorOptions } from "../../scripts/networks/call-life.ts";
import { launch, shot, shots, apiAs } from "./chromium.ts";

const baseURL = inject("baseURL");
const sim: SimulatorOptions = { url: baseURL, token: "demo-twilio-auth-token", account: "AC00000000000000000000000000000000", ring: 0.3, talk: 0.3 };
let browser: Browser;
let page: Page;
/** The sandbox tracking number this file buys and routes. */
let tracking = "";

beforeAll(async () => {
  browser = await launch();
  page = await logIn("admin@demo.test");
});
afterAll(async () => {
  await browser?.close();
});

async function logIn(email: string) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 800 } });
  const p = await context.newPage();
  p.on("dialog", (dialog) => void dialog.accept());
  await p.goto("/");
  await p.getByLabel("Email").fill(email);
  await p.getByLabel("Password").fill("demo-password");
  await p.getByRole("button", { name: "Log in" }).click();
  await p.getByTestId("connection").filter({ hasText: "Live" }).waitFor();
  return p;
}


/** Picks a target in a search field: types, then chooses the option whose words match. */
async function pick(p: Page, field: string, typed: string, option: RegExp) {
  const input = p.getByRole("combobox", { name: field, exact: true });
  await input.fill(typed);
  await p.getByRole("option", { name: option }).first().click();
}

/** The numbers the provider was told to dial, in order: each leg's last report names it ("leg +1415… no-answer → 204"). */
const dialled = (life: CallLife) => life.steps.filter((s) => /^leg \S+ (completed|no-answer|busy|failed|canceled) → /.test(s)).map((s) => s.split(" ")[1]);

async function addReceiving(fields: { number: string; label: string; extension?: string; delay?: string; whisper?: string }) {
  await page.goto("/#/numbers/receiving/new");
  const form = page.getByRole("form", { name: "New receiving number" });
  await form.getByLabel("Number", { exact: true }).fill(fields.number);
  await form.getByLabel("Label").fill(fields.label);
  if (fields.extension) await form.getByLabel("Extension", { exact: true }).fill(fields.extension);
  if (fields.delay) await form.getByLabel("Delay before the extension (seconds)").fill(fields.delay);
  if (fields.whisper) await form.getByLabel("Whisper").fill(fields.whisper);
  await form.getByRole("button", { name: "Add receiving number" }).click();
  await page.getByRole("status").filter({ hasText: `Saved ${fields.label}` }).waitFor();
}

describe("CTM's example, set up in the browser and called", () => {
  it("receiving numbers: an extension with its delay, a whisper, tagging hours past midnight", async () => {
    await page.goto("/#/numbers");
    await page.getByRole("navigation", { name: "Numbers" }).getByRole("link", { name: "Receiving numbers" }).click();
    await page.getByRole("heading", { name: "Receiving numbers" }).waitFor();
    await page.getByRole("link", { name: "New receiving number" }).click();
    const form = page.getByRole("form", { name: "New receiving number" });
    // The country dropdown names countries with their calling codes (libphonenumber's list).
    await form.getByLabel("Country").locator("option", { hasText: "Canada (+1)" }).waitFor({ state: "attached" });
    expect(await form.getByLabel("Country").inputValue()).toBe("US");
    await form.getByLabel("Number", { exact: true }).fill("(415) 555-7001");
    await form.getByLabel("Label").fill("Front desk");
    await form.getByLabel("Extension", { exact: true }).fill("12");
    await form.getByLabel("Delay before the extension (seconds)").fill("2");
    await form.getByLabel("Whisper").fill("Call from the routing test");
    await form.getByRole("button", { name: "Add window" }).click();
    await form.getByLabel("Window 1: day").selectOption("5");
    await form.getByLabel("Window 1: from").fill("22:00");
    await form.getByLabel("Window 1: to").fill("02:00");
    expect(await form.locator(".hours-row").first().textContent()).toContain("Fri 22:00 – Sat 02:00 (past midnight)");
    expect(await shots(page, "routing-01-receiving-form")).toBe(true);
    await form.getByRole("button", { name: "Add receiving number" }).click();
    await page.getByRole("status").filter({ hasText: "Saved Front desk" }).waitFor();
    const row = page.locator('tr[data-number="+14155557001"]');
    expect(await row.textContent()).toContain("(415) 555-7001");
    expect(await row.textContent()).toContain("12 after 2 s");
    expect(await row.textContent()).toContain("Fri 22:00 – Sat 02:00");

    await addReceiving({ number: "415-555-7002", label: "Tech Ann" });
    await addReceiving({ number: "+1 415 555 7003", label: "Tech Bob" });
    expect(await shots(page, "routing-02-receiving-list")).toBe(true);
  }, 60_000);

  it("routes: a hunt with voicemail after, a round-robin group of typed numbers, and a menu leading to both", async () => {
    await page.goto("/#/numbers/routes/new");
    let form = page.getByRole("form", { name: "New route" });
    await form.getByLabel("Name").fill("Techs");
    await pick(page, "Number 1", "Ann", /Tech Ann/);
    await form.getByRole("button", { name: "Add receiving number" }).click();
    await pick(page, "Number 2", "555-7003", /Tech Bob/);
    await form.getByLabel(/^Sequential/).check();
    await pick(page, "When nobody answers", "voice", /^Voicemail/);
    await form.getByRole("button", { name: "Create route" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    let tree = page.getByRole("complementary", { name: "Where a call goes" });
    await tree.getByText("Tech Bob").waitFor();
    expect(await tree.textContent()).toMatch(/1\.\s*Rings\s*Tech Ann\s*\(415\) 555-7002\s*2\.\s*Rings\s*Tech Bob\s*\(415\) 555-7003\s*no answer\s*Voicemail/);

    // Numbers typed in, not there yet: they become receiving numbers when the route is saved.
    await page.goto("/#/numbers/routes/new");
    form = page.getByRole("form", { name: "New route" });
    await form.getByLabel("Name").fill("Round robin group");
    await pick(page, "Number 1", "(415) 555-7004", /New receiving number: \(415\) 555-7004/);
    await form.getByRole("button", { name: "Add receiving number" }).click();
    await pick(page, "Number 2", "(415) 555-7005", /New receiving number/);
    await form.getByLabel(/^Round robin/).check();
    expect(await form.textContent()).toContain("Spread calls evenly");
    await form.getByRole("button", { name: "Create route" }).click();
    tree = page.getByRole("complementary", { name: "Where a call goes" });
    // Labelled with the number as typed, until someone names them.
    await tree.locator("li[data-kind=receiving]", { hasText: "(415) 555-7005" }).waitFor();
    expect(await tree.locator("li[data-kind=receiving]").allTextContents()).toEqual(["round robinRings (415) 555-7004", "round robinRings (415) 555-7005"]);

    await page.goto("/#/numbers/routes/new?kind=menu");
    form = page.getByRole("form", { name: "New route" });
    await form.getByLabel("Name").fill("Routing test menu");
    await form.getByLabel("Greeting (read to the caller)").fill("Press 1 for the front desk, 2 for a technician, 3 for the team.");
    await pick(page, "Press 1: go to", "front", /Front desk/);
    await form.getByRole("button", { name: "Add key" }).click();
    await pick(page, "Press 2: go to", "Techs", /^Techs/);
    await form.getByRole("button", { name: "Add key" }).click();
    await pick(page, "Press 3: go to", "round", /^Round robin group/);
    await form.getByRole("button", { name: "Create route" }).click();
    tree = page.getByRole("complementary", { name: "Where a call goes" });
    await tree.getByText("press 3").waitFor();
    expect(await tree.textContent()).toContain("press 2");
    expect(await tree.textContent()).toMatch(/Front desk\s*\(415\) 555-7001 ext\. 12/);
    expect(await shots(page, "routing-03-menu-and-tree")).toBe(true);
  }, 60_000);

  it("the menu on a tracking number, chosen in its edit form; every path of a call is followed", async () => {
    const offered = await apiAs<{ items: { number: string }[] }>(page, "GET", "/api/tracking-numbers/available?areaCode=707");
    tracking = offered.body.items[0]!.number;
    expect((await apiAs(page, "POST", "/api/tracking-numbers", { number: tracking, label: "Routing test", terminationNumber: "+14155557001" })).status).toBe(201);
    await page.goto("/#/numbers");
    const row = page.locator(`tr[data-number="${tracking}"]`);
    await row.getByRole("button", { name: "Edit" }).click();
    const edit = page.locator("form.tracking-edit");
    await edit.getByLabel("Route").selectOption({ label: "Routing test menu" });
    await edit.getByLabel("Whisper").fill("Routing test line");
    await edit.getByLabel("Record calls").check();
    await edit.getByText("Also set this fail-safe on…").click();
    expect(await shots(page, "routing-04-tracking-edit")).toBe(true);
    await edit.getByLabel("Fail-safe number").fill("(415) 555-7001");
    await edit.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "the next call follows it" }).waitFor();
    await row.filter({ hasText: "Route: Routing test menu" }).waitFor();
    expect(await row.textContent()).toContain("(415) 555-7001");
    const saved = (await apiAs<{ items: { number: string; whisper: string | null; record: boolean }[] }>(page, "GET", "/api/tracking-numbers")).body.items.find((t) => t.number === tracking)!;
    expect(saved).toMatchObject({ whisper: "Routing test line", record: true });

    // Key 1: the front desk, its extension sent once it answers. The popup and the grid say where it rings.
    await page.goto("/#/");
    const one = simulateCall({ ...sim, ring: 2 }, "+14155557101", tracking, { outcomes: ["answered"], digits: ["1"] });
    const popup = page.locator(".popup", { hasText: "(415) 555-7101" });
    await popup.locator("dd", { hasText: /\(415\) 555-7001|Front desk/ }).waitFor();
    const id = await popup.getAttribute("data-call-id");
    await page.locator(`.active-calls tbody tr[data-call-id="${id}"]`, { hasText: /\(415\) 555-7001|Front desk/ }).waitFor();
    await shot(page, "routing-05-call-rings-front-desk");
    const first = await one;
    expect(first.error).toBeUndefined();
    expect(first.steps).toContain("menu press 1 → 200");
    expect(dialled(first)).toEqual(["+14155557001"]);
    await popup.getByRole("button", { name: "Close" }).click();

    // Key 2: Tech Ann, then Tech Bob, then voicemail.
    const two = await simulateCall(sim, "+14155557102", tracking, { outcomes: ["no-answer"], digits: ["2"] });
    expect(two.error).toBeUndefined();
    expect(dialled(two)).toEqual(["+14155557002", "+14155557003"]);
    expect(two.steps).toContain("voicemail left → 200");

    // Key 3: the round robin group, one number per call in turn.
    const three = await simulateCall(sim, "+14155557103", tracking, { outcomes: ["answered"], digits: ["3"] });
    const four = await simulateCall(sim, "+14155557104", tracking, { outcomes: ["answered"], digits: ["3"] });
    expect([...dialled(three), ...dialled(four)].sort()).toEqual(["+14155557004", "+14155557005"]);
    await page.locator(".popup").first().waitFor();
    const dismiss = page.getByRole("button", { name: "Dismiss all" });
    if (await dismiss.count()) await dismiss.click();
  }, 90_000);

  it("a change saved in the browser routes the next call: Tech Bob moved to the top is rung first", async () => {
    await page.goto("/#/numbers/routes");
    await page.locator('tr[data-route="Techs"]').getByRole("link", { name: "Edit" }).click();
    const form = page.getByRole("form", { name: "Route Techs" });
    await form.getByRole("button", { name: "Move number 2 up" }).click();
    await form.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved Techs: the next call follows it." }).waitFor();
    const tree = page.getByRole("complementary", { name: "Where a call goes" });
    await tree.locator("li[data-kind=receiving]").first().filter({ hasText: "Tech Bob" }).waitFor();
    const next = await simulateCall(sim, "+14155557105", tracking, { outcomes: ["no-answer"], digits: ["2"] });
    expect(dialled(next)).toEqual(["+14155557003", "+14155557002"]);
  }, 60_000);
});

describe("round robin's weights and sticky routing, business hours with a holiday", () => {
  afterAll(async () => {
    // Business hours are the whole tenant's: the files after this one find it always open.
    await apiAs(page, "DELETE", "/api/business-hours");
  });

  it("weights set in the editor: 3 calls of every 4 start at the heavier number; sticky: a returning caller rings whoever answered them", async () => {
    await page.goto("/#/numbers/routes");
    await page.locator('tr[data-route="Round robin group"]').getByRole("link", { name: "Edit" }).click();
    const form = page.getByRole("form", { name: "Route Round robin group" });
    await form.getByLabel("Weight of number 1 ((415) 555-7004)").fill("3");
    await form.getByLabel(/^Sticky/).check();
    expect(await form.textContent()).toContain("takes 3 calls of every 4 first");
    expect(await shots(page, "routing-08-weights-sticky")).toBe(true);
    await form.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved Round robin group" }).waitFor();
    const receiving = (await apiAs<{ items: { id: string; number: string }[] }>(page, "GET", "/api/receiving-numbers")).body.items;
    const heavy = receiving.find((r) => r.number === "+14155557004")!.id;
    const route = (await apiAs<{ items: { name: string; config: { weights?: Record<string, number>; sticky?: boolean } }[] }>(page, "GET", "/api/routes")).body.items.find((r) => r.name === "Round robin group")!;
    expect(route.config).toMatchObject({ weights: { [heavy]: 3 }, sticky: true });

    // Four new callers: every four turns of 3:1 give the heavier number three first rings and the other one.
    const firsts: string[] = [];
    for (const caller of ["+14155557111", "+14155557112", "+14155557113", "+14155557114"]) {
      const life = await simulateCall(sim, caller, tracking, { outcomes: ["answered"], digits: ["3"] });
      expect(life.error).toBeUndefined();
      firsts.push(dialled(life)[0]!);
    }
    expect(firsts.filter((n) => n === "+14155557004")).toHaveLength(3);
    expect(firsts.filter((n) => n === "+14155557005")).toHaveLength(1);

    // A caller answered once rings the same number four times running, which the 3:1 turns alone never do.
    const answeredBy = dialled(await simulateCall(sim, "+14155557115", tracking, { outcomes: ["answered"], digits: ["3"] }))[0]!;
    for (let i = 0; i < 4; i++) expect(dialled(await simulateCall(sim, "+14155557115", tracking, { outcomes: ["answered"], digits: ["3"] }))[0]).toBe(answeredBy);
    await page.goto("/#/");
    const dismiss = page.getByRole("button", { name: "Dismiss all" });
    if (await dismiss.count()) await dismiss.click();
  }, 120_000);

  it("business hours with a holiday: closed today, the closed greeting then voicemail; a number that ignores the hours, and special hours today, ring as usual", async () => {
    const zone = (await apiAs<{ timeZone: string }>(page, "GET", "/api/business-hours")).body.timeZone;
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
    await page.goto("/#/numbers");
    await page.getByRole("navigation", { name: "Numbers" }).getByRole("link", { name: "Business hours" }).click();
    await page.getByTestId("open-now").filter({ hasText: "Always open: no business hours are set" }).waitFor();
    await page.getByRole("button", { name: "Set business hours" }).click();
    const form = page.getByRole("form", { name: "Business hours" });
    // Monday to Friday 9 to 5 to start from, and today a holiday.
    expect(await form.locator(".hours-row").allTextContents()).toHaveLength(5);
    await form.getByRole("button", { name: "Add holiday or special hours" }).click();
    const day = form.locator(".exception-row").first();
    await day.getByLabel("Date").fill(today);
    await day.getByLabel("Name").fill("Routing test holiday");
    expect(await day.getByLabel("That day").inputValue()).toBe("closed");
    await form.getByLabel("Closed greeting").fill("We are closed for the routing test holiday.");
    await pick(page, "After hours, calls go to", "voice", /^Voicemail/);
    await form.getByRole("button", { name: "Save business hours" }).click();
    await page.getByRole("status").filter({ hasText: "Saved: the next call follows it." }).waitFor();
    await page.getByTestId("open-now").filter({ hasText: "Closed now: Routing test holiday" }).waitFor();
    expect(await shots(page, "routing-09-business-hours")).toBe(true);

    const closed = await simulateCall(sim, "+14155557121", tracking, { outcomes: ["answered"], digits: ["1"] });
    expect(closed.error).toBeUndefined();
    expect(closed.steps).toContain("says: We are closed for the routing test holiday.");
    expect(closed.steps).toContain("voicemail left → 200");
    expect(dialled(closed)).toEqual([]);

    // This tracking number rings as usual at all hours: the menu, key 1, the front desk.
    await page.goto("/#/numbers");
    const row = page.locator(`tr[data-number="${tracking}"]`);
    await row.getByRole("button", { name: "Edit" }).click();
    const edit = page.locator("form.tracking-edit");
    expect(await edit.getByLabel("After hours", { exact: true }).inputValue()).toBe("follow");
    await edit.getByLabel("After hours", { exact: true }).selectOption("ignore");
    await edit.getByRole("button", { name: "Save" }).click();
    await row.filter({ hasText: "After hours: rings as usual" }).waitFor();
    const ignoring = await simulateCall(sim, "+14155557122", tracking, { outcomes: ["answered"], digits: ["1"] });
    expect(dialled(ignoring)).toEqual(["+14155557001"]);
    await row.getByRole("button", { name: "Edit" }).click();
    await edit.getByLabel("After hours", { exact: true }).selectOption("follow");
    await edit.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "the next call follows it" }).waitFor();
    expect(await row.textContent()).not.toContain("After hours");

    // Today becomes a day of special hours, open all day (00:00 to 00:00): the menu again.
    await page.goto("/#/numbers/hours");
    const again = page.getByRole("form", { name: "Business hours" }).locator(".exception-row").first();
    await again.getByLabel("That day").selectOption("hours");
    await again.getByLabel("Routing test holiday: window 1 from").fill("00:00");
    await again.getByLabel("Routing test holiday: window 1 to").fill("00:00");
    await page.getByRole("button", { name: "Save business hours" }).click();
    await page.getByTestId("open-now").filter({ hasText: "Open now" }).waitFor();
    const stored = (await apiAs<{ exceptions: { date: string; hours: { from: string; to: string }[] }[] }>(page, "GET", "/api/business-hours")).body;
    expect(stored.exceptions).toEqual([{ date: today, name: "Routing test holiday", hours: [{ from: "00:00", to: "24:00" }] }]);
    const open = await simulateCall(sim, "+14155557123", tracking, { outcomes: ["answered"], digits: ["1"] });
    expect(open.steps.some((s) => s.includes("closed for the routing test holiday"))).toBe(false);
    expect(dialled(open)).toEqual(["+14155557001"]);

    await page.getByRole("button", { name: "Clear: always open" }).click();
    await page.getByTestId("open-now").filter({ hasText: "Always open" }).waitFor();
  }, 120_000);
});

describe("refusals, in words at the field that causes them", () => {
  it("a route that would lead back to itself: said at the target that closes the loop, nothing saved", async () => {
    await page.goto("/#/numbers/routes");
    await page.locator('tr[data-route="Techs"]').getByRole("link", { name: "Edit" }).click();
    const form = page.getByRole("form", { name: "Route Techs" });
    await pick(page, "When nobody answers", "Routing test", /^Routing test menu/);
    await form.getByRole("button", { name: "Save" }).click();
    const picker = form.locator(".target-picker", { has: page.getByRole("combobox", { name: "When nobody answers" }) });
    const said = picker.getByRole("alert");
    await said.waitFor();
    // The loop named from wherever the check entered it: both routes, and the way back.
    expect(await said.textContent()).toMatch(/^these lead back to themselves, so a call would never end: (route "Techs" → route "Routing test menu" → route "Techs"|route "Routing test menu" → route "Techs" → route "Routing test menu")$/);
    expect(await shots(page, "routing-06-loop-refused")).toBe(true);
    const stored = (await apiAs<{ items: { name: string; config: { noAnswer?: { kind: string } } }[] }>(page, "GET", "/api/routes")).body.items.find((r) => r.name === "Techs")!;
    expect(stored.config.noAnswer).toEqual({ kind: "voicemail" });
  });

  it("a tracking number typed as a number to ring: a ring loop, said at the field", async () => {
    await page.goto("/#/numbers/routes/new");
    const form = page.getByRole("form", { name: "New route" });
    await form.getByLabel("Name").fill("Loop back");
    await pick(page, "Number 1", "(415) 555-0100", /New receiving number/);
    await form.getByRole("button", { name: "Create route" }).click();
    const said = form.locator(".target-picker", { has: page.getByRole("combobox", { name: "Number 1" }) }).getByRole("alert");
    await said.waitFor();
    expect(await said.textContent()).toContain("is a tracking number: ringing it would send the call back into Switchboard (a ring loop)");
  });

  it("a receiving number refused: the number typed as its no-answer target is not left behind", async () => {
    await page.goto("/#/numbers/receiving/new");
    const form = page.getByRole("form", { name: "New receiving number" });
    await form.getByLabel("Number", { exact: true }).fill("(415) 555-0100");
    await form.getByLabel("Label").fill("Loops back");
    await pick(page, "When unanswered or busy", "(415) 555-7199", /New receiving number/);
    await form.getByRole("button", { name: "Add receiving number" }).click();
    await form.getByRole("alert").filter({ hasText: "ring loop" }).first().waitFor();
    const numbers = (await apiAs<{ items: { number: string }[] }>(page, "GET", "/api/receiving-numbers")).body.items.map((r) => r.number);
    expect(numbers).not.toContain("+14155557199");
    expect(numbers).not.toContain("+14155550100");
  });

  it("deleting a receiving number in use: what still uses it, with links", async () => {
    await page.goto("/#/numbers/receiving");
    const row = page.locator('tr[data-number="+14155557001"]');
    await row.getByRole("button", { name: "Delete" }).click();
    const said = row.getByRole("alert");
    await said.waitFor();
    expect(await said.textContent()).toContain('Not deleted: Still used by route "Routing test menu"; change those first');
    await said.getByRole("link", { name: 'route "Routing test menu"' }).waitFor();
    expect(await shots(page, "routing-07-delete-refused")).toBe(true);
  });
});

describe("roles", () => {
  it("a manager edits a receiving number", async () => {
    const manager = await logIn("manager@demo.test");
    await manager.goto("/#/numbers/receiving");
    await manager.locator('tr[data-number="+14155557003"]').getByRole("link", { name: "Edit" }).click();
    const form = manager.getByRole("form", { name: "Receiving number Tech Bob" });
    await form.getByLabel("Ring time before no-answer routing (seconds)").fill("25");
    await form.getByRole("button", { name: "Save" }).click();
    await manager.getByRole("status").filter({ hasText: "Saved Tech Bob" }).waitFor();
    expect(await manager.locator('tr[data-number="+14155557003"]').textContent()).toContain("25 s");
    await manager.context().close();
  });

  for (const who of ["agent", "reporting"]) {
    it(`${who}: no Numbers screen, no routing screens, nothing to edit`, async () => {
      const p = await logIn(`${who}@demo.test`);
      expect(await p.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Numbers" }).count()).toBe(0);
      for (const path of ["/#/numbers/receiving", "/#/numbers/routes", "/#/numbers/routes/new", "/#/numbers/hours"]) {
        await p.goto(path);
        await p.getByText("Your role does not open this screen.").waitFor();
        expect(await p.getByRole("button", { name: /Save|Delete|Create/ }).count()).toBe(0);
      }
      await p.context().close();
    });
  }
});
