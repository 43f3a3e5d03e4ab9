/**
 * The plain rules behind webhooks out, as data and properties: the private-address rule, the retry
 * schedule against Queues' limits, the CRM link template, and the API's refusals (a bad body or a
 * private address in a deployment: a clear 400 that writes nothing).
 */
import { env, exports } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crmTemplateProblem, crmUrl, CRM_PLACEHOLDERS } from "../../schema/webhooks.ts";
import { app } from "../../worker/app.ts";
import { privateAddressProblem } from "../../worker/outbound/addresses.ts";
import { MAX_ATTEMPTS, MAX_QUEUE_DELAY_S, MAX_RETRY_AFTER_S, nextAttemptAt, parseRetryAfter, queueDelaySeconds, RETRY_DELAYS_S, retryable } from "../../worker/outbound/schedule.ts";
import { BASE } from "./helpers.ts";
import { apiJson, routingTenant } from "./routing-helpers.ts";

describe("the private-address rule", () => {
  it.each([
    "http://127.0.0.1/hook",
    "http://0x7f.1/hook",
    "http://2130706433/hook",
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://172.31.255.255/",
    "http://192.168.1.10:8080/",
    "http://169.254.169.254/latest/meta-data",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://[::1]/",
    "http://[::]/",
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[64:ff9b::a00:1]/",
    "http://localhost:8787/",
    "http://api.localhost/",
    "http://printer.local/",
    "http://metadata.google.internal/",
    "http://intranet/",
  ])("refuses %s", (url) => {
    expect(privateAddressProblem(url)).not.toBeNull();
  });

  it.each(["https://crm.example.com/hooks", "https://8.8.8.8/", "http://172.32.0.1/", "https://[2606:4700::1111]/", "https://hooks.test/box", "http://192.169.0.1/"])("lets %s through", (url) => {
    expect(privateAddressProblem(url)).toBeNull();
  });

  it("refuses every address in the private IPv4 ranges, however it is written", () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(fc.constantFrom([10], [127], [192, 168], [172, 16], [172, 31], [169, 254]), octet, octet, octet, (prefix, a, b, c) => {
        const parts = [...prefix, a, b, c].slice(0, 4);
        const n = parts.reduce((x, p) => x * 256 + p, 0);
        for (const host of [parts.join("."), String(n), `0x${n.toString(16)}`]) expect(privateAddressProblem(`http://${host}/`), host).not.toBeNull();
      }),
    );
  });

  it("never throws, whatever the string", () => {
    fc.assert(fc.property(fc.string(), (s) => void privateAddressProblem(s)));
    fc.assert(fc.property(fc.webUrl(), (s) => void privateAddressProblem(s)));
  });
});

