/** The PBX under the adapter contract: its JSON events, Standard Webhooks signatures (made by the reference library), the caller answer. */
import { pbx, type PbxCredentials } from "../../../worker/providers/pbx/adapter.ts";
import { libraryAccepts, newSecret, signedHeaders } from "../pbx-helpers.ts";
import type { AdapterFixture } from "./contract.ts";

const json = (value: unknown) => JSON.stringify(value);

export const pbxFixture: AdapterFixture<PbxCredentials> = {
  adapter: pbx,
  credentials: () => ({ secret: newSecret() }),
  otherCredentials: () => ({ secret: newSecret() }),
  sign: async (credentials, _url, body) => signedHeaders(credentials.secret, body),
  samples: (account) => {
    const callId = "1700000000.42";
    const at = Date.now() - 5000;
    const base = { callId, from: "+14155550124", to: "+14155550106", at };
    const call = { kind: "call" as const, account, providerCallId: callId, from: "+14155550124", to: "+14155550106", forwardedFrom: null };
    return [
      { path: "events", body: json({ type: "call.ringing", ...base }), event: { ...call, report: { leg: "parent", legId: callId, status: "ringing", at } } },
      { path: "events", body: json({ type: "call.answered", ...base, extension: "201" }), event: { ...call, report: { leg: "dialled", legId: callId, status: "in-progress", at } } },
      { path: "events", body: json({ type: "call.ended", ...base, extension: "201" }), event: { ...call, report: { leg: "parent", legId: callId, status: "completed", at } } },
      // A withheld number.
      { path: "events", body: json({ type: "call.ringing", ...base, from: "" }), event: { ...call, from: "anonymous", report: { leg: "parent", legId: callId, status: "ringing", at } } },
    ];
  },
  malformed: [
    { path: "events", body: "type=call.ringing" },
    { path: "events", body: "[]" },
    { path: "events", body: json({}) },
    { path: "events", body: json({ type: "call.transferred", callId: "1", from: "+14155550124", to: "+14155550106", at: Date.now() }) },
    { path: "events", body: json({ type: "call.ringing", callId: "has space", from: "+14155550124", to: "+14155550106", at: Date.now() }) },
    { path: "events", body: json({ type: "call.ringing", callId: "1", from: "+14155550124", at: Date.now() }) },
    { path: "events", body: json({ type: "call.ringing", callId: "1", from: "+14155550124", to: "+14155550106", at: "yesterday" }) },
    { path: "events", body: json({ type: "call.ringing", callId: "1", from: "+14155550124", to: "+14155550106", at: 1.5 }) },
    { path: "status", body: json({ type: "call.ended", callId: "1", from: "+14155550124", to: "+14155550106", at: Date.now() }) },
  ],
  tamper: (request) => ({ ...request, body: request.body.replace(/}$/, ',"tampered":1}') }),
  // Standard Webhooks signs the message id, its time and the body: not the URL.
  urlSigned: false,
  providerAccepts: async (credentials, request) => libraryAccepts(credentials.secret, request.body, request.headers),
  callers: [
    { caller: { type: "customer", name: "Ann Archer", contactId: "con_1" }, answer: '{"caller":{"type":"customer","name":"Ann Archer","contactId":"con_1"}}' },
    { caller: { type: "unknown", name: null, contactId: null }, answer: '{"caller":{"type":"unknown","name":null,"contactId":null}}' },
  ],
  network: (credentials) => ({ provider: "pbx", token: credentials.secret, account: "pbx" }),
};
