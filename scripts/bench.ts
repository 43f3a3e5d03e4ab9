/**
 * `npm run bench`: Switchboard's speed as callers and staff feel it, measured against the floor of
 * the same stack, in one run.
 *
 *   npm run bench                                   N=300 calls, C=10 at once, K=20 dashboards
 *   npm run bench -- --calls 500 --concurrency 10 --dashboards 20 --ring 0.5 --talk 1
 *   npm run bench -- --ring 0 --talk 0              saturated: every call's requests back to back
 *   npm run bench -- --rate 100 --duration 30       open loop: 100 new calls a second for 30 s
 *   npm run bench -- --match 100000,1000000         caller matching at scale (local D1 only)
 *   npm run bench -- --provider twilio              whose webhooks the main run's calls are (scripts/networks/)
 *   npm run bench -- --provider-calls 40            then 40 calls through each provider, side by side (0: none)
 *   npm run bench -- --visits 300                   POST /dni/visits, the website snippet's request (0: none)
 *   npm run bench -- --webhook-calls 60             then 60 calls without and 60 with a webhook endpoint subscribed to every event (0: none)
 *   npm run bench -- --cold 3                       the first call after each of 3 restarts (and after an eviction, after hibernation), beside the warm calls that follow it
 *
 *   npm run bench -- --dashboard-deflate off        dashboards that do not offer permessage-deflate (what compressing their frames costs)
 *   npm run bench -- --via-wrangler                 the app through `npm run dev` (wrangler's dev server and proxy), not Miniflare's API
 *
 * It starts the app through Miniflare's API (scripts/serve-miniflare.ts: the built Worker, its own
 * port and local state; with --via-wrangler as `npm run dev` does), seeds the known callers
 * it needs, connects K dashboards to the realtime socket, drives whole calls (ring, answer, hang up,
 * with signed callbacks), and reports webhook → TwiML and webhook → popup on every dashboard, calls
 * per second, errors and lost events, beside the floors: a request the Worker answers at once, one
 * Durable Object round trip, one D1 query. Then the website snippet's POST /dni/visits, whose floor is
 * one D1 query and one Durable Object round trip. Results: a table here and JSON in bench-results/.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import type { DashboardReport } from "./bench-dashboards.ts";
import { CALLERS_DDL, ENTRY_SQL, SEEN_SQL } from "../party/callers-sql.ts";
import { gzipSync } from "node:zlib";
import { NETWORKS, networkFor } from "./networks/index.ts";
import type { Network, SimulatedCall, Send } from "./networks/network.ts";
import { devVar, ensureDevVars, ROOT, run, VITE } from "./lib.ts";
import { startDevServer, type DevServer } from "./serve.ts";
import { applyMigrations, startMiniflareServer } from "./serve-miniflare.ts";
import { buildBundle, profileStartup } from "./cold-start.ts";

const { values: flags } = parseArgs({
  options: {
    calls: { type: "string", default: "300" },
    concurrency: { type: "string", default: "10" },
    dashboards: { type: "string", default: "20" },
    contacts: { type: "string", default: "200" },
    rate: { type: "string" },
    duration: { type: "string", default: "30" },
    match: { type: "string" },
    ring: { type: "string", default: "0.5" },
    provider: { type: "string", default: "twilio" },
    /** Calls per provider in the side-by-side pass over every provider (0 skips it). */
    "provider-calls": { type: "string", default: "40" },
    /** Calls in each half of the webhooks pass: without an endpoint, then with one (0 skips it). */
    "webhook-calls": { type: "string", default: "60" },
    talk: { type: "string", default: "1" },
    /** Requests of the website snippet (POST /dni/visits) timed after the floors, half new visits, half returning (0 skips it). */
    visits: { type: "string", default: "300" },
    port: { type: "string", default: "8795" },
    /** Restarts for the cold mode: the first call after each, beside the warm calls of the same server. */
    cold: { type: "string" },
    "skip-build": { type: "boolean", default: false },
    /** Start the app as `npm run dev` does (wrangler's dev server and its proxy) instead of through Miniflare's API. */
    "via-wrangler": { type: "boolean", default: false },
    /** "off": the dashboards do not offer permessage-deflate (browsers always do), to measure what compression costs. */
    "dashboard-deflate": { type: "string", default: "on" },
  },
});

const viaWrangler = flags["via-wrangler"]!;

/** The app under test: through Miniflare's API (the app alone), or through wrangler's dev server. */
function startServer(port: number): Promise<DevServer> {
  return viaWrangler ? startDevServer(port) : startMiniflareServer(port);
}

type Stats = { n: number; p50: number; p95: number; p99: number; mean: number; max: number };

function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  const round = (x: number) => Math.round(x * 100) / 100;
  return { n: s.length, p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), mean: round(s.reduce((a, b) => a + b, 0) / (s.length || 1)), max: round(s.at(-1) ?? NaN) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The server is started as `npm run dev` does (scripts/serve.ts).

async function login(base: string) {
  const res = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json", Origin: base }, body: JSON.stringify({ email: "admin@demo.test", password: "demo-password" }) });
  const cookie = res.headers.get("set-cookie")?.split(";")[0];
  if (!res.ok || !cookie) throw new Error(`login failed: ${res.status}`);
  return cookie;
}

/** Known callers: contacts with one phone each, numbers +1415200xxxx. */
async function seedContacts(base: string, cookie: string, count: number) {
  const numbers: string[] = [];
  const headers = { "Content-Type": "application/json", Cookie: cookie, Origin: base };
  for (let i = 0; i < count; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, count - i) }, async (_, j) => {
        const number = `+1415200${String(i + j).padStart(4, "0")}`;
        const res = await fetch(`${base}/api/contacts`, { method: "POST", headers, body: JSON.stringify({ kind: "customer", name: `Bench Caller ${i + j}`, phones: [{ label: "mobile", number }] }) });
        if (res.status !== 201) throw new Error(`seeding contacts: ${res.status} ${await res.text()}`);
        numbers.push(number);
      }),
    );
  }
  return numbers;
}

// Floors ----------------------------------------------------------------------------------------

/** Mean time between two probes of the floors while the calls run. */
const FLOOR_PROBE_MS = 200;

/** The deep health checks' bearer key (scripts/lib.ts writes it into .dev.vars). */
// On a fresh clone .dev.vars does not exist until something makes it: make it now, so the key read here is the server's.
ensureDevVars();
const HEALTH = { headers: { Authorization: `Bearer ${devVar("HEALTH_KEY") ?? ""}` } };

async function timeRequests(url: string, n: number) {
  const samples: number[] = [];
  for (let i = 0; i < n + 20; i++) {
    const t0 = performance.now();
    const res = await fetch(url, HEALTH);
    const body = (await res.json().catch(() => null)) as { ok?: boolean } | null;
    // A floor must be answered by the Worker itself, not by the static assets' fallback page.
    if (!res.ok || body?.ok !== true) throw new Error(`${url}: ${res.status}, not the Worker's answer`);
    if (i >= 20) samples.push(performance.now() - t0); // the first few warm the isolate up
  }
  return stats(samples);
}

