import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { providerAccounts } from "../../schema/db.ts";
import { encryptSecret } from "../../worker/lib/crypto.ts";
import { db, login, PASSWORD, tableCounts } from "./helpers.ts";
import { apiJson } from "./routing-helpers.ts";
import { createTwilioTenant, hexId, pathOf, postTwilio, voiceParams, type TwilioTenant } from "./twilio-helpers.ts";
import { eq } from "drizzle-orm";
import { formatPhone } from "../../schema/phone.ts";

type Available = { number: string; friendlyName: string; region: string | null };
type Tracking = { id: string; number: string; label: string; campaignId: string | null; bought: boolean; callsThisMonth?: number; campaignName?: string | null };

async function admin(t: TwilioTenant) {
  return { cookie: await login(t.adminEmail) };
}

/** The fake Twilio API's own view of the account's numbers (its documented IncomingPhoneNumbers list). */
async function ownedAtTwilio(t: TwilioTenant, token = t.token) {
  const res = await fetch(`https://api.twilio.com/2010-04-01/Accounts/${t.accountSid}/IncomingPhoneNumbers.json`, { headers: { Authorization: `Basic ${btoa(`${t.accountSid}:${token}`)}` } });
  return ((await res.json()) as { incoming_phone_numbers: { phone_number: string; voice_url: string; voice_fallback_url: string; status_callback: string }[] }).incoming_phone_numbers;
}

