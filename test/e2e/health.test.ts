import { describe, expect, inject, it } from "vitest";

const baseURL = inject("baseURL");

describe("what the Worker answers, not the static assets", () => {
  // wrangler.toml's run_worker_first decides which paths reach the Worker; the rest get the app's page.
  it.each(["/health", "/health/durable-object", "/health/d1", "/api/auth/me", "/webhooks/twilio/voice", "/parties/switchboard/demo"])("%s", async (path) => {
    const res = await fetch(`${baseURL}${path}`, path.startsWith("/webhooks") ? { method: "POST" } : {});
    expect(res.headers.get("Content-Type") ?? "").not.toContain("text/html");
  });

  it("health checks reach the Durable Object and D1", async () => {
    expect(await (await fetch(`${baseURL}/health/durable-object`)).json()).toMatchObject({ ok: true, at: expect.any(Number) });
    expect(await (await fetch(`${baseURL}/health/d1`)).json()).toEqual({ ok: true, one: 1 });
  });

  it("any other path is the dashboard", async () => {
    const res = await fetch(`${baseURL}/contacts/anything`);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    expect(await res.text()).toContain('<div id="app">');
  });
});
