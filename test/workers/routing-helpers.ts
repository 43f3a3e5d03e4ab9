/** Fixtures for routing: configuration through the real REST API, calls through the real webhooks. */
import { call, login } from "./helpers.ts";
import { createTwilioTenant, hexId, pathOf, postTwilio, startCall, uniqueNumber, type TwilioTenant } from "./twilio-helpers.ts";

export type RoutingTenant = TwilioTenant & { cookie: string };

export async function routingTenant(name = "Routing"): Promise<RoutingTenant> {
  const t = await createTwilioTenant(name);
  return { ...t, cookie: await login(t.adminEmail) };
}

export async function apiJson<T = Record<string, unknown>>(t: { cookie: string }, method: string, path: string, json?: unknown) {
  const res = await call(path, { method, cookie: t.cookie, ...(json === undefined ? {} : { json }) });
  const body = res.status === 204 ? null : await res.json();
  return { status: res.status, body: body as T };
}

export async function receiving(t: RoutingTenant, label: string, extra: Record<string, unknown> = {}) {
  const number = uniqueNumber();
  const res = await apiJson<{ id: string; number: string }>(t, "POST", "/api/receiving-numbers", { number, label, ...extra });
  if (res.status !== 201) throw new Error(`receiving number refused: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function route(t: RoutingTenant, body: Record<string, unknown>) {
  const res = await apiJson<{ id: string }>(t, "POST", "/api/routes", body);
  if (res.status !== 201) throw new Error(`route refused: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function useRoute(t: RoutingTenant, routeId: string | null) {
  const res = await apiJson(t, "PATCH", `/api/tracking-numbers/${t.trackingNumberId}`, { routeId });
  if (res.status !== 200) throw new Error(`could not set the route: ${JSON.stringify(res.body)}`);
}

/** The numbers a TwiML document dials, in order. */
export function dialled(xml: string) {
  return [...xml.matchAll(/<Number\b[^>]*>([^<]*)<\/Number>/g)].map((m) => m[1]);
}

export async function dialEnds(t: TwilioTenant, parentSid: string, status: string, extra: Record<string, string> = {}) {
  const res = await postTwilio(`/webhooks/twilio/dial-action?tenant=${encodeURIComponent(t.id)}`, { AccountSid: t.accountSid, CallSid: parentSid, DialCallStatus: status, ...extra }, { token: t.token });
  return res.text();
}

export async function press(t: TwilioTenant, parentSid: string, digits: string | null) {
  const res = await postTwilio(`/webhooks/twilio/gather?tenant=${encodeURIComponent(t.id)}`, { AccountSid: t.accountSid, CallSid: parentSid, ...(digits === null ? {} : { Digits: digits }) }, { token: t.token });
  return res.text();
}

export { call, hexId, pathOf, postTwilio, startCall };
