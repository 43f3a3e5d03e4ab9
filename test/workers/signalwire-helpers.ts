/** Fixtures for SignalWire's webhooks: a tenant with a SignalWire project and a tracking number, and forms signed by SignalWire's SDK. */
import { env, exports } from "cloudflare:workers";
import { campaigns, providerAccounts, trackingNumbers } from "../../schema/db.ts";
import { encryptSecret } from "../../worker/lib/crypto.ts";
import { signalwireSdkSignature } from "./adapters/signalwire.fixture.ts";
import { BASE, createTenant, db, type TestTenant } from "./helpers.ts";
import { uniqueNumber } from "./twilio-helpers.ts";

export type SignalWireTenant = TestTenant & { signingKey: string; projectId: string; accountId: string; trackingNumber: string; trackingNumberId: string; terminationNumber: string; failsafeNumber: string };

/** `rest`: the space and API token of a live project (its number shop), else a project with the signing key alone. */
export async function createSignalWireTenant(name = "SignalWire calls", opts: { rest?: { spaceUrl: string; apiToken: string }; sandbox?: boolean } = {}): Promise<SignalWireTenant> {
  const t = await createTenant(name);
  const signingKey = `PSK_${crypto.randomUUID()}`;
  const projectId = crypto.randomUUID();
  const accountId = crypto.randomUUID();
  const campaignId = crypto.randomUUID();
  const trackingNumberId = crypto.randomUUID();
  const [trackingNumber, terminationNumber, failsafeNumber] = [uniqueNumber(), uniqueNumber(), uniqueNumber()];
  const credentials = { projectId, signingKey, ...opts.rest };
  await db().batch([
    db()
      .insert(providerAccounts)
      .values({ id: accountId, tenantId: t.id, provider: "signalwire", externalId: projectId, credentialsEncrypted: await encryptSecret(JSON.stringify(credentials), env.SECRETS_KEY), sandbox: opts.sandbox ?? false }),
    db().insert(campaigns).values({ id: campaignId, tenantId: t.id, name: "Website", channel: "website" }),
    db().insert(trackingNumbers).values({ id: trackingNumberId, tenantId: t.id, number: trackingNumber, label: "Main line", campaignId, terminationNumber, failsafeNumber, providerAccountId: accountId }),
  ]);
  return { ...t, signingKey, projectId, accountId, trackingNumber, trackingNumberId, terminationNumber, failsafeNumber };
}

/** POSTs a form signed by SignalWire's SDK with `signingKey` (null signature: no header at all). */
export async function postSignalWire(path: string, params: Record<string, string>, opts: { signingKey: string; signature?: string | null }) {
  const url = `${BASE}${path}`;
  const headers = new Headers({ "Content-Type": "application/x-www-form-urlencoded" });
  const signature = opts.signature === undefined ? await signalwireSdkSignature(opts.signingKey, url, params) : opts.signature;
  if (signature !== null) headers.set("X-SignalWire-Signature", signature);
  return exports.default.fetch(new Request(url, { method: "POST", headers, body: new URLSearchParams(params).toString() }));
}

/** A webhook form of each path, from `signer`'s project, about `target`'s number or tenant. */
export function signalwireWebhookForm(path: string, signer: Pick<SignalWireTenant, "projectId">, target: Pick<SignalWireTenant, "id" | "trackingNumber">) {
  const endpoint = path.split("/").pop()!;
  const base = { AccountSid: signer.projectId, CallSid: crypto.randomUUID(), ApiVersion: "2010-04-01" };
  const recording = `https://example.signalwire.com/api/laml/2010-04-01/Accounts/${signer.projectId}/Recordings/${crypto.randomUUID()}`;
  const forms: Record<string, Record<string, string>> = {
    voice: { ...base, From: "+14155550124", To: target.trackingNumber, CallStatus: "ringing", Direction: "inbound" },
    status: { ...base, CallStatus: "completed", To: target.trackingNumber },
    "leg-status": { ...base, ParentCallSid: crypto.randomUUID(), CallStatus: "completed" },
    "dial-action": { ...base, DialCallStatus: "no-answer" },
    gather: { ...base, Digits: "1" },
    recording: { ...base, RecordingUrl: recording, RecordingStatus: "completed" },
    "voicemail-done": { ...base, RecordingUrl: recording },
    whisper: base,
  };
  const query = endpoint === "voice" ? "" : `?tenant=${encodeURIComponent(target.id)}${endpoint === "whisper" ? "&text=Hi" : ""}`;
  return { path: `${path}${query}`, form: forms[endpoint]! };
}