// The website snippet ---------------------------------------------------------------------------------

const BENCH_SITE = "https://bench-website.example";

/**
 * POST /dni/visits as the snippet sends it, `n` times after 20 to warm up: every other one a new
 * visit, the rest a returning visit's next page. The demo tenant gets a website origin and a pool of
 * two sandbox numbers first. Its floor is what it must do: one D1 query (the business and the
 * client's count, in one batch) and one Durable Object round trip (the lease).
 */
async function visitBench(base: string, cookie: string, n: number, floors: { durableObject: Stats; d1: Stats }) {
  const headers = { "Content-Type": "application/json", Cookie: cookie, Origin: base };
  const ask = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  await ask("PATCH", "/api/tenant", { siteOrigins: [BENCH_SITE] });
  const pools = (await ask("GET", "/api/pools")).items as { name: string }[];
  if (!pools.some((p) => p.name === "Bench website")) {
    const offered = ((await ask("GET", "/api/tracking-numbers/available?areaCode=559")).items as { number: string }[]).slice(0, 2);
    const ids: string[] = [];
    for (const o of offered) ids.push((await ask("POST", "/api/tracking-numbers", { number: o.number, label: "Bench website", terminationNumber: "+14155550150" })).id as string);
    await ask("POST", "/api/pools", { name: "Bench website", trackingNumberIds: ids });
  }
  const samples: number[] = [];
  let visitId: string | null = null;
  for (let i = 0; i < n + 20; i++) {
    const returning = i % 2 === 1 && visitId !== null;
    const body = { tenant: "demo", visitId: returning ? visitId : null, url: `${BENCH_SITE}/${returning ? "contact" : "?utm_source=google&utm_medium=cpc&utm_term=bench"}`, referrer: returning ? `${BENCH_SITE}/` : "https://www.google.com/", landingPage: `${BENCH_SITE}/?utm_source=google&utm_medium=cpc&utm_term=bench` };
    const t0 = performance.now();
    // As the snippet sends it: JSON as text/plain from the business's origin, one client per visitor.
    const res = await fetch(`${base}/dni/visits`, { method: "POST", headers: { "Content-Type": "text/plain", Origin: BENCH_SITE, "CF-Connecting-IP": `203.0.113.${i % 250}` }, body: JSON.stringify(body) });
    const answer = (await res.json()) as { visitId?: string; number?: string | null };
    if (!res.ok || !answer.number) throw new Error(`POST /dni/visits: ${res.status} ${JSON.stringify(answer)}`);
    if (i >= 20) samples.push(performance.now() - t0);
    if (!returning) visitId = answer.visitId ?? null;
  }
  const s = stats(samples);
  const ratio = (floor: number) => Math.round((s.p50 / floor) * 100) / 100;
  return { ...s, ratioP50ToDurableObjectFloor: ratio(floors.durableObject.p50), ratioP50ToFloor: ratio(floors.durableObject.p50 + floors.d1.p50) };
}

// CPU per call, by process ----------------------------------------------------------------------------

/** Clock ticks per second of the CPU times in /proc. */
const TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"]).toString()) || 100;
  } catch {
    return 100;
  }
})();

/** Which part of the dev server a process is, from its command line. */
function processName(cmdline: string, port: number) {
  // Through Miniflare directly the only workerd is the app's; under wrangler, the one on our port is its proxy.
  if (cmdline.includes("workerd")) return !viaWrangler ? "the app's workerd" : cmdline.includes(`entry=127.0.0.1:${port}`) ? "wrangler's proxy (workerd)" : "the app's workerd";
  if (cmdline.includes("wrangler")) return "wrangler (Node)";
  if (cmdline.includes("esbuild")) return "esbuild";
  return "dev script (Node)";
}

/**
 * CPU seconds used so far by each part of the dev server (the processes of its group) and by this
 * benchmark, from /proc: Linux only (null elsewhere).
 */
function cpuSeconds(group: number, port: number): Map<string, number> | null {
  if (!existsSync("/proc/self/stat")) return null;
  const out = new Map<string, number>();
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
      if (Number(fields[2]) !== group || Number(pid) === process.pid) continue; // pgrp; this process is counted below
      const name = processName(readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " "), port);
      out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / TICKS); // utime + stime
    } catch {
      // it exited meanwhile
    }
  }
  const self = process.cpuUsage();
  out.set("this benchmark", (self.user + self.system) / 1e6);
  return out;
}

/** How long the processes' idle CPU is sampled before the calls. */
const IDLE_SAMPLE_MS = 2000;

/**
 * Each part's CPU over the calls: milliseconds per call above what it spends idle (sampled just
 * before), and cores kept busy (CPU seconds a second, idle included).
 */
function cpuUse(idleFrom: Map<string, number> | null, before: Map<string, number> | null, after: Map<string, number> | null, calls: number, seconds: number) {
  if (!idleFrom || !before || !after || calls === 0) return null;
  const round = (x: number) => Math.round(x * 100) / 100;
  return Object.fromEntries(
    [...after].map(([name, s]) => {
      const used = s - (before.get(name) ?? 0);
      const idle = ((before.get(name) ?? 0) - (idleFrom.get(name) ?? 0)) / (IDLE_SAMPLE_MS / 1000);
      return [name, { msPerCall: round((Math.max(0, used - idle * seconds) * 1000) / calls), cores: round(used / seconds) }];
    }),
  );
}

// Dashboards --------------------------------------------------------------------------------------

/** K dashboards on the realtime socket, in their own thread (scripts/bench-dashboards.ts). */
async function openDashboards(base: string, cookie: string, k: number) {
  const thread = new Worker(new URL("./bench-dashboards.ts", import.meta.url), {
    workerData: { url: `${base.replace(/^http/, "ws")}/parties/switchboard/demo`, cookie, origin: base, k, deflate: flags["dashboard-deflate"] !== "off" },
  });
  type Reply = { type: string; report?: DashboardReport };
  const waiting: { resolve: (m: Reply) => void; reject: (e: unknown) => void }[] = [];
  thread.on("message", (m: Reply) => waiting.shift()?.resolve(m));
  thread.on("error", (err) => {
    for (const w of waiting.splice(0)) w.reject(err);
  });
  /** Sends a command (none: waits for "ready") and resolves with the thread's reply. */
  const ask = (command?: string) =>
    new Promise<Reply>((resolve, reject) => {
      waiting.push({ resolve, reject });
      if (command) thread.postMessage(command);
    });
  await ask(); // ready: every socket has its snapshot
  return {
    reset: () => ask("reset"),
    report: async () => (await ask("report")).report!,
    // Ended at once: the sockets' closing handshakes would keep the thread for seconds.
    close: () => thread.terminate(),
  };
}

/** Absolute milliseconds, comparable across threads. */
const clock = () => performance.timeOrigin + performance.now();

// Calls -------------------------------------------------------------------------------------------

type CallResult = { callSid: string; startedAt: number; endedAt: number; twimlMs: number; phases: Record<string, number>; ok: boolean; error?: string };

