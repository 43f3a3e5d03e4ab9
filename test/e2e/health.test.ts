import { describe, expect, inject, it } from "vitest";
import { devVar } from "../../scripts/lib.ts";

const baseURL = inject("baseURL");
const HEALTH = { headers: { Authorization: `Bearer ${devVar("HEALTH_KEY")}` } };

describe("what the Worker answers, not the static assets", () => {
  // wrangler.toml's run_worker_first decides which paths reach the Worker; the rest get the app's page.
  it.each(["/health", "/health/durable-object", "/health/d1", "/api/auth/me", "/webhooks/twilio/voice", "/parties/switchboard/demo"])("%s", async (path) => {
    const res = await fetch(`${baseURL}${path}`, path.startsWith("/webhooks") ? { method: "POST" } : {});
    expect(res.headers.get("Content-Type") ?? "").not.toContain("text/html");
  });

  it("health checks reach the Durable Object and D1, for the holder of HEALTH_KEY only", async () => {
    expect(await (await fetch(`${baseURL}/health/durable-object`, HEALTH)).json()).toMatchObject({ ok: true, at: expect.any(Number) });
    expect(await (await fetch(`${baseURL}/health/d1`, HEALTH)).json()).toEqual({ ok: true, one: 1 });
    for (const path of ["/health/durable-object", "/health/d1"]) expect((await fetch(`${baseURL}${path}`)).status).toBe(401);
    expect((await fetch(`${baseURL}/health`)).status).toBe(200);
  });

  it("every answer a browser reads, the Worker's and the dashboard's files alike, carries the browser security headers", async () => {
    const index = await fetch(`${baseURL}/`);
    const script = (await index.clone().text()).match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    for (const res of [index, await fetch(`${baseURL}${script}`), await fetch(`${baseURL}/api/auth/me`), await fetch(`${baseURL}/health`)]) {
      const csp = res.headers.get("Content-Security-Policy") ?? "";
      expect(csp, res.url).toContain("script-src 'self'");
      expect(csp, res.url).toContain("frame-ancestors 'none'");
      // Voicemails play inline from the providers' hosts, and from nowhere else.
      expect(csp, res.url).toContain("media-src 'self' https://*.twilio.com");
      expect(res.headers.get("X-Content-Type-Options"), res.url).toBe("nosniff");
      expect(res.headers.get("X-Frame-Options"), res.url).toBe("DENY");
      expect(res.headers.get("Referrer-Policy"), res.url).toBe("same-origin");
      expect(res.headers.get("Strict-Transport-Security"), res.url).toContain("max-age=");
    }
  });

  it("any other path is the dashboard", async () => {
    const res = await fetch(`${baseURL}/contacts/anything`);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    expect(await res.text()).toContain('<div id="app">');
  });
});
