/**
 * Starts the app as `npm run dev` does, on its own port and with its own local state (so a
 * developer's data is never touched), for the browser tests; stops it afterwards.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
  }
}

const PORT = Number(process.env.BROWSER_TEST_PORT ?? 8791);
const ROOT = join(import.meta.dirname, "..", "..");

let server: ChildProcess | undefined;
let state: string | undefined;

async function waitForHealth(url: string, deadline: number) {
  while (Date.now() < deadline) {
    if (server?.exitCode !== null && server?.exitCode !== undefined) throw new Error(`dev server exited with ${server.exitCode}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`dev server did not answer on ${url} in time`);
}

export async function setup(project: TestProject) {
  state = mkdtempSync(join(tmpdir(), "switchboard-browser-"));
  const baseURL = `http://127.0.0.1:${PORT}`;
  // Its own process group, so teardown stops wrangler and workerd with it.
  server = spawn(process.execPath, [join(ROOT, "scripts", "dev.ts"), "--skip-build", "--port", String(PORT), "--persist-to", state], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  });
  let log = "";
  server.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  server.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  try {
    await waitForHealth(baseURL, Date.now() + 90_000);
  } catch (err) {
    console.error(log);
    await teardown();
    throw err;
  }
  project.provide("baseURL", baseURL);
}

export async function teardown() {
  if (server?.pid && server.exitCode === null) {
    const exited = new Promise((r) => server!.once("exit", r));
    process.kill(-server.pid, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (server.exitCode === null) process.kill(-server.pid, "SIGKILL");
  }
  if (state) rmSync(state, { recursive: true, force: true });
}
