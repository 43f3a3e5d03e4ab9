/** Twilio under the adapter contract: its forms, its signature (made by Twilio's own SDK), TwiML. */
import { expect } from "vitest";
import { twilio, type TwilioCredentials } from "../../../worker/providers/twilio/adapter.ts";
import { BASE } from "../helpers.ts";
import { hexId, sdkSignature } from "../twilio-helpers.ts";
import type { AdapterFixture } from "./contract.ts";

const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
const cb = (path: string) => `${BASE}/webhooks/x/${path}?tenant=t1`;

export const twilioFixture: AdapterFixture<TwilioCredentials> = {
  adapter: twilio,
  credentials: () => ({ accountSid: hexId("AC"), authToken: `token-${crypto.randomUUID()}` }),
  // The Twilio fake refuses an auth token that starts with "bad", as Twilio refuses a wrong one (401, error 20003).
  refusedCredentials: () => ({ accountSid: hexId("AC"), authToken: `bad-${crypto.randomUUID()}` }),
  otherCredentials: () => ({ accountSid: hexId("AC"), authToken: `other-${crypto.randomUUID()}` }),
  sign: async (credentials, url, body) => {
    const params = Object.fromEntries(new URLSearchParams(body));
    return new Headers({ "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": await sdkSignature(credentials.authToken, url, params) });
  },
  samples: (account) => {
    const call = hexId("CA");
    const legId = hexId("CA");
    // Twilio's Timestamp has whole seconds.
    const at = Math.floor(Date.now() / 1000) * 1000 - 5000;
    const stamp = new Date(at).toUTCString();
    const base = { AccountSid: account, CallSid: call };
    return [
      { path: "voice", body: form({ ...base, From: "+14155550124", To: "+14155550100", CallStatus: "ringing", Direction: "inbound", ForwardedFrom: "+14155550199" }), event: { kind: "call", account, providerCallId: call, from: "+14155550124", to: "+14155550100", forwardedFrom: "+14155550199" } },
      {
        path: "status",
        body: form({ ...base, CallStatus: "completed", To: "+14155550100", CallDuration: "42", SequenceNumber: "3", Timestamp: stamp }),
        event: { kind: "progress", account, providerCallId: call, to: "+14155550100", report: { leg: "parent", legId: call, status: "completed", at, sequenceNumber: 3, durationSeconds: 42 } },
      },
      {
        path: "leg-status",
        body: form({ AccountSid: account, CallSid: legId, ParentCallSid: call, CallStatus: "in-progress", SequenceNumber: "1", Timestamp: stamp }),
        event: { kind: "progress", account, providerCallId: call, to: undefined, report: { leg: "dialled", legId, status: "in-progress", at, sequenceNumber: 1, durationSeconds: undefined } },
      },
      {
        path: "dial-action",
        body: form({ ...base, DialCallStatus: "answered", DialCallSid: legId, DialCallDuration: "30" }),
        event: { kind: "dial-ended", account, providerCallId: call, report: { leg: "dialled", legId, status: "completed", at: expect.any(Number) as unknown as number, durationSeconds: 30 } },
      },
      { path: "gather", body: form({ ...base, Digits: "2" }), event: { kind: "menu", account, providerCallId: call, digits: "2" } },
      { path: "gather", body: form(base), event: { kind: "menu", account, providerCallId: call, digits: null } },
      { path: "recording", body: form({ ...base, RecordingUrl: "https://api.twilio.com/rec/RE1", RecordingStatus: "completed" }), event: { kind: "recording", account, providerCallId: call, url: "https://api.twilio.com/rec/RE1" } },
      { path: "voicemail-done", body: form({ ...base, RecordingUrl: "https://api.twilio.com/rec/RE2" }), event: { kind: "voicemail-done", account, providerCallId: call, url: "https://api.twilio.com/rec/RE2" } },
      { path: "whisper", query: "?tenant=t1&text=Service%20call", body: form(base), event: { kind: "whisper", account, text: "Service call" } },
    ];
  },
  malformed: [
    { path: "voice", body: form({ CallSid: "nope", AccountSid: hexId("AC"), From: "+1", To: "+1" }) },
    { path: "status", body: form({ CallSid: hexId("CA"), AccountSid: hexId("AC"), CallStatus: "exploded" }) },
    { path: "leg-status", body: form({ CallSid: hexId("CA"), AccountSid: hexId("AC"), CallStatus: "ringing" }) },
    { path: "gather", body: form({ CallSid: hexId("CA"), AccountSid: hexId("AC"), Digits: "abc" }) },
    { path: "whisper", body: form({ CallSid: hexId("CA"), AccountSid: hexId("AC") }) },
    // A recording is a link on the dashboard: only https on Twilio's own hosts.
    ...["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "http://api.twilio.com/rec/RE1", "https://api.twilio.com.evil.test/rec"].flatMap((url) => [
      { path: "recording", body: form({ CallSid: hexId("CA"), AccountSid: hexId("AC"), RecordingUrl: url }) },
      { path: "voicemail-done", body: form({ CallSid: hexId("CA"), AccountSid: hexId("AC"), RecordingUrl: url }) },
    ]),
  ],
  tamper: (request) => ({ ...request, body: `${request.body}&Tampered=1` }),
  golden: [
    { step: { kind: "say", text: "Hello" }, markup: "<Say>Hello</Say>" },
    { step: { kind: "play", url: "https://example.test/a.mp3" }, markup: "<Play>https://example.test/a.mp3</Play>" },
    { step: { kind: "hold", musicUrl: null }, markup: "<Play>http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3</Play>" },
    {
      step: { kind: "dial", targets: [{ number: "+14155550150", extension: "12", extensionDelaySeconds: 1, whisper: "Hi" }], ringSeconds: 20, record: true },
      markup:
        `<Dial action="${cb("dial-action")}" method="POST" timeout="20" record="record-from-answer-dual" recordingStatusCallback="${cb("recording")}">` +
        `<Number sendDigits="ww12" url="${cb("whisper")}&amp;text=Hi" statusCallback="${cb("leg-status")}" statusCallbackEvent="answered completed" statusCallbackMethod="POST">+14155550150</Number></Dial>`,
    },
    { step: { kind: "gather", prompt: "Press 1", timeoutSeconds: 5 }, markup: `<Gather action="${cb("gather")}" method="POST" numDigits="1" timeout="5" actionOnEmptyResult="true"><Say>Press 1</Say></Gather>` },
    { step: { kind: "voicemail", maxSeconds: 120 }, markup: `<Record action="${cb("voicemail-done")}" method="POST" maxLength="120" playBeep="true" recordingStatusCallback="${cb("recording")}"/>` },
    { step: { kind: "hangup" }, markup: "<Hangup/>" },
  ],
  document: (steps) => `<?xml version="1.0" encoding="UTF-8"?><Response>${steps}</Response>`,
  network: (credentials) => ({ provider: "twilio", token: credentials.authToken, account: credentials.accountSid }),
};
