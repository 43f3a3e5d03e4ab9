/** A business as it signs itself up (a sandbox Twilio account), and sandbox numbers it buys. */
import { call } from "./helpers.ts";
import { uniqueNumber } from "./twilio-helpers.ts";

export type SignedUp = { cookie: string; tenant: { id: string; slug: string } };

let clients = 0;
export async function signUp(business = "Test Call Plumbing"): Promise<SignedUp> {
  // Each from an address of its own: sign-ups are throttled per client.
  const res = await call("/api/signup", {
    method: "POST",
    json: { business, name: "Pat Owner", email: `pat-${crypto.randomUUID()}@example.test`, password: "plumb the depths of winter" },
    headers: { "CF-Connecting-IP": `198.51.100.${++clients}` },
  });
  if (res.status !== 201) throw new Error(`sign-up: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get("Set-Cookie")?.split(";")[0] ?? "";
  return { cookie, tenant: (await res.json<{ tenant: SignedUp["tenant"] }>()).tenant };
}

/** Buys the first free sandbox number of an area code, ringing `terminationNumber`. */
export async function buySandboxNumber(t: SignedUp, terminationNumber = uniqueNumber(), areaCode = "503") {
  const available = await call(`/api/tracking-numbers/available?areaCode=${areaCode}`, { cookie: t.cookie });
  const [pick] = (await available.json<{ items: { number: string }[] }>()).items;
  if (!pick) throw new Error("the sandbox has no number left");
  const res = await call("/api/tracking-numbers", { method: "POST", cookie: t.cookie, json: { number: pick.number, label: "Sandbox line", terminationNumber } });
  if (res.status !== 201) throw new Error(`buy: ${res.status} ${await res.text()}`);
  return { ...(await res.json<{ id: string; number: string }>()), terminationNumber };
}
