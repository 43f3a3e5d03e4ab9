/**
 * Starts the app as `npm run dev` does, on a port of its own and with local state in a fresh
 * temporary folder (a developer's data is never touched), and stops it again: for the end-to-end
 * tests and the benchmark. Port 0 lets the OS pick a free one: wrangler binds it and reports it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, TOOL_ENV } from "./lib.ts";

/**
 * `port`: the one it listens on (the OS's pick when asked for 0). `group`: the server's process group
 * (wrangler and its workerd processes), for the benchmark's CPU figures.
 */
export type DevServer = {
  baseURL: string;
  port: number;
  stop: () => Promise<void>;
  group: number;
  /** Through Miniflare's API only: the app's own local D1 (the benchmark seeds its thousand tenants straight into it). */
  d1?: D1Database;
};

// wrangler's line once it listens, the OS's pick of port included (colours stripped first).
const READY = /Ready on (http:\/\/127\.0\.0\.1:(\d+))/;
const COLOURS = /\x1b\[[0-9;]*m/g;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `untouched`: ready once wrangler says it listens, without asking the app anything (the readiness
 * check below is a request to the Worker: the benchmark's call-first round wants its call to be the
 * app's first request). `state`: a folder of local state that outlives the server (the caller
 * removes it), for a restart on yesterday's state; by default a fresh one, removed on stop.
 */
export async function startDevServer(port = 0, { timeoutMs = 120_000, untouched = false, state: kept }: { timeoutMs?: number; untouched?: boolean; state?: string } = {}): Promise<DevServer> {
  const state = kept ?? mkdtempSync(join(tmpdir(), "switchboard-"));
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
  const stop = async () => {
    if (server.pid && server.exitCode === null) {
      const exited = new Promise((r) => server.once("exit", r));
      process.kill(-server.pid, "SIGTERM");
      await Promise.race([exited, sleep(5000)]);
      if (server.exitCode === null) process.kill(-server.pid, "SIGKILL");
    }
    if (!kept) rmSync(state, { recursive: true, force: true });
  };
  const until = Date.now() + timeoutMs;
  for (;;) {
    const failure = server.exitCode !== null ? "exited" : Date.now() > until ? "did not answer in time" : null;
    if (failure) {
      await stop();
      throw new Error(`dev server on port ${port || "(any)"} ${failure}:\n${log}`);
    }
    // Only the address wrangler says it serves on is asked: another server on the same port must
    // never pass for ours (a forced port that is taken makes wrangler exit instead).
    const ready = READY.exec(log.replace(COLOURS, ""));
    if (ready) {
      const baseURL = ready[1]!;
      if (untouched) return { baseURL, port: Number(ready[2]), stop, group: server.pid! };
      try {
        if ((await fetch(`${baseURL}/health`)).ok) return { baseURL, port: Number(ready[2]), stop, group: server.pid! };
      } catch {
        // not answering yet
      }
    }
    await sleep(250);
  }
}
