import { env } from "cloudflare:workers";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { campaignEnded, dayIn } from "../../schema/campaigns.ts";
import { toCsv } from "../../worker/marketing/csv.ts";
import { call, createTenant, login, tableCounts } from "./helpers.ts";
import { apiJson } from "./routing-helpers.ts";
import { createTwilioTenant, startCall, switchboardOf } from "./twilio-helpers.ts";

async function admin(name = "Marketing") {
  const t = await createTenant(name);
  return { t, cookie: await login(t.adminEmail) };
}

function postCsv(cookie: string, path: string, csv: string, type = "text/csv") {
  return call(path, { method: "POST", cookie, body: csv, headers: { "Content-Type": type } });
}

describe("campaigns", () => {
  it("are created, edited, given one-off costs, listed with their numbers, and deleted", async () => {
    const u = await admin();
    const made = await apiJson<{ id: string }>(u, "POST", "/api/campaigns", { name: "Radio", channel: "radio", monthlyCostCents: 60000, startsOn: "2026-10-17" });
    expect(made.status).toBe(201);
    expect((await apiJson(u, "POST", "/api/campaigns", { name: "Radio" })).status).toBe(409);
    expect((await apiJson(u, "PATCH", `/api/campaigns/${made.body.id}`, { monthlyCostCents: 65000, endsOn: "2026-12-31" })).status).toBe(200);
    const cost = await apiJson<{ id: string }>(u, "POST", `/api/campaigns/${made.body.id}/costs`, { spentOn: "2026-11-01", amountCents: 25000, note: "Ad production" });
    expect(cost.status).toBe(201);
    const one = await apiJson<{ monthlyCostCents: number; costs: { amountCents: number; note: string }[] }>(u, "GET", `/api/campaigns/${made.body.id}`);
    expect(one.body).toMatchObject({ monthlyCostCents: 65000, costs: [{ amountCents: 25000, note: "Ad production" }] });
    expect((await apiJson(u, "DELETE", `/api/campaigns/${made.body.id}/costs/${cost.body.id}`)).status).toBe(204);
    expect((await apiJson(u, "DELETE", `/api/campaigns/${made.body.id}`)).status).toBe(204);
    expect((await apiJson<{ items: unknown[] }>(u, "GET", "/api/campaigns")).body.items).toEqual([]);
  });

  it("refuse bad input with 400 and keep tenants apart", async () => {
    const u = await admin();
    const other = await admin("Other");
    const before = await tableCounts();
    for (const body of [{}, { name: "x", monthlyCostCents: -5 }, { name: "x", monthlyCostCents: 1.5 }, { name: "x", startsOn: "soon" }]) {
      expect((await apiJson(u, "POST", "/api/campaigns", body)).status).toBe(400);
    }
    expect(await tableCounts()).toEqual(before);
    const theirs = await apiJson<{ id: string }>(other, "POST", "/api/campaigns", { name: "Theirs" });
    expect((await apiJson(u, "GET", `/api/campaigns/${theirs.body.id}`)).status).toBe(404);
    expect((await apiJson(u, "POST", `/api/campaigns/${theirs.body.id}/costs`, { spentOn: "2026-11-01", amountCents: 1 })).status).toBe(404);
    expect((await apiJson(u, "DELETE", `/api/campaigns/${theirs.body.id}`)).status).toBe(404);
  });
});

