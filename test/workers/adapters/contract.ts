/**
 * The contract every telephony adapter must meet, written once and run for each provider (as hono
 * runs one router suite over every router): signatures accepted and refused, every webhook it sends
 * parsed into the pipeline's events, every step kind rendered exactly, and one whole call's life
 * through the Worker and the tenant's Switchboard. A provider is added with a fixture, not a test.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { simulateCall } from "../../../scripts/networks/call-life.ts";
import { campaigns, providerAccounts, trackingNumbers } from "../../../schema/db.ts";
import type { CallbackUrl, InboundEvent, InboundRequest, RoutingDecision, Step, TelephonyAdapter } from "../../../telephony/contract.ts";
import { encryptSecret } from "../../../worker/lib/crypto.ts";
import { BASE, createTenant, db, tableCounts } from "../helpers.ts";
import { switchboardOf, uniqueNumber } from "../twilio-helpers.ts";

export type AdapterFixture<C> = {
  adapter: TelephonyAdapter<C>;
  /** Two accounts' credentials: what the first signed, the second must not verify. */
  credentials: () => C;
  otherCredentials: () => C;
  /** Credentials the provider (its local fake) refuses, as it refuses a wrong secret. */
  refusedCredentials: () => C;
  /** Signs a webhook body posted to `url` exactly as the provider does (with its own SDK where there is one). */
  sign: (credentials: C, url: string, body: string) => Promise<Headers>;
  /** One webhook of every kind the provider sends: where it is posted, its body, and the event it means. */
  samples: (account: string) => { path: string; query?: string; body: string; event: InboundEvent }[];
  /** Bodies the provider never sends, per path: each is refused with a message. */
  malformed: { path: string; body: string }[];
  /** Changes a signed request so that its signature no longer holds. */
  tamper: (request: InboundRequest) => InboundRequest;
  /** Each step kind's markup, exactly, with callbacks named as `callback` names them. */
  golden: { step: Step; markup: string }[];
  /** A whole decision's document (the wrapper around the steps). */
  document: (steps: string) => string;
  /** The simulator's side of this provider, for a call's life: its signing secret and account id. */
  network: (credentials: C) => { provider: string; token: string; account: string };
};

const STEP_KINDS: Step["kind"][] = ["say", "play", "hold", "dial", "gather", "voicemail", "hangup"];

const callback: CallbackUrl = (path, query = {}) => `${BASE}/webhooks/x/${path}?tenant=t1${Object.entries(query).map(([k, v]) => `&${k}=${encodeURIComponent(v)}`).join("")}`;

