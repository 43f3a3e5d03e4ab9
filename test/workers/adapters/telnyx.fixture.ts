/**
 * Telnyx TeXML under the adapter contract: its forms, its Ed25519 signature (signed in Node and
 * accepted by Telnyx's own SDK, TelnyxWebhook, before use), TeXML. Each account gets a key pair of
 * its own; the private half rides in `sandboxPrivateKey`, as a sandbox account's would.
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { telnyx, type TelnyxCredentials } from "../../../worker/providers/telnyx/adapter.ts";
import { telnyxCallId } from "../../../worker/providers/telnyx/simulator.ts";
import { toBase64 } from "../../../worker/lib/crypto.ts";
import { BASE } from "../helpers.ts";
import type { AdapterFixture } from "./contract.ts";

const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
const cb = (path: string) => `${BASE}/webhooks/x/${path}?tenant=t1`;

/** A fresh Ed25519 key pair as Telnyx writes keys: base64 of the raw public key, and of the 32-byte seed. */
export async function telnyxKeyPair() {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  const pkcs8 = new Uint8Array((await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer);
  return { publicKey: toBase64(raw), privateKey: toBase64(pkcs8.slice(-32)) };
}

// credentials() is synchronous: a few key pairs made once; each call gets a new account id.
const KEYS = await Promise.all([telnyxKeyPair(), telnyxKeyPair(), telnyxKeyPair()]);

export function telnyxCredentialsFor(keys: { publicKey: string; privateKey: string }, apiKey = `KEY${crypto.randomUUID().replace(/-/g, "")}`): TelnyxCredentials {
  return { accountSid: crypto.randomUUID(), publicKey: keys.publicKey, sandboxPrivateKey: keys.privateKey, apiKey };
}

/** The headers Telnyx sends: signed in Node (TELNYX_SDK), and checked there by the SDK's TelnyxWebhook. */
export async function telnyxSign(privateKey: string, body: string, timestamp?: number): Promise<Record<string, string>> {
  const res = await env.TELNYX_SDK.fetch("http://telnyx-sdk/sign", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ privateKey, body, timestamp }) });
  if (!res.ok) throw new Error(`TELNYX_SDK /sign: ${res.status} ${await res.text()}`);
  return res.json<Record<string, string>>();
}

/** Whether Telnyx's own SDK (TelnyxWebhook.verify) accepts these headers for this body. */
export async function telnyxSdkAccepts(publicKey: string, body: string, headers: Record<string, string>) {
  const res = await env.TELNYX_SDK.fetch("http://telnyx-sdk/verify", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ publicKey, body, headers }) });
  return (await res.json<{ valid: boolean }>()).valid;
}

