import { describe, expect, inject, it } from "vitest";

const baseURL = inject("baseURL");

describe("the dashboard's first screen", () => {
  // The README's promise: the dashboard checks each realtime message's kind only, so its first screen
  // loads no zod. A value imported from schema/messages.ts (beside the schemas) would bring zod in.
  it("loads no zod: neither the entry nor a chunk it preloads", async () => {
    const html = await (await fetch(`${baseURL}/`)).text();
    const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const path of scripts) {
      const res = await fetch(`${baseURL}${path}`);
      expect(res.status).toBe(200);
      expect((await res.text()).includes("_zod"), `${path} holds zod`).toBe(false);
    }
  });
});