export function adapterContract<C>(f: AdapterFixture<C>) {
  const { adapter } = f;
  const request = async (credentials: C, url: string, body: string): Promise<InboundRequest> => ({ url, body, headers: await f.sign(credentials, url, body) });

  describe("signatures", () => {
    it("accepts what the provider signed, and refuses another account's, a tampered request, another URL, no signature", async () => {
      const credentials = f.credentials();
      const account = adapter.accountOf(credentials);
      for (const sample of f.samples(account)) {
        const url = `${BASE}/webhooks/${adapter.id}/${sample.path}${sample.query ?? ""}`;
        const signed = await request(credentials, url, sample.body);
        expect(await adapter.verify(signed, credentials), sample.path).toBe(true);
        expect(await adapter.verify(signed, f.otherCredentials()), sample.path).toBe(false);
        expect(await adapter.verify(f.tamper(signed), credentials), sample.path).toBe(false);
        expect(await adapter.verify({ ...signed, url: url.replace("/webhooks/", "/elsewhere/") }, credentials), sample.path).toBe(false);
        expect(await adapter.verify({ ...signed, headers: new Headers({ "Content-Type": signed.headers.get("Content-Type") ?? "" }) }, credentials), sample.path).toBe(false);
      }
    });
  });

  describe("checking credentials", () => {
    it("says ok, naming the account, for credentials the provider takes; not ok, in words and without the secret, for others", async () => {
      const taken = await adapter.check(f.credentials());
      expect(taken.ok).toBe(true);
      if (taken.ok) expect(taken.account.length).toBeGreaterThan(0);
      const refusedCredentials = f.refusedCredentials();
      const refused = await adapter.check(refusedCredentials);
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error).toMatch(/\w+ \w+/);
      for (const secret of Object.values(refusedCredentials as Record<string, unknown>).filter((v) => typeof v === "string" && v !== adapter.accountOf(refusedCredentials))) {
        expect(JSON.stringify(refused)).not.toContain(secret);
      }
    });
  });

  describe("parsing", () => {
    it("reads every kind of webhook the provider sends into the pipeline's event", () => {
      const samples = f.samples(adapter.accountOf(f.credentials()));
      const kinds = new Set(samples.map((s) => s.event.kind));
      expect([...kinds].sort()).toEqual(["call", "dial-ended", "menu", "progress", "recording", "voicemail-done", "whisper"]);
      for (const path of adapter.paths.callbacks) expect(samples.some((s) => s.path === path), `a sample for ${path}`).toBe(true);
      for (const sample of samples) {
        const url = `${BASE}/webhooks/${adapter.id}/${sample.path}${sample.query ?? ""}`;
        const parsed = adapter.parse(sample.path, { url, body: sample.body, headers: new Headers() });
        expect(parsed, sample.path).toEqual({ ok: true, value: sample.event });
      }
    });

    it("refuses, with a message, what the provider never sends", () => {
      for (const { path, body } of [...f.malformed, { path: "no-such-path", body: "" }]) {
        const parsed = adapter.parse(path, { url: `${BASE}/webhooks/${adapter.id}/${path}`, body, headers: new Headers() });
        expect(parsed.ok, `${path}: ${body}`).toBe(false);
        if (!parsed.ok) expect(parsed.message.length).toBeGreaterThan(0);
      }
    });
  });

  describe.runIf(adapter.simulator)("the sandbox's test call", () => {
    it("is the provider's own webhooks: signed as the provider signs them, read back as a new call and its unanswered end", async () => {
      const credentials = f.credentials();
      const account = adapter.accountOf(credentials);
      const simulator = adapter.simulator!(credentials);
      const call = { providerCallId: simulator.newCallId(), from: "+14155550199", to: "+15035550142", ringSeconds: 25, endsAt: Date.now() + 25_000 };
      const voiceUrl = `${BASE}/webhooks/${adapter.id}/${adapter.paths.voice}`;
      const statusUrl = `${BASE}/webhooks/${adapter.id}/${adapter.paths.status}?tenant=t1`;
      const ring = await simulator.ring(call, voiceUrl);
      const end = await simulator.unanswered(call, statusUrl);
      expect([ring.url, end.url]).toEqual([voiceUrl, statusUrl]);
      for (const [webhook, path] of [[ring, adapter.paths.voice], [end, adapter.paths.status]] as const) {
        const signed: InboundRequest = { url: webhook.url, body: webhook.body, headers: new Headers(webhook.headers) };
        expect(await adapter.verify(signed, credentials), path).toBe(true);
        expect(await adapter.verify(signed, f.otherCredentials()), path).toBe(false);
        // The signature the provider's own code computes for the same request.
        const expected: Record<string, string> = {};
        (await f.sign(credentials, webhook.url, webhook.body)).forEach((value, name) => (expected[name] = value));
        for (const [name, value] of Object.entries(expected)) expect(signed.headers.get(name), `${path}: ${name}`).toBe(value);
      }
      expect(adapter.parse(adapter.paths.voice, { url: ring.url, body: ring.body, headers: new Headers() })).toEqual({ ok: true, value: { kind: "call", account, providerCallId: call.providerCallId, from: call.from, to: call.to, forwardedFrom: null } });
      const ended = adapter.parse(adapter.paths.status, { url: end.url, body: end.body, headers: new Headers() });
      expect(ended).toMatchObject({ ok: true, value: { kind: "progress", account, providerCallId: call.providerCallId, report: { leg: "parent", legId: call.providerCallId, status: "no-answer", durationSeconds: 25 } } });
      expect(simulator.newCallId()).not.toBe(call.providerCallId);
    });
  });

  describe("markup", () => {
    it("renders every step kind exactly", () => {
      expect(f.golden.map((g) => g.step.kind).sort()).toEqual([...STEP_KINDS].sort());
      for (const { step, markup } of f.golden) expect(adapter.markup.render({ steps: [step] }, callback), step.kind).toBe(f.document(markup));
    });

    it("renders a decision's steps in order, and names no callback when given none", () => {
      const decision: RoutingDecision = { steps: f.golden.map((g) => g.step) };
      expect(adapter.markup.render(decision, callback)).toBe(f.document(f.golden.map((g) => g.markup).join("")));
      expect(adapter.markup.render(decision)).not.toContain("tenant=");
    });

    it("escapes what people typed", () => {
      const rendered = adapter.markup.render({ steps: [{ kind: "say", text: `<Hangup/> & "quotes"` }] });
      expect(rendered).not.toContain("<Hangup/>");
      expect(adapter.markup.whisper(`<Hangup/>`)).not.toContain("<Hangup/>");
    });
  });

  describe("no input gets a 5xx", () => {
    it("answers generated webhooks on every path (mangled samples, junk, wrong or no signature) with a 2xx or a 4xx", async () => {
      const credentials = f.credentials();
      const samples = f.samples(adapter.accountOf(credentials));
      const paths = [adapter.paths.voice, ...adapter.paths.callbacks, "fallback"];
      // A seeded generator: a failure names the input that caused it, and reruns the same.
      let seed = 0x5eed;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
      const junk = () => String.fromCharCode(...Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 0x2500)));
      const mangle = (body: string) => {
        const pairs = [...new URLSearchParams(body)];
        const [name] = pick(pairs) ?? ["x"];
        return new URLSearchParams([...pairs.filter(([k]) => k !== name), [name, pick(["", junk(), "-1", "9".repeat(400), "+1", "null"])]]).toString();
      };
      for (let i = 0; i < 200; i++) {
        const path = pick(paths);
        const sample = pick(samples);
        const body = pick([() => mangle(sample.body), () => junk(), () => sample.body, () => `${sample.body}&${junk()}=${junk()}`])();
        const query = pick(["", "?tenant=", `?tenant=${junk()}`, "?dial=%2B14155550150&key=AAAA", sample.query ?? ""]);
        const url = `${BASE}/webhooks/${adapter.id}/${path}${query}`;
        const headers = pick([async () => f.sign(credentials, url, body), async () => f.sign(f.otherCredentials(), url, body), async () => new Headers({ "Content-Type": pick(["application/x-www-form-urlencoded", "application/json", "text/plain"]) })])();
        const res = await exports.default.fetch(new Request(url, { method: "POST", headers: await headers, body }));
        expect(res.status, `${path}${query} ${JSON.stringify(body)}: ${await res.clone().text()}`).toBeLessThan(500);
      }
    });
  });

  describe("a call's life through the Worker and the Switchboard", () => {
    it("rings, is answered, ends, and is logged once, with every webhook verified", async () => {
      const credentials = f.credentials();
      const tenant = await createTenant(`${adapter.name} calls`);
      const trackingNumber = uniqueNumber();
      const terminationNumber = uniqueNumber();
      const accountId = crypto.randomUUID();
      const campaignId = crypto.randomUUID();
      await db().batch([
        db()
          .insert(providerAccounts)
          .values({ id: accountId, tenantId: tenant.id, provider: adapter.id, externalId: adapter.accountOf(credentials), credentialsEncrypted: await encryptSecret(JSON.stringify(credentials), env.SECRETS_KEY) }),
        db().insert(campaigns).values({ id: campaignId, tenantId: tenant.id, name: "Radio", channel: "radio" }),
        db().insert(trackingNumbers).values({ id: crypto.randomUUID(), tenantId: tenant.id, number: trackingNumber, label: "Radio line", campaignId, terminationNumber, providerAccountId: accountId }),
      ]);
      const network = f.network(credentials);
      const life = await simulateCall(
        { url: BASE, ...network, ring: 0, talk: 0, fetch: (url, init) => exports.default.fetch(new Request(url, init)) },
        "+14155550124",
        trackingNumber,
        "answered",
      );
      expect(life.error).toBeUndefined();
      expect(life.steps.some((s) => s.startsWith("dial-action completed"))).toBe(true);
      await switchboardOf(tenant).flushCallLog();
      const logged = await env.DB.prepare("select provider, status, termination_number, campaign_id from calls where tenant_id = ?").bind(tenant.id).all();
      expect(logged.results).toEqual([{ provider: adapter.id, status: "completed", termination_number: terminationNumber, campaign_id: campaignId }]);
      expect((await switchboardOf(tenant).snapshot()).calls).toEqual([]);

      // The same call's voice webhook from another account of the provider is refused and writes nothing.
      const before = await tableCounts();
      const forged = await simulateCall({ url: BASE, ...f.network(f.otherCredentials()), ring: 0, talk: 0, fetch: (url, init) => exports.default.fetch(new Request(url, init)) }, "+14155550124", trackingNumber, "answered");
      expect(forged.error).toMatch(/voice answered 403/);
      expect(await tableCounts()).toEqual(before);
    });
  });
}
