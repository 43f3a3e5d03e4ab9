/** Helpers shared by the project's Node scripts (dev, seed, bench, browser-test setup). */
import { spawn, type SpawnOptions } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
export const VITE = join(ROOT, "node_modules", "vite", "bin", "vite.js");

/** The environment every tool runs with: no telemetry, nothing sent to Cloudflare. */
export const TOOL_ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_SEND_METRICS: "false",
  // Miniflare would otherwise fetch a sample `request.cf` from Cloudflare at every start.
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  DO_NOT_TRACK: "1",
  // wrangler's local observability streams a trace of every request, RPC and D1 query to a
  // collector Worker in the same workerd: measured, it doubled the CPU the app's workerd spends per
  // call (README, Performance). Off unless asked for: X_LOCAL_OBSERVABILITY=true npm run dev.
  X_LOCAL_OBSERVABILITY: process.env.X_LOCAL_OBSERVABILITY ?? "false",
};

export function run(script: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, stdio: "inherit", env: TOOL_ENV, ...options });
    // Whoever stops us stops the child too: a dev server must not outlive `npm run dev`.
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on("SIGTERM", forward).on("SIGINT", forward);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      process.off("SIGTERM", forward).off("SIGINT", forward);
      if (code === 0) resolve();
      else reject(new Error(`${script} ${args.join(" ")} ${signal ? `was stopped by ${signal}` : `exited with ${code}`}`));
    });
  });
}

/** A variable of `.dev.vars` (null when it is not set). */
export function devVar(name: string): string | null {
  const file = join(ROOT, ".dev.vars");
  const current = existsSync(file) ? readFileSync(file, "utf8") : "";
  return new RegExp(`^${name}=(\\S+)$`, "m").exec(current)?.[1] ?? null;
}

function ensureDevVar(name: string, make: () => string): string {
  const found = devVar(name);
  if (found) return found;
  const file = join(ROOT, ".dev.vars");
  const current = existsSync(file) ? readFileSync(file, "utf8") : "";
  const value = make();
  writeFileSync(file, `${current.replace(new RegExp(`^${name}=.*\\n?`, "m"), "")}${name}=${value}\n`);
  return value;
}

/**
 * `.dev.vars` with a random SECRETS_KEY (the local data is encrypted with it) and HEALTH_KEY (the deep
 * health checks' bearer key), SWITCHBOARD_RESETS=allow (the benchmark may reset a Switchboard) and
 * OUTBOUND_PRIVATE_ADDRESSES=allow (webhooks may go to a local
 * receiver), each written once; returns SECRETS_KEY.
 */
export function ensureDevVars(): string {
  const random = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
  ensureDevVar("HEALTH_KEY", () => random().replace(/[+/=]/g, ""));
  // The webhook receiver of a laptop is local (127.0.0.1): the private-address rule is for deployments.
  ensureDevVar("OUTBOUND_PRIVATE_ADDRESSES", () => "allow");
  // The benchmark's cold mode resets the Switchboard (an eviction) on a local server only.
  ensureDevVar("SWITCHBOARD_RESETS", () => "allow");
  return ensureDevVar("SECRETS_KEY", random);
}
