/**
 * Every Twilio callback refuses a forged request, through the real Worker, and changes nothing; and
 * a request signed for its URL with or without the port is accepted. The callback URLs are the ones
 * a real voice webhook names in its TwiML; the signatures come from Twilio's own SDK (postTwilio).
 */
import { describe, expect, it } from "vitest";
import { BASE, tableCounts } from "./helpers.ts";
import { dialled, receiving, route, routingTenant, useRoute } from "./routing-helpers.ts";
import { attrOf, createTwilioTenant, dialAction, hexId, pathOf, postTwilio, sdkSignature, startCall, switchboardOf, voiceParams, type TwilioTenant } from "./twilio-helpers.ts";

const CALLER = "+14155550124";

/** A call in progress, the path of one of its callbacks, and a form that callback would accept. */
type Callback = {
  t: TwilioTenant;
  path: string;
  params: Record<string, string>;
  /** A change to one signed parameter. */
  tamper: Record<string, string>;
  /** The status the genuine request gets. */
  accepted: 200 | 204;
};

const callbacks: [endpoint: string, setup: () => Promise<Callback>][] = [
  [
    "status",
    async () => {
      const t = await createTwilioTenant();
      const { callSid } = await startCall(t, CALLER);
      // Set on the tracking number at Twilio, not named by the TwiML: no `?tenant=`, the tenant comes from To.
      const params = { AccountSid: t.accountSid, CallSid: callSid, CallStatus: "completed", To: t.trackingNumber, From: CALLER, CallDuration: "30" };
      return { t, path: "/webhooks/twilio/status", params, tamper: { CallStatus: "busy" }, accepted: 204 };
    },
  ],
  [
    "dial-action",
    async () => {
      const t = await createTwilioTenant();
      const started = await startCall(t, CALLER);
      const params = { AccountSid: t.accountSid, CallSid: started.callSid, DialCallStatus: "no-answer" };
      return { t, path: pathOf(started.dialAction!), params, tamper: { DialCallStatus: "completed" }, accepted: 200 };
    },
  ],
  [
    "gather",
    async () => {
      const t = await routingTenant();
      const [sales, service] = [await receiving(t, "Sales"), await receiving(t, "Service")];
      const options = [
        { digit: "1", target: { kind: "receiving", id: sales.id } },
        { digit: "2", target: { kind: "receiving", id: service.id } },
      ];
      await useRoute(t, (await route(t, { kind: "menu", name: "Menu", config: { greeting: "Press 1 or 2.", options } })).id);
      const started = await startCall(t, CALLER);
      const action = attrOf(started.xml, "Gather", "action");
      expect(action).toContain("/webhooks/twilio/gather?tenant=");
      const params = { AccountSid: t.accountSid, CallSid: started.callSid, Digits: "1" };
      return { t, path: pathOf(action!), params, tamper: { Digits: "2" }, accepted: 200 };
    },
  ],
  [
    "recording",
    async () => {
      const t = await routingTenant();
      const desk = await receiving(t, "Desk", { record: true });
      await useRoute(t, (await route(t, { kind: "dial", name: "Desk", config: { receivingNumberIds: [desk.id] } })).id);
      const started = await startCall(t, CALLER);
      const callback = attrOf(started.xml, "Dial", "recordingStatusCallback");
      expect(callback).toContain("/webhooks/twilio/recording?tenant=");
      const recording = `https://api.twilio.com/2010-04-01/Accounts/${t.accountSid}/Recordings/${hexId("RE")}`;
      const params = { AccountSid: t.accountSid, CallSid: started.callSid, RecordingSid: hexId("RE"), RecordingUrl: recording, RecordingStatus: "completed", RecordingDuration: "12" };
      return { t, path: pathOf(callback!), params, tamper: { RecordingUrl: `${recording}-tampered` }, accepted: 204 };
    },
  ],
  [
    "voicemail-done",
    async () => {
      const t = await routingTenant();
      const desk = await receiving(t, "Desk");
      await useRoute(t, (await route(t, { kind: "dial", name: "Desk", config: { receivingNumberIds: [desk.id], noAnswer: { kind: "voicemail", greeting: "Leave a message." } } })).id);
      const started = await startCall(t, CALLER);
      // Nobody answers: the dial action's TwiML records a voicemail and names where it ends.
      const xml = await (await dialAction(t, started.dialAction!, started.callSid, "no-answer")).text();
      const action = attrOf(xml, "Record", "action");
      expect(action).toContain("/webhooks/twilio/voicemail-done?tenant=");
      const recording = `https://api.twilio.com/2010-04-01/Accounts/${t.accountSid}/Recordings/${hexId("RE")}`;
      const params = { AccountSid: t.accountSid, CallSid: started.callSid, RecordingUrl: recording, RecordingDuration: "9" };
      return { t, path: pathOf(action!), params, tamper: { RecordingUrl: `${recording}-tampered` }, accepted: 200 };
    },
  ],
];