/** The voice webhook's own account of where its time went (Server-Timing). */
function readPhases(header: string | null) {
  const out: Record<string, number> = {};
  for (const part of (header ?? "").split(",")) {
    const m = /^\s*([\w-]+);dur=([\d.]+)/.exec(part);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

type Pace = { ring: number; talk: number };

/**
 * One whole call, as `network` (the provider) sends it: ring (voice webhook), answer after `ring` s
 * (the dialled leg's reports our markup asks for), hang up after `talk` s (the dial's end, then the
 * caller's own end). C calls in progress at once is then what a switchboard with C calls on it
 * sees; with no ring or talk time every request follows the last.
 */
async function driveCall(network: Network, pace: Pace, from: string, to: string): Promise<CallResult> {
  const send: Send = async (url, init, what) => {
    const res = await fetch(url, { method: "POST", ...init });
    const text = await res.text();
    if (!res.ok) throw new Error(`${what}: ${res.status} ${text.slice(0, 200)}`);
    return { status: res.status, ok: res.ok, text, headers: res.headers };
  };
  const call: SimulatedCall = { id: network.newCallId(), from, to, send };
  const startedAt = clock();
  const t0 = performance.now();
  // Drawn from 0.5× to 1.5× the mean, as real calls ring and last for different times: with fixed
  // times the C calls would stay in lockstep and every request would come in bursts of C.
  const pause = (mean: number) => (mean > 0 ? sleep(mean * (0.5 + Math.random()) * 1000) : Promise.resolve());
  try {
    const plan = await network.ring(call);
    const twimlMs = performance.now() - t0;
    const phases = readPhases(plan.serverTiming);
    if (!plan.dial) throw new Error(`voice: nothing dialled (${plan.says.join(" ")})`);
    const legId = network.newCallId();
    await network.legReport(call, plan, legId, "initiated");
    await network.legReport(call, plan, legId, "ringing");
    await pause(pace.ring);
    await network.legReport(call, plan, legId, "in-progress");
    await pause(pace.talk);
    await network.legReport(call, plan, legId, "completed", 1);
    await network.dialEnded(call, plan, legId, "completed", 1);
    await network.hangUp(call, 2);
    return { callSid: call.id, startedAt, endedAt: clock(), twimlMs, phases, ok: true };
  } catch (err) {
    return { callSid: call.id, startedAt, endedAt: clock(), twimlMs: NaN, phases: {}, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * N calls on C lines, each line starting its next call when its last one ends; line k starts after
 * `k / C × spreadMs` (calls on a switchboard begin at different moments). Results in order of ending.
 */
async function driveLines(network: Network, pace: Pace, lines: number, n: number, callerOf: (i: number) => string, spreadMs = 0) {
  const results: CallResult[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: lines }, async (_, line) => {
      if (spreadMs > 0) await sleep((line / lines) * spreadMs);
      while (next < n) {
        const i = next++;
        results.push(await driveCall(network, pace, callerOf(i), network.demoNumber));
      }
    }),
  );
  return results;
}

/** When the open loop's steady state starts: the first calls have rung, talked and ended. */
const STEADY_AFTER_MS = 5000;

/** Calls finished per second between two moments (null when the run is too short to have them). */
function steadyRate(results: CallResult[], from: number, to: number) {
  if (to - from < 5000) return null;
  const done = results.filter((r) => r.ok && r.endedAt >= from && r.endedAt < to).length;
  return Math.round((done / ((to - from) / 1000)) * 10) / 10;
}

/** Events every dashboard must see for one call: ringing, in progress, completed, and two notifications. */
const CALL_EVENTS = 3;
const NOTIFICATIONS_PER_CALL = 2;

function clientSize() {
  const dir = join(ROOT, "dist", "client", "assets");
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir).filter((f) => f.endsWith(".js"));
  const size = (f: string) => gzipSync(readFileSync(join(dir, f)), { level: 9 }).length;
  // The first screen's JavaScript: the entry index.html loads and the chunks it preloads with it.
  const html = readFileSync(join(ROOT, "dist", "client", "index.html"), "utf8");
  const loaded = new Set([...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]!));
  const initial = files.filter((f) => loaded.has(f)).reduce((a, f) => a + size(f), 0);
  const total = files.reduce((a, f) => a + size(f), 0);
  // kB of 1,000 bytes, as Vite reports them.
  return { initialGzipKB: Math.round(initial / 100) / 10, allGzipKB: Math.round(total / 100) / 10 };
}

type Dashboards = Awaited<ReturnType<typeof openDashboards>>;

/**
 * The same calls through every provider's webhooks, one provider after another, on the same server
 * and dashboards: webhook → markup and webhook → popup for each, beside each other and against the
 * Durable Object floor of the same run.
 */
async function providerPass(base: string, dashboards: Dashboards, callers: string[], pace: Pace, concurrency: number, perProvider: number, doFloor: number) {
  const ratio = (x: number) => Math.round((x / doFloor) * 100) / 100;
  const rows: Record<string, { calls: number; errors: number; errorSamples: (string | undefined)[]; webhookToMarkup: Stats & { ratioP50ToDurableObjectFloor: number }; webhookToPopup: Stats & { ratioP50ToDurableObjectFloor: number } }> = {};
  for (const provider of Object.keys(NETWORKS)) {
    const network = networkFor(provider, base);
    // Warm up this provider's code paths (its adapter, its first account lookups).
    for (let i = 0; i < 3; i++) await driveCall(network, { ring: 0, talk: 0 }, callers[i % callers.length]!, network.demoNumber);
    await sleep(300);
    await dashboards.reset();
    const results = await driveLines(network, pace, concurrency, perProvider, (i) => (i % 2 === 0 ? callers[i % callers.length]! : `+1415310${String(i % 10000).padStart(4, "0")}`));
    const ok = results.filter((r) => r.ok);
    // Until every dashboard has seen every call ring (at most 5 s).
    const until = performance.now() + 5000;
    let seen = await dashboards.report();
    while (performance.now() < until && seen.some((d) => ok.some((r) => !new Map(d.ringingAt).has(r.callSid)))) {
      await sleep(100);
      seen = await dashboards.report();
    }
    const popupMs: number[] = [];
    for (const d of seen) {
      const ringingAt = new Map(d.ringingAt);
      for (const r of ok) {
        const at = ringingAt.get(r.callSid);
        if (at !== undefined) popupMs.push(at - r.startedAt);
      }
    }
    const markup = stats(ok.map((r) => r.twimlMs));
    const popup = stats(popupMs);
    rows[provider] = {
      calls: results.length,
      errors: results.length - ok.length,
      errorSamples: results.filter((r) => !r.ok).slice(0, 2).map((r) => r.error),
      webhookToMarkup: { ...markup, ratioP50ToDurableObjectFloor: ratio(markup.p50) },
      webhookToPopup: { ...popup, ratioP50ToDurableObjectFloor: ratio(popup.p50) },
    };
  }
  return rows;
}

/**
 * The webhooks pass's receiver, answering 200 to every POST, on a thread of its own: on the load
 * generator's thread its work would delay the timing of the calls it is compared with.
 */
async function startReceiver() {
  const thread = new Worker(
    `const { createServer } = require("node:http");
     const { parentPort } = require("node:worker_threads");
     let received = 0;
     const server = createServer((req, res) => { req.resume(); req.on("end", () => { received++; res.writeHead(200).end(); }); });
     server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
     parentPort.on("message", (m) => (m === "count" ? parentPort.postMessage({ received }) : server.close(() => parentPort.postMessage({ closed: true }))));`,
    { eval: true },
  );
  /** The thread's next message that carries `key`. */
  const next = <T>(key: string) =>
    new Promise<T>((resolve) => {
      const on = (m: Record<string, T>) => {
        if (!(key in m)) return;
        thread.off("message", on);
        resolve(m[key]!);
      };
      thread.on("message", on);
    });
  const port = await next<number>("port");
  return {
    port,
    received: () => {
      const count = next<number>("received");
      thread.postMessage("count");
      return count;
    },
    stop: async () => {
      const closed = next<boolean>("closed");
      thread.postMessage("stop");
      await closed;
      await thread.terminate();
    },
  };
}

/**
 * Whether webhooks out cost the caller anything: the same calls without a webhook endpoint, then with
 * one subscribed to every event (a receiver on a thread of this process answering 200), in alternating rounds so
 * drift in the machine's load falls on both alike. Webhook → TwiML p50 of each, their ratio, and
 * whether the receiver got each call's events.
 */
async function webhooksPass(base: string, cookie: string, callers: string[], pace: Pace, concurrency: number, perHalf: number, group: number, port: number) {
  const receiver = await startReceiver();
  const headers = { "Content-Type": "application/json", Cookie: cookie, Origin: base };
  const network = networkFor("twilio", base);
  // The lines start spread over a call's length, as in the main run (all at once would time bursts).
  const drive = (n: number, offset: number) =>
    driveLines(
      network,
      pace,
      concurrency,
      n,
      (j) => {
        const i = offset + j;
        return i % 2 === 0 ? callers[i % callers.length]! : `+1415320${String(i % 10000).padStart(4, "0")}`;
      },
      (pace.ring + pace.talk) * 1000,
    );
  // The app's CPU (its workerd) per half: what the consumer's deliveries cost, apart from the wait.
  const appCpu = () => cpuSeconds(group, port)?.get("the app's workerd") ?? NaN;
  const cpu = { without: 0, with: 0 };
  // The noise of the comparison: the rounds without an endpoint, even against odd (nothing differs).
  const evenRounds: CallResult[] = [];
  const oddRounds: CallResult[] = [];
  const url = `http://127.0.0.1:${receiver.port}/bench`;
  const made = await fetch(`${base}/api/webhooks`, { method: "POST", headers, body: JSON.stringify({ url, events: ["call.ringing", "call.answered", "call.ended", "call.missed"], enabled: false }) });
  if (made.status !== 201) throw new Error(`webhooks pass: ${made.status} ${await made.text()}`);
  const { id } = (await made.json()) as { id: string };
  const toggle = (enabled: boolean) => fetch(`${base}/api/webhooks/${id}`, { method: "PATCH", headers, body: JSON.stringify({ enabled }) });
  const without: CallResult[] = [];
  const withHooks: CallResult[] = [];
  const ROUNDS = 4;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const n = Math.ceil(perHalf / ROUNDS);
      await toggle(false);
      let cpu0 = appCpu();
      const plain = await drive(n, round * 2 * n);
      without.push(...plain);
      (round % 2 === 0 ? evenRounds : oddRounds).push(...plain);
      await sleep(1500); // the queue's last batch (max_batch_timeout 1 s), as the other half waits for its deliveries
      cpu.without += appCpu() - cpu0;
      await toggle(true);
      cpu0 = appCpu();
      withHooks.push(...(await drive(n, (round * 2 + 1) * n)));
      // Each answered call's ringing, answered and ended delivered before the endpoint is turned off
      // (turning it off fails what still waits for it); at most 20 s.
      const until = performance.now() + 20_000;
      while ((await receiver.received()) < withHooks.filter((r) => r.ok).length * 3 && performance.now() < until) await sleep(200);
      cpu.with += appCpu() - cpu0;
    }
    await toggle(false);
    const expected = withHooks.filter((r) => r.ok).length * 3;
    const a = stats(without.filter((r) => r.ok).map((r) => r.twimlMs));
    const b = stats(withHooks.filter((r) => r.ok).map((r) => r.twimlMs));
    // Inside the Worker (Server-Timing): where a difference is spent, if there is one.
    const phases = (rs: CallResult[]) => Object.fromEntries([...new Set(rs.flatMap((r) => Object.keys(r.phases)))].map((name) => [name, stats(rs.filter((r) => r.phases[name] !== undefined).map((r) => r.phases[name]!)).p50]));
    return {
      calls: without.length + withHooks.length,
      errors: [...without, ...withHooks].filter((r) => !r.ok).length,
      withoutWebhooks: a,
      withWebhooks: b,
      ratioP50: Math.round((b.p50 / a.p50) * 100) / 100,
      /** The same ratio between two halves of the calls without an endpoint (odd rounds / even rounds): what noise alone gives. */
      noiseRatioP50: Math.round((stats(oddRounds.filter((r) => r.ok).map((r) => r.twimlMs)).p50 / stats(evenRounds.filter((r) => r.ok).map((r) => r.twimlMs)).p50) * 100) / 100,
      phasesP50: { withoutWebhooks: phases(without), withWebhooks: phases(withHooks) },
      /** The app's workerd, CPU ms per call (the calls and, after them, what their events cost). */
      appCpuMsPerCall: { withoutWebhooks: Math.round((cpu.without * 1000 * 10) / without.length) / 10, withWebhooks: Math.round((cpu.with * 1000 * 10) / withHooks.length) / 10 },
      eventsExpected: expected,
      eventsReceived: await receiver.received(),
    };
  } finally {
    await fetch(`${base}/api/webhooks/${id}`, { method: "DELETE", headers });
    await receiver.stop();
  }
}