describe("income", () => {
  it("is recorded against a contact once per reference, and refused for another tenant's contact", async () => {
    const u = await admin();
    const other = await admin("Other");
    const ann = await apiJson<{ id: string }>(u, "POST", "/api/contacts", { kind: "customer", name: "Ann", phones: [{ number: "415-555-0124" }] });
    const theirs = await apiJson<{ id: string }>(other, "POST", "/api/contacts", { kind: "customer", name: "Theirs" });
    const rec = await apiJson(u, "POST", "/api/income", { contactId: ann.body.id, amountCents: 125000, receivedOn: "2026-11-20", reference: "INV-100" });
    expect(rec.status).toBe(201);
    expect((await apiJson(u, "POST", "/api/income", { contactId: ann.body.id, amountCents: 1, receivedOn: "2026-11-20", reference: "INV-100" })).status).toBe(409);
    expect((await apiJson(u, "POST", "/api/income", { contactId: theirs.body.id, amountCents: 1, receivedOn: "2026-11-20" })).status).toBe(400);
    expect((await apiJson(u, "POST", "/api/income", { contactId: ann.body.id, amountCents: 0, receivedOn: "2026-11-20" })).status).toBe(400);
    const list = await apiJson<{ items: { contactName: string; amountCents: number }[] }>(u, "GET", `/api/income?contactId=${ann.body.id}`);
    expect(list.body.items).toMatchObject([{ contactName: "Ann", amountCents: 125000 }]);
  });

  it("imports from CSV: good rows recorded, each refused row named with its line and reason", async () => {
    const u = await admin();
    const ann = await apiJson<{ id: string }>(u, "POST", "/api/contacts", { kind: "customer", name: "Ann", email: "ann@example.test", phones: [{ number: "(415) 555-0124" }] });
    await apiJson(u, "POST", "/api/income", { contactId: ann.body.id, amountCents: 100, receivedOn: "2026-11-01", reference: "OLD-1" });
    const csv = [
      "Phone,Amount,Date,Reference,Contact_ID,Email",
      "415.555.0124,\"1,234.50\",2026-11-02,INV-1,,",
      ",99,2026-11-03,INV-2," + ann.body.id + ",",
      ",$10,2026-11-04,INV-3,,ann@example.test",
      "415-555-0124,twelve,2026-11-05,INV-4,,",
      "415-555-0124,12,05/11/2026,INV-5,,",
      "415-555-0199,12,2026-11-06,INV-6,,",
      "415-555-0124,12,2026-11-07,OLD-1,,",
      "415-555-0124,12,2026-11-08,INV-1,,",
      ",12,2026-11-09,INV-9,,",
    ].join("\n");
    const res = await postCsv(u.cookie, "/api/income/import", csv);
    const body = await res.json<{ imported: number; refused: { line: number; reason: string }[]; message: string }>();
    expect(res.status).toBe(200);
    expect(body.imported).toBe(3);
    expect(body.refused).toEqual([
      { line: 5, reason: 'amount "twelve" is not an amount' },
      { line: 6, reason: 'date "05/11/2026" is not a date like 2026-11-21' },
      { line: 7, reason: "no contact matches it" },
      { line: 8, reason: "reference OLD-1 is recorded already" },
      { line: 9, reason: "reference INV-1 is recorded already" },
      { line: 10, reason: "no contact_id, phone or email to find the contact by" },
    ]);
    expect(body.message).toBe("Imported 3 rows; refused 6 (see refused)");
    const list = await apiJson<{ items: { amountCents: number; reference: string }[] }>(u, "GET", `/api/income?contactId=${ann.body.id}`);
    expect(list.body.items.map((i) => [i.reference, i.amountCents]).sort()).toEqual([["INV-1", 123450], ["INV-2", 9900], ["INV-3", 1000], ["OLD-1", 100]]);
  });

  it("imports a file of hundreds of rows, finding contacts by phone, id and email", async () => {
    const u = await admin();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await apiJson<{ id: string }>(u, "POST", "/api/contacts", { kind: "customer", name: `C${i}`, email: `c${i}@example.test`, phones: [{ number: `415-555-02${i}0` }] })).body.id);
    const rows = Array.from({ length: 250 }, (_, i) => {
      const who = i % 3 === 0 ? `415.555.02${i % 3}0,,` : i % 3 === 1 ? `,${ids[1]},` : `,,C2@EXAMPLE.TEST`;
      return `${who},${i + 1}.00,2026-11-01,BIG-${i}`;
    });
    const res = await postCsv(u.cookie, "/api/income/import", ["phone,contact_id,email,amount,date,reference", ...rows].join("\n"));
    expect(await res.json()).toMatchObject({ imported: 250, refused: [] });
    // Importing the same file again refuses every row as recorded already.
    const again = await (await postCsv(u.cookie, "/api/income/import", ["phone,contact_id,email,amount,date,reference", ...rows].join("\n"))).json<{ imported: number; refused: unknown[] }>();
    expect(again.imported).toBe(0);
    expect(again.refused).toHaveLength(250);
  });

  it("with atomic=true imports nothing when any row is refused", async () => {
    const u = await admin();
    await apiJson(u, "POST", "/api/contacts", { kind: "customer", name: "Ann", phones: [{ number: "(415) 555-0124" }] });
    const before = await tableCounts();
    const res = await postCsv(u.cookie, "/api/income/import?atomic=true", "phone,amount,date\n4155550124,10,2026-11-01\n4155550124,ten,2026-11-02\n");
    expect(res.status).toBe(400);
    // A 4xx has the shape of every other: an `error` that says why.
    expect(await res.json()).toMatchObject({ error: 'Nothing imported: 1 row refused (line 3: amount "ten" is not an amount)', imported: 0, message: "Nothing imported: 1 row refused" });
    expect(await tableCounts()).toEqual(before);
  });

  it("refuses what is not a CSV file", async () => {
    const u = await admin();
    expect((await postCsv(u.cookie, "/api/income/import", '{"a":1}', "application/json")).status).toBe(415);
    expect((await postCsv(u.cookie, "/api/income/import", "")).status).toBe(400);
    expect((await postCsv(u.cookie, "/api/income/import", "phone,amount,date\n")).status).toBe(400);
    const big = `phone,amount,date\n${"4155550124,1,2026-11-01\n".repeat(100_000)}`;
    expect((await postCsv(u.cookie, "/api/income/import", big)).status).toBe(413);
  });

  it("takes a file larger than a JSON body may be, with or without a trailing slash on its path", async () => {
    const u = await admin();
    // About 130 KB (a JSON body stops at 64 KB), every row refused: the import reads it and writes nothing.
    const refused = `phone,amount,date\n${"4155550124,ten,2026-11-02\n".repeat(5_000)}`;
    for (const path of ["/api/income/import?atomic=true", "/api/income/import/?atomic=true"]) {
      const res = await postCsv(u.cookie, path, refused);
      expect(res.status, path).toBe(400);
      expect(await res.json(), path).toMatchObject({ imported: 0, message: "Nothing imported: 5000 rows refused" });
    }
  });
});