export const telnyxFixture: AdapterFixture<TelnyxCredentials> = {
  adapter: telnyx,
  credentials: () => telnyxCredentialsFor(KEYS[0]!),
  otherCredentials: () => telnyxCredentialsFor(KEYS[1]!),
  refusedCredentials: () => telnyxCredentialsFor(KEYS[0]!, `bad-${crypto.randomUUID()}`),
  urlSigned: false,
  sign: async (credentials, _url, body) => new Headers({ "Content-Type": "application/x-www-form-urlencoded", ...(await telnyxSign(credentials.sandboxPrivateKey!, body)) }),
  // Checked by Telnyx's own SDK rather than compared byte for byte: the signature covers a timestamp in
  // seconds, which may tick between the sandbox signing and a second signature made to compare.
  providerAccepts: async (credentials, request) => {
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    return telnyxSdkAccepts(credentials.publicKey, request.body, headers);
  },
  samples: (account) => {
    const call = telnyxCallId();
    const legId = telnyxCallId();
    const at = Math.floor(Date.now() / 1000) * 1000 - 5000;
    const stamp = new Date(at).toISOString();
    const base = { AccountSid: account, CallSid: call, CallSidLegacy: call };
    const recording = "https://api.telnyx.com/v2/recordings/35094891-3290-4142-b2c2-b2eda57534cf/download.mp3";
    return [
      {
        path: "voice",
        body: form({ ...base, From: "+14155550124", To: "+14155550103", CallStatus: "ringing", Direction: "inbound", ApiVersion: "2010-04-01", ConnectionId: "1684641123236054244", ForwardedFrom: "+14155550199" }),
        event: { kind: "call", account, providerCallId: call, from: "+14155550124", to: "+14155550103", forwardedFrom: "+14155550199" },
      },
      {
        path: "status",
        body: form({ ...base, CallStatus: "completed", CallbackSource: "call-progress-events", To: "+14155550103", CallDuration: "42", SequenceNumber: "3", Timestamp: stamp, HangupCause: "normal_clearing" }),
        event: { kind: "progress", account, providerCallId: call, to: "+14155550103", report: { leg: "parent", legId: call, status: "completed", at, sequenceNumber: 3, durationSeconds: 42 } },
      },
      {
        path: "leg-status",
        body: form({ AccountSid: account, CallSid: legId, ParentCallSid: call, CallStatus: "in-progress", SequenceNumber: "1", Timestamp: stamp }),
        event: { kind: "progress", account, providerCallId: call, to: undefined, report: { leg: "dialled", legId, status: "in-progress", at, sequenceNumber: 1, durationSeconds: undefined } },
      },
      {
        path: "dial-action",
        body: form({ ...base, DialCallStatus: "completed", DialCallSid: legId, DialCallDuration: "30" }),
        event: { kind: "dial-ended", account, providerCallId: call, report: { leg: "dialled", legId, status: "completed", at: expect.any(Number) as unknown as number, durationSeconds: 30 } },
      },
      { path: "gather", body: form({ ...base, Digits: "2" }), event: { kind: "menu", account, providerCallId: call, digits: "2" } },
      // Our <Redirect> after a <Gather> the caller let time out: no Digits at all.
      { path: "gather", body: form(base), event: { kind: "menu", account, providerCallId: call, digits: null } },
      {
        path: "recording",
        body: form({ ...base, RecordingSid: "35094891-3290-4142-b2c2-b2eda57534cf", RecordingUrl: recording, RecordingStatus: "completed", RecordingDuration: "5", RecordingSource: "DialVerb" }),
        event: { kind: "recording", account, providerCallId: call, url: recording },
      },
      { path: "recording", body: form({ ...base, RecordingSid: "35094891-3290-4142-b2c2-b2eda57534cf", RecordingStatus: "in-progress" }), event: { kind: "recording", account, providerCallId: call, url: null } },
      { path: "voicemail-done", body: form({ ...base, RecordingUrl: recording }), event: { kind: "voicemail-done", account, providerCallId: call, url: recording } },
      { path: "whisper", query: "?tenant=t1&text=Service%20call", body: form(base), event: { kind: "whisper", account, text: "Service call" } },
    ];
  },
  malformed: [
    { path: "voice", body: form({ CallSid: "v3:ok-call-id", AccountSid: "AC00000000000000000000000000000000", From: "+1", To: "+1" }) },
    { path: "voice", body: form({ CallSid: "no spaces allowed", AccountSid: crypto.randomUUID(), From: "+1", To: "+1" }) },
    { path: "status", body: form({ CallSid: telnyxCallId(), AccountSid: crypto.randomUUID(), CallStatus: "exploded" }) },
    { path: "leg-status", body: form({ CallSid: telnyxCallId(), AccountSid: crypto.randomUUID(), CallStatus: "ringing" }) },
    { path: "dial-action", body: form({ CallSid: telnyxCallId(), AccountSid: crypto.randomUUID(), DialCallStatus: "maybe" }) },
    { path: "gather", body: form({ CallSid: telnyxCallId(), AccountSid: crypto.randomUUID(), Digits: "abc" }) },
    { path: "whisper", body: form({ CallSid: telnyxCallId(), AccountSid: crypto.randomUUID() }) },
    // A recording is a link on the dashboard: only https on Telnyx's own hosts and storage.
    ...["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "http://api.telnyx.com/rec/1", "https://api.telnyx.com.evil.test/rec"].flatMap((url) => [
      { path: "recording", body: form({ CallSid: telnyxCallId(), AccountSid: crypto.randomUUID(), RecordingUrl: url }) },
      { path: "voicemail-done", body: form({ CallSid: telnyxCallId(), AccountSid: crypto.randomUUID(), RecordingUrl: url }) },
    ]),
  ],
  tamper: (request) => ({ ...request, body: `${request.body}&Tampered=1` }),
  golden: [
    { step: { kind: "say", text: "Hello" }, markup: "<Say>Hello</Say>" },
    { step: { kind: "play", url: "https://example.test/a.mp3" }, markup: "<Play>https://example.test/a.mp3</Play>" },
    { step: { kind: "hold", musicUrl: null }, markup: "<Play>http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3</Play>" },
    {
      step: { kind: "dial", targets: [{ number: "+14155550150", extension: "12", extensionDelaySeconds: 1, whisper: "Hi" }, { number: "sip:frontdesk@pbx.example.com" }], ringSeconds: 20, record: true },
      markup:
        `<Dial action="${cb("dial-action")}" method="POST" timeout="20" record="record-from-answer-dual" recordingStatusCallback="${cb("recording")}" recordingStatusCallbackMethod="POST">` +
        `<Number sendDigits="ww12" url="${cb("whisper")}&amp;text=Hi" method="POST" statusCallback="${cb("leg-status")}" statusCallbackEvent="answered completed" statusCallbackMethod="POST">+14155550150</Number>` +
        `<Sip statusCallback="${cb("leg-status")}" statusCallbackEvent="answered completed" statusCallbackMethod="POST">sip:frontdesk@pbx.example.com</Sip></Dial>`,
    },
    { step: { kind: "gather", prompt: "Press 1", timeoutSeconds: 5 }, markup: `<Gather action="${cb("gather")}" numDigits="1" timeout="5"><Say>Press 1</Say></Gather><Redirect method="POST">${cb("gather")}</Redirect>` },
    { step: { kind: "voicemail", maxSeconds: 120 }, markup: `<Record action="${cb("voicemail-done")}" method="POST" maxLength="120" playBeep="true" recordingStatusCallback="${cb("recording")}" recordingStatusCallbackMethod="POST"/>` },
    { step: { kind: "hangup" }, markup: "<Hangup/>" },
  ],
  document: (steps) => `<?xml version="1.0" encoding="UTF-8"?><Response>${steps}</Response>`,
  network: (credentials) => ({ provider: "telnyx", token: credentials.sandboxPrivateKey!, account: credentials.accountSid }),
};