async function loadBench() {
  const port = Number(flags.port);
  const k = Number(flags.dashboards);
  const c = Number(flags.concurrency);
  const rate = flags.rate ? Number(flags.rate) : null;
  const n = rate ? Math.round(rate * Number(flags.duration)) : Number(flags.calls);
  if (!flags["skip-build"]) await run(VITE, ["build", "--logLevel", "warn"]);
  const { baseURL: base, stop, group } = await startServer(port);
  try {
    const cookie = await login(base);
    const callers = await seedContacts(base, cookie, Number(flags.contacts));
    const floors = {
      worker: await timeRequests(`${base}/health`, 300),
      durableObject: await timeRequests(`${base}/health/durable-object`, 300),
      d1: await timeRequests(`${base}/health/d1`, 300),
    };
    const dniVisits = Number(flags.visits) > 0 ? await visitBench(base, cookie, Number(flags.visits), floors) : null;
    const dashboards = await openDashboards(base, cookie, k);
    const network = networkFor(flags.provider, base);
    const to = network.demoNumber;
    const pace: Pace = { ring: Number(flags.ring), talk: Number(flags.talk) };
    // Warm up: the first calls load the tenant's routing configuration and compile the code paths.
    for (let i = 0; i < 5; i++) await driveCall(network, { ring: 0, talk: 0 }, callers[i % callers.length]!, to);
    await sleep(500);
    await dashboards.reset();

    const results: CallResult[] = [];
    // The floors again, sampled while the calls run: the same stack under the same load. A few
    // probes a second, at random moments: probing back to back would add more requests than the
    // calls make (about 60 a second against 25) and measure mostly the probes' own load.
    const loadedFloors = { worker: [] as number[], durableObject: [] as number[] };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await sleep(FLOOR_PROBE_MS * (0.5 + Math.random()));
        for (const [name, path] of [["worker", "/health"], ["durableObject", "/health/durable-object"]] as const) {
          const t = performance.now();
          const body = (await (await fetch(`${base}${path}`, HEALTH)).json()) as { ok?: boolean };
          if (body.ok === true) loadedFloors[name].push(performance.now() - t);
        }
      }
    })();
    // Half the callers are known contacts, half unknown numbers.
    const caller = (i: number) => (i % 2 === 0 ? callers[i % callers.length]! : `+1415300${String(i % 10000).padStart(4, "0")}`);
    // What the processes spend without calls (timers, polling, the floor probes), so that a slow run
    // does not charge it to its few calls. The probes' figures of this while are not "under load".
    const idleFrom = cpuSeconds(group, port);
    await sleep(IDLE_SAMPLE_MS);
    const cpuBefore = cpuSeconds(group, port);
    loadedFloors.worker.length = 0;
    loadedFloors.durableObject.length = 0;
    const started = performance.now();
    const startedAt = clock();
    if (rate) {
      // Open loop: a new call every 1/rate s, whatever the answers, as real traffic arrives.
      const running: Promise<void>[] = [];
      for (let i = 0; i < n; i++) {
        const due = started + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        running.push(driveCall(network, pace, caller(i), to).then((r) => void results.push(r)));
      }
      await Promise.all(running);
    } else {
      // The C lines start spread over one mean call's length, as calls on a switchboard began at
      // different moments (all C in the same millisecond would measure one burst, not the load).
      results.push(...(await driveLines(network, pace, c, n, caller, (pace.ring + pace.talk) * 1000)));
    }
    const elapsed = (performance.now() - started) / 1000;
    sampling = false;
    await sampler;
    // Let the last events reach every dashboard.
    const expected = results.filter((r) => r.ok).length * (CALL_EVENTS + NOTIFICATIONS_PER_CALL);
    const settleUntil = performance.now() + 10_000;
    let seen = await dashboards.report();
    while (performance.now() < settleUntil && seen.some((d) => d.seqs.length < expected)) {
      await sleep(100);
      seen = await dashboards.report();
    }
    // Every call is in the call log: reading it has the Switchboard write what it still holds.
    const log = await fetch(`${base}/api/calls?from=${Math.floor(startedAt)}&limit=1`, { headers: { Cookie: cookie } });
    const logged = log.ok ? ((await log.json()) as { total: number }).total : 0;
    // The calls' CPU, their dashboards' included, above what the idle sample spent (the floor
    // probes ran then too).
    const cpu = cpuUse(idleFrom, cpuBefore, cpuSeconds(group, port), results.filter((r) => r.ok).length, (performance.now() - started) / 1000);
    const perProvider = Number(flags["provider-calls"]);
    const providers = perProvider > 0 ? await providerPass(base, dashboards, callers, pace, c, perProvider, floors.durableObject.p50) : null;
    const webhookCalls = Number(flags["webhook-calls"]);
    const webhooks = webhookCalls > 0 ? await webhooksPass(base, cookie, callers, pace, c, webhookCalls, group, port) : null;
    await dashboards.close();

    const popupMs: number[] = [];
    let lost = 0;
    let gaps = 0;
    for (const d of seen) {
      const ringingAt = new Map(d.ringingAt);
      for (const r of results) {
        const at = ringingAt.get(r.callSid);
        if (r.ok && at !== undefined) popupMs.push(at - r.startedAt);
      }
      // Every event of every call, on every dashboard, in seq order with no gap.
      lost += Math.max(0, expected - d.seqs.length);
      const seqs = [...d.seqs].sort((a, b) => a - b);
      for (let i = 1; i < seqs.length; i++) if (seqs[i] !== seqs[i - 1]! + 1) gaps++;
    }
    const errors = results.filter((r) => !r.ok);
    const twiml = stats(results.filter((r) => r.ok).map((r) => r.twimlMs));
    const popup = stats(popupMs);
    const ratio = (x: number, floor: number) => Math.round((x / floor) * 100) / 100;
    return {
      kind: rate ? "sustained" : "closed-loop",
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      settings: { calls: n, concurrency: rate ? null : c, rate, dashboards: k, knownCallers: callers.length, ringSeconds: pace.ring, talkSeconds: pace.talk, provider: flags.provider },
      floors,
      floorsUnderLoad: { worker: stats(loadedFloors.worker), durableObject: stats(loadedFloors.durableObject) },
      webhookToTwiml: {
        ...twiml,
        ratioP50ToDurableObjectFloor: ratio(twiml.p50, floors.durableObject.p50),
        ratioP50ToDurableObjectFloorUnderLoad: ratio(twiml.p50, stats(loadedFloors.durableObject).p50),
        ratioP50ToWorkerFloor: ratio(twiml.p50, floors.worker.p50),
      },
      webhookToPopup: {
        ...popup,
        ratioP50ToDurableObjectFloor: ratio(popup.p50, floors.durableObject.p50),
        ratioP50ToDurableObjectFloorUnderLoad: ratio(popup.p50, stats(loadedFloors.durableObject).p50),
      },
      // Inside the Worker, per phase of the voice webhook (I/O waits: D1 and the Durable Object).
      voicePhases: Object.fromEntries(
        [...new Set(results.flatMap((r) => Object.keys(r.phases)))].map((name) => [name, stats(results.filter((r) => r.phases[name] !== undefined).map((r) => r.phases[name]!))]),
      ),
      callsPerSecond: Math.round((results.filter((r) => r.ok).length / elapsed) * 10) / 10,
      // Open loop: the rate calls were finished at once the first had had time to end and until new
      // ones stopped coming. The figure above also spans the last calls' own ring and talk time.
      steadyCallsPerSecond: rate ? steadyRate(results, startedAt + STEADY_AFTER_MS, startedAt + ((n - 1) * 1000) / rate) : null,
      elapsedSeconds: Math.round(elapsed * 10) / 10,
      errors: errors.length,
      errorSamples: errors.slice(0, 5).map((e) => e.error),
      slowest: results.filter((r) => r.ok).sort((a, b) => b.twimlMs - a.twimlMs).slice(0, 8).map((r) => ({ atMs: Math.round(r.startedAt - startedAt), twimlMs: Math.round(r.twimlMs), phases: r.phases })),
      lostEvents: lost,
      seqGaps: gaps,
      /** Frames each dashboard received per call, and events per call (several events may share a frame). */
      framesPerCallPerDashboard: Math.round((seen.reduce((a, d) => a + d.frames, 0) / seen.length / Math.max(1, results.filter((r) => r.ok).length)) * 100) / 100,
      eventsPerCallPerDashboard: Math.round((seen.reduce((a, d) => a + d.seqs.length, 0) / seen.length / Math.max(1, results.filter((r) => r.ok).length)) * 100) / 100,
      missingFromCallLog: Math.max(0, results.filter((r) => r.ok).length - logged),
      cpu,
      dashboardErrors: seen.flatMap((d) => d.errors).length,
      providers,
      dniVisits,
      webhooks,
      client: clientSize(),
    };
  } finally {
    await stop();
  }
}

