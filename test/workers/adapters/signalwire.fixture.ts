/** SignalWire (LaML) under the adapter contract: Twilio's forms with UUIDs, signed by SignalWire's own SDK. */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { signalwire, type SignalWireCredentials } from "../../../worker/providers/signalwire/adapter.ts";
import { SIGNALWIRE_TEST_SPACE } from "../../fakes/signalwire-api.ts";
import { BASE } from "../helpers.ts";
import type { AdapterFixture } from "./contract.ts";

const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
const cb = (path: string) => `${BASE}/webhooks/x/${path}?tenant=t1`;

/** X-SignalWire-Signature as `@signalwire/compatibility-api` computes it (test/fakes/signalwire-sdk.ts), in Node. */
export async function signalwireSdkSignature(signingKey: string, url: string, params: Record<string, string | string[]>) {
  const res = await env.SIGNALWIRE_SDK.fetch("http://signalwire-sdk/sign", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ key: signingKey, url, params }) });
  if (!res.ok) throw new Error(`SIGNALWIRE_SDK /sign: ${res.status} ${await res.text()}`);
  return (await res.json<{ signature: string }>()).signature;
}

/** Whether the SDK's RestClient.validateRequest accepts the signature. */
export async function signalwireSdkValidates(signingKey: string, signature: string, url: string, params: Record<string, string | string[]>) {
  const res = await env.SIGNALWIRE_SDK.fetch("http://signalwire-sdk/validate", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ key: signingKey, signature, url, params }) });
  if (!res.ok) throw new Error(`SIGNALWIRE_SDK /validate: ${res.status} ${await res.text()}`);
  return (await res.json<{ valid: boolean }>()).valid;
}

