/**
 * The providers Switchboard speaks, by id: the one place a new provider is registered. Everything
 * else (the inbound webhooks, provider accounts, the number shop) goes through this registry.
 */
import type { Provider, TelephonyAdapter } from "../../telephony/contract.ts";
import { decryptSecret } from "../lib/crypto.ts";
import { remember } from "../lib/remember.ts";
import { pbx } from "./pbx/adapter.ts";
import { plivo } from "./plivo/adapter.ts";
import { signalwire } from "./signalwire/adapter.ts";
import { telnyx } from "./telnyx/adapter.ts";
import { twilio } from "./twilio/adapter.ts";
import { vonage } from "./vonage/adapter.ts";

// Each adapter states its own credential type; here they are held side by side.
export const ADAPTERS: readonly TelephonyAdapter<unknown>[] = [twilio, signalwire, telnyx, plivo, vonage, pbx];

const byId = new Map(ADAPTERS.map((a) => [a.id as string, a]));

/** The adapter for a provider id (from a URL or a stored row), or undefined for one we do not speak. */
export function adapterOf(id: string) {
  return byId.get(id);
}

export const providerIds = ADAPTERS.map((a) => a.id) as [Provider, ...Provider[]];

/** A stored provider account: its provider, its id there, and its credentials as sealed JSON. */
export type StoredAccount = { provider: Provider; externalId: string; credentialsEncrypted: string };

/** Credentials this isolate opened, by their sealed form (changed credentials are a new key). */
const opened = new Map<string, unknown>();

/**
 * The account's credentials, decrypted and checked against the adapter's schema (an account saved
 * before credentials were sealed as JSON holds a bare secret, which its adapter reads).
 */
export async function credentialsOf<C>(adapter: TelephonyAdapter<C>, account: StoredAccount, secretsKey: string): Promise<C> {
  const hit = opened.get(account.credentialsEncrypted);
  if (hit !== undefined) return hit as C;
  const plain = await decryptSecret(account.credentialsEncrypted, secretsKey);
  const credentials = plain.startsWith("{") || !adapter.legacyCredentials ? adapter.credentials.parse(JSON.parse(plain)) : adapter.legacyCredentials(plain, account.externalId);
  remember(opened, account.credentialsEncrypted, credentials, 1000);
  return credentials;
}