/**
 * A Durable Object that loads `phones` rows into the caller index's table and probes it: each probe
 * call runs the voice webhook's two lookups for 1,000 numbers (time measured outside, per lookup).
 */
const INDEX_PROBE_WORKER = `
import { DurableObject } from "cloudflare:workers";
export class CallerIndex extends DurableObject {
  load(ddl, phones) {
    const sql = this.ctx.storage.sql;
    sql.exec(ddl);
    sql.exec("insert into caller_index (number, contact_id, kind, name, tags) with recursive n(i) as (select 1 union all select i + 1 from n where i < " + Number(phones) + ") select '+1' || (2000000000 + i * 7), 'c' || ((i + 2) / 3), 'customer', 'Contact ' || ((i + 2) / 3), '[]' from n");
    sql.exec("insert into callers_seen (number) select number from caller_index limit " + Math.floor(Number(phones) / 3));
    return true;
  }
  plan(query, number) {
    return this.ctx.storage.sql.exec("explain query plan " + query, number).toArray().map((r) => r.detail);
  }
  probe([entry, seen], numbers) {
    const sql = this.ctx.storage.sql;
    let hits = 0;
    for (const n of numbers) {
      if (sql.exec(entry, n).toArray().length) hits++;
      sql.exec(seen, n).toArray();
    }
    return hits;
  }
}
export default {
  async fetch(request, env) {
    const { op, args } = await request.json();
    return Response.json(await env.INDEX.getByName("bench")[op](...args));
  },
};
`;