export const signalwireFixture: AdapterFixture<SignalWireCredentials> = {
  adapter: signalwire,
  // With the space and an API token, so that the connection test has something to ask the (fake) space.
  credentials: () => ({ projectId: crypto.randomUUID(), signingKey: `PSK_${crypto.randomUUID()}`, spaceUrl: SIGNALWIRE_TEST_SPACE, apiToken: `PT_${crypto.randomUUID()}` }),
  otherCredentials: () => ({ projectId: crypto.randomUUID(), signingKey: `PSK_${crypto.randomUUID()}` }),
  refusedCredentials: () => ({ projectId: crypto.randomUUID(), signingKey: `PSK_${crypto.randomUUID()}`, spaceUrl: SIGNALWIRE_TEST_SPACE, apiToken: `bad-${crypto.randomUUID()}` }),
  sign: async (credentials, url, body) => {
    const params = Object.fromEntries(new URLSearchParams(body));
    return new Headers({ "Content-Type": "application/x-www-form-urlencoded", "X-SignalWire-Signature": await signalwireSdkSignature(credentials.signingKey, url, params) });
  },
  samples: (account) => {
    const call = crypto.randomUUID();
    const legId = crypto.randomUUID();
    const at = Math.floor(Date.now() / 1000) * 1000 - 5000;
    const stamp = new Date(at).toUTCString();
    const base = { AccountSid: account, CallSid: call, ApiVersion: "2010-04-01" };
    const recording = `https://example.signalwire.com/api/laml/2010-04-01/Accounts/${account}/Recordings/${crypto.randomUUID()}`;
    return [
      {
        path: "voice",
        body: form({ ...base, From: "+14155550124", To: "+14155550102", CallStatus: "ringing", Direction: "inbound", ForwardedFrom: "+14155550199", CallerName: "" }),
        event: { kind: "call", account, providerCallId: call, from: "+14155550124", to: "+14155550102", forwardedFrom: "+14155550199" },
      },
      {
        path: "status",
        body: form({ ...base, CallStatus: "completed", To: "+14155550102", CallDuration: "42", SequenceNumber: "3", Timestamp: stamp, CallbackSource: "call-progress-events", HangupBy: "+14155550124" }),
        event: { kind: "progress", account, providerCallId: call, to: "+14155550102", report: { leg: "parent", legId: call, status: "completed", at, sequenceNumber: 3, durationSeconds: 42 } },
      },
      {
        // A desk phone rung directly: the dialled leg's To is its SIP URI.
        path: "leg-status",
        body: form({ AccountSid: account, CallSid: legId, ParentCallSid: call, CallStatus: "in-progress", To: "sip:frontdesk@pbx.example.com", Direction: "outbound-dial", SequenceNumber: "1", Timestamp: stamp }),
        event: { kind: "progress", account, providerCallId: call, to: undefined, report: { leg: "dialled", legId, status: "in-progress", at, sequenceNumber: 1, durationSeconds: undefined, number: "sip:frontdesk@pbx.example.com" } },
      },
      {
        path: "dial-action",
        body: form({ ...base, DialCallStatus: "completed", DialCallSid: legId, DialCallDuration: "30" }),
        event: { kind: "dial-ended", account, providerCallId: call, report: { leg: "dialled", legId, status: "completed", at: expect.any(Number) as unknown as number, durationSeconds: 30 } },
      },
      { path: "gather", body: form({ ...base, Digits: "2" }), event: { kind: "menu", account, providerCallId: call, digits: "2" } },
      { path: "gather", body: form(base), event: { kind: "menu", account, providerCallId: call, digits: null } },
      {
        path: "recording",
        body: form({ ...base, RecordingSid: recording.split("/").pop()!, RecordingUrl: recording, RecordingStatus: "completed", RecordingDuration: "12", RecordingChannels: "2", RecordingSource: "DialVerb" }),
        event: { kind: "recording", account, providerCallId: call, url: recording },
      },
      { path: "voicemail-done", body: form({ ...base, RecordingUrl: recording, RecordingDuration: "9", Digits: "hangup" }), event: { kind: "voicemail-done", account, providerCallId: call, url: recording } },
      { path: "whisper", query: "?tenant=t1&text=Service%20call", body: form(base), event: { kind: "whisper", account, text: "Service call" } },
    ];
  },
  malformed: [
    // Twilio's ids are not SignalWire's.
    { path: "voice", body: form({ CallSid: `CA${"0".repeat(32)}`, AccountSid: crypto.randomUUID(), From: "+14155550124", To: "+14155550102" }) },
    { path: "voice", body: form({ CallSid: crypto.randomUUID(), AccountSid: `AC${"0".repeat(32)}`, From: "+14155550124", To: "+14155550102" }) },
    { path: "status", body: form({ CallSid: crypto.randomUUID(), AccountSid: crypto.randomUUID(), CallStatus: "exploded" }) },
    { path: "leg-status", body: form({ CallSid: crypto.randomUUID(), AccountSid: crypto.randomUUID(), CallStatus: "ringing" }) },
    { path: "gather", body: form({ CallSid: crypto.randomUUID(), AccountSid: crypto.randomUUID(), Digits: "abc" }) },
    { path: "whisper", body: form({ CallSid: crypto.randomUUID(), AccountSid: crypto.randomUUID() }) },
    // A recording is a link on the dashboard: only https on SignalWire's own hosts.
    ...["javascript:alert(1)", "http://example.signalwire.com/rec", "https://api.twilio.com/rec/RE1", "https://example.signalwire.com.evil.test/rec"].flatMap((url) => [
      { path: "recording", body: form({ CallSid: crypto.randomUUID(), AccountSid: crypto.randomUUID(), RecordingUrl: url }) },
      { path: "voicemail-done", body: form({ CallSid: crypto.randomUUID(), AccountSid: crypto.randomUUID(), RecordingUrl: url }) },
    ]),
  ],
  tamper: (request) => ({ ...request, body: `${request.body}&Tampered=1` }),
  golden: [
    { step: { kind: "say", text: "Hello" }, markup: "<Say>Hello</Say>" },
    { step: { kind: "play", url: "https://example.test/a.mp3" }, markup: "<Play>https://example.test/a.mp3</Play>" },
    { step: { kind: "hold", musicUrl: null }, markup: "<Play>http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3</Play>" },
    {
      step: { kind: "dial", targets: [{ number: "+14155550150", extension: "12", extensionDelaySeconds: 1, whisper: "Hi" }, { number: "sip:frontdesk@pbx.example.com:5060" }], ringSeconds: 20, record: true },
      markup:
        `<Dial action="${cb("dial-action")}" method="POST" timeout="20" record="record-from-answer-dual" recordingStatusCallback="${cb("recording")}">` +
        `<Number sendDigits="ww12" url="${cb("whisper")}&amp;text=Hi" statusCallback="${cb("leg-status")}" statusCallbackEvent="answered completed" statusCallbackMethod="POST">+14155550150</Number>` +
        `<Sip statusCallback="${cb("leg-status")}" statusCallbackEvent="answered completed" statusCallbackMethod="POST">sip:frontdesk@pbx.example.com:5060</Sip></Dial>`,
    },
    { step: { kind: "gather", prompt: "Press 1", timeoutSeconds: 5 }, markup: `<Gather action="${cb("gather")}" method="POST" numDigits="1" timeout="5" actionOnEmptyResult="true"><Say>Press 1</Say></Gather>` },
    { step: { kind: "voicemail", maxSeconds: 120 }, markup: `<Record action="${cb("voicemail-done")}" method="POST" maxLength="120" playBeep="true" recordingStatusCallback="${cb("recording")}"/>` },
    { step: { kind: "hangup" }, markup: "<Hangup/>" },
  ],
  document: (steps) => `<?xml version="1.0" encoding="UTF-8"?><Response>${steps}</Response>`,
  network: (credentials) => ({ provider: "signalwire", token: credentials.signingKey, account: credentials.projectId }),
};
