/** Plivo under the adapter contract: its forms, its V3 signature (made by Plivo's own SDK), Plivo XML. */
import { expect } from "vitest";
import { plivo, type PlivoCredentials } from "../../../worker/providers/plivo/adapter.ts";
import { BASE } from "../helpers.ts";
import { plivoAuthId, plivoHeaders } from "../plivo-helpers.ts";
import type { AdapterFixture } from "./contract.ts";

const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
const cb = (path: string) => `${BASE}/webhooks/x/${path}?tenant=t1`;
const uuid = () => crypto.randomUUID();

export const plivoFixture: AdapterFixture<PlivoCredentials> = {
  adapter: plivo,
  credentials: () => ({ authId: plivoAuthId(), authToken: `token-${crypto.randomUUID()}` }),
  otherCredentials: () => ({ authId: plivoAuthId(), authToken: `other-${crypto.randomUUID()}` }),
  refusedCredentials: () => ({ authId: plivoAuthId(), authToken: `bad-${crypto.randomUUID()}` }),
  sign: (credentials, url, body) => plivoHeaders(credentials.authToken, url, body),
  samples: (account) => {
    const call = uuid();
    const leg = uuid();
    const named = `?tenant=t1&auth_id=${account}`;
    const base = { CallUUID: call };
    const now = expect.any(Number) as unknown as number;
    const recording = "https://media.plivo.com/v1/Account/MA/Recording/1.mp3";
    return [
      {
        path: "voice",
        query: `?auth_id=${account}`,
        body: form({ ...base, From: "14155550124", To: "14155550104", CallStatus: "ringing", Direction: "inbound", ForwardedFrom: "14155550199", CallerName: "ANN ARCHER" }),
        event: { kind: "call", account, providerCallId: call, from: "+14155550124", to: "+14155550104", forwardedFrom: "+14155550199" },
      },
      {
        path: "status",
        query: named,
        body: form({ ...base, From: "14155550124", To: "14155550104", CallStatus: "completed", Direction: "inbound", Duration: "42", BillDuration: "60", HangupCause: "NORMAL_CLEARING" }),
        event: { kind: "progress", account, providerCallId: call, to: "+14155550104", report: { leg: "parent", legId: call, status: "completed", at: now, durationSeconds: 42 } },
      },
      {
        path: "status",
        query: named,
        body: form({ ...base, To: "14155550104", CallStatus: "timeout" }),
        event: { kind: "progress", account, providerCallId: call, to: "+14155550104", report: { leg: "parent", legId: call, status: "failed", at: now, durationSeconds: undefined } },
      },
      {
        path: "leg-status",
        query: named,
        body: form({ ...base, DialAction: "answer", DialALegUUID: call, DialBLegUUID: leg, DialBLegStatus: "answer", DialBLegTo: "14155550150" }),
        event: { kind: "progress", account, providerCallId: call, to: undefined, report: { leg: "dialled", legId: leg, status: "in-progress", at: now, durationSeconds: undefined, number: "+14155550150" } },
      },
      {
        path: "leg-status",
        query: named,
        body: form({ ...base, DialAction: "hangup", DialALegUUID: call, DialBLegUUID: leg, DialBLegStatus: "hangup", DialBLegDuration: "30" }),
        event: { kind: "progress", account, providerCallId: call, to: undefined, report: { leg: "dialled", legId: leg, status: "completed", at: now, durationSeconds: 30, number: undefined } },
      },
      {
        path: "dial-action",
        query: named,
        body: form({ ...base, DialStatus: "completed", DialALegUUID: call, DialBLegUUID: leg, DialRingStatus: "true", DialHangupCause: "NORMAL_CLEARING" }),
        event: { kind: "dial-ended", account, providerCallId: call, report: { leg: "dialled", legId: leg, status: "completed", at: now, durationSeconds: undefined } },
      },
      {
        // Plivo's `timeout` is the ring timeout of <Dial timeout>: nobody answered.
        path: "dial-action",
        query: named,
        body: form({ ...base, DialStatus: "timeout", DialALegUUID: call, DialBLegUUID: "", DialRingStatus: "true" }),
        event: { kind: "dial-ended", account, providerCallId: call, report: { leg: "dialled", legId: `${call}:dial`, status: "no-answer", at: now, durationSeconds: undefined } },
      },
      { path: "gather", query: named, body: form({ ...base, Digits: "2" }), event: { kind: "menu", account, providerCallId: call, digits: "2" } },
      { path: "gather", query: named, body: form({ ...base, CallStatus: "in-progress" }), event: { kind: "menu", account, providerCallId: call, digits: null } },
      { path: "recording", query: named, body: form({ ...base, RecordUrl: recording, RecordingID: "1", RecordingDuration: "31" }), event: { kind: "recording", account, providerCallId: call, url: recording } },
      { path: "voicemail-done", query: named, body: form({ ...base, RecordUrl: recording, RecordingID: "1" }), event: { kind: "voicemail-done", account, providerCallId: call, url: recording } },
      { path: "whisper", query: `${named}&text=Service%20call`, body: form({ CallUUID: leg }), event: { kind: "whisper", account, text: "Service call" } },
    ];
  },
  malformed: [
    { path: "voice", body: form({ CallUUID: "nope", From: "1", To: "1" }) },
    { path: "status", body: form({ CallUUID: uuid(), CallStatus: "exploded" }) },
    // A callback whose URL names no account cannot be checked against one.
    { path: "status", body: form({ CallUUID: uuid(), CallStatus: "completed" }) },
    { path: "leg-status", body: form({ CallUUID: uuid(), DialAction: "digits" }) },
    { path: "gather", body: form({ CallUUID: uuid(), Digits: "abc" }) },
    { path: "whisper", body: form({ CallUUID: uuid() }) },
    // A recording is a link on the dashboard: only https on Plivo's own hosts.
    ...["javascript:alert(1)", "http://media.plivo.com/rec/1.mp3", "https://media.plivo.com.evil.test/rec"].flatMap((url) => [
      { path: "recording", body: form({ CallUUID: uuid(), RecordUrl: url }) },
      { path: "voicemail-done", body: form({ CallUUID: uuid(), RecordUrl: url }) },
    ]),
  ],
  tamper: (request) => ({ ...request, body: `${request.body}&Tampered=1` }),
  golden: [
    { step: { kind: "say", text: "Hello" }, markup: "<Speak>Hello</Speak>" },
    { step: { kind: "play", url: "https://example.test/a.mp3" }, markup: "<Play>https://example.test/a.mp3</Play>" },
    { step: { kind: "hold", musicUrl: null }, markup: "<Play>https://s3.amazonaws.com/plivocloud/music.mp3</Play>" },
    {
      step: {
        kind: "dial",
        targets: [
          { number: "+14155550150", extension: "12", extensionDelaySeconds: 1, whisper: "Hi" },
          { number: "sip:desk@pbx.example.com", whisper: "Other" },
        ],
        ringSeconds: 20,
        record: true,
      },
      markup:
        `<Record recordSession="true" startOnDialAnswer="true" redirect="false" maxLength="14400" callbackUrl="${cb("recording")}" callbackMethod="POST"/>` +
        `<Dial action="${cb("dial-action")}" method="POST" timeout="20" callbackUrl="${cb("leg-status")}" callbackMethod="POST" confirmSound="${cb("whisper")}&amp;text=Hi">` +
        `<Number sendDigits="ww12">14155550150</Number><User>sip:desk@pbx.example.com</User></Dial>`,
    },
    {
      step: { kind: "gather", prompt: "Press 1", timeoutSeconds: 5 },
      markup: `<GetDigits action="${cb("gather")}" method="POST" timeout="5" numDigits="1" retries="1" redirect="true"><Speak>Press 1</Speak></GetDigits><Redirect method="POST">${cb("gather")}</Redirect>`,
    },
    { step: { kind: "voicemail", maxSeconds: 120 }, markup: `<Record action="${cb("voicemail-done")}" method="POST" maxLength="120" playBeep="true" finishOnKey="#" callbackUrl="${cb("recording")}" callbackMethod="POST"/>` },
    { step: { kind: "hangup" }, markup: "<Hangup/>" },
  ],
  document: (steps) => `<?xml version="1.0" encoding="UTF-8"?><Response>${steps}</Response>`,
  network: (credentials) => ({ provider: "plivo", token: credentials.authToken, account: credentials.authId }),
};