// Matching at scale --------------------------------------------------------------------------------

async function matchBench(sizes: number[]) {
  const { convertV4MiniflareOptions, Miniflare } = await import("miniflare");
  const out = [];
  for (const size of sizes) {
    const state = mkdtempSync(join(tmpdir(), "switchboard-match-"));
    const mf = new Miniflare(
      convertV4MiniflareOptions({
        modules: true,
        script: INDEX_PROBE_WORKER,
        compatibilityDate: "2026-11-01",
        resourcePersistencePath: state,
        d1Databases: { DB: "bench" },
        durableObjects: { INDEX: { className: "CallerIndex", useSQLite: true } },
      }),
    );
    try {
      const db = await mf.getD1Database("DB");
      await applyMigrations(db);
      const tenant = "tnt_bench";
      await db.prepare("insert into tenants (id, slug, name) values (?, 'bench', 'Bench')").bind(tenant).run();
      const t0 = performance.now();
      // Generated inside SQLite: `size` contacts, three phones each, with distinct numbers.
      await db.exec(
        `insert into contacts (id, tenant_id, kind, name, created_at, updated_at) with recursive n(i) as (select 1 union all select i + 1 from n where i < ${size}) select 'c' || i, '${tenant}', 'customer', 'Contact ' || i, 0, 0 from n`,
      );
      await db.exec(
        `insert into contact_phones (id, tenant_id, contact_id, label, number, raw, created_at) with recursive n(i) as (select 1 union all select i + 1 from n where i < ${size * 3}) select 'p' || i, '${tenant}', 'c' || ((i + 2) / 3), 'main', '+1' || (2000000000 + i * 7), '', i from n`,
      );
      const loadSeconds = Math.round((performance.now() - t0) / 100) / 10;
      const query = "select c.id as contactId, c.kind, c.name, c.tags, p.label from contact_phones p join contacts c on c.id = p.contact_id where p.tenant_id = ? and p.number = ? order by p.created_at limit 1";
      const plan = (await db.prepare(`explain query plan ${query}`).bind(tenant, "+12000000007").all<{ detail: string }>()).results.map((r) => r.detail);
      const sqlMs: number[] = [];
      const roundTripMs: number[] = [];
      let hits = 0;
      for (let i = 0; i < 2000; i++) {
        // Half are numbers on file, half are not.
        const number = i % 2 === 0 ? `+1${2000000000 + (1 + Math.floor(Math.random() * size * 3)) * 7}` : `+1${3000000000 + i}`;
        const t = performance.now();
        const res = await db.prepare(query).bind(tenant, number).all();
        roundTripMs.push(performance.now() - t);
        sqlMs.push(res.meta.duration);
        if (res.results.length) hits++;
      }
      // D1 reports durations in whole milliseconds; 1,000 lookups in one batch give the cost of one
      // to the microsecond (an upper bound: the batch's own round trip is included).
      const batchMs: number[] = [];
      for (let round = 0; round < 5; round++) {
        const statements = Array.from({ length: 1000 }, (_, i) => db.prepare(query).bind(tenant, i % 2 === 0 ? `+1${2000000000 + (1 + Math.floor(Math.random() * size * 3)) * 7}` : `+1${3100000000 + i}`));
        const t = performance.now();
        await db.batch(statements);
        batchMs.push((performance.now() - t) / 1000);
      }
      // The Switchboard's own caller index (what the voice webhook reads), in a Durable Object's
      // SQLite, with the very table and statements of party/callers.ts.
      const index = async (op: string, ...args: unknown[]) => (await mf.dispatchFetch("http://bench/", { method: "POST", body: JSON.stringify({ op, args }) })).json();
      const t1 = performance.now();
      await index("load", CALLERS_DDL, size * 3);
      const indexLoadSeconds = Math.round((performance.now() - t1) / 100) / 10;
      const indexPlan = (await index("plan", ENTRY_SQL, "+12000000007")) as string[];
      const indexMs: number[] = [];
      let indexHits = 0;
      for (let round = 0; round < 5; round++) {
        const numbers = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? `+1${2000000000 + (1 + Math.floor(Math.random() * size * 3)) * 7}` : `+1${3200000000 + i}`));
        const t = performance.now();
        indexHits += (await index("probe", [ENTRY_SQL, SEEN_SQL], numbers)) as number;
        indexMs.push((performance.now() - t) / 1000);
      }
      out.push({
        contacts: size,
        phones: size * 3,
        loadSeconds,
        hits,
        lookupSql: stats(sqlMs),
        lookupInBatchMsEach: stats(batchMs),
        lookupRoundTripFromNode: stats(roundTripMs),
        queryPlan: plan,
        switchboardIndex: { loadSeconds: indexLoadSeconds, hitsOf5000: indexHits, lookupMsEach: stats(indexMs), queryPlan: indexPlan },
      });
    } finally {
      await mf.dispose();
      rmSync(state, { recursive: true, force: true });
    }
  }
  return { kind: "match", matching: out };
}