describe("buying tracking numbers through Twilio", () => {
  it("searches by area code, near a number and by region", async () => {
    const t = await createTwilioTenant("Buyer");
    const u = await admin(t);
    const byCode = await apiJson<{ items: Available[] }>(u, "GET", "/api/tracking-numbers/available?areaCode=415&limit=3");
    expect(byCode.status).toBe(200);
    expect(byCode.body.items).toHaveLength(3);
    expect(byCode.body.items[0]).toMatchObject({ number: expect.stringMatching(/^\+1415555010\d$/), friendlyName: expect.stringMatching(/^\(415\) 555-01\d\d$/) });
    const near = await apiJson<{ items: Available[] }>(u, "GET", `/api/tracking-numbers/available?near=${encodeURIComponent("(212) 555-0199")}&limit=2`);
    expect(near.body.items.every((n) => n.number.startsWith("+1212"))).toBe(true);
    const region = await apiJson<{ items: Available[] }>(u, "GET", "/api/tracking-numbers/available?region=IL&limit=2");
    expect(region.body.items.every((n) => n.number.startsWith("+1312") && n.region === "IL")).toBe(true);
    const none = await apiJson<{ items: Available[] }>(u, "GET", "/api/tracking-numbers/available?areaCode=999");
    expect(none.body.items).toEqual([]);
    for (const bad of ["areaCode=41", "region=California", "", "near=abc"]) expect((await apiJson(u, "GET", `/api/tracking-numbers/available?${bad}`)).status).toBe(400);
  });

  it("buys a number with our webhooks set on it, lists it, and releases it on delete", async () => {
    const t = await createTwilioTenant("Buyer");
    const u = await admin(t);
    const [pick] = (await apiJson<{ items: Available[] }>(u, "GET", "/api/tracking-numbers/available?areaCode=646&limit=1")).body.items;
    const bought = await apiJson<Tracking>(u, "POST", "/api/tracking-numbers", { number: pick!.number, label: "Radio ad", campaignId: t.campaignId, terminationNumber: "(415) 555-0150" });
    expect(bought.status).toBe(201);
    expect(bought.body).toMatchObject({ number: pick!.number, label: "Radio ad", bought: true, campaignId: t.campaignId });
    const atTwilio = await ownedAtTwilio(t);
    expect(atTwilio).toEqual([
      expect.objectContaining({
        phone_number: pick!.number,
        voice_url: "http://switchboard.test/webhooks/twilio/voice",
        status_callback: `http://switchboard.test/webhooks/twilio/status?tenant=${encodeURIComponent(t.id)}`,
        voice_fallback_url: expect.stringMatching(/^http:\/\/switchboard\.test\/webhooks\/twilio\/fallback\?dial=%2B14155550150&key=[\w-]{43}$/),
      }),
    ]);

    // Twilio's fallback dials the number sealed in its URL, and nothing else: a changed number is refused.
    const fallbackUrl = atTwilio[0]!.voice_fallback_url;
    const fallback = await postTwilio(pathOf(fallbackUrl), voiceParams(t, "+14155550124"), { token: t.token });
    expect(await fallback.text()).toMatch(/<Dial timeout="30"><Number>\+14155550150<\/Number><\/Dial>/);
    const forged = await postTwilio(pathOf(fallbackUrl.replace("%2B14155550150", "%2B14155550199")), voiceParams(t, "+14155550124"), { token: t.token });
    expect(forged.status).toBe(200);
    expect(await forged.text()).not.toContain("<Dial");

    // A new fail-safe number re-points the fallback at the provider before it is saved.
    const patched = await apiJson<Tracking>(u, "PATCH", `/api/tracking-numbers/${bought.body.id}`, { failsafeNumber: "+14155550151" });
    expect(patched.status).toBe(200);
    expect((await ownedAtTwilio(t))[0]!.voice_fallback_url).toContain("dial=%2B14155550151&key=");

    // The new number takes calls at once.
    const voice = await postTwilio("/webhooks/twilio/voice", { ...voiceParams(t, "+14155550124"), To: pick!.number }, { token: t.token });
    expect(await voice.text()).toContain("<Number");

    const list = await apiJson<{ items: Tracking[] }>(u, "GET", "/api/tracking-numbers");
    expect(list.body.items.find((i) => i.number === pick!.number)).toMatchObject({ campaignName: "Website", callsThisMonth: 0 });

    const gone = await apiJson<{ message: string; released: boolean }>(u, "DELETE", `/api/tracking-numbers/${bought.body.id}`);
    expect(gone.body).toEqual({ deleted: pick!.number, released: true, message: `${formatPhone(pick!.number, "US")} no longer routes or tracks calls` });
    expect(await ownedAtTwilio(t)).toEqual([]);
    // Routing and tracking stop: a call to it is now refused.
    const after = await postTwilio("/webhooks/twilio/voice", { ...voiceParams(t, "+14155550124"), To: pick!.number }, { token: t.token });
    expect(after.status).toBe(403);
  });

  it("says what Twilio said when it refuses: wrong credentials, a number taken", async () => {
    const t = await createTwilioTenant("Buyer");
    const u = await admin(t);
    await db().update(providerAccounts).set({ credentialsEncrypted: await encryptSecret(JSON.stringify({ accountSid: t.accountSid, authToken: "bad-token" }), env.SECRETS_KEY) }).where(eq(providerAccounts.tenantId, t.id));
    const refused = await apiJson<{ error: string }>(u, "GET", "/api/tracking-numbers/available?areaCode=415");
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe("Twilio: Authenticate (error 20003)");

    const other = await createTwilioTenant("Other");
    const ou = await admin(other);
    const [pick] = (await apiJson<{ items: Available[] }>(ou, "GET", "/api/tracking-numbers/available?areaCode=206&limit=1")).body.items;
    // Someone else bought it at Twilio meanwhile.
    await fetch(`https://api.twilio.com/2010-04-01/Accounts/${other.accountSid}/IncomingPhoneNumbers.json`, {
      method: "POST",
      headers: { Authorization: `Basic ${btoa(`${other.accountSid}:${other.token}`)}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ PhoneNumber: pick!.number }).toString(),
    });
    const before = await tableCounts();
    const taken = await apiJson<{ error: string }>(ou, "POST", "/api/tracking-numbers", { number: pick!.number, label: "x", terminationNumber: "+14155550150" });
    expect(taken.status).toBe(400);
    expect(taken.body.error).toBe(`Twilio: Phone number ${pick!.number} is not available (error 21422)`);
    expect(await tableCounts()).toEqual(before);
  });
});

describe("the sandbox provider", () => {
  it("offers 555-01xx numbers of the searched area code, buys and releases without a provider", async () => {
    const t = await createTwilioTenant("Sandbox");
    await db().update(providerAccounts).set({ sandbox: true }).where(eq(providerAccounts.tenantId, t.id));
    const u = await admin(t);
    const offered = await apiJson<{ items: Available[] }>(u, "GET", "/api/tracking-numbers/available?areaCode=503&limit=5");
    expect(offered.body.items.map((n) => n.number)).toEqual(["+15035550100", "+15035550101", "+15035550102", "+15035550103", "+15035550104"]);
    expect(offered.body.items[0]).toMatchObject({ friendlyName: "(503) 555-0100", region: "OR" });
    const bought = await apiJson<Tracking>(u, "POST", "/api/tracking-numbers", { number: "+15035550100", label: "Sandbox line", terminationNumber: "+14155550150" });
    expect(bought.body).toMatchObject({ number: "+15035550100", bought: false });
    const next = await apiJson<{ items: Available[] }>(u, "GET", "/api/tracking-numbers/available?areaCode=503&limit=1");
    expect(next.body.items[0]!.number).toBe("+15035550101");
    // Its calls are signed with the tenant's own Twilio token, like any number of the account.
    const voice = await postTwilio("/webhooks/twilio/voice", { ...voiceParams(t, "+14155550124"), To: "+15035550100" }, { token: t.token });
    expect(await voice.text()).toContain(">+14155550150</Number>");
    const refused = await apiJson<{ error: string }>(u, "POST", "/api/tracking-numbers", { number: "+15035551234", label: "x", terminationNumber: "+14155550150" });
    expect(refused.body.error).toBe("The sandbox offers only 555-01xx numbers");
    expect((await apiJson(u, "DELETE", `/api/tracking-numbers/${bought.body.id}`)).status).toBe(200);
  });
});

describe("tracking numbers are the tenant's own", () => {
  it("refuses another tenant's numbers, a number twice, loops and bad input", async () => {
    const t = await createTwilioTenant("A");
    const other = await createTwilioTenant("B");
    const u = await admin(t);
    expect((await apiJson(u, "DELETE", `/api/tracking-numbers/${other.trackingNumberId}`)).status).toBe(404);
    expect((await apiJson(u, "PATCH", `/api/tracking-numbers/${other.trackingNumberId}`, { label: "x" })).status).toBe(404);
    const twice = await apiJson<{ error: string }>(u, "POST", "/api/tracking-numbers", { number: other.trackingNumber, label: "x", terminationNumber: "+14155550150" });
    expect(twice.status).toBe(409);
    const loop = await apiJson<{ error: string }>(u, "POST", "/api/tracking-numbers", { number: "+14155550100", label: "x", terminationNumber: other.trackingNumber });
    expect(loop.body.error).toMatch(/ring loop/);
    expect((await apiJson(u, "POST", "/api/tracking-numbers", { number: "+14155550100", label: "x", campaignId: "nope" })).status).toBe(400);
    expect((await apiJson(u, "PATCH", `/api/tracking-numbers/${t.trackingNumberId}`, { campaignId: "nope" })).status).toBe(400);
    const agent = { cookie: await login(t.agentEmail) };
    expect((await apiJson(agent, "POST", "/api/tracking-numbers", { number: "+14155550100", label: "x" })).status).toBe(403);
    // A number that would hang up on every caller is not bought.
    const nowhere = await apiJson<{ error: string }>(u, "POST", "/api/tracking-numbers", { number: "+15035550101", label: "x" });
    expect(nowhere.status).toBe(400);
    expect(nowhere.body.error).toBe("Invalid json: terminationNumber: give a termination number, a route or a fail-safe number: without one, every call to this number would hang up");
    void hexId;
  });
});

describe("a tracking number that the tenant dials is refused", () => {
  it("a receiving number, a termination or fail-safe number, an agent's number: 409 naming what dials it, nothing bought", async () => {
    const t = await createTwilioTenant("Dialled");
    const u = await admin(t);
    const picks = (await apiJson<{ items: Available[] }>(u, "GET", "/api/tracking-numbers/available?areaCode=646&limit=6")).body.items.map((n) => n.number);
    const [office, termination, failsafe, agent, itself, theirs] = picks as [string, string, string, string, string, string];
    expect((await apiJson(u, "POST", "/api/receiving-numbers", { number: office, label: "Office" })).status).toBe(201);
    expect((await apiJson(u, "PATCH", `/api/tracking-numbers/${t.trackingNumberId}`, { terminationNumber: termination })).status).toBe(200);
    expect((await apiJson(u, "POST", "/api/tracking-numbers/failsafe", { trackingNumberIds: [t.trackingNumberId], failsafeNumber: failsafe })).status).toBe(200);
    const me = await apiJson<{ name: string }>(u, "PATCH", "/api/profile", { agentNumber: agent });
    expect(me.status).toBe(200);
    const tracked = await env.DB.prepare("select count(*) as n from tracking_numbers").first<{ n: number }>();

    const cases: [string, string][] = [
      [office, `${office} is dialled by receiving number "Office"`],
      [termination, `${termination} is dialled by the termination number of tracking number ${t.trackingNumber}`],
      [failsafe, `${failsafe} is dialled by the fail-safe number of tracking number ${t.trackingNumber}`],
      [agent, `${agent} is dialled by ${me.body.name}'s agent number`],
    ];
    for (const [number, says] of cases) {
      // Typed as people type it: the same number.
      const res = await apiJson<{ error: string; issues: { path: string; message: string }[] }>(u, "POST", "/api/tracking-numbers", { number: formatPhone(number), label: "Loop", routeId: null, terminationNumber: "+14155550150" });
      expect(res.status, number).toBe(409);
      expect(res.body.error, number).toBe(`${says}: as a tracking number, calls there would ring back into Switchboard (a ring loop); change those first`);
      expect(res.body.issues.map((i) => i.path)).toEqual(["number"]);
    }
    // A number bought to ring itself.
    for (const field of ["terminationNumber", "failsafeNumber"]) {
      const res = await apiJson<{ error: string }>(u, "POST", "/api/tracking-numbers", { number: itself, label: "Self", [field]: itself });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe(`Invalid json: ${field}: ${itself} is the number being bought: it cannot ring itself`);
    }
    expect(await ownedAtTwilio(t)).toEqual([]);
    expect(await env.DB.prepare("select count(*) as n from tracking_numbers").first<{ n: number }>()).toEqual(tracked);

    // What another tenant dials is theirs: it neither blocks nor is named here.
    const other = await createTwilioTenant("Elsewhere");
    expect((await apiJson({ cookie: await login(other.adminEmail) }, "POST", "/api/receiving-numbers", { number: theirs, label: "Theirs" })).status).toBe(201);
    const bought = await apiJson<Tracking>(u, "POST", "/api/tracking-numbers", { number: theirs, label: "Mine", terminationNumber: "+14155550150" });
    expect(bought.status).toBe(201);
  });
});

describe("a tracking number's after-hours target, set when it is bought", () => {
  it("takes what PATCH takes, and a call after hours goes there", async () => {
    const t = await createTwilioTenant("After hours");
    await db().update(providerAccounts).set({ sandbox: true }).where(eq(providerAccounts.tenantId, t.id));
    const u = await admin(t);
    const bought = await apiJson<Tracking & { afterHoursTarget: unknown }>(u, "POST", "/api/tracking-numbers", { number: "+19715550100", label: "Night line", terminationNumber: "+14155550150", afterHoursTarget: { kind: "voicemail", greeting: "We are closed." } });
    expect(bought.status).toBe(201);
    expect(bought.body.afterHoursTarget).toEqual({ kind: "voicemail", greeting: "We are closed." });
    const listed = await apiJson<{ items: (Tracking & { afterHoursTarget: unknown })[] }>(u, "GET", "/api/tracking-numbers");
    expect(listed.body.items.find((n) => n.id === bought.body.id)?.afterHoursTarget).toEqual({ kind: "voicemail", greeting: "We are closed." });
    // Closed all week: its calls go to its own after-hours target.
    expect((await apiJson(u, "PUT", "/api/business-hours", { weekly: [] })).status).toBe(200);
    const voice = await postTwilio("/webhooks/twilio/voice", { ...voiceParams(t, "+14155550124"), To: "+19715550100" }, { token: t.token });
    expect(await voice.text()).toContain("<Say>We are closed.</Say><Record ");

    const ignoring = await apiJson<{ afterHoursTarget: unknown }>(u, "POST", "/api/tracking-numbers", { number: "+19715550101", label: "Always", terminationNumber: "+14155550150", afterHoursTarget: "ignore" });
    expect([ignoring.status, ignoring.body.afterHoursTarget]).toEqual([201, "ignore"]);
    const following = await apiJson<{ afterHoursTarget: unknown }>(u, "POST", "/api/tracking-numbers", { number: "+19715550102", label: "Schedule", terminationNumber: "+14155550150", afterHoursTarget: null });
    expect([following.status, following.body.afterHoursTarget]).toEqual([201, null]);
  });

  it("refuses what PATCH refuses: 400 at afterHoursTarget, nothing bought", async () => {
    const t = await createTwilioTenant("After hours refused");
    const other = await createTwilioTenant("Their routes");
    const theirs = await apiJson<{ id: string }>({ cookie: await login(other.adminEmail) }, "POST", "/api/routes", { kind: "menu", name: "Theirs", config: { greeting: "Hi", options: [{ digit: "1", target: { kind: "hangup" } }] } });
    const u = await admin(t);
    const [pick] = (await apiJson<{ items: Available[] }>(u, "GET", "/api/tracking-numbers/available?areaCode=718&limit=1")).body.items;
    const cases: [unknown, RegExp][] = [
      [{ kind: "route", id: "nope" }, /afterHoursTarget: route nope does not exist/],
      [{ kind: "route", id: theirs.body.id }, /does not exist/],
      [{ kind: "receiving", id: "gone" }, /afterHoursTarget: receiving number gone does not exist/],
      [{ kind: "teleport" }, /afterHoursTarget/],
      ["sometimes", /afterHoursTarget/],
    ];
    for (const [afterHoursTarget, message] of cases) {
      const res = await apiJson<{ error: string }>(u, "POST", "/api/tracking-numbers", { number: pick!.number, label: "x", terminationNumber: "+14155550150", afterHoursTarget });
      expect(res.status, JSON.stringify(afterHoursTarget)).toBe(400);
      expect(res.body.error).toMatch(message);
    }
    expect(await ownedAtTwilio(t)).toEqual([]);
  });
});

describe("provider credentials", () => {
  it("are stored encrypted and never returned", async () => {
    const t = await createTwilioTenant();
    const u = await admin(t);
    const sid = hexId("AC");
    const saved = await apiJson<Record<string, unknown>>(u, "PUT", "/api/provider-accounts/twilio", { accountSid: sid, authToken: "s3cret-token-value", currentPassword: PASSWORD });
    expect(saved.body).toEqual({ id: expect.any(String), provider: "twilio", accountId: sid, accountSid: sid, sandbox: false, createdAt: expect.any(Number), updatedAt: expect.any(Number), updatedBy: expect.any(String) });
    const list = await apiJson(u, "GET", "/api/provider-accounts");
    expect(JSON.stringify(list.body)).not.toContain("s3cret");
    const stored = await env.DB.prepare("select credentials_encrypted from provider_accounts where tenant_id = ?").bind(t.id).first<{ credentials_encrypted: string }>();
    expect(stored?.credentials_encrypted).not.toContain("s3cret");
    expect((await apiJson(u, "PUT", "/api/provider-accounts/twilio", { accountSid: "nope", authToken: "x", currentPassword: PASSWORD })).status).toBe(400);
  });

  it("one account per provider: read one, refused for a provider Switchboard does not speak, deleted only once no number uses it", async () => {
    const t = await createTwilioTenant();
    const u = await admin(t);
    const one = await apiJson<Record<string, unknown>>(u, "GET", "/api/provider-accounts/twilio");
    expect(one.body).toMatchObject({ provider: "twilio", accountId: t.accountSid, accountSid: t.accountSid });
    expect(JSON.stringify(one.body)).not.toContain(t.token);
    // Saving again replaces the account's credentials: still one account.
    expect((await apiJson(u, "PUT", "/api/provider-accounts/twilio", { accountSid: t.accountSid, authToken: "another-token-value", currentPassword: PASSWORD })).status).toBe(200);
    expect((await apiJson<{ items: unknown[] }>(u, "GET", "/api/provider-accounts")).body.items).toHaveLength(1);
    for (const provider of ["nope", "sandbox"]) {
      const refused = await apiJson<{ error: string }>(u, "PUT", `/api/provider-accounts/${provider}`, { accountSid: t.accountSid, authToken: "x".repeat(10) });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatch(/^Invalid param: provider: /);
    }
    const inUse = await apiJson<{ error: string }>(u, "DELETE", "/api/provider-accounts/twilio");
    expect(inUse.status).toBe(409);
    expect(inUse.body.error).toContain(t.trackingNumber);
    expect((await apiJson(u, "DELETE", `/api/tracking-numbers/${t.trackingNumberId}`)).status).toBe(200);
    expect((await apiJson(u, "DELETE", "/api/provider-accounts/twilio")).status).toBe(200);
    expect((await apiJson(u, "GET", "/api/provider-accounts/twilio")).status).toBe(404);
    const agent = { cookie: await login(t.agentEmail) };
    expect((await apiJson(agent, "GET", "/api/provider-accounts")).status).toBe(403);
  });

  it("an account saved before credentials were sealed as JSON (a bare Twilio auth token) still verifies its calls", async () => {
    const t = await createTwilioTenant();
    await db().update(providerAccounts).set({ credentialsEncrypted: await encryptSecret(t.token, env.SECRETS_KEY) }).where(eq(providerAccounts.tenantId, t.id));
    const voice = await postTwilio("/webhooks/twilio/voice", { ...voiceParams(t, "+14155550124"), To: t.trackingNumber }, { token: t.token });
    expect(voice.status).toBe(200);
    expect(await voice.text()).toContain(`>${t.terminationNumber}</Number>`);
    const u = await admin(t);
    expect((await apiJson(u, "GET", "/api/provider-accounts/twilio")).body).toMatchObject({ accountSid: t.accountSid });
  });
});
