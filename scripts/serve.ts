/**
 * Starts the app as `npm run dev` does, on a port of its own and with local state in a fresh
 * temporary folder (a developer's data is never touched), and stops it again: for the end-to-end
 * tests and the benchmark.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, TOOL_ENV } from "./lib.ts";

/** `group`: the server's process group (wrangler and its workerd processes), for the benchmark's CPU figures. */
export type DevServer = { baseURL: string; stop: () => Promise<void>; group: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startDevServer(port: number, { timeoutMs = 120_000 } = {}): Promise<DevServer> {
  const state = mkdtempSync(join(tmpdir(), "switchboard-"));
  // Its own process group, so stopping it stops wrangler and workerd with it.
  const server = spawn(process.execPath, [join(ROOT, "scripts", "dev.ts"), "--skip-build", "--port", String(port), "--persist-to", state], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: TOOL_ENV,
  });
  let log = "";
  server.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  server.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const baseURL = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (server.pid && server.exitCode === null) {
      const exited = new Promise((r) => server.once("exit", r));
      process.kill(-server.pid, "SIGTERM");
      await Promise.race([exited, sleep(5000)]);
      if (server.exitCode === null) process.kill(-server.pid, "SIGKILL");
    }
    rmSync(state, { recursive: true, force: true });
  };
  const until = Date.now() + timeoutMs;
  for (;;) {
    const failure = server.exitCode !== null ? "exited" : Date.now() > until ? "did not answer in time" : null;
    if (failure) {
      await stop();
      throw new Error(`dev server on ${baseURL} ${failure}:\n${log}`);
    }
    try {
      if ((await fetch(`${baseURL}/health`)).ok) return { baseURL, stop, group: server.pid! };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
}