// The first call of the day ------------------------------------------------------------------------

/** Warm calls after each restart's first, for the warm p50 of the same server. */
const WARM_CALLS_AFTER_COLD = 20;
/** Quiet before the hibernation round's call: workerd hibernates a Durable Object idle for 10 s. */
const HIBERNATE_AFTER_MS = 15_000;

type ColdRound = { kind: "restart" | "eviction" | "hibernation"; twimlMs: number; popupMs: number; phases: Record<string, number>; warmTwimlP50: number; warmPopupP50: number; wokenByTheCall?: boolean };

/**
 * One round's first call and the calls after it, on one dashboard: the first's webhook → TwiML and
 * → popup beside the warm p50 of the rest. Unknown callers: the first call matches no contact, as
 * most first calls of a day do not.
 */
async function firstCall(kind: ColdRound["kind"], dashboards: Dashboards, network: Network, callerOf: (i: number) => string, errors: string[]) {
  await dashboards.reset();
  const calls: CallResult[] = [];
  for (let i = 0; i <= WARM_CALLS_AFTER_COLD; i++) calls.push(await driveCall(network, { ring: 0, talk: 0 }, callerOf(i), network.demoNumber));
  const expected = calls.filter((r) => r.ok).length * (CALL_EVENTS + NOTIFICATIONS_PER_CALL);
  const settleUntil = performance.now() + 10_000;
  let seen = await dashboards.report();
  while (performance.now() < settleUntil && seen[0]!.seqs.length < expected) {
    await sleep(100);
    seen = await dashboards.report();
  }
  const ringingAt = new Map(seen[0]!.ringingAt);
  const popupOf = (r: CallResult) => (ringingAt.has(r.callSid) ? ringingAt.get(r.callSid)! - r.startedAt : NaN);
  errors.push(...calls.filter((r) => !r.ok).map((r) => r.error ?? "failed"));
  const [first, ...warm] = calls;
  const round: ColdRound = {
    kind,
    twimlMs: Math.round(first!.twimlMs * 100) / 100,
    popupMs: Math.round(popupOf(first!) * 100) / 100,
    phases: first!.phases,
    warmTwimlP50: stats(warm.filter((r) => r.ok).map((r) => r.twimlMs)).p50,
    warmPopupP50: stats(warm.filter((r) => r.ok).map(popupOf).filter((ms) => !Number.isNaN(ms))).p50,
  };
  return { round, firstStartedAt: first!.startedAt };
}

/** Resets the demo tenant's Switchboard as an eviction would (the dev server's route); when the instance it ended began. */
async function resetSwitchboard(base: string) {
  const res = await fetch(`${base}/health/switchboard/demo/reset`, { method: "POST", ...HEALTH });
  const body = (await res.json()) as { ok?: boolean; startedAt?: number };
  if (!res.ok || body.ok !== true || body.startedAt === undefined) throw new Error(`resetting the Switchboard: ${res.status} ${JSON.stringify(body)}`);
  return body.startedAt;
}

/**
 * The first call of the day, three ways, `rounds` times. After a restart: the app is started afresh
 * (a new workerd: a new isolate, no Durable Object yet, nothing remembered, an empty state folder),
 * signed in to with one dashboard opened, as staff find it in the morning, and then rung. After an
 * eviction, on the same server: the dashboard closes, the Switchboard alone is reset (the Worker's
 * isolate stays warm; the Switchboard's storage stays), the dashboard opens again and the call comes.
 * After hibernation: the dashboard stays open and nothing happens for 15 s, so the runtime hibernates
 * the Switchboard; the call wakes it (the round says whether it did: the instance that served it
 * began after the call was sent). Each: webhook → TwiML and → popup against the p50 of the 20 calls
 * after it on the same server. The bundle's size and `wrangler check startup`'s figure go in the
 * same table.
 */
async function coldBench(rounds: number) {
  const port = Number(flags.port);
  if (!flags["skip-build"]) await run(VITE, ["build", "--logLevel", "warn"]);
  const bundle = buildBundle();
  const startup = profileStartup(bundle.out);
  const firsts: ColdRound[] = [];
  const errors: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const { baseURL: base, stop } = await startDevServer(port);
    try {
      const cookie = await login(base);
      const network = networkFor(flags.provider, base);
      const callerOf = (kind: number) => (i: number) => `+1415300${String(round * 300 + kind * 100 + i).padStart(4, "0")}`;
      let dashboards = await openDashboards(base, cookie, 1);
      firsts.push((await firstCall("restart", dashboards, network, callerOf(0), errors)).round);

      await dashboards.close();
      await resetSwitchboard(base);
      dashboards = await openDashboards(base, cookie, 1);
      firsts.push((await firstCall("eviction", dashboards, network, callerOf(1), errors)).round);

      await sleep(HIBERNATE_AFTER_MS);
      const hibernation = await firstCall("hibernation", dashboards, network, callerOf(2), errors);
      const startedAt = await resetSwitchboard(base);
      firsts.push({ ...hibernation.round, wokenByTheCall: startedAt >= hibernation.firstStartedAt });
      await dashboards.close();
    } finally {
      await stop();
    }
  }
  return {
    kind: "cold" as const,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    settings: { rounds, warmCallsAfterEach: WARM_CALLS_AFTER_COLD, dashboards: 1, provider: flags.provider, hibernateAfterMs: HIBERNATE_AFTER_MS },
    bundle: { kib: Math.round((bundle.bytes / 1024) * 10) / 10, gzipKiB: Math.round((bundle.gzipBytes / 1024) * 10) / 10 },
    startup: { activeMs: startup.activeMs, gcMs: startup.gcMs },
    rounds: firsts,
    errors: errors.length,
    errorSamples: errors.slice(0, 5),
  };
}

function printCold(r: Awaited<ReturnType<typeof coldBench>>) {
  console.log(`\ncold: the first call after each of ${r.settings.rounds} restarts (one dashboard open), then on the same server after the Switchboard alone is evicted and after it hibernates, each beside the p50 of the ${r.settings.warmCallsAfterEach} calls after it — ${r.machine.cpus} cores, Node ${r.machine.node}`);
  console.log(`bundle ${r.bundle.kib} KiB (gzip ${r.bundle.gzipKiB} KiB); wrangler check startup: ${r.startup.activeMs} ms active CPU (${r.startup.gcMs} ms of it garbage collection)`);
  console.log(`${"round".padEnd(16)} ${"first → TwiML".padStart(14)} ${"warm p50".padStart(9)} ${"×".padStart(6)} ${"first → popup".padStart(14)} ${"warm p50".padStart(9)} ${"×".padStart(6)}  the first call's Server-Timing`);
  const times = (a: number, b: number) => `×${Math.round((a / b) * 10) / 10}`;
  let restart = 0;
  for (const x of r.rounds) {
    if (x.kind === "restart") restart++;
    const phases = Object.entries(x.phases).map(([name, ms]) => `${name} ${ms}`).join(", ");
    const woken = x.wokenByTheCall === undefined ? "" : x.wokenByTheCall ? " (woken by the call)" : " (NOT woken by the call: it did not hibernate)";
    console.log(`${`${restart} ${x.kind}`.padEnd(16)} ${String(x.twimlMs).padStart(14)} ${String(x.warmTwimlP50).padStart(9)} ${times(x.twimlMs, x.warmTwimlP50).padStart(6)} ${String(x.popupMs).padStart(14)} ${String(x.warmPopupP50).padStart(9)} ${times(x.popupMs, x.warmPopupP50).padStart(6)}  ${phases}${woken}`);
  }
  console.log(`errors: ${r.errors}${r.errorSamples.length ? ` (${r.errorSamples.join(" | ")})` : ""}`);
}