describe("forged callbacks are refused on every endpoint, changing nothing", () => {
  it.each(callbacks)("%s", async (endpoint, setup) => {
    const { t, path, params, tamper, accepted } = await setup();
    const other = await createTwilioTenant("Other");
    const url = `${BASE}${path}`;
    const genuine = await sdkSignature(t.token, url, params);
    const anotherEndpoint = url.replace(`/webhooks/twilio/${endpoint}`, endpoint === "status" ? "/webhooks/twilio/leg-status" : "/webhooks/twilio/status");
    expect(anotherEndpoint).not.toBe(url);
    const forgeries: [string, Record<string, string>, Parameters<typeof postTwilio>[2]][] = [
      ["a wrong auth token", params, { token: `wrong-${t.token}` }],
      ["no signature", params, { token: t.token, signature: null }],
      ["an empty signature", params, { token: t.token, signature: "" }],
      ["a signature that is not base64", params, { token: t.token, signature: "not a signature!" }],
      ["a parameter changed after signing", { ...params, ...tamper }, { token: t.token, signature: genuine }],
      ["a parameter added after signing", { ...params, Extra: "1" }, { token: t.token, signature: genuine }],
      ["another tenant's account and token", { ...params, AccountSid: other.accountSid }, { token: other.token }],
      ["a genuine signature for another callback's URL", params, { token: t.token, signUrl: anotherEndpoint }],
    ];
    const before = { tables: await tableCounts(), mine: await switchboardOf(t).snapshot(), theirs: await switchboardOf(other).snapshot() };
    for (const [what, form, opts] of forgeries) {
      const res = await postTwilio(path, form, opts);
      expect(res.status, `${endpoint}: ${what}: ${await res.clone().text()}`).toBe(403);
    }
    expect(await switchboardOf(t).snapshot()).toEqual(before.mine);
    expect(await switchboardOf(other).snapshot()).toEqual(before.theirs);
    expect(await tableCounts()).toEqual(before.tables);

    // The same request, genuinely signed, is taken and changes the call: the refusals above were the signature's.
    const res = await postTwilio(path, params, { token: t.token });
    expect(res.status, await res.clone().text()).toBe(accepted);
    expect(await switchboardOf(t).snapshot()).not.toEqual(before.mine);
  });
});

