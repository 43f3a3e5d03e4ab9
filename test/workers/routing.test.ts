import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Switchboard } from "../../party/switchboard.ts";
import { apiJson, dialEnds, dialled, press, receiving, route, routingTenant, startCall, useRoute } from "./routing-helpers.ts";
import { attrOf, hexId, postTwilio, switchboardOf, voiceParams } from "./twilio-helpers.ts";

describe("dialling patterns", () => {
  it("round robin spreads concurrent calls evenly, never giving two calls the same slot", async () => {
    const t = await routingTenant();
    const [a, b, c] = [await receiving(t, "A"), await receiving(t, "B"), await receiving(t, "C")];
    const r = await route(t, { kind: "dial", name: "Spread", config: { receivingNumberIds: [a.id, b.id, c.id], pattern: "round-robin" } });
    await useRoute(t, r.id);
    const calls = await Promise.all(Array.from({ length: 9 }, (_, i) => startCall(t, `+1415555${String(1000 + i)}`)));
    const counts = new Map<string, number>();
    for (const call of calls) {
      const numbers = dialled(call.xml);
      expect(numbers).toHaveLength(1);
      counts.set(numbers[0]!, (counts.get(numbers[0]!) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({ [a.number]: 3, [b.number]: 3, [c.number]: 3 });
  });

  it("round robin goes on where it was after the Switchboard is evicted", async () => {
    const t = await routingTenant();
    const [a, b] = [await receiving(t, "A"), await receiving(t, "B")];
    await useRoute(t, (await route(t, { kind: "dial", name: "RR", config: { receivingNumberIds: [a.id, b.id], pattern: "round-robin" } })).id);
    expect(dialled((await startCall(t, "+14155551001")).xml)).toEqual([a.number]);
    await evictDurableObject(switchboardOf(t));
    expect(dialled((await startCall(t, "+14155551002")).xml)).toEqual([b.number]);
    expect(dialled((await startCall(t, "+14155551003")).xml)).toEqual([a.number]);
  });

  it("least connected picks the idle number, and counts go back down when calls end, whatever the order of their reports", async () => {
    const t = await routingTenant();
    const [a, b] = [await receiving(t, "A"), await receiving(t, "B")];
    await useRoute(t, (await route(t, { kind: "dial", name: "LC", config: { receivingNumberIds: [a.id, b.id], pattern: "least-connected" } })).id);
    const one = await startCall(t, "+14155551001");
    const two = await startCall(t, "+14155551002");
    expect([dialled(one.xml), dialled(two.xml)]).toEqual([[a.number], [b.number]]);
    const counts = () => switchboardOf(t).connections([a.number, b.number]);
    expect(await counts()).toEqual({ [a.number]: 1, [b.number]: 1 });

    // The second call ends with its reports out of order, some twice.
    const leg = hexId("CA");
    await postTwilio("/webhooks/twilio/status", { AccountSid: t.accountSid, CallSid: two.callSid, CallStatus: "completed", To: t.trackingNumber }, { token: t.token });
    await dialEnds(t, two.callSid, "completed", { DialCallSid: leg, DialCallDuration: "30" });
    await dialEnds(t, two.callSid, "completed", { DialCallSid: leg, DialCallDuration: "30" });
    expect(await counts()).toEqual({ [a.number]: 1, [b.number]: 0 });
    expect(dialled((await startCall(t, "+14155551003")).xml)).toEqual([b.number]);
    expect(await counts()).toEqual({ [a.number]: 1, [b.number]: 1 });
    await evictDurableObject(switchboardOf(t));
    expect(await counts()).toEqual({ [a.number]: 1, [b.number]: 1 });
  });

  it("sequential hunts in order through no-answer and busy, then goes to the route's no-answer target", async () => {
    const t = await routingTenant();
    const [a, b, c] = [await receiving(t, "A"), await receiving(t, "B"), await receiving(t, "C")];
    await useRoute(t, (await route(t, { kind: "dial", name: "Hunt", config: { receivingNumberIds: [a.id, b.id, c.id], pattern: "sequential", noAnswer: { kind: "voicemail", greeting: "Leave a message." } } })).id);
    const start = await startCall(t, "+14155551001");
    expect(dialled(start.xml)).toEqual([a.number]);
    expect(dialled(await dialEnds(t, start.callSid, "no-answer"))).toEqual([b.number]);
    expect(dialled(await dialEnds(t, start.callSid, "busy"))).toEqual([c.number]);
    const last = await dialEnds(t, start.callSid, "no-answer");
    expect(last).toContain("<Say>Leave a message.</Say><Record ");
    expect(attrOf(last, "Record", "action")).toContain("/webhooks/twilio/voicemail-done?tenant=");
    expect((await switchboardOf(t).snapshot()).calls[0]?.status).toBe("ringing");
  });

  it("an answered hunt stops hunting: the call is over when its Dial ends", async () => {
    const t = await routingTenant();
    const [a, b] = [await receiving(t, "A"), await receiving(t, "B")];
    await useRoute(t, (await route(t, { kind: "dial", name: "Hunt", config: { receivingNumberIds: [a.id, b.id], pattern: "sequential" } })).id);
    const start = await startCall(t, "+14155551001");
    const after = await dialEnds(t, start.callSid, "completed", { DialCallSid: hexId("CA"), DialCallDuration: "40" });
    expect(after).toContain("<Hangup/>");
    expect((await switchboardOf(t).snapshot()).calls).toEqual([]);
  });

  it("simultaneous rings every number at once, then no-answer goes to the no-answer target", async () => {
    const t = await routingTenant();
    const [a, b] = [await receiving(t, "A", { ringSeconds: 15 }), await receiving(t, "B", { ringSeconds: 25 })];
    const backup = await receiving(t, "Backup");
    await useRoute(t, (await route(t, { kind: "dial", name: "All", config: { receivingNumberIds: [a.id, b.id], pattern: "simultaneous", noAnswer: { kind: "receiving", id: backup.id } } })).id);
    const start = await startCall(t, "+14155551001");
    expect(dialled(start.xml)).toEqual([a.number, b.number]);
    expect(attrOf(start.xml, "Dial", "timeout")).toBe("25");
    expect(dialled(await dialEnds(t, start.callSid, "no-answer"))).toEqual([backup.number]);
    const ended = await dialEnds(t, start.callSid, "no-answer");
    expect(ended).toContain("<Hangup/>");
    expect((await switchboardOf(t).snapshot()).calls).toEqual([]);
  });

  it("a single receiving number's own no-answer target applies when the route names none", async () => {
    const t = await routingTenant();
    const backup = await receiving(t, "Backup");
    const a = await receiving(t, "A", { noAnswerTarget: { kind: "receiving", id: backup.id } });
    await useRoute(t, (await route(t, { kind: "dial", name: "One", config: { receivingNumberIds: [a.id], pattern: "round-robin" } })).id);
    const start = await startCall(t, "+14155551001");
    expect(dialled(await dialEnds(t, start.callSid, "busy"))).toEqual([backup.number]);
  });
});

describe("receiving number details in the TwiML", () => {
  it("sends the extension after its delay, whispers to whoever answers, records when asked", async () => {
    const t = await routingTenant();
    const a = await receiving(t, "Front desk", { extension: "123", extensionDelaySeconds: 2, whisper: "Call from the website", record: true });
    await useRoute(t, (await route(t, { kind: "dial", name: "Desk", config: { receivingNumberIds: [a.id] } })).id);
    const { xml } = await startCall(t, "+14155551001");
    expect(attrOf(xml, "Number", "sendDigits")).toBe("wwww123");
    expect(attrOf(xml, "Dial", "record")).toBe("record-from-answer-dual");
    expect(attrOf(xml, "Dial", "recordingStatusCallback")).toBe(`http://switchboard.test/webhooks/twilio/recording?tenant=${encodeURIComponent(t.id)}`);
    const whisperUrl = attrOf(xml, "Number", "url")!;
    expect(whisperUrl).toContain("/webhooks/twilio/whisper?tenant=");
    const whisper = await postTwilio(new URL(whisperUrl).pathname + new URL(whisperUrl).search, { AccountSid: t.accountSid, CallSid: hexId("CA") }, { token: t.token });
    expect(await whisper.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Say>Call from the website</Say></Response>');
    const forged = await postTwilio(new URL(whisperUrl).pathname + new URL(whisperUrl).search, { AccountSid: t.accountSid, CallSid: hexId("CA") }, { token: "wrong" });
    expect(forged.status).toBe(403);
  });

  it("skips the receiving number's whisper when the tracking number whispers", async () => {
    const t = await routingTenant();
    const a = await receiving(t, "Desk", { whisper: "Receiving whisper" });
    await useRoute(t, (await route(t, { kind: "dial", name: "Desk", config: { receivingNumberIds: [a.id] } })).id);
    await apiJson(t, "PATCH", `/api/tracking-numbers/${t.trackingNumberId}`, { whisper: "Yard sign caller" });
    const { xml } = await startCall(t, "+14155551001");
    expect(decodeURIComponent(attrOf(xml, "Number", "url")!)).toContain("text=Yard sign caller");
  });

  it("stores the recording on the call and in the call log", async () => {
    const t = await routingTenant();
    const start = await startCall(t, "+14155551001");
    const url = "https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/RE123";
    const res = await postTwilio(`/webhooks/twilio/recording?tenant=${encodeURIComponent(t.id)}`, { AccountSid: t.accountSid, CallSid: start.callSid, RecordingUrl: url, RecordingStatus: "completed", RecordingSid: "RE123" }, { token: t.token });
    expect(res.status).toBe(204);
    expect((await switchboardOf(t).snapshot()).calls[0]?.recordingUrl).toBe(url);
    await dialEnds(t, start.callSid, "completed", { DialCallSid: hexId("CA"), DialCallDuration: "5" });
    await switchboardOf(t).flushCallLog();
    const row = await env.DB.prepare("select recording_url from calls where provider_call_id = ?").bind(start.callSid).first();
    expect(row).toEqual({ recording_url: url });
  });

  it("tags a call to a receiving number outside its hours", async () => {
    const t = await routingTenant();
    // Open one minute a week, on a day that is not today: closed now.
    const today = new Date().getUTCDay();
    const a = await receiving(t, "Office", { taggingHours: [{ day: (today + 3) % 7, from: "03:00", to: "03:01" }] });
    await useRoute(t, (await route(t, { kind: "dial", name: "Office", config: { receivingNumberIds: [a.id] } })).id);
    const start = await startCall(t, "+14155551001");
    expect((await switchboardOf(t).snapshot()).calls.find((c) => c.providerCallId === start.callSid)?.tags).toEqual(["after-hours"]);
  });
});

describe("voice menus", () => {
  async function menuTenant() {
    const t = await routingTenant();
    const [sales, service, operator] = [await receiving(t, "Sales"), await receiving(t, "Service"), await receiving(t, "Operator")];
    const menu = await route(t, {
      kind: "menu",
      name: "Main menu",
      config: {
        greeting: "Press 1 for sales, 2 for service.",
        options: [
          { digit: "1", target: { kind: "receiving", id: sales.id } },
          { digit: "2", target: { kind: "receiving", id: service.id } },
        ],
        timeoutSeconds: 4,
        attempts: 2,
        timeoutTarget: { kind: "receiving", id: operator.id },
      },
    });
    await useRoute(t, menu.id);
    return { t, sales, service, operator };
  }

  it("offers the menu and follows the key pressed", async () => {
    const { t, service } = await menuTenant();
    const start = await startCall(t, "+14155551001");
    expect(start.xml).toContain('<Gather action="http://switchboard.test/webhooks/twilio/gather?tenant=');
    expect(start.xml).toContain('numDigits="1" timeout="4" actionOnEmptyResult="true"><Say>Press 1 for sales, 2 for service.</Say></Gather>');
    expect(dialled(await press(t, start.callSid, "2"))).toEqual([service.number]);
  });

  it("says so and offers the menu again after a wrong key, then goes to the timeout target", async () => {
    const { t, operator } = await menuTenant();
    const start = await startCall(t, "+14155551001");
    const again = await press(t, start.callSid, "7");
    expect(again).toContain("<Say>Sorry, that is not an option. Press 1 for sales, 2 for service.</Say>");
    expect(dialled(await press(t, start.callSid, "9"))).toEqual([operator.number]);
  });

  it("offers the menu again when nothing is pressed, then goes to the timeout target", async () => {
    const { t, operator } = await menuTenant();
    const start = await startCall(t, "+14155551001");
    expect(await press(t, start.callSid, null)).toContain("<Say>Sorry, I did not get that. Press 1");
    expect(dialled(await press(t, start.callSid, null))).toEqual([operator.number]);
  });

  it("nests: a key leads to a conditional route that leads to a dialling pattern", async () => {
    const t = await routingTenant();
    const [vip, a, b] = [await receiving(t, "VIP line"), await receiving(t, "A"), await receiving(t, "B")];
    const pool = await route(t, { kind: "dial", name: "Pool", config: { receivingNumberIds: [a.id, b.id], pattern: "round-robin" } });
    const byType = await route(t, {
      kind: "conditional",
      name: "Customers first",
      config: { rules: [{ when: [{ type: "caller-type", in: ["customer"] }], target: { kind: "receiving", id: vip.id } }], default: { kind: "route", id: pool.id } },
    });
    await useRoute(t, (await route(t, { kind: "menu", name: "Menu", config: { greeting: "Press 1.", options: [{ digit: "1", target: { kind: "route", id: byType.id } }] } })).id);
    const start = await startCall(t, "+14155551001");
    expect(dialled(await press(t, start.callSid, "1"))).toEqual([a.number]);
  });
});

describe("call queues", () => {
  it("greets, plays hold music, offers agents in turn, and after the longest wait goes to the timeout target", async () => {
    const t = await routingTenant();
    const [a, b] = [await receiving(t, "Agent A"), await receiving(t, "Agent B")];
    await useRoute(
      t,
      (
        await route(t, {
          kind: "queue",
          name: "Support queue",
          config: { greeting: "All our agents are busy.", receivingNumberIds: [a.id, b.id], pattern: "round-robin", maxWaitSeconds: 60, timeoutTarget: { kind: "voicemail" } },
        })
      ).id,
    );
    const start = await startCall(t, "+14155551001");
    expect(start.xml).toMatch(/<Say>All our agents are busy\.<\/Say><Play>http[^<]+<\/Play><Dial /);
    expect(dialled(start.xml)).toEqual([a.number]);
    const second = await dialEnds(t, start.callSid, "no-answer");
    expect(second).toMatch(/<Say>Thank you for holding\.<\/Say><Play>[^<]+<\/Play><Dial /);
    expect(dialled(second)).toEqual([b.number]);
    // A minute later (the caller's wait began a minute ago), the queue gives up.
    await runInDurableObject(switchboardOf(t), (_: Switchboard, state) => {
      const row = state.storage.sql.exec<{ id: string; memory: string }>("select id, memory from calls").one();
      const memory = JSON.parse(row.memory);
      memory.routing.frame.startedAt -= 61_000;
      state.storage.sql.exec("update calls set memory = ? where id = ?", JSON.stringify(memory), row.id);
    });
    expect(await dialEnds(t, start.callSid, "no-answer")).toContain("<Record ");
  });
});

describe("geo routes", () => {
  it("sends a caller by area code, then region, then the nearest location, else the default", async () => {
    const t = await routingTenant();
    const [ny, sf, chicago, hq] = [await receiving(t, "New York"), await receiving(t, "San Francisco"), await receiving(t, "Chicago"), await receiving(t, "HQ")];
    await useRoute(
      t,
      (
        await route(t, {
          kind: "geo",
          name: "Nearest office",
          config: {
            locations: [
              { name: "New York", target: { kind: "receiving", id: ny.id }, areaCodes: ["212", "646"], near: "212" },
              { name: "San Francisco", target: { kind: "receiving", id: sf.id }, regions: ["CA"], near: "415" },
              { name: "Chicago", target: { kind: "receiving", id: chicago.id }, near: "312" },
            ],
            default: { kind: "receiving", id: hq.id },
          },
        })
      ).id,
    );
    const cases: [string, string][] = [
      ["+12125550101", ny.number], // area code
      ["+13105550101", sf.number], // Los Angeles: region CA
      ["+16305550101", chicago.number], // Illinois suburbs: nearest
      ["+12155550101", ny.number], // Philadelphia: nearer New York than Chicago
      ["+442079460958", hq.number], // London: no area code, the default
    ];
    for (const [from, expected] of cases) expect(dialled((await startCall(t, from)).xml), from).toEqual([expected]);
  });
});

describe("conditional routes", () => {
  it("route by caller type, known or unknown, and area code, in order, with a default", async () => {
    const t = await routingTenant();
    const [vendors, known, local, other] = [await receiving(t, "Vendors"), await receiving(t, "Known"), await receiving(t, "Local"), await receiving(t, "Other")];
    const { createContact, normalisePhoneInputs } = await import("../../worker/contacts/queries.ts");
    const { db } = await import("./helpers.ts");
    for (const [kind, number] of [["vendor", "+14155552001"], ["customer", "+14155552002"]] as const) {
      await createContact(db(), t.id, { kind, name: kind, company: null, email: null, address: null, notes: null }, normalisePhoneInputs([{ label: "main", number }], "US").phones);
    }
    await useRoute(
      t,
      (
        await route(t, {
          kind: "conditional",
          name: "Rules",
          config: {
            rules: [
              { when: [{ type: "caller-type", in: ["vendor"] }], target: { kind: "receiving", id: vendors.id } },
              { when: [{ type: "known", value: true }], target: { kind: "receiving", id: known.id } },
              { when: [{ type: "area-code", in: ["650", "408"] }], target: { kind: "receiving", id: local.id } },
            ],
            default: { kind: "receiving", id: other.id },
          },
        })
      ).id,
    );
    const cases: [string, string][] = [
      ["+14155552001", vendors.number],
      ["+14155552002", known.number],
      ["+16505550101", local.number],
      ["+12125550101", other.number],
    ];
    for (const [from, expected] of cases) expect(dialled((await startCall(t, from)).xml), from).toEqual([expected]);
  });
});

describe("dial agent", () => {
  it("rings the agent's current number from their profile, and follows it when it changes", async () => {
    const t = await routingTenant();
    const { login } = await import("./helpers.ts");
    const agent = { cookie: await login(t.agentEmail) };
    const me = await apiJson<{ id: string }>(agent, "GET", "/api/profile");
    expect((await apiJson(agent, "PATCH", "/api/profile", { agentNumber: "(415) 555-3001" })).status).toBe(200);
    const voicemail = { kind: "voicemail" } as const;
    await useRoute(t, (await route(t, { kind: "agent", name: "Dana", config: { userId: me.body.id, noAnswer: voicemail } })).id);
    expect(dialled((await startCall(t, "+14155551001")).xml)).toEqual(["+14155553001"]);
    await apiJson(agent, "PATCH", "/api/profile", { agentNumber: "+1 415 555 3002" });
    const start = await startCall(t, "+14155551002");
    expect(dialled(start.xml)).toEqual(["+14155553002"]);
    expect(await dialEnds(t, start.callSid, "no-answer")).toContain("<Record ");
  });
});

describe("the popup's close delay", () => {
  it("is each user's own: kept on the profile, given at login, and only one of the offered delays", async () => {
    const t = await routingTenant();
    const { login } = await import("./helpers.ts");
    const agent = { cookie: await login(t.agentEmail) };
    expect((await apiJson<{ popupCloseSeconds: number }>(agent, "GET", "/api/profile")).body.popupCloseSeconds).toBe(10);
    const saved = await apiJson<{ popupCloseSeconds: number }>(agent, "PATCH", "/api/profile", { popupCloseSeconds: 30 });
    expect(saved.body.popupCloseSeconds).toBe(30);
    const me = await apiJson<{ user: { popupCloseSeconds: number } }>(agent, "GET", "/api/auth/me");
    expect(me.body.user.popupCloseSeconds).toBe(30);
    for (const bad of [7, -5, "10", null, 1e9]) expect((await apiJson(agent, "PATCH", "/api/profile", { popupCloseSeconds: bad })).status, String(bad)).toBe(400);
    expect((await apiJson<{ popupCloseSeconds: number }>(agent, "GET", "/api/profile")).body.popupCloseSeconds).toBe(30);
  });
});

describe("ring loops", () => {
  it("a call forwarded back to us by a number we ring is not dialled again", async () => {
    const t = await routingTenant();
    const a = await receiving(t, "Office");
    await useRoute(t, (await route(t, { kind: "dial", name: "Office", config: { receivingNumberIds: [a.id] } })).id);
    const res = await postTwilio("/webhooks/twilio/voice", { ...voiceParams(t, "+14155551001"), ForwardedFrom: a.number }, { token: t.token });
    const xml = await res.text();
    expect(xml).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>');
  });

  it("a call placed from a number we are ringing right now (it forwards to us) is not dialled again", async () => {
    const t = await routingTenant();
    const a = await receiving(t, "Office");
    await useRoute(t, (await route(t, { kind: "dial", name: "Office", config: { receivingNumberIds: [a.id] } })).id);
    const first = await startCall(t, "+14155551001");
    expect(dialled(first.xml)).toEqual([a.number]);
    const loop = await startCall(t, a.number);
    expect(loop.xml).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>');
    // Once the first call's dial is over, the office may call in like anyone else.
    await dialEnds(t, first.callSid, "no-answer");
    expect(dialled((await startCall(t, a.number)).xml)).toEqual([a.number]);
  });

  it("a termination number that is a tracking number is never dialled", async () => {
    const t = await routingTenant();
    await env.DB.prepare("update tracking_numbers set termination_number = number where id = ?").bind(t.trackingNumberId).run();
    await switchboardOf(t).routingChanged();
    const { xml } = await startCall(t, "+14155551001");
    expect(dialled(xml)).toEqual([]);
    expect(xml).toContain("<Hangup/>");
  });
});