// Report ----------------------------------------------------------------------------------------------

function printLoad(r: Awaited<ReturnType<typeof loadBench>>) {
  const row = (name: string, s: Stats, ratio?: [number, number]) =>
    `${name.padEnd(38)} ${String(s.p50).padStart(8)} ${String(s.p95).padStart(8)} ${String(s.p99).padStart(8)} ${String(s.max).padStart(8)}${ratio === undefined ? "" : `   p50 = ×${ratio[0]} DO floor idle, ×${ratio[1]} under load`}`;
  console.log(`\n${r.kind}: ${r.settings.calls} calls, ${r.settings.rate ? `${r.settings.rate}/s` : `${r.settings.concurrency} at once`}, ringing ${r.settings.ringSeconds} s and talking ${r.settings.talkSeconds} s, ${r.settings.dashboards} dashboards — ${r.machine.cpus} cores, Node ${r.machine.node}`);
  console.log(`${"ms".padEnd(38)} ${"p50".padStart(8)} ${"p95".padStart(8)} ${"p99".padStart(8)} ${"max".padStart(8)}`);
  console.log(row("floor: Worker answers at once", r.floors.worker));
  console.log(row("floor: one Durable Object round trip", r.floors.durableObject));
  console.log(row("floor: one D1 query", r.floors.d1));
  console.log(row("floor under load: Worker", r.floorsUnderLoad.worker));
  console.log(row("floor under load: Durable Object", r.floorsUnderLoad.durableObject));
  console.log(row("webhook → TwiML", r.webhookToTwiml, [r.webhookToTwiml.ratioP50ToDurableObjectFloor, r.webhookToTwiml.ratioP50ToDurableObjectFloorUnderLoad]));
  console.log(row("webhook → popup (every dashboard)", r.webhookToPopup, [r.webhookToPopup.ratioP50ToDurableObjectFloor, r.webhookToPopup.ratioP50ToDurableObjectFloorUnderLoad]));
  for (const [name, s] of Object.entries(r.voicePhases)) console.log(row(`  inside the Worker: ${name}`, s));
  if (r.dniVisits) console.log(`${row("POST /dni/visits (website snippet)", r.dniVisits)}   p50 = ×${r.dniVisits.ratioP50ToDurableObjectFloor} DO floor, ×${r.dniVisits.ratioP50ToFloor} its floor (one D1 query + one DO round trip)`);
  const steady = r.steadyCallsPerSecond === null ? "" : ` (finished a second from ${STEADY_AFTER_MS / 1000} s until the last call began: ${r.steadyCallsPerSecond})`;
  console.log(`calls per second: ${r.callsPerSecond}${steady}   errors: ${r.errors}   lost events: ${r.lostEvents}   seq gaps: ${r.seqGaps}   missing from the call log: ${r.missingFromCallLog}`);
  console.log(`per call, on each dashboard: ${r.framesPerCallPerDashboard} frames carrying ${r.eventsPerCallPerDashboard} events`);
  if (r.cpu) {
    const parts = Object.entries(r.cpu).filter(([, u]) => u.msPerCall >= 0.05);
    const cores = Math.round(parts.reduce((a, [, u]) => a + u.cores, 0) * 100) / 100;
    console.log(`CPU, ms per call (cores busy): ${parts.map(([name, u]) => `${name} ${u.msPerCall} (${u.cores})`).join(" · ")} — ${cores} of ${r.machine.cpus} cores`);
  }
  if (r.errorSamples.length) console.log(`error samples: ${r.errorSamples.join(" | ")}`);
  if (r.providers) {
    console.log(`\neach provider, ${Object.values(r.providers)[0]?.calls ?? 0} calls (p50 / p95 ms; ×: p50 against the idle Durable Object floor)`);
    console.log(`${"provider".padEnd(12)} ${"webhook → markup".padStart(26)} ${"webhook → popup".padStart(26)}  errors`);
    for (const [name, p] of Object.entries(r.providers)) {
      const cell = (s: Stats & { ratioP50ToDurableObjectFloor: number }) => `${s.p50} / ${s.p95} (×${s.ratioP50ToDurableObjectFloor})`.padStart(26);
      console.log(`${name.padEnd(12)} ${cell(p.webhookToMarkup)} ${cell(p.webhookToPopup)}  ${p.errors}${p.errorSamples.length ? ` (${p.errorSamples.join(" | ")})` : ""}`);
    }
  }
  if (r.webhooks) {
    const w = r.webhooks;
    console.log(`\nwebhooks out, ${w.calls} calls in alternating rounds: webhook → TwiML p50 ${w.withoutWebhooks.p50} ms without an endpoint, ${w.withWebhooks.p50} ms with one subscribed (×${w.ratioP50}; noise: ×${w.noiseRatioP50} between the rounds without); p95 ${w.withoutWebhooks.p95} / ${w.withWebhooks.p95}; events received ${w.eventsReceived} of ${w.eventsExpected}; errors ${w.errors}`);
    console.log(`  inside the Worker, p50 ms without / with: ${Object.keys(w.phasesP50.withoutWebhooks).map((k) => `${k} ${w.phasesP50.withoutWebhooks[k]} / ${w.phasesP50.withWebhooks[k] ?? "—"}`).join(" · ")}`);
    console.log(`  the app's workerd, CPU ms per call without / with: ${w.appCpuMsPerCall.withoutWebhooks} / ${w.appCpuMsPerCall.withWebhooks}`);
  }
  if (r.client) console.log(`client JavaScript gzipped: ${r.client.initialGzipKB} KB for the first screen (the entry and what it preloads), ${r.client.allGzipKB} KB with every lazy chunk`);
}

const result = flags.match ? await matchBench(flags.match.split(",").map(Number)) : flags.cold ? await coldBench(Number(flags.cold)) : await loadBench();
mkdirSync(join(ROOT, "bench-results"), { recursive: true });
const file = join(ROOT, "bench-results", `${result.kind}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(ROOT, "bench-results", "latest.json"), `${JSON.stringify(result, null, 2)}\n`);
if (result.kind === "match") console.log(JSON.stringify(result, null, 2));
else if (result.kind === "cold") printCold(result as Awaited<ReturnType<typeof coldBench>>);
else printLoad(result as Awaited<ReturnType<typeof loadBench>>);
console.log(`\nwritten to ${file}`);
