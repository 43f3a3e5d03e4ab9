/** Vonage under the adapter contract: its JSON webhooks, its signed-webhook JWT (made by Vonage's own JWT code), NCCO. */
import { vonage, type VonageCredentials } from "../../../worker/providers/vonage/adapter.ts";
import { BASE } from "../helpers.ts";
import { sdkJwt, sdkVerifies } from "../vonage-helpers.ts";
import type { AdapterFixture } from "./contract.ts";

const json = (payload: unknown) => JSON.stringify(payload);
const cb = (path: string, query = "") => `${BASE}/webhooks/x/${path}?tenant=t1${query}`;
const conversation = () => `CON-${crypto.randomUUID()}`;

export const vonageFixture: AdapterFixture<VonageCredentials> = {
  adapter: vonage,
  credentials: () => ({ applicationId: crypto.randomUUID(), signatureSecret: `secret-${crypto.randomUUID()}`, apiKey: "abcd1234", apiSecret: "s3cr3t" }),
  otherCredentials: () => ({ applicationId: crypto.randomUUID(), signatureSecret: `other-${crypto.randomUUID()}` }),
  sign: async (credentials, _url, body) => new Headers({ "Content-Type": "application/json", Authorization: `Bearer ${await sdkJwt(credentials.signatureSecret, credentials.applicationId, body)}` }),
  // A JWT names no URL, and carries its own iat and jti: the SDK checks the simulator's instead of
  // comparing headers.
  urlSigned: false,
  providerAccepts: async (credentials, request) => sdkVerifies(credentials.signatureSecret, (request.headers.get("Authorization") ?? "").replace(/^Bearer /, "")),
  samples: (account) => {
    const call = conversation();
    const caller = call.slice(4);
    const leg = crypto.randomUUID();
    const at = Date.now() - 5000;
    const stamp = new Date(at).toISOString();
    return [
      { path: "answer", body: json({ from: "14155550124", to: "14155550105", uuid: caller, conversation_uuid: call, region_url: "https://api-us-3.vonage.com" }), event: { kind: "call", account, providerCallId: call, from: "+14155550124", to: "+14155550105", forwardedFrom: null } },
      {
        path: "event",
        body: json({ from: "14155550124", to: "14155550105", uuid: caller, conversation_uuid: call, status: "completed", direction: "inbound", timestamp: stamp, duration: "42" }),
        event: { kind: "progress", account, providerCallId: call, to: "+14155550105", report: { leg: "parent", legId: call, status: "completed", at, durationSeconds: 42 } },
      },
      {
        path: "dial-ended",
        body: json({ from: "14155550105", to: "14155550150", uuid: leg, conversation_uuid: call, status: "answered", direction: "outbound", timestamp: stamp }),
        event: { kind: "progress", account, providerCallId: call, report: { leg: "dialled", legId: leg, status: "in-progress", at, durationSeconds: undefined, number: "+14155550150" } },
      },
      {
        path: "dial-ended",
        body: json({ from: "14155550105", to: "14155550150", uuid: leg, conversation_uuid: call, status: "completed", direction: "outbound", timestamp: stamp, duration: "30" }),
        event: { kind: "dial-ended", account, providerCallId: call, report: { leg: "dialled", legId: leg, status: "completed", at, durationSeconds: 30, number: "+14155550150" } },
      },
      {
        path: "dial-ended",
        body: json({ uuid: leg, conversation_uuid: call, status: "timeout", direction: "outbound", timestamp: stamp }),
        event: { kind: "dial-ended", account, providerCallId: call, report: { leg: "dialled", legId: leg, status: "no-answer", at, durationSeconds: undefined } },
      },
      // Ringing in turn: the first of two targets not answering is progress; the next connect runs.
      {
        path: "dial-ended",
        query: "?tenant=t1&turn=1&of=2",
        body: json({ uuid: leg, conversation_uuid: call, status: "busy", direction: "outbound", timestamp: stamp }),
        event: { kind: "progress", account, providerCallId: call, report: { leg: "dialled", legId: leg, status: "busy", at, durationSeconds: undefined } },
      },
      { path: "gather", body: json({ uuid: caller, conversation_uuid: call, dtmf: { digits: "2", timed_out: false }, timestamp: stamp }), event: { kind: "menu", account, providerCallId: call, digits: "2" } },
      { path: "gather", body: json({ uuid: caller, conversation_uuid: call, dtmf: { digits: "", timed_out: true }, timestamp: stamp }), event: { kind: "menu", account, providerCallId: call, digits: null } },
      {
        path: "recording",
        body: json({ start_time: stamp, recording_url: "https://api.nexmo.com/v1/files/aaaaaaaa-bbbb-cccc-dddd-0123456789ab", size: 12345, recording_uuid: crypto.randomUUID(), end_time: stamp, conversation_uuid: call, timestamp: stamp }),
        event: { kind: "recording", account, providerCallId: call, url: "https://api.nexmo.com/v1/files/aaaaaaaa-bbbb-cccc-dddd-0123456789ab" },
      },
      {
        path: "voicemail-done",
        body: json({ recording_url: "https://api-us.vonage.com/v1/files/bbbbbbbb-bbbb-cccc-dddd-0123456789ab", conversation_uuid: call, timestamp: stamp }),
        event: { kind: "voicemail-done", account, providerCallId: call, url: "https://api-us.vonage.com/v1/files/bbbbbbbb-bbbb-cccc-dddd-0123456789ab" },
      },
      { path: "whisper", query: "?tenant=t1&text=Service%20call", body: json({ uuid: leg, conversation_uuid: call }), event: { kind: "whisper", account, text: "Service call" } },
    ];
  },
  malformed: [
    { path: "answer", body: json({ from: "14155550124", to: "14155550105", uuid: "nope", conversation_uuid: conversation() }) },
    { path: "answer", body: "From=%2B14155550124&To=%2B14155550105" },
    { path: "event", body: json({ uuid: crypto.randomUUID(), conversation_uuid: conversation(), status: "exploded", direction: "inbound" }) },
    // Events that carry no progress are refused with a message rather than guessed at.
    { path: "event", body: json({ uuid: crypto.randomUUID(), conversation_uuid: conversation(), status: "machine", direction: "outbound" }) },
    { path: "dial-ended", body: json({ uuid: crypto.randomUUID(), conversation_uuid: conversation(), status: "timeout", direction: "inbound" }) },
    { path: "gather", body: json({ uuid: crypto.randomUUID(), conversation_uuid: conversation(), dtmf: { digits: "abc" } }) },
    { path: "whisper", body: json({}) },
    ...["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "http://api.nexmo.com/v1/files/x", "https://api.nexmo.com.evil.test/v1/files/x"].flatMap((url) => [
      { path: "recording", body: json({ conversation_uuid: conversation(), recording_url: url }) },
      { path: "voicemail-done", body: json({ conversation_uuid: conversation(), recording_url: url }) },
    ]),
  ],
  tamper: (request) => ({ ...request, body: request.body.replace(/}$/, ',"tampered":1}') }),
  golden: [
    { step: { kind: "say", text: "Hello" }, markup: `{"action":"talk","text":"Hello"},` },
    { step: { kind: "play", url: "https://example.test/a.mp3" }, markup: `{"action":"stream","streamUrl":["https://example.test/a.mp3"]},` },
    { step: { kind: "hold", musicUrl: null }, markup: `{"action":"stream","streamUrl":["http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3"],"loop":0},` },
    {
      step: { kind: "dial", targets: [{ number: "+14155550150", extension: "12", extensionDelaySeconds: 1, whisper: "Hi" }], ringSeconds: 20, record: true },
      markup:
        `{"action":"record","eventUrl":["${cb("recording")}"],"eventMethod":"POST","split":"conversation","channels":2,"format":"mp3"},` +
        `{"action":"connect","timeout":20,"eventType":"synchronous","eventUrl":["${cb("dial-ended")}"],"eventMethod":"POST",` +
        `"endpoint":[{"type":"phone","number":"14155550150","dtmfAnswer":"pp12","onAnswer":{"url":"${cb("whisper", "\\u0026text=Hi")}"}}]},`,
    },
    {
      step: { kind: "gather", prompt: "Press 1", timeoutSeconds: 15 },
      markup: `{"action":"talk","text":"Press 1","bargeIn":true},{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1,"timeOut":10,"submitOnHash":false},"eventUrl":["${cb("gather")}"],"eventMethod":"POST"},`,
    },
    { step: { kind: "voicemail", maxSeconds: 120 }, markup: `{"action":"record","beepStart":true,"endOnSilence":3,"endOnKey":"#","timeOut":120,"eventUrl":["${cb("voicemail-done")}"],"eventMethod":"POST"},` },
    { step: { kind: "hangup" }, markup: "" },
  ],
  document: (steps) => `[${steps.replace(/,$/, "")}]`,
  network: (credentials) => ({ provider: "vonage", token: credentials.signatureSecret, account: credentials.applicationId }),
};