describe("contacts from CSV", () => {
  it("normalises phones typed any way, refuses bad rows with reasons, and the imported numbers match calls", async () => {
    const t = await createTwilioTenant("Import");
    const cookie = await login(t.adminEmail);
    const csv = [
      "name,kind,company,email,main,mobile,tags",
      "Gus Green,customer,Green Farms,GUS@example.test,(415) 555-0141,415.555.0142,vip;farm",
      "Hal Hill,vendor,,,+1 415 555 0143 x7,,",
      ",lead,,,415-555-0144,,",
      "Ivy Ives,friend,,,415-555-0145,,",
      "Jo Jones,lead,,,555-01,,",
      "Kim Kay,,,,,,",
    ].join("\r\n");
    const res = await postCsv(cookie, "/api/contacts/import", csv);
    const body = await res.json<{ imported: number; refused: { line: number; reason: string }[] }>();
    expect(body.imported).toBe(3);
    expect(body.refused).toEqual([
      { line: 4, reason: "no name" },
      { line: 5, reason: 'kind "friend" is not one of customer, vendor, employee, lead' },
      { line: 6, reason: '"555-01" is not a valid phone number' },
    ]);
    const gus = await apiJson<{ items: { name: string; email: string; tags: string[]; phones: { label: string; number: string }[] }[] }>({ cookie }, "GET", "/api/contacts?q=Gus");
    expect(gus.body.items[0]).toMatchObject({ email: "gus@example.test", tags: ["vip", "farm"], phones: [{ label: "main", number: "+14155550141" }, { label: "mobile", number: "+14155550142" }] });
    const started = await startCall(t, "+14155550143");
    expect((await switchboardOf(t).snapshot()).calls.find((c) => c.providerCallId === started.callSid)).toMatchObject({ callerName: "Hal Hill", callerType: "vendor" });
  });
});