describe("the retry schedule", () => {
  it("tries for at least 24 hours, eight times, each wait longer than the one before", () => {
    const total = RETRY_DELAYS_S.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(24 * 3600);
    expect(MAX_ATTEMPTS).toBe(8);
    for (let i = 1; i < RETRY_DELAYS_S.length; i++) expect(RETRY_DELAYS_S[i]!).toBeGreaterThanOrEqual(RETRY_DELAYS_S[i - 1]!);
  });

  it("retries timeouts, 408, 429 and 5xx; not a 2xx, a redirect or another 4xx", () => {
    expect([null, 408, 429, 500, 502, 503, 599].every(retryable)).toBe(true);
    expect([200, 204, 301, 302, 400, 401, 403, 404, 410, 422].some(retryable)).toBe(false);
  });

  it("on a simulated clock: the next attempt is the schedule's, or Retry-After's, never past the last attempt; Queues is never asked for more than 12 hours", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(null, 408, 429, 500, 503),
        fc.option(fc.integer({ min: 0, max: 10 * MAX_RETRY_AFTER_S }), { nil: null }),
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        (attempts, status, retryAfter, now) => {
          const clamped = retryAfter === null ? null : parseRetryAfter(String(retryAfter), now);
          const next = nextAttemptAt(attempts, { status, retryAfterS: clamped }, now);
          if (attempts >= MAX_ATTEMPTS) {
            expect(next).toBeNull();
            return;
          }
          const wait = clamped ?? RETRY_DELAYS_S[attempts - 1]!;
          expect(next).toBe(now + wait * 1000);
          expect(queueDelaySeconds(next!, now)).toBeLessThanOrEqual(MAX_QUEUE_DELAY_S);
          // A wait longer than Queues' longest delay is reached by coming back early, in parts.
          let at = now;
          let hops = 0;
          while (at < next!) {
            at += queueDelaySeconds(next!, at) * 1000;
            hops++;
          }
          expect(hops).toBeLessThanOrEqual(Math.ceil(MAX_RETRY_AFTER_S / MAX_QUEUE_DELAY_S));
        },
      ),
    );
  });

  it("reads Retry-After as seconds or an HTTP date, up to a day", () => {
    const now = Date.parse("2026-11-21T12:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120);
    expect(parseRetryAfter("Sat, 21 Nov 2026 12:10:00 GMT", now)).toBe(600);
    expect(parseRetryAfter("999999", now)).toBe(MAX_RETRY_AFTER_S);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe("the CRM link template", () => {
  it("fills in every placeholder URL-encoded, so any value comes back as it was", () => {
    const template = `https://crm.example.com/find?${CRM_PLACEHOLDERS.map((p) => `${p}={${p}}`).join("&")}`;
    expect(crmTemplateProblem(template)).toBeNull();
    fc.assert(
      fc.property(fc.record(Object.fromEntries(CRM_PLACEHOLDERS.map((p) => [p, fc.string()])) as Record<(typeof CRM_PLACEHOLDERS)[number], fc.Arbitrary<string>>), (values) => {
        const url = new URL(crmUrl(template, values));
        for (const p of CRM_PLACEHOLDERS) expect(url.searchParams.get(p)).toBe(values[p]);
      }),
    );
  });

  it.each([
    ["https://crm.example.com/?q={phone}", "{phone} is not a placeholder"],
    ["https://crm.example.com/?q={number", "has a { or }"],
    ["javascript:alert({name})", "must be an http or https URL"],
    ["crm.example.com/{number}", "must be a URL"],
  ])("refuses %s", (template, problem) => {
    expect(crmTemplateProblem(template)).toContain(problem);
  });

  it("is saved on the tenant's settings and read by every user in /api/auth/me; a bad one is a 400 that changes nothing", async () => {
    const t = await routingTenant("CRM");
    const template = "https://crm.example.com/contacts?phone={number}&name={name}";
    expect((await apiJson(t, "PATCH", "/api/tenant", { crmUrlTemplate: template })).body).toMatchObject({ crmUrlTemplate: template });
    const bad = await apiJson(t, "PATCH", "/api/tenant", { crmUrlTemplate: "https://crm.example.com/?x={password}" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ issues: [{ path: "crmUrlTemplate" }] });
    const me = await apiJson(t, "GET", "/api/auth/me");
    expect(me.body).toMatchObject({ tenant: { crmUrlTemplate: template } });
    expect((await apiJson(t, "PATCH", "/api/tenant", { crmUrlTemplate: "" })).body).toMatchObject({ crmUrlTemplate: null });
  });
});

describe("the webhooks API refuses what it cannot take, writing nothing", () => {
  it.each([
    [{ url: "ftp://crm.example.com/", events: ["call.ended"] }, "url"],
    [{ url: "https://user:pw@crm.example.com/", events: ["call.ended"] }, "url"],
    [{ url: "not a url", events: ["call.ended"] }, "url"],
    [{ url: "https://crm.example.com/", events: [] }, "events"],
    [{ url: "https://crm.example.com/", events: ["call.exploded"] }, "events.0"],
    [{ url: "https://crm.example.com/", events: ["call.ended"], description: "x".repeat(201) }, "description"],
  ])("%j → 400 at %s", async (body, path) => {
    const t = await routingTenant("Refusals");
    const res = await apiJson<{ issues: { path: string }[] }>(t, "POST", "/api/webhooks", body);
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i) => i.path)).toContain(path);
    expect((await env.DB.prepare("select count(*) as n from webhook_endpoints where tenant_id = ?").bind(t.id).first<{ n: number }>())!.n).toBe(0);
  });

  it("in a deployment, a private or internal address is refused when saved", async () => {
    const t = await routingTenant("Deployed");
    const deployed = { ...env, OUTBOUND_PRIVATE_ADDRESSES: "refuse" };
    for (const url of ["http://127.0.0.1:9000/hook", "http://[::1]/", "https://crm.internal/hook"]) {
      const ctx = createExecutionContext();
      const res = await app.fetch(new Request(`${BASE}/api/webhooks`, { method: "POST", headers: { Cookie: t.cookie, Origin: BASE, "Content-Type": "application/json" }, body: JSON.stringify({ url, events: ["call.ended"] }) }), deployed, ctx);
      await waitOnExecutionContext(ctx);
      expect(res.status, url).toBe(400);
      expect(await res.json()).toMatchObject({ error: expect.stringContaining("public addresses only"), issues: [{ path: "url" }] });
    }
    // Where the tests run (and npm run dev), a local receiver is allowed.
    expect((await exports.default.fetch(new Request(`${BASE}/api/webhooks`, { method: "POST", headers: { Cookie: t.cookie, Origin: BASE, "Content-Type": "application/json" }, body: JSON.stringify({ url: "http://127.0.0.1:9000/hook", events: ["call.ended"], enabled: false }) }))).status).toBe(201);
  });
});