describe("URL port variants, through the Worker", () => {
  const VOICE = "/webhooks/twilio/voice";

  it("accepts a request that arrives without the default port but was signed with it (http :80, https :443)", async () => {
    const t = await createTwilioTenant();
    const plain = await postTwilio(VOICE, voiceParams(t, CALLER), { token: t.token, signUrl: `http://switchboard.test:80${VOICE}` });
    expect(plain.status, await plain.clone().text()).toBe(200);
    expect(dialled(await plain.text())).toEqual([t.terminationNumber]);
    const secure = await postTwilio(VOICE, voiceParams(t, CALLER), { token: t.token, base: "https://switchboard.test", signUrl: `https://switchboard.test:443${VOICE}` });
    expect(secure.status, await secure.clone().text()).toBe(200);
    expect(dialled(await secure.text())).toEqual([t.terminationNumber]);
  });

  it("accepts a request addressed with its default port (the Worker sees the URL without it), signed either way", async () => {
    const t = await createTwilioTenant();
    for (const signUrl of [`http://switchboard.test${VOICE}`, `http://switchboard.test:80${VOICE}`]) {
      const res = await postTwilio(VOICE, voiceParams(t, CALLER), { token: t.token, base: "http://switchboard.test:80", signUrl });
      expect(res.status, signUrl).toBe(200);
      expect(dialled(await res.text())).toEqual([t.terminationNumber]);
    }
  });

  it("accepts a request that arrives on an explicit port but was signed without it, and its callbacks too", async () => {
    const t = await createTwilioTenant();
    const base = "http://127.0.0.1:8787";
    const callSid = hexId("CA");
    const res = await postTwilio(VOICE, voiceParams(t, CALLER, callSid), { token: t.token, base, signUrl: `http://127.0.0.1${VOICE}` });
    expect(res.status, await res.clone().text()).toBe(200);
    const xml = await res.text();
    expect(dialled(xml)).toEqual([t.terminationNumber]);
    // The callbacks it names keep the port it was reached on.
    const legStatus = attrOf(xml, "Number", "statusCallback")!;
    const action = attrOf(xml, "Dial", "action")!;
    expect(new URL(action).origin).toBe(base);
    const legSid = hexId("CA");
    const leg = await postTwilio(pathOf(legStatus), { AccountSid: t.accountSid, CallSid: legSid, ParentCallSid: callSid, CallStatus: "in-progress" }, { token: t.token, base, signUrl: `http://127.0.0.1${pathOf(legStatus)}` });
    expect(leg.status, await leg.clone().text()).toBe(204);
    expect((await switchboardOf(t).snapshot()).calls[0]?.status).toBe("in-progress");
    const dial = await postTwilio(pathOf(action), { AccountSid: t.accountSid, CallSid: callSid, DialCallStatus: "completed", DialCallSid: legSid }, { token: t.token, base, signUrl: `http://127.0.0.1${pathOf(action)}` });
    expect(dial.status, await dial.clone().text()).toBe(200);
    // And signed with the port, as Twilio signs the URL it was given.
    const status = await postTwilio("/webhooks/twilio/status", { AccountSid: t.accountSid, CallSid: callSid, CallStatus: "completed", To: t.trackingNumber }, { token: t.token, base });
    expect(status.status, await status.clone().text()).toBe(204);
    expect((await switchboardOf(t).snapshot()).calls).toEqual([]);
  });

  it("refuses a signature for another path, query, port or scheme, changing nothing", async () => {
    const t = await createTwilioTenant();
    const started = await startCall(t, CALLER);
    const action = pathOf(started.dialAction!);
    const before = { tables: await tableCounts(), calls: await switchboardOf(t).snapshot() };
    const voice = voiceParams(t, "+14155550199");
    const dial = { AccountSid: t.accountSid, CallSid: started.callSid, DialCallStatus: "no-answer" };
    const cases: [string, string, Record<string, string>, { base?: string; signUrl: string }][] = [
      ["voice, another path", VOICE, voice, { signUrl: `http://switchboard.test:80/webhooks/twilio/other` }],
      ["voice, a query added", VOICE, voice, { signUrl: `http://switchboard.test:80${VOICE}?x=1` }],
      ["voice, another port", VOICE, voice, { base: "http://127.0.0.1:8787", signUrl: `http://127.0.0.1:8788${VOICE}` }],
      ["voice, https signed, http received", VOICE, voice, { signUrl: `https://switchboard.test${VOICE}` }],
      ["voice, another host", VOICE, voice, { signUrl: `http://switchboard.example${VOICE}` }],
      ["dial action, its query dropped", action, dial, { signUrl: `http://switchboard.test:80/webhooks/twilio/dial-action` }],
      ["dial action, a query parameter added", action, dial, { signUrl: `http://switchboard.test:80${action}&x=1` }],
      ["dial action, another tenant in the query", action, dial, { signUrl: `http://switchboard.test:80/webhooks/twilio/dial-action?tenant=tnt_other` }],
      ["dial action, another step in the query", action, dial, { signUrl: `http://switchboard.test:80${action.replace("step=1", "step=2")}` }],
      ["dial action, another port", action, dial, { base: "http://127.0.0.1:8787", signUrl: `http://127.0.0.1:9999${action}` }],
    ];
    for (const [what, path, form, opts] of cases) {
      const res = await postTwilio(path, form, { token: t.token, ...opts });
      expect(res.status, what).toBe(403);
    }
    expect(await switchboardOf(t).snapshot()).toEqual(before.calls);
    expect(await tableCounts()).toEqual(before.tables);
  });
});