describe("tenant settings", () => {
  it("change the time zone and attribution window, refusing what is not one", async () => {
    const u = await admin();
    const ok = await apiJson(u, "PATCH", "/api/tenant", { timeZone: "Europe/Paris", attributionWindowDays: 30 });
    expect(ok.body).toMatchObject({ timeZone: "Europe/Paris", attributionWindowDays: 30 });
    const bad = await apiJson<{ error: string }>(u, "PATCH", "/api/tenant", { timeZone: "Mars/Olympus" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/IANA time zone/);
    const agent = { cookie: await login(u.t.agentEmail) };
    expect((await apiJson(agent, "PATCH", "/api/tenant", { name: "Mine now" })).status).toBe(403);
  });
});

describe("the call log as CSV", () => {
  it("exports with the list's filters", async () => {
    const t = await createTwilioTenant("Export");
    const started = await startCall(t, "+14155550124");
    const { dialEnds } = await import("./routing-helpers.ts");
    await dialEnds(t, started.callSid, "busy");
    const res = await call("/api/calls.csv?status=missed", { cookie: await login(t.adminEmail) });
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const [header, row, ...rest] = (await res.text()).split(/\r?\n/);
    expect(header).toBe("started_at,caller_number,caller_name,caller_type,tracking_number,tracking_label,campaign,status,result,rang_at,duration_seconds,talk_seconds,first_time,subject,outcome,notes,tags,visit_source,visit_medium,visit_campaign,visit_keyword,landing_page,referrer");
    expect(row).toMatch(/^\d{4}-\d\d-\d\dT.*,\+14155550124,,unknown,\+1\d{10},Main line,Website,busy,/);
    expect(rest.filter(Boolean)).toEqual([]);
    const none = await call("/api/calls.csv?status=completed", { cookie: await login(t.adminEmail) });
    expect((await none.text()).split(/\r?\n/).filter(Boolean)).toHaveLength(1);
  });
});

describe("CSV exports never carry a formula", () => {
  const TRIGGERS = ["=", "+", "-", "@", "\t", "\r"];

  it("writes every text that a spreadsheet would run with a leading ', and numbers and phone numbers as they are", async () => {
    for (const t of TRIGGERS) {
      const [, line] = (await toCsv([{ v: `${t}HYPERLINK("http://evil.test","x")` }], ["v"])).split("\r\n");
      expect(Papa.parse<string[]>(line!).data[0]![0], JSON.stringify(t)).toBe(`'${t}HYPERLINK("http://evil.test","x")`);
    }
    const [, plain] = (await toCsv([{ a: "+14155550124", b: "-12.50", c: -3, d: "+1 (415) 555-0124", e: "Ann = Archer" }], ["a", "b", "c", "d", "e"])).split("\r\n");
    expect(plain).toBe("+14155550124,-12.50,-3,+1 (415) 555-0124,Ann = Archer");
  });

  it("neutralises what staff typed on a call and a campaign's name and channel, in calls.csv and campaigns.csv", async () => {
    const t = await createTwilioTenant("Formulas");
    const cookie = await login(t.adminEmail);
    const started = await startCall(t, "+14155550124");
    const live = (await switchboardOf(t).snapshot()).calls.find((c) => c.providerCallId === started.callSid)!;
    const info = { subject: "=1+1", notes: "@SUM(A1)", outcome: "-2+cmd|' /C calc'!A0", tags: ["+tag"] };
    expect((await call(`/api/calls/${live.id}`, { method: "PATCH", cookie, json: info })).status).toBe(200);
    expect((await call(`/api/campaigns/${t.campaignId}`, { method: "PATCH", cookie, json: { name: '=HYPERLINK("http://evil.test")', channel: "@SUM(B1)" } })).status).toBe(200);
    const { dialEnds } = await import("./routing-helpers.ts");
    await dialEnds(t, started.callSid, "busy");

    const calls = Papa.parse<Record<string, string>>((await (await call("/api/calls.csv", { cookie })).text()).trim(), { header: true }).data;
    expect(calls[0]).toMatchObject({ caller_number: "+14155550124", campaign: `'=HYPERLINK("http://evil.test")`, subject: "'=1+1", notes: "'@SUM(A1)", outcome: "'-2+cmd|' /C calc'!A0", tags: "'+tag" });
    const today = new Date().toISOString().slice(0, 10);
    const report = Papa.parse<Record<string, string>>((await (await call(`/api/reports/campaigns.csv?from=${today}&to=${today}`, { cookie })).text()).trim(), { header: true }).data;
    const row = report.find((r) => Object.values(r).some((v) => v.includes("HYPERLINK")))!;
    expect(Object.values(row).filter((v) => /^'[=@]/.test(v))).toHaveLength(2);
    for (const value of [...Object.values(calls[0]!), ...Object.values(row)]) expect(value, value).not.toMatch(/^[=@\t\r]/);
  });
});

describe("a campaign's end date", () => {
  it("is read in the tenant's time zone: the last day is included, the day after is not", () => {
    // 07:30 UTC on Dec 1 is still Nov 30 in Los Angeles.
    const at = Date.parse("2026-12-01T07:30:00Z");
    expect(campaignEnded("2026-11-30", at, "America/Los_Angeles")).toBe(false);
    expect(campaignEnded("2026-11-30", at, "UTC")).toBe(true);
    expect(campaignEnded(null, at, "UTC")).toBe(false);
    expect(dayIn(at, "Pacific/Auckland")).toBe("2026-12-01");
  });

  it("stops the campaign taking calls after it: its numbers still track them, as no campaign's, and the list says Ended", async () => {
    const t = await createTwilioTenant("Ending");
    const u = { cookie: await login(t.adminEmail) };
    const today = dayIn(Date.now(), "America/Los_Angeles");
    const yesterday = new Date(Date.parse(today) - 86_400_000).toISOString().slice(0, 10);
    const liveCall = async (from: string) => {
      const started = await startCall(t, from);
      return (await switchboardOf(t).snapshot()).calls.find((c) => c.providerCallId === started.callSid)!;
    };

    // Ending today: today's calls are still the campaign's.
    expect((await apiJson(u, "PATCH", `/api/campaigns/${t.campaignId}`, { endsOn: today })).body).toMatchObject({ endsOn: today, ended: false });
    expect(await liveCall("+14155550161")).toMatchObject({ campaignId: t.campaignId, campaignName: "Website" });

    // Ended yesterday: a new call is tracked with no campaign.
    expect((await apiJson(u, "PATCH", `/api/campaigns/${t.campaignId}`, { endsOn: yesterday })).body).toMatchObject({ ended: true });
    expect(await liveCall("+14155550162")).toMatchObject({ trackingNumberId: t.trackingNumberId, campaignId: null, campaignName: null });
    const list = await apiJson<{ items: { id: string; ended: boolean; endsOn: string; trackingNumbers: number }[] }>(u, "GET", "/api/campaigns");
    expect(list.body.items).toEqual([expect.objectContaining({ id: t.campaignId, ended: true, endsOn: yesterday, trackingNumbers: 1 })]);

    // Taking the end date away: it takes calls again.
    expect((await apiJson(u, "PATCH", `/api/campaigns/${t.campaignId}`, { endsOn: null })).body).toMatchObject({ endsOn: null, ended: false });
    expect(await liveCall("+14155550163")).toMatchObject({ campaignId: t.campaignId });
  });
});

describe("campaign corrections", () => {
  it("renames and re-channels a campaign, refuses a twin name or bad fields with nothing changed, and 404s another tenant's", async () => {
    const u = await admin();
    const other = await admin("Other");
    const a = await apiJson<{ id: string }>(u, "POST", "/api/campaigns", { name: "Flyers", channel: "print", monthlyCostCents: 10000 });
    await apiJson(u, "POST", "/api/campaigns", { name: "Radio" });
    const edited = await apiJson(u, "PATCH", `/api/campaigns/${a.body.id}`, { name: "Door flyers", channel: "yard signs", monthlyCostCents: 12500, startsOn: "2026-10-01" });
    expect(edited.body).toMatchObject({ id: a.body.id, name: "Door flyers", channel: "yard signs", monthlyCostCents: 12500, startsOn: "2026-10-01", endsOn: null, ended: false });
    expect((await apiJson(u, "PATCH", `/api/campaigns/${a.body.id}`, { name: "Radio" })).status).toBe(409);
    for (const body of [{}, { name: "" }, { monthlyCostCents: -1 }, { endsOn: "someday" }, { endsOn: "2026-09-30" }]) {
      expect((await apiJson(u, "PATCH", `/api/campaigns/${a.body.id}`, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await apiJson(u, "GET", `/api/campaigns/${a.body.id}`)).body).toMatchObject({ name: "Door flyers", monthlyCostCents: 12500, endsOn: null });
    // A change names only what changes: the rest stays as it was (no defaults of a new campaign).
    expect((await apiJson(u, "PATCH", `/api/campaigns/${a.body.id}`, { endsOn: "2026-12-31" })).body).toMatchObject({ name: "Door flyers", channel: "yard signs", monthlyCostCents: 12500, startsOn: "2026-10-01", endsOn: "2026-12-31" });
    expect((await apiJson(other, "PATCH", `/api/campaigns/${a.body.id}`, { name: "Mine" })).status).toBe(404);
    expect((await apiJson(other, "DELETE", `/api/campaigns/${a.body.id}/costs/anything`)).status).toBe(404);
  });

  it("lists a campaign's one-off spend, newest first, and deletes one entry; another tenant's is 404", async () => {
    const u = await admin();
    const other = await admin("Other");
    const c = await apiJson<{ id: string }>(u, "POST", "/api/campaigns", { name: "Show" });
    const first = await apiJson<{ id: string }>(u, "POST", `/api/campaigns/${c.body.id}/costs`, { spentOn: "2026-11-01", amountCents: 30000, note: "Booth" });
    await apiJson(u, "POST", `/api/campaigns/${c.body.id}/costs`, { spentOn: "2026-11-10", amountCents: 4500, note: "Banners" });
    const costs = async () => (await apiJson<{ costs: { spentOn: string; amountCents: number; note: string | null }[] }>(u, "GET", `/api/campaigns/${c.body.id}`)).body.costs;
    expect(await costs()).toMatchObject([{ spentOn: "2026-11-10", amountCents: 4500, note: "Banners" }, { spentOn: "2026-11-01", amountCents: 30000, note: "Booth" }]);
    expect((await apiJson(other, "DELETE", `/api/campaigns/${c.body.id}/costs/${first.body.id}`)).status).toBe(404);
    for (const body of [{ spentOn: "2026-11-01", amountCents: 0 }, { spentOn: "2026-13-01", amountCents: 1 }, { amountCents: 1 }]) {
      expect((await apiJson(u, "POST", `/api/campaigns/${c.body.id}/costs`, body)).status).toBe(400);
    }
    expect((await apiJson(u, "DELETE", `/api/campaigns/${c.body.id}/costs/${first.body.id}`)).status).toBe(204);
    expect((await apiJson(u, "DELETE", `/api/campaigns/${c.body.id}/costs/${first.body.id}`)).status).toBe(404);
    expect(await costs()).toMatchObject([{ amountCents: 4500 }]);
  });

  it("deleting a campaign keeps its numbers (with no campaign) and its calls (as no campaign's), and takes its spend", async () => {
    const t = await createTwilioTenant("Deleting");
    const u = { cookie: await login(t.adminEmail) };
    await apiJson(u, "POST", `/api/campaigns/${t.campaignId}/costs`, { spentOn: "2026-11-01", amountCents: 500 });
    const started = await startCall(t, "+14155550164");
    const { dialEnds } = await import("./routing-helpers.ts");
    await dialEnds(t, started.callSid, "busy");
    expect((await apiJson(u, "DELETE", `/api/campaigns/${t.campaignId}`)).status).toBe(204);
    const numbers = await apiJson<{ items: { id: string; campaignId: string | null }[] }>(u, "GET", "/api/tracking-numbers");
    expect(numbers.body.items.find((n) => n.id === t.trackingNumberId)).toMatchObject({ campaignId: null });
    const calls = await apiJson<{ items: { campaignName: string | null }[] }>(u, "GET", "/api/calls");
    expect(calls.body.items).toMatchObject([{ campaignName: null }]);
    expect((await env.DB.prepare("select count(*) as n from campaign_costs where campaign_id = ?").bind(t.campaignId).first<{ n: number }>())?.n).toBe(0);
    const today = dayIn(Date.now(), "America/Los_Angeles");
    const report = await apiJson<{ campaigns: { campaignId: string | null; calls: number }[] }>(u, "GET", `/api/reports/campaigns?from=${today}&to=${today}`);
    expect(report.body.campaigns).toEqual([expect.objectContaining({ campaignId: null, calls: 1 })]);
  });
});

describe("income corrections", () => {
  it("lists income and edits its amount, date, reference and contact; refuses bad input with nothing changed; 404s another tenant's", async () => {
    const u = await admin();
    const other = await admin("Other");
    const ann = await apiJson<{ id: string }>(u, "POST", "/api/contacts", { kind: "customer", name: "Ann" });
    const bob = await apiJson<{ id: string }>(u, "POST", "/api/contacts", { kind: "customer", name: "Bob" });
    const theirs = await apiJson<{ id: string }>(other, "POST", "/api/contacts", { kind: "customer", name: "Theirs" });
    const rec = await apiJson<{ id: string }>(u, "POST", "/api/income", { contactId: ann.body.id, amountCents: 125000, receivedOn: "2026-11-20", reference: "INV-1" });
    await apiJson(u, "POST", "/api/income", { contactId: ann.body.id, amountCents: 100, receivedOn: "2026-11-21", reference: "INV-2" });
    const path = `/api/income/${rec.body.id}`;

    const edited = await apiJson(u, "PATCH", path, { amountCents: 130000, receivedOn: "2026-11-19", reference: "INV-1b", contactId: bob.body.id });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id: rec.body.id, contactId: bob.body.id, contactName: "Bob", amountCents: 130000, receivedOn: "2026-11-19", reference: "INV-1b" });
    const listed = async () => (await apiJson<{ items: { id: string; contactName: string; amountCents: number; receivedOn: string; reference: string | null }[] }>(u, "GET", "/api/income?from=2026-11-01&to=2026-11-30")).body.items;
    expect(await listed()).toMatchObject([{ reference: "INV-2" }, { id: rec.body.id, contactName: "Bob", amountCents: 130000, receivedOn: "2026-11-19", reference: "INV-1b" }]);

    const before = await listed();
    const refusals: [unknown, number][] = [
      [{}, 400],
      [{ amountCents: 0 }, 400],
      [{ amountCents: 12.5 }, 400],
      [{ receivedOn: "2026-02-30" }, 400],
      [{ contactId: theirs.body.id }, 400],
      [{ callId: "no-such-call" }, 400],
      [{ reference: "INV-2" }, 409],
    ];
    for (const [body, status] of refusals) expect((await apiJson(u, "PATCH", path, body)).status, JSON.stringify(body)).toBe(status);
    expect(await listed()).toEqual(before);
    // Its own reference again is no twin.
    expect((await apiJson(u, "PATCH", path, { reference: "INV-1b", amountCents: 130001 })).status).toBe(200);

    expect((await apiJson(other, "PATCH", path, { amountCents: 1 })).status).toBe(404);
    expect((await apiJson(other, "DELETE", path)).status).toBe(404);
    expect((await apiJson(u, "DELETE", path)).status).toBe(204);
    expect((await apiJson(u, "PATCH", path, { amountCents: 1 })).status).toBe(404);
    expect((await listed()).map((i) => i.reference)).toEqual(["INV-2"]);
  });

  it("a reporting user reads income and campaigns but changes neither; an agent reads neither", async () => {
    const u = await admin();
    const ann = await apiJson<{ id: string }>(u, "POST", "/api/contacts", { kind: "customer", name: "Ann" });
    const rec = await apiJson<{ id: string }>(u, "POST", "/api/income", { contactId: ann.body.id, amountCents: 500, receivedOn: "2026-11-20" });
    const reporting = { cookie: await login(u.t.reportingEmail) };
    const agent = { cookie: await login(u.t.agentEmail) };
    expect((await apiJson(reporting, "GET", "/api/income")).status).toBe(200);
    expect((await apiJson(reporting, "PATCH", `/api/income/${rec.body.id}`, { amountCents: 1 })).status).toBe(403);
    expect((await apiJson(reporting, "POST", "/api/campaigns", { name: "Nope" })).status).toBe(403);
    expect((await apiJson(agent, "GET", "/api/income")).status).toBe(403);
    expect((await apiJson(agent, "GET", "/api/campaigns")).status).toBe(403);
  });
});
