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
 *   npm run bench -- --cold 3                       the first call after each of 3 restarts (as the app's first request, and after a sign-in and a dashboard), after an eviction, after hibernation, beside the warm calls that follow it
 *   npm run bench -- --cold 3 --hibernations 4      four hibernation rounds after each restart instead of one
 *
 *   npm run bench -- --scale-dashboards 100         then K=1 and K=100 dashboards on one tenant in alternating rounds (--scale-calls 320 in all; 0: none)
 *   npm run bench -- --tenants 1000                 1,000 tenants with a dashboard each: calls to one of them, then spread over all, in alternating rounds
 *   npm run bench -- --soak 600                     one tenant, calls back to back for 600 s: its Switchboard's storage and the app's memory every 30 s
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
import type { DashboardReport, DashboardUsage } from "./bench-dashboards.ts";
import { CALLERS_DDL, ENTRY_SQL, SEEN_SQL } from "../party/callers-sql.ts";
import { gzipSync } from "node:zlib";
import { NETWORKS, networkFor } from "./networks/index.ts";
import type { Network, SimulatedCall, Send } from "./networks/network.ts";
import { devVar, ensureDevVars, ROOT, run, VITE } from "./lib.ts";
import { startDevServer, type DevServer } from "./serve.ts";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { applyMigrations, ownGroup, startMiniflareServer } from "./serve-miniflare.ts";
import { buildBundle, profileStartup } from "./cold-start.ts";
import { heapSummary, heapUsage } from "./inspect.ts";
import { TwilioNetwork } from "./networks/twilio.ts";
import { getDb } from "../schema/d1.ts";
import { contactPhones, contacts, providerAccounts, tenants, trackingNumbers, users } from "../schema/db.ts";
import { createSession } from "../worker/auth/queries.ts";
import { sandboxTwilioCredentials } from "../worker/auth/new-tenant.ts";
import { encryptSecret, hashPassword, randomToken } from "../worker/lib/crypto.ts";
import { EVENT_LOG_SIZE, NOTIFICATIONS_KEPT } from "../party/store.ts";
import { LOG_SETTLE_MS } from "../party/call-log.ts";

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
    /** Hibernation rounds after each restart in the cold mode (each 15 s of quiet, then a call). */
    hibernations: { type: "string", default: "1" },
    "skip-build": { type: "boolean", default: false },
    /** Start the app as `npm run dev` does (wrangler's dev server and its proxy) instead of through Miniflare's API. */
    "via-wrangler": { type: "boolean", default: false },
    /** "off": the dashboards do not offer permessage-deflate (browsers always do), to measure what compression costs. */
    "dashboard-deflate": { type: "string", default: "on" },
    /** After the main run: K=1 and this many dashboards on the demo tenant, in alternating rounds (0 skips it). */
    "scale-dashboards": { type: "string", default: "100" },
    /** Calls of the scale pass, over all its rounds (half at K=1, half at K=scale-dashboards). */
    "scale-calls": { type: "string", default: "320" },
    /** Its own mode: this many tenants seeded straight into D1, one dashboard each (Miniflare only). */
    tenants: { type: "string" },
    /** Calls of the tenants mode, over all its rounds: half to one tenant, half spread over all (default: twice the tenants, so each gets one). */
    "tenant-calls": { type: "string" },
    /** The spread rounds' calls go round the first this many tenants only (default: all of them). */
    "tenant-spread": { type: "string" },
    /** Seconds the tenants mode samples the app with every dashboard open and no calls (each dashboard pings every 25 s). */
    "tenant-idle": { type: "string", default: "10" },
    /** Its own mode: calls back to back for this many seconds on the demo tenant, K dashboards (--dashboards). */
    soak: { type: "string" },
    /** Seconds between two samples of the soak. */
    "soak-sample": { type: "string", default: "30" },
  },
});

const viaWrangler = flags["via-wrangler"]!;

/** The app under test: through Miniflare's API (the app alone), or through wrangler's dev server. */
function startServer(port: number, options: { inspectorPort?: number } = {}): Promise<DevServer> {
  return viaWrangler ? startDevServer(port) : startMiniflareServer(port, options);
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

/** The deep health checks' bearer key (scripts/lib.ts writes it into .dev.vars; written now if this checkout has none yet, as the server would). */
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

/** The processes of the dev server's group but this one, each with its part's name and its /proc/<pid>/stat fields after the name. */
function groupProcesses(group: number, port: number) {
  const out: { pid: string; name: string; fields: string[] }[] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
      if (Number(fields[2]) !== group || Number(pid) === process.pid) continue; // pgrp; this process is counted apart
      out.push({ pid, name: processName(readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " "), port), fields });
    } catch {
      // it exited meanwhile
    }
  }
  return out;
}

/**
 * CPU seconds used so far by each part of the dev server (the processes of its group) and by this
 * benchmark, from /proc: Linux only (null elsewhere).
 */
function cpuSeconds(group: number, port: number): Map<string, number> | null {
  if (!existsSync("/proc/self/stat")) return null;
  const out = new Map<string, number>();
  for (const { name, fields } of groupProcesses(group, port)) out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / TICKS); // utime + stime
  const self = process.cpuUsage();
  out.set("this benchmark", (self.user + self.system) / 1e6);
  return out;
}

/**
 * The app's workerd's memory from /proc (MiB): resident now, and the most it has been resident
 * (the kernel's high-water mark). Null off Linux.
 */
function appMemory(group: number, port: number): { rssMiB: number; peakMiB: number } | null {
  if (!existsSync("/proc/self/status")) return null;
  let rss = 0;
  let peak = 0;
  for (const { pid, name } of groupProcesses(group, port)) {
    if (name !== "the app's workerd") continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      rss += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
      peak += Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    } catch {
      // it exited meanwhile
    }
  }
  return { rssMiB: Math.round(rss / 102.4) / 10, peakMiB: Math.round(peak / 102.4) / 10 };
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

/** A dashboard of its own tenant: the socket's URL, its session cookie, and the tracking number its calls must name. */
type DashboardTarget = { url: string; cookie: string; trackingNumber?: string };

/**
 * K dashboards of the demo tenant on the realtime socket, in their own thread
 * (scripts/bench-dashboards.ts); or, with `sockets`, one dashboard for each target.
 */
async function openDashboards(base: string, cookie: string, k: number, sockets?: DashboardTarget[]) {
  const thread = new Worker(new URL("./bench-dashboards.ts", import.meta.url), {
    workerData: { url: `${base.replace(/^http/, "ws")}/parties/switchboard/demo`, cookie, origin: base, k, sockets, deflate: flags["dashboard-deflate"] !== "off" },
  });
  type Reply = { type: string; report?: DashboardReport; usage?: DashboardUsage };
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
    /** The dashboards' thread's CPU and event-loop delay since the last reset. */
    usage: async () => (await ask("usage")).usage!,
    // Ended at once: the sockets' closing handshakes would keep the thread for seconds.
    close: () => thread.terminate(),
  };
}

/** Absolute milliseconds, comparable across threads. */
const clock = () => performance.timeOrigin + performance.now();

// Calls -------------------------------------------------------------------------------------------

type CallResult = { callSid: string; to: string; startedAt: number; endedAt: number; twimlMs: number; phases: Record<string, number>; ok: boolean; error?: string };

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
    return { callSid: call.id, to, startedAt, endedAt: clock(), twimlMs, phases, ok: true };
  } catch (err) {
    return { callSid: call.id, to, startedAt, endedAt: clock(), twimlMs: NaN, phases: {}, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Where call i goes: whose network (credentials) and which tracking number; by default the demo's. */
type Target = { network: Network; to: string };

/**
 * N calls on C lines, each line starting its next call when its last one ends; line k starts after
 * `k / C × spreadMs` (calls on a switchboard begin at different moments). Results in order of ending.
 * `options.until` (performance.now()): no call starts after it. `options.targetOf`: where call i goes.
 */
async function driveLines(network: Network, pace: Pace, lines: number, n: number, callerOf: (i: number) => string, spreadMs = 0, options: { until?: number; targetOf?: (i: number) => Target } = {}) {
  const results: CallResult[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: lines }, async (_, line) => {
      if (spreadMs > 0) await sleep((line / lines) * spreadMs);
      while (next < n && (options.until === undefined || performance.now() < options.until)) {
        const i = next++;
        const target = options.targetOf?.(i) ?? { network, to: network.demoNumber };
        results.push(await driveCall(target.network, pace, callerOf(i), target.to));
      }
    }),
  );
  return results;
}

/** The p50 of each phase the voice webhook's Server-Timing names, over these calls. */
function phasesP50(rs: CallResult[]) {
  return Object.fromEntries([...new Set(rs.flatMap((r) => Object.keys(r.phases)))].map((name) => [name, stats(rs.filter((r) => r.phases[name] !== undefined).map((r) => r.phases[name]!)).p50]));
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
    const phases = phasesP50;
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

// Realtime at scale (issue #20): 100 dashboards, 1,000 tenants, the soak -----------------------------

/** A call's statuses after which nothing more comes. */
const TERMINAL = new Set(["completed", "no-answer", "busy", "failed", "canceled"]);

/** `startedAt`: when the Switchboard's instance began (a new one after hibernation or eviction). */
type SwitchboardStorage = { databaseSize: number; rows: Record<string, number>; sockets: number; startedAt: number };

/** A tenant's Switchboard's storage (SQLite bytes, rows per table) and open sockets: GET /health/switchboard/:slug/storage. */
async function switchboardStorage(base: string, slug: string): Promise<SwitchboardStorage> {
  const res = await fetch(`${base}/health/switchboard/${slug}/storage`, HEALTH);
  const body = (await res.json()) as Partial<SwitchboardStorage> & { ok?: boolean };
  if (!res.ok || body.ok !== true) throw new Error(`reading the Switchboard's storage: ${res.status} ${JSON.stringify(body)}`);
  return { databaseSize: body.databaseSize!, rows: body.rows!, sockets: body.sockets!, startedAt: body.startedAt! };
}

/** Until the tenant's Switchboard holds exactly `count` sockets (a closed dashboard's goes a moment later), at most 15 s: how many it holds. */
async function waitForSockets(base: string, slug: string, count: number) {
  const until = performance.now() + 15_000;
  let held = (await switchboardStorage(base, slug)).sockets;
  while (held !== count && performance.now() < until) {
    await sleep(200);
    held = (await switchboardStorage(base, slug)).sockets;
  }
  return held;
}

/** Whether every dashboard has seen the end of every call that is its own (`mine`). */
function everyEnded(seen: DashboardReport, ok: CallResult[], mine: (d: number, r: CallResult) => boolean) {
  return seen.every((d, i) => {
    const status = new Map(d.calls);
    return ok.every((r) => !mine(i, r) || TERMINAL.has(status.get(r.callSid) ?? ""));
  });
}

/** What the dashboards saw, asked every `stepMs` until each has seen every call that is its own end (or `limitMs` passed). */
async function seenToTheEnd(dashboards: { report: () => Promise<DashboardReport> }, ok: CallResult[], mine: (d: number, r: CallResult) => boolean, limitMs: number, stepMs: number) {
  const until = performance.now() + limitMs;
  let seen = await dashboards.report();
  while (performance.now() < until && !everyEnded(seen, ok, mine)) {
    await sleep(stepMs);
    seen = await dashboards.report();
  }
  return seen;
}

/**
 * What the dashboards saw of the calls that are theirs (`mine`): webhook → popup on each, calls whose
 * ringing or end a dashboard missed (lost), gaps in each dashboard's seqs, and frames and events per
 * call per dashboard.
 */
function dashboardAccount(seen: DashboardReport, ok: CallResult[], mine: (d: number, r: CallResult) => boolean) {
  const perDashboard: number[][] = seen.map(() => []);
  let lost = 0;
  let gaps = 0;
  let frames = 0;
  let events = 0;
  let owned = 0;
  seen.forEach((d, i) => {
    const ringingAt = new Map(d.ringingAt);
    const status = new Map(d.calls);
    for (const r of ok) {
      if (!mine(i, r)) continue;
      owned++;
      const at = ringingAt.get(r.callSid);
      if (at !== undefined) perDashboard[i]!.push(at - r.startedAt);
      if (at === undefined || !TERMINAL.has(status.get(r.callSid) ?? "")) lost++;
    }
    const seqs = [...d.seqs].sort((a, b) => a - b);
    for (let j = 1; j < seqs.length; j++) if (seqs[j] !== seqs[j - 1]! + 1) gaps++;
    frames += d.frames;
    events += d.seqs.length;
  });
  return { perDashboard, popupMs: perDashboard.flat(), lost, gaps, frames, events, owned, dashboardErrors: seen.flatMap((d) => d.errors).length };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Rounds of each K in the scale pass: K=1, K=many, K=1, … alternating, so drift in the machine's load falls on both alike. */
const SCALE_ROUNDS = 4;

/**
 * 100 dashboards on one tenant, against 1, in one run: `calls` calls on C lines in alternating rounds,
 * each round with its own dashboards' thread holding K=1 or K=`k` sockets of the demo tenant (the
 * Switchboard is checked to hold exactly K before the calls), the last round's gone. For each K:
 * webhook → TwiML, webhook → popup on every dashboard (and the worst dashboard's p99), frames per
 * call per dashboard, lost events, and the CPU per call of the app's workerd, of the dashboards'
 * thread (with its event-loop delay, so a popup figure its own thread held up shows as such) and of
 * the load generator's thread.
 */
async function scaleDashboardsPass(base: string, cookie: string, callers: string[], pace: Pace, concurrency: number, k: number, calls: number, group: number, port: number) {
  const network = networkFor("twilio", base);
  const perRound = Math.max(1, Math.round(calls / (2 * SCALE_ROUNDS)));
  const caller = (i: number) => (i % 2 === 0 ? callers[i % callers.length]! : `+1415330${String(i % 10000).padStart(4, "0")}`);
  const appCpu = () => cpuSeconds(group, port)?.get("the app's workerd") ?? NaN;
  const newHalf = (dashboards: number) => ({
    dashboards,
    rounds: [] as CallResult[][],
    perDashboard: Array.from({ length: dashboards }, () => [] as number[]),
    lost: 0,
    gaps: 0,
    frames: 0,
    events: 0,
    owned: 0,
    dashboardErrors: 0,
    appCpuSeconds: 0,
    loadCpuMs: 0,
    dashboardsCpuMs: 0,
    loopDelayP99: 0,
    loopDelayMax: 0,
    drivingSeconds: 0,
    seconds: 0,
    socketsHeld: [] as number[],
  });
  const halves = [newHalf(1), newHalf(k)];
  // Warm-up: the routing configuration, the callers' index, the code paths.
  for (let i = 0; i < 3; i++) await driveCall(network, { ring: 0, talk: 0 }, caller(i), network.demoNumber);
  let offset = 0;
  for (let round = 0; round < 2 * SCALE_ROUNDS; round++) {
    const half = halves[round % 2]!;
    const dashboards = await openDashboards(base, cookie, half.dashboards);
    try {
      // The last round's sockets are gone and this round's are all held: the Switchboard sends to exactly K.
      half.socketsHeld.push(await waitForSockets(base, "demo", half.dashboards));
      await sleep(300);
      await dashboards.reset();
      const cpu0 = appCpu();
      const load0 = process.threadCpuUsage();
      const t0 = performance.now();
      const first = offset;
      offset += perRound;
      const results = await driveLines(network, pace, concurrency, perRound, (j) => caller(first + j), (pace.ring + pace.talk) * 1000);
      half.drivingSeconds += (performance.now() - t0) / 1000;
      const ok = results.filter((r) => r.ok);
      // Until every dashboard has seen every call end (at most 10 s).
      const seen = await seenToTheEnd(dashboards, ok, () => true, 10_000, 100);
      half.seconds += (performance.now() - t0) / 1000;
      half.appCpuSeconds += appCpu() - cpu0;
      const load = process.threadCpuUsage(load0);
      half.loadCpuMs += (load.user + load.system) / 1000;
      const usage = await dashboards.usage();
      half.dashboardsCpuMs += usage.cpuMs;
      half.loopDelayP99 = Math.max(half.loopDelayP99, usage.loopDelay.p99);
      half.loopDelayMax = Math.max(half.loopDelayMax, usage.loopDelay.max);
      half.rounds.push(results);
      const account = dashboardAccount(seen, ok, () => true);
      account.perDashboard.forEach((ms, i) => half.perDashboard[i]!.push(...ms));
      half.lost += account.lost;
      half.gaps += account.gaps;
      half.frames += account.frames;
      half.events += account.events;
      half.owned += account.owned;
      half.dashboardErrors += account.dashboardErrors;
    } finally {
      await dashboards.close();
    }
  }
  const figures = (h: (typeof halves)[number]) => {
    const all = h.rounds.flat();
    const ok = all.filter((r) => r.ok);
    const p99s = h.perDashboard.map((ms) => stats(ms).p99).filter((x) => !Number.isNaN(x));
    return {
      dashboards: h.dashboards,
      calls: all.length,
      errors: all.length - ok.length,
      errorSamples: all.filter((r) => !r.ok).slice(0, 3).map((r) => r.error),
      webhookToTwiml: stats(ok.map((r) => r.twimlMs)),
      webhookToPopup: stats(h.perDashboard.flat()),
      /** The p99 of webhook → popup on each dashboard: the worst dashboard's, and the median dashboard's. */
      popupP99: { worstDashboard: Math.max(...p99s), medianDashboard: stats(p99s).p50 },
      framesPerCallPerDashboard: round2(h.frames / Math.max(1, h.owned)),
      eventsPerCallPerDashboard: round2(h.events / Math.max(1, h.owned)),
      lostEvents: h.lost,
      seqGaps: h.gaps,
      dashboardErrors: h.dashboardErrors,
      callsPerSecond: Math.round((ok.length / h.drivingSeconds) * 10) / 10,
      voicePhasesP50: phasesP50(ok),
      /** CPU per call, and cores kept busy over the rounds (the settling after each included). */
      cpu: {
        appWorkerd: { msPerCall: round2((h.appCpuSeconds * 1000) / ok.length), cores: round2(h.appCpuSeconds / h.seconds) },
        dashboardsThread: { msPerCall: round2(h.dashboardsCpuMs / ok.length), cores: round2(h.dashboardsCpuMs / 1000 / h.seconds) },
        loadGeneratorThread: { msPerCall: round2(h.loadCpuMs / ok.length), cores: round2(h.loadCpuMs / 1000 / h.seconds) },
      },
      /** The dashboards' thread's event-loop delay, worst round: how late it may have read a frame. */
      dashboardsLoopDelayMs: { p99: h.loopDelayP99, max: h.loopDelayMax },
      /** The sockets the Switchboard held before each round's calls (must be K). */
      socketsHeld: h.socketsHeld,
    };
  };
  const [one, many] = [figures(halves[0]!), figures(halves[1]!)];
  // The noise of the comparison: the K=1 rounds, odd against even (nothing differs between them).
  const oneRounds = halves[0]!.rounds;
  const p50Of = (rounds: CallResult[][]) => stats(rounds.flat().filter((r) => r.ok).map((r) => r.twimlMs)).p50;
  return {
    settings: { dashboards: k, calls: perRound * 2 * SCALE_ROUNDS, rounds: SCALE_ROUNDS, callsPerRound: perRound, concurrency, ringSeconds: pace.ring, talkSeconds: pace.talk },
    one,
    many,
    twimlP50Ratio: round2(many.webhookToTwiml.p50 / one.webhookToTwiml.p50),
    noiseTwimlP50Ratio: round2(p50Of(oneRounds.filter((_, i) => i % 2 === 1)) / p50Of(oneRounds.filter((_, i) => i % 2 === 0))),
    appCpuRatio: round2(many.cpu.appWorkerd.msPerCall / one.cpu.appWorkerd.msPerCall),
  };
}

// 1,000 tenants -----------------------------------------------------------------------------------

/** Rounds of each kind in the tenants mode: one tenant, spread over all, alternating. */
const TENANT_ROUNDS = 4;
/** How long the tenants mode samples the app's CPU with every dashboard open and no calls. */
const IDLE_TENANTS_MS = Number(flags["tenant-idle"]) * 1000;

type BenchTenant = { id: string; slug: string; trackingNumber: string; knownCaller: string; cookie: string; network: Network };

const pad4 = (i: number) => String(i).padStart(4, "0");

/**
 * `count` tenants written straight into the app's D1, each as sign-up and buying a number leave one:
 * the tenant, its admin user, a sandbox Twilio account of its own (AccountSid and auth token, the
 * credentials encrypted with SECRETS_KEY as the Worker encrypts them, so its webhooks are signed and
 * verified the ordinary way), a tracking number on that account ringing a termination number, and
 * one known caller; then a session per admin (worker/auth/queries.ts createSession, the login's own),
 * whose cookie (named as the login names it) opens the tenant's dashboard socket as a browser's would. Numbers: tracking
 * +1628200NNNN, termination +1628300NNNN, known caller +1628400NNNN (none of them the demo's).
 */
async function seedTenants(d1: D1Database, base: string, count: number, cookieName: string): Promise<BenchTenant[]> {
  if (count > 10_000) throw new Error("--tenants: at most 10,000 (the numbers have four digits)");
  const db = getDb(d1);
  const secretsKey = devVar("SECRETS_KEY");
  if (!secretsKey) throw new Error("no SECRETS_KEY in .dev.vars");
  // One hash for all: each is 100,000 PBKDF2 rounds, and nobody logs in with it (the sessions are made below).
  const passwordHash = await hashPassword(randomToken());
  const now = Date.now();
  const out: Omit<BenchTenant, "cookie">[] = [];
  const statements = [];
  for (let i = 0; i < count; i++) {
    const n = pad4(i);
    const id = `tnt_bench_${n}`;
    const credentials = sandboxTwilioCredentials();
    const credentialsEncrypted = await encryptSecret(JSON.stringify(credentials), secretsKey);
    const tenant = { id, slug: `bench-${n}`, trackingNumber: `+1628200${n}`, knownCaller: `+1628400${n}`, network: new TwilioNetwork(base, { token: credentials.authToken, account: credentials.accountSid }) };
    out.push(tenant);
    statements.push(
      db.insert(tenants).values({ id, slug: tenant.slug, name: `Bench Business ${n}`, timeZone: "America/Los_Angeles", defaultCountry: "US" }),
      db.insert(users).values({ id: `usr_bench_${n}`, tenantId: id, email: `admin@bench-${n}.test`, name: `Bench Admin ${n}`, role: "admin", passwordHash }),
      db.insert(providerAccounts).values({ id: `pra_bench_${n}`, tenantId: id, provider: "twilio", externalId: credentials.accountSid, credentialsEncrypted, sandbox: true, createdAt: now }),
      db.insert(trackingNumbers).values({ id: `trk_bench_${n}`, tenantId: id, number: tenant.trackingNumber, label: "Bench line", terminationNumber: `+1628300${n}`, providerAccountId: `pra_bench_${n}` }),
      db.insert(contacts).values({ id: `con_bench_${n}`, tenantId: id, kind: "customer", name: `Bench Caller ${n}`, createdAt: now, updatedAt: now }),
      db.insert(contactPhones).values({ id: `con_bench_${n}_phone`, tenantId: id, contactId: `con_bench_${n}`, label: "mobile", number: tenant.knownCaller, extension: null, raw: tenant.knownCaller, createdAt: now }),
    );
  }
  for (let i = 0; i < statements.length; i += 600) {
    const chunk = statements.slice(i, i + 600);
    await db.batch(chunk as [(typeof chunk)[number], ...typeof chunk]);
  }
  const seeded: BenchTenant[] = [];
  for (let i = 0; i < out.length; i += 50) {
    const tokens = await Promise.all(out.slice(i, i + 50).map((t, j) => createSession(db, { id: `usr_bench_${pad4(i + j)}`, tenantId: t.id })));
    tokens.forEach((token, j) => seeded.push({ ...out[i + j]!, cookie: `${cookieName}=${token}` }));
  }
  return seeded;
}

/**
 * `count` tenants, one dashboard each (one thread holds every socket, each with its own session and
 * URL), and the same calls as the single-tenant run in alternating rounds: to one tenant (the first),
 * then spread over all of them (call j of the spread rounds to tenant j mod count, so with the
 * default 2 × count calls each tenant gets one), on the same C lines at the same pace, so at the same
 * total rate. Reports webhook → TwiML and → popup of each kind, the app's memory (RSS from /proc:
 * at start, after seeding, with the dashboards open, after each round, peak, end), and whether any
 * dashboard received an event that was not its own tenant's.
 */
async function tenantsBench(count: number) {
  if (viaWrangler) throw new Error("--tenants seeds the app's D1 directly: it runs through Miniflare's API, not --via-wrangler");
  const port = Number(flags.port);
  const c = Number(flags.concurrency);
  const pace: Pace = { ring: Number(flags.ring), talk: Number(flags.talk) };
  const totalCalls = flags["tenant-calls"] ? Number(flags["tenant-calls"]) : 2 * count;
  const perRound = Math.max(1, Math.round(totalCalls / (2 * TENANT_ROUNDS)));
  const spreadOver = Math.min(count, flags["tenant-spread"] ? Number(flags["tenant-spread"]) : count);
  if (!flags["skip-build"]) await run(VITE, ["build", "--logLevel", "warn"]);
  const { baseURL: base, stop, group, d1 } = await startMiniflareServer(port);
  const t00 = performance.now();
  const memory: { atSeconds: number; when: string; rssMiB: number }[] = [];
  const noteMemory = (when: string) => {
    const m = appMemory(group, port);
    if (m) memory.push({ atSeconds: Math.round((performance.now() - t00) / 100) / 10, when, rssMiB: m.rssMiB });
  };
  let sampledPeak = 0;
  const peakSampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, appMemory(group, port)?.rssMiB ?? 0)), 1000);
  try {
    noteMemory("started");
    const seedStart = performance.now();
    // The session cookie's name, as the login sets it.
    const cookieName = (await login(base)).split("=")[0]!;
    const all = await seedTenants(d1!, base, count, cookieName);
    const seedSeconds = Math.round((performance.now() - seedStart) / 100) / 10;
    noteMemory(`${count} tenants seeded`);
    const index = new Map(all.map((t, i) => [t.trackingNumber, i]));
    const ws = base.replace(/^http/, "ws");
    const openStart = performance.now();
    const dashboards = await openDashboards(base, "", 0, all.map((t) => ({ url: `${ws}/parties/switchboard/${t.slug}`, cookie: t.cookie, trackingNumber: t.trackingNumber })));
    const openSeconds = Math.round((performance.now() - openStart) / 100) / 10;
    noteMemory(`${count} dashboards open`);
    const single = all[0]!;
    // Warm-up, as the single-tenant run has: the code paths, the first tenant's Switchboard.
    for (let i = 0; i < 5; i++) await driveCall(single.network, { ring: 0, talk: 0 }, `+1628500${pad4(9000 + i)}`, single.trackingNumber);
    await sleep(500);
    await dashboards.reset();
    const appCpu = () => cpuSeconds(group, port)?.get("the app's workerd") ?? NaN;
    // What the app spends with the dashboards open and no calls (their keep-alives; the Switchboards'
    // alarms): charged to no call below. First 15 s for the opening's own work (each Switchboard reads
    // its configuration and builds its caller index behind the snapshot) and for them to hibernate.
    await sleep(15_000);
    const idle0 = appCpu();
    await sleep(IDLE_TENANTS_MS);
    const idleCores = (appCpu() - idle0) / (IDLE_TENANTS_MS / 1000);
    const rounds: { spread: boolean; results: CallResult[]; seconds: number; appCpuSeconds: number; rssMiB: number | null }[] = [];
    let spreadNext = 0;
    let callerNext = 0;
    const startedAt = clock();
    for (let round = 0; round < 2 * TENANT_ROUNDS; round++) {
      const spread = round % 2 === 1;
      const firstTenant = spreadNext;
      const firstCaller = callerNext;
      const tenantOf = (j: number) => (spread ? all[(firstTenant + j) % spreadOver]! : single);
      // Every other caller is the tenant's known one; the rest unknown numbers.
      const callerOf = (j: number) => (j % 2 === 0 ? tenantOf(j).knownCaller : `+1628500${pad4((firstCaller + j) % 9000)}`);
      const cpu0 = appCpu();
      const t0 = performance.now();
      const results = await driveLines(single.network, pace, c, perRound, callerOf, (pace.ring + pace.talk) * 1000, { targetOf: (j) => ({ network: tenantOf(j).network, to: tenantOf(j).trackingNumber }) });
      rounds.push({ spread, results, seconds: (performance.now() - t0) / 1000, appCpuSeconds: appCpu() - cpu0, rssMiB: appMemory(group, port)?.rssMiB ?? null });
      noteMemory(`after round ${round + 1} (${spread ? "spread" : "one tenant"})`);
      if (spread) spreadNext += perRound;
      callerNext += perRound;
    }
    const every = rounds.flatMap((r) => r.results);
    const ok = every.filter((r) => r.ok);
    const mine = (d: number, r: CallResult) => index.get(r.to) === d;
    const seen = await seenToTheEnd(dashboards, ok, mine, 15_000, 200);
    const usage = await dashboards.usage();
    noteMemory("settled");
    // No cross-tenant event: every call a dashboard saw went to its own tenant's number, and every
    // event named its number (the thread checks call events' tracking number and notifications' call).
    const ownerOf = new Map(every.map((r) => [r.callSid, index.get(r.to)]));
    let crossTenant = 0;
    const crossSamples: string[] = [];
    seen.forEach((d, i) => {
      const foreign = [...d.foreign, ...d.calls.filter(([sid]) => ownerOf.has(sid) && ownerOf.get(sid) !== i).map(([sid]) => `call ${sid} of tenant ${ownerOf.get(sid)}`)];
      crossTenant += foreign.length;
      crossSamples.push(...foreign.slice(0, 3).map((f) => `dashboard of ${all[i]!.slug}: ${f}`));
    });
    const account = dashboardAccount(seen, ok, mine);
    // Every call is in its tenant's call log (reading it has the Switchboard write what it holds).
    const perTenant = new Map<number, number>();
    for (const r of ok) perTenant.set(index.get(r.to)!, (perTenant.get(index.get(r.to)!) ?? 0) + 1);
    let missingFromCallLog = 0;
    const called = [...perTenant];
    for (let i = 0; i < called.length; i += 20) {
      await Promise.all(
        called.slice(i, i + 20).map(async ([t, n]) => {
          const res = await fetch(`${base}/api/calls?from=${Math.floor(startedAt)}&limit=1`, { headers: { Cookie: all[t]!.cookie } });
          const logged = res.ok ? ((await res.json()) as { total: number }).total : 0;
          missingFromCallLog += Math.max(0, n - logged);
        }),
      );
    }
    // Each tenant's Switchboard holds its one dashboard's socket, and what their storage adds up to.
    let holdingOne = 0;
    let storageBytes = 0;
    for (let i = 0; i < all.length; i += 20) {
      for (const s of await Promise.all(all.slice(i, i + 20).map((t) => switchboardStorage(base, t.slug)))) {
        if (s.sockets === 1) holdingOne++;
        storageBytes += s.databaseSize;
      }
    }
    await dashboards.close();
    noteMemory("end");
    const kernelPeak = appMemory(group, port)?.peakMiB ?? null;
    const half = (spread: boolean) => {
      const rs = rounds.filter((r) => r.spread === spread);
      const calls = rs.flatMap((r) => r.results);
      const good = calls.filter((r) => r.ok);
      const popup = dashboardAccount(seen, good, mine);
      return {
        calls: calls.length,
        errors: calls.length - good.length,
        errorSamples: calls.filter((r) => !r.ok).slice(0, 3).map((r) => r.error),
        tenantsCalled: new Set(good.map((r) => r.to)).size,
        webhookToTwiml: stats(good.map((r) => r.twimlMs)),
        webhookToPopup: stats(popup.popupMs),
        voicePhasesP50: phasesP50(good),
        callsPerSecond: Math.round((good.length / rs.reduce((a, r) => a + r.seconds, 0)) * 10) / 10,
        appCpuMsPerCall: round2((rs.reduce((a, r) => a + r.appCpuSeconds, 0) * 1000) / good.length),
        /** The same above what the app spends idle with the dashboards open. */
        appCpuMsPerCallAboveIdle: round2((rs.reduce((a, r) => a + Math.max(0, r.appCpuSeconds - idleCores * r.seconds), 0) * 1000) / good.length),
      };
    };
    const [one, spread] = [half(false), half(true)];
    const oneRounds = rounds.filter((r) => !r.spread);
    const p50Of = (rs: typeof rounds) => stats(rs.flatMap((r) => r.results).filter((r) => r.ok).map((r) => r.twimlMs)).p50;
    const rss = memory.map((m) => m.rssMiB);
    return {
      kind: "tenants" as const,
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      /** Cores the app's workerd kept busy with the dashboards open and no calls. */
      appIdleCores: round2(idleCores),
      settings: { tenants: count, spreadOver, calls: perRound * 2 * TENANT_ROUNDS, rounds: TENANT_ROUNDS, callsPerRound: perRound, concurrency: c, ringSeconds: pace.ring, talkSeconds: pace.talk, deflate: flags["dashboard-deflate"] !== "off" },
      seedSeconds,
      openDashboardsSeconds: openSeconds,
      oneTenant: one,
      spreadCalls: spread,
      twimlP50Ratio: round2(spread.webhookToTwiml.p50 / one.webhookToTwiml.p50),
      noiseTwimlP50Ratio: round2(p50Of(oneRounds.filter((_, i) => i % 2 === 1)) / p50Of(oneRounds.filter((_, i) => i % 2 === 0))),
      crossTenantEvents: crossTenant,
      crossTenantSamples: crossSamples.slice(0, 5),
      lostEvents: account.lost,
      seqGaps: account.gaps,
      dashboardErrors: account.dashboardErrors,
      framesPerCallPerDashboard: round2(account.frames / Math.max(1, account.owned)),
      eventsPerCallPerDashboard: round2(account.events / Math.max(1, account.owned)),
      missingFromCallLog,
      switchboardsHoldingTheirDashboard: holdingOne,
      switchboardsStorageMiB: Math.round(storageBytes / 2 ** 20),
      dashboardsThread: { cpuMs: usage.cpuMs, loopDelayMs: usage.loopDelay },
      memory: { start: rss[0] ?? null, peakSampled: Math.max(sampledPeak, ...rss), peakKernel: kernelPeak, end: rss.at(-1) ?? null, series: memory },
    };
  } finally {
    clearInterval(peakSampler);
    await stop();
  }
}

function printScale(r: Awaited<ReturnType<typeof scaleDashboardsPass>>) {
  const s = r.settings;
  console.log(`\n${s.dashboards} dashboards on one tenant against 1, in ${s.rounds} alternating rounds of ${s.callsPerRound} calls each (C=${s.concurrency}, ringing ${s.ringSeconds} s, talking ${s.talkSeconds} s)`);
  console.log(`${"".padEnd(6)} ${"TwiML p50".padStart(10)} ${"p95".padStart(7)} ${"p99".padStart(7)} ${"popup p50".padStart(10)} ${"p95".padStart(7)} ${"p99".padStart(7)} ${"worst dash p99".padStart(15)} ${"frames (events)/call/dash".padStart(26)} ${"calls/s".padStart(8)}  CPU ms per call (cores): app's workerd · dashboards' thread · load generator's thread`);
  for (const h of [r.one, r.many]) {
    const cpu = `${h.cpu.appWorkerd.msPerCall} (${h.cpu.appWorkerd.cores}) · ${h.cpu.dashboardsThread.msPerCall} (${h.cpu.dashboardsThread.cores}) · ${h.cpu.loadGeneratorThread.msPerCall} (${h.cpu.loadGeneratorThread.cores})`;
    console.log(`${`K=${h.dashboards}`.padEnd(6)} ${String(h.webhookToTwiml.p50).padStart(10)} ${String(h.webhookToTwiml.p95).padStart(7)} ${String(h.webhookToTwiml.p99).padStart(7)} ${String(h.webhookToPopup.p50).padStart(10)} ${String(h.webhookToPopup.p95).padStart(7)} ${String(h.webhookToPopup.p99).padStart(7)} ${String(h.popupP99.worstDashboard).padStart(15)} ${`${h.framesPerCallPerDashboard} (${h.eventsPerCallPerDashboard})`.padStart(26)} ${String(h.callsPerSecond).padStart(8)}  ${cpu}`);
  }
  console.log(`TwiML p50 K=${s.dashboards} / K=1: ×${r.twimlP50Ratio} (target ≤ 1.3; noise, K=1 rounds odd / even: ×${r.noiseTwimlP50Ratio}); popup p99, worst dashboard: ${r.many.popupP99.worstDashboard} ms (target ≤ 50); the app's CPU per call ×${r.appCpuRatio}`);
  for (const h of [r.one, r.many]) {
    const phases = Object.entries(h.voicePhasesP50).map(([p, ms]) => `${p} ${ms}`).join(", ");
    console.log(`  K=${h.dashboards}: errors ${h.errors}${h.errorSamples.length ? ` (${h.errorSamples.join(" | ")})` : ""}, lost events ${h.lostEvents}, seq gaps ${h.seqGaps}, dashboard errors ${h.dashboardErrors}; sockets held ${h.socketsHeld.join("/")}; the dashboards' thread's event-loop delay p99 ${h.dashboardsLoopDelayMs.p99} ms, max ${h.dashboardsLoopDelayMs.max} ms; Server-Timing p50 ${phases}`);
  }
}

function printTenants(r: Awaited<ReturnType<typeof tenantsBench>>) {
  const s = r.settings;
  console.log(`\ntenants: ${s.tenants} tenants, one dashboard each (${r.seedSeconds} s to seed, ${r.openDashboardsSeconds} s to open the dashboards); ${s.calls} calls, C=${s.concurrency}, ringing ${s.ringSeconds} s and talking ${s.talkSeconds} s, in ${s.rounds} alternating rounds of ${s.callsPerRound} to one tenant and ${s.callsPerRound} spread over ${s.spreadOver === s.tenants ? "all" : `the first ${s.spreadOver}`} — ${r.machine.cpus} cores, Node ${r.machine.node}`);
  console.log(`${"ms".padEnd(28)} ${"TwiML p50".padStart(10)} ${"p95".padStart(7)} ${"p99".padStart(7)} ${"popup p50".padStart(10)} ${"p95".padStart(7)} ${"p99".padStart(7)} ${"calls/s".padStart(8)} ${"app CPU/call".padStart(13)} ${"above idle".padStart(11)}  tenants called · Server-Timing p50`);
  for (const [name, h] of [["one tenant", r.oneTenant], [`spread over ${s.spreadOver}`, r.spreadCalls]] as const) {
    const phases = Object.entries(h.voicePhasesP50).map(([p, ms]) => `${p} ${ms}`).join(", ");
    console.log(`${name.padEnd(28)} ${String(h.webhookToTwiml.p50).padStart(10)} ${String(h.webhookToTwiml.p95).padStart(7)} ${String(h.webhookToTwiml.p99).padStart(7)} ${String(h.webhookToPopup.p50).padStart(10)} ${String(h.webhookToPopup.p95).padStart(7)} ${String(h.webhookToPopup.p99).padStart(7)} ${String(h.callsPerSecond).padStart(8)} ${`${h.appCpuMsPerCall} ms`.padStart(13)} ${`${h.appCpuMsPerCallAboveIdle} ms`.padStart(11)}  ${h.tenantsCalled} · ${phases}${h.errors ? ` · errors ${h.errors} (${h.errorSamples.join(" | ")})` : ""}`);
  }
  console.log(`TwiML p50 spread / one tenant: ×${r.twimlP50Ratio} (target ≤ 1.2; noise, one-tenant rounds odd / even: ×${r.noiseTwimlP50Ratio})`);
  console.log(`cross-tenant events: ${r.crossTenantEvents}${r.crossTenantSamples.length ? ` (${r.crossTenantSamples.join(" | ")})` : ""}   lost events: ${r.lostEvents}   seq gaps: ${r.seqGaps}   missing from the call log: ${r.missingFromCallLog}   dashboard errors: ${r.dashboardErrors}   Switchboards holding their dashboard: ${r.switchboardsHoldingTheirDashboard} of ${s.tenants}`);
  console.log(`per call, on its dashboard: ${r.framesPerCallPerDashboard} frames carrying ${r.eventsPerCallPerDashboard} events; the dashboards' thread: ${r.dashboardsThread.cpuMs} ms CPU over the rounds, event-loop delay p99 ${r.dashboardsThread.loopDelayMs.p99} ms, max ${r.dashboardsThread.loopDelayMs.max} ms`);
  console.log(`the app's workerd with the dashboards open and no calls: ${r.appIdleCores} cores busy`);
  console.log(`the app's workerd, RSS MiB: start ${r.memory.start}, peak ${r.memory.peakSampled} (kernel's high-water mark ${r.memory.peakKernel}), end ${r.memory.end}; the Switchboards' SQLite: ${r.switchboardsStorageMiB} MiB in all`);
  console.log(`  ${r.memory.series.map((m) => `${m.when} ${m.rssMiB}`).join(" · ")}`);
}

// The soak ------------------------------------------------------------------------------------------

/**
 * What the retention rules allow each of the Switchboard's tables at the end of a soak of `calls`
 * calls from `callers` distinct numbers (null: no rule bounds it; absent: not a table calls touch).
 */
function retentionAllows(calls: number, callers: number, lines: number, callsPerSecond: number, start: Record<string, number>): Record<string, { allowed: number | null; rule: string }> {
  return {
    // party/pipeline.ts keeps an ended call a day (KEEP_ENDED_MS) and who answered a caller 180 days
    // (STICKY_MS), both far longer than a soak (that module is not Node's to import: its routing reads JSON).
    calls: { allowed: (start.calls ?? 0) + calls, rule: "ended calls kept a day (KEEP_ENDED_MS): every call of the soak" },
    events: { allowed: EVENT_LOG_SIZE + 100, rule: `the last ${EVENT_LOG_SIZE} events (EVENT_LOG_SIZE), pruned every 100` },
    // party/store.ts: kept 30 days and at most the newest NOTIFICATIONS_KEPT, applied by the alarm's
    // sweep (every 30 s while calls wait for their log write); two a call may come between sweeps.
    notifications: { allowed: NOTIFICATIONS_KEPT + Math.ceil(2 * callsPerSecond * 30), rule: `the newest ${NOTIFICATIONS_KEPT} (NOTIFICATIONS_KEPT), pruned by the alarm's sweep` },
    notification_reads: { allowed: null, rule: "pruned with their notifications (grows only as users read)" },
    // party/outbound.ts: one row per webhook event type a call came to (five types), pruned with the call.
    call_events_sent: { allowed: ((start.calls ?? 0) + calls) * 5, rule: "at most one per event type (5) per call kept; pruned with its call" },
    answerers: { allowed: (start.answerers ?? 0) + callers, rule: "one per caller, kept 180 days (STICKY_MS)" },
    callers_seen: { allowed: (start.callers_seen ?? 0) + callers, rule: "one per caller" },
    connections: { allowed: lines, rule: "the calls in progress" },
    outbound: { allowed: null, rule: "webhook events on their way out (none without an endpoint)" },
  };
}

/**
 * One tenant (the demo), K dashboards, calls back to back on C lines for `seconds`: every
 * `--soak-sample` seconds the Switchboard's storage (SQLite bytes and rows per table, through the
 * health route) and the app's RSS; at the end lost events, seq gaps and calls missing from the call
 * log, each table's growth against what the retention rules allow, and the memory's trend.
 */
async function soakBench(seconds: number) {
  const r = await soakRun(seconds);
  // Once the app has stopped, the runtime's own share: the same number of requests to a Worker that
  // only answers (Twilio's calls here are five requests each: the webhook, the leg's answer and end,
  // the Dial action, the final status).
  if (!viaWrangler) r.memory.bareWorker = await bareWorkerMemory(Math.min(5 * (r.calls - r.errors), 20_000), Number(flags.port) + 2);
  return r;
}

async function soakRun(seconds: number) {
  const port = Number(flags.port);
  const k = Number(flags.dashboards);
  const c = Number(flags.concurrency);
  const pace: Pace = { ring: Number(flags.ring), talk: Number(flags.talk) };
  const every = Number(flags["soak-sample"]);
  if (!flags["skip-build"]) await run(VITE, ["build", "--logLevel", "warn"]);
  // Through Miniflare, the app's V8 heaps too (its inspector on a port of the soak's own).
  const inspectorPort = viaWrangler ? undefined : port + 1;
  const { baseURL: base, stop, group } = await startServer(port, { inspectorPort });
  try {
    const cookie = await login(base);
    const callers = await seedContacts(base, cookie, Number(flags.contacts));
    const dashboards = await openDashboards(base, cookie, k);
    const network = networkFor(flags.provider, base);
    const caller = (i: number) => (i % 2 === 0 ? callers[i % callers.length]! : `+1415340${String(i % 10000).padStart(4, "0")}`);
    for (let i = 0; i < 5; i++) await driveCall(network, { ring: 0, talk: 0 }, callers[i % callers.length]!, network.demoNumber);
    await sleep(2500); // the warm-up calls' log write (two seconds after their end)
    await dashboards.reset();
    const appCpu = () => cpuSeconds(group, port)?.get("the app's workerd") ?? NaN;
    type Heaps = ReturnType<typeof heapSummary>;
    type Sample = { atSeconds: number; callsBegun: number; databaseSize: number; rows: Record<string, number>; sockets: number; startedAt: number; rssMiB: number | null; appCpuSeconds: number; heap: Heaps | null };
    const samples: Sample[] = [];
    let begun = 0;
    const started = performance.now();
    const startedAt = clock();
    const cpu0 = appCpu();
    const take = async () => {
      const storage = await switchboardStorage(base, "demo");
      const heap = inspectorPort ? heapSummary(await heapUsage(inspectorPort).catch(() => ({}))) : null;
      samples.push({ atSeconds: Math.round((performance.now() - started) / 1000), callsBegun: begun, ...storage, rssMiB: appMemory(group, port)?.rssMiB ?? null, appCpuSeconds: round2(appCpu() - cpu0), heap });
    };
    await take();
    let driving = true;
    const sampler = (async () => {
      for (let i = 1; ; i++) {
        while (driving && performance.now() < started + i * every * 1000) await sleep(250);
        if (!driving) return;
        await take();
      }
    })();
    const results = await driveLines(
      network,
      pace,
      c,
      Infinity,
      (i) => {
        begun++;
        return caller(i);
      },
      (pace.ring + pace.talk) * 1000,
      { until: started + seconds * 1000 },
    );
    driving = false;
    await sampler;
    const drivenSeconds = (performance.now() - started) / 1000;
    const ok = results.filter((r) => r.ok);
    const seen = await seenToTheEnd(dashboards, ok, () => true, 30_000, 200);
    const account = dashboardAccount(seen, ok, () => true);
    const usage = await dashboards.usage();
    await dashboards.close();
    const log = await fetch(`${base}/api/calls?from=${Math.floor(startedAt)}&limit=1`, { headers: { Cookie: cookie } });
    const logged = log.ok ? ((await log.json()) as { total: number }).total : 0;
    await sleep(3000);
    await take(); // the end: every call ended and written to the log
    const endSample = samples.at(-1)!;
    await sleep(30_000);
    await take(); // at rest: 30 s with no calls and no dashboards
    const restSample = samples.at(-1)!;
    const first = samples[0]!;
    const distinctCallers = new Set(Array.from({ length: begun }, (_, i) => caller(i))).size;
    const rules = retentionAllows(ok.length, distinctCallers, c, ok.length / drivenSeconds, first.rows);
    const tables = [...new Set([...Object.keys(first.rows), ...Object.keys(endSample.rows)])].sort();
    const growth = Object.fromEntries(
      tables.map((t) => {
        const from = first.rows[t] ?? 0;
        const to = endSample.rows[t] ?? 0;
        const rule = rules[t];
        const within = rule === undefined ? null : rule.allowed === null ? (to > from ? false : null) : to <= rule.allowed;
        return [t, { start: from, end: to, atRest: restSample.rows[t] ?? 0, per1000Calls: round2(((to - from) * 1000) / Math.max(1, ok.length)), allowed: rule?.allowed ?? null, rule: rule?.rule ?? null, withinRetention: within }];
      }),
    );
    // The memory's trend over the second half of the calls (least squares, MiB a minute).
    const late = samples.filter((x) => x !== restSample && x !== endSample && x.atSeconds >= seconds / 2 && x.rssMiB !== null);
    const slope = (() => {
      if (late.length < 3) return null;
      const xs = late.map((x) => x.atSeconds / 60);
      const ys = late.map((x) => x.rssMiB!);
      const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
      const my = ys.reduce((a, b) => a + b, 0) / ys.length;
      return round2(xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0));
    })();
    const rss = samples.map((x) => x.rssMiB).filter((x): x is number => x !== null);
    return {
      kind: "soak" as const,
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      settings: { seconds, sampleEverySeconds: every, dashboards: k, concurrency: c, ringSeconds: pace.ring, talkSeconds: pace.talk, provider: flags.provider, knownCallers: callers.length },
      calls: results.length,
      errors: results.length - ok.length,
      errorSamples: results.filter((r) => !r.ok).slice(0, 5).map((r) => r.error),
      callsPerSecond: Math.round((ok.length / drivenSeconds) * 10) / 10,
      webhookToTwiml: stats(ok.map((r) => r.twimlMs)),
      webhookToPopup: stats(account.popupMs),
      lostEvents: account.lost,
      seqGaps: account.gaps,
      dashboardErrors: account.dashboardErrors,
      missingFromCallLog: Math.max(0, ok.length - logged),
      dashboardsThread: { cpuMs: usage.cpuMs, loopDelayMs: usage.loopDelay },
      /** Instances of the Switchboard the samples met up to the end (1: never evicted or hibernated meanwhile); the one at rest may be a new one. */
      switchboardInstances: new Set(samples.filter((x) => x !== restSample).map((x) => x.startedAt)).size,
      storage: {
        startBytes: first.databaseSize,
        endBytes: endSample.databaseSize,
        atRestBytes: restSample.databaseSize,
        bytesPerCall: Math.round((endSample.databaseSize - first.databaseSize) / Math.max(1, ok.length)),
        tables: growth,
      },
      memory: { startMiB: first.rssMiB, peakMiB: rss.length ? Math.max(...rss) : null, endMiB: endSample.rssMiB, atRestMiB: restSample.rssMiB, secondHalfSlopeMiBPerMinute: slope, peakKernelMiB: appMemory(group, port)?.peakMiB ?? null, bareWorker: null as Awaited<ReturnType<typeof bareWorkerMemory>> | null },
      series: samples,
    };
  } finally {
    await stop();
  }
}

/**
 * workerd's memory under Miniflare with a Worker that answers `{ ok: true }` and does nothing else:
 * its RSS before and after `requests` requests, ten at a time. What the runtime keeps by itself.
 */
async function bareWorkerMemory(requests: number, port: number) {
  const mf = new Miniflare(convertV4MiniflareOptions({ modules: true, script: "export default { fetch() { return Response.json({ ok: true }); } }", host: "127.0.0.1", port, compatibilityDate: "2025-09-01" } as Parameters<typeof convertV4MiniflareOptions>[0]));
  try {
    const url = await mf.ready;
    // Through Miniflare the only workerd of this group is its (the app has stopped).
    const rss = () => appMemory(ownGroup(), port)?.rssMiB ?? null;
    const before = rss();
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next++ < requests) await (await fetch(url)).arrayBuffer();
      }),
    );
    const after = rss();
    return { requests, startMiB: before, endMiB: after, kiBPerRequest: before !== null && after !== null ? Math.round(((after - before) * 1024) / requests) : null };
  } finally {
    await mf.dispose();
  }
}

function printSoak(r: Awaited<ReturnType<typeof soakRun>>) {
  const s = r.settings;
  console.log(`\nsoak: one tenant, calls back to back for ${s.seconds} s on C=${s.concurrency} lines (ringing ${s.ringSeconds} s, talking ${s.talkSeconds} s), ${s.dashboards} dashboards — ${r.machine.cpus} cores, Node ${r.machine.node}`);
  const tables = Object.keys(r.storage.tables).filter((t) => r.series.some((x) => (x.rows[t] ?? 0) > 0));
  // The heaps: the app's isolate used / total, and the used of every isolate of the process (Miniflare only).
  const heap = (x: (typeof r.series)[number]) => (x.heap ? `${x.heap.app ? `${x.heap.app.usedMiB}/${x.heap.app.totalMiB}` : "?"} ${x.heap.allUsedMiB}` : "—");
  console.log(`${"s".padStart(5)} ${"calls".padStart(7)} ${"SQLite KiB".padStart(11)} ${"RSS MiB".padStart(8)} ${"heap MiB: app used/total, all used".padStart(34)} ${"app CPU s".padStart(10)}  ${tables.map((t) => t.padStart(Math.max(6, t.length))).join(" ")}`);
  for (const x of r.series) console.log(`${String(x.atSeconds).padStart(5)} ${String(x.callsBegun).padStart(7)} ${String(Math.round(x.databaseSize / 1024)).padStart(11)} ${String(x.rssMiB).padStart(8)} ${heap(x).padStart(34)} ${String(x.appCpuSeconds).padStart(10)}  ${tables.map((t) => String(x.rows[t] ?? 0).padStart(Math.max(6, t.length))).join(" ")}`);
  console.log("(the last two rows: every call ended and logged; then 30 s at rest, no calls, no dashboards)");
  console.log(`calls: ${r.calls} (${r.callsPerSecond}/s), errors ${r.errors}${r.errorSamples.length ? ` (${r.errorSamples.join(" | ")})` : ""}   lost events: ${r.lostEvents}   seq gaps: ${r.seqGaps}   missing from the call log: ${r.missingFromCallLog}   dashboard errors: ${r.dashboardErrors}`);
  console.log(`the Switchboard's instances met by the samples: ${r.switchboardInstances}; the dashboards' thread: ${r.dashboardsThread.cpuMs} ms CPU, event-loop delay p99 ${r.dashboardsThread.loopDelayMs.p99} ms, max ${r.dashboardsThread.loopDelayMs.max} ms`);
  console.log(`webhook → TwiML p50 / p95 / p99: ${r.webhookToTwiml.p50} / ${r.webhookToTwiml.p95} / ${r.webhookToTwiml.p99} ms; → popup: ${r.webhookToPopup.p50} / ${r.webhookToPopup.p95} / ${r.webhookToPopup.p99} ms`);
  console.log(`storage: ${Math.round(r.storage.startBytes / 1024)} → ${Math.round(r.storage.endBytes / 1024)} KiB (${r.storage.bytesPerCall} bytes a call; ${Math.round(r.storage.atRestBytes / 1024)} KiB at rest); by table, rows start → end (per 1,000 calls), against retention:`);
  for (const [t, g] of Object.entries(r.storage.tables)) {
    if (g.start === 0 && g.end === 0) continue;
    const verdict = g.withinRetention === null ? "" : g.withinRetention ? "within" : g.allowed === null ? "GROWS, no rule bounds it" : `OVER (allowed ${g.allowed})`;
    console.log(`  ${t.padEnd(20)} ${String(g.start).padStart(7)} → ${String(g.end).padStart(7)} (${g.per1000Calls})  ${g.rule ?? ""}${verdict ? ` — ${verdict}` : ""}`);
  }
  console.log(`the app's workerd, RSS MiB: start ${r.memory.startMiB}, peak ${r.memory.peakMiB}, end ${r.memory.endMiB}, at rest ${r.memory.atRestMiB}; trend over the calls' second half ${r.memory.secondHalfSlopeMiBPerMinute} MiB a minute (kernel's high-water mark ${r.memory.peakKernelMiB})`);
  const b = r.memory.bareWorker;
  if (b) console.log(`the runtime by itself (a Worker that only answers, ${b.requests} requests, ten at a time): RSS ${b.startMiB} → ${b.endMiB} MiB, ${b.kiBPerRequest} KiB a request; the app: ${r.memory.startMiB !== null && r.memory.endMiB !== null ? Math.round(((r.memory.endMiB - r.memory.startMiB) * 1024) / Math.max(1, 5 * r.calls)) : "?"} KiB a request`);
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
    const scaleK = Number(flags["scale-dashboards"]);
    const scale = scaleK > 0 ? await scaleDashboardsPass(base, cookie, callers, pace, c, scaleK, Number(flags["scale-calls"]), group, port) : null;

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
      scale,
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

type ColdRound = { kind: "call first" | "restart" | "eviction" | "hibernation"; twimlMs: number; popupMs: number; phases: Record<string, number>; warmPhasesP50: Record<string, number>; warmTwimlP50: number; warmPopupP50: number; wokenByTheCall?: boolean };

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
    warmPhasesP50: phasesP50(warm.filter((r) => r.ok)),
    warmTwimlP50: stats(warm.filter((r) => r.ok).map((r) => r.twimlMs)).p50,
    warmPopupP50: stats(warm.filter((r) => r.ok).map(popupOf).filter((ms) => !Number.isNaN(ms))).p50,
  };
  return { round, firstStartedAt: first!.startedAt };
}

/** How long the call-first round leaves a fresh server alone before its call, so that nothing of its start is still running. */
const SETTLE_BEFORE_CALL_FIRST_MS = 2000;

/**
 * A restart whose first request to the app is the signed voice webhook, on yesterday's state: a
 * server is started, signed in to, a dashboard opened (the Switchboard keeps its copy of the routing
 * configuration and builds its caller index) and one call made, then stopped; a new one starts on the
 * same state folder and, with no sign-in, no dashboard and no readiness check through the Worker
 * before it (wrangler's "Ready on" is the sign), takes the call. Nobody is watching, so only webhook →
 * TwiML is timed; then staff sign in, a dashboard opens and the warm calls follow on the same server.
 */
async function callFirstRound(port: number, callerOf: (i: number) => string, errors: string[]): Promise<ColdRound> {
  const state = mkdtempSync(join(tmpdir(), "switchboard-yesterday-"));
  try {
    const yesterday = await startDevServer(port, { state });
    try {
      const network = networkFor(flags.provider, yesterday.baseURL);
      const dashboards = await openDashboards(yesterday.baseURL, await login(yesterday.baseURL), 1);
      const call = await driveCall(network, { ring: 0, talk: 0 }, callerOf(99), network.demoNumber);
      if (!call.ok) errors.push(call.error ?? "failed");
      await dashboards.close();
      await sleep(LOG_SETTLE_MS + 1000); // the call log's write
    } finally {
      await yesterday.stop();
    }
    const { baseURL: base, stop } = await startDevServer(port, { untouched: true, state });
    try {
      await sleep(SETTLE_BEFORE_CALL_FIRST_MS);
      const network = networkFor(flags.provider, base);
      const first = await driveCall(network, { ring: 0, talk: 0 }, callerOf(0), network.demoNumber);
      if (!first.ok) errors.push(first.error ?? "failed");
      const dashboards = await openDashboards(base, await login(base), 1);
      try {
        const { round } = await firstCall("call first", dashboards, network, (i) => callerOf(i + 1), errors);
        return { ...round, twimlMs: Math.round(first.twimlMs * 100) / 100, popupMs: NaN, phases: first.phases };
      } finally {
        await dashboards.close();
      }
    } finally {
      await stop();
    }
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}

/**
 * What a quiet of `HIBERNATE_AFTER_MS` costs without the Switchboard: the first `GET /health` after it
 * (the Worker answers at once) beside the p50 of 20 after that. The same client, proxy and Worker as
 * the calls; the Switchboard is not asked.
 */
async function quietFloor(base: string) {
  await sleep(HIBERNATE_AFTER_MS);
  const t0 = performance.now();
  const res = await fetch(`${base}/health`, HEALTH);
  await res.text();
  const firstMs = Math.round((performance.now() - t0) * 100) / 100;
  const warm: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await (await fetch(`${base}/health`, HEALTH)).text();
    warm.push(performance.now() - t);
  }
  return { firstMs, warmP50: stats(warm).p50 };
}

/** Resets the demo tenant's Switchboard as an eviction would (the dev server's route); when the instance it ended began. */
async function resetSwitchboard(base: string) {
  const res = await fetch(`${base}/health/switchboard/demo/reset`, { method: "POST", ...HEALTH });
  const body = (await res.json()) as { ok?: boolean; startedAt?: number };
  if (!res.ok || body.ok !== true || body.startedAt === undefined) throw new Error(`resetting the Switchboard: ${res.status} ${JSON.stringify(body)}`);
  return body.startedAt;
}

/**
 * The first call of the day, four ways, `rounds` times. First, a restart on yesterday's state whose
 * first request is the call (`callFirstRound`). Then a restart: the app is started afresh
 * (a new workerd: a new isolate, no Durable Object yet, nothing remembered, an empty state folder),
 * signed in to with one dashboard opened, as staff find it in the morning, and then rung. After an
 * eviction, on the same server: the dashboard closes, the Switchboard alone is reset (the Worker's
 * isolate stays warm; the Switchboard's storage stays), the dashboard opens again and the call comes.
 * After hibernation: the dashboard stays open and nothing happens for 15 s, so the runtime hibernates
 * the Switchboard; the call wakes it (the round says whether it did: the instance that served it
 * began after the call was sent; an alarm may have woken it first),
 * `--hibernations` times. Each: webhook → TwiML and → popup against the p50 of the 20 calls after it
 * on the same server. Last, the same quiet before a `GET /health` (`quietFloor`): what the quiet costs
 * without the Switchboard. The bundle's size and `wrangler check startup`'s figure go in the same table.
 */
async function coldBench(rounds: number) {
  const port = Number(flags.port);
  if (!flags["skip-build"]) await run(VITE, ["build", "--logLevel", "warn"]);
  const bundle = buildBundle();
  const startup = profileStartup(bundle.out);
  const firsts: ColdRound[] = [];
  const quiet: Awaited<ReturnType<typeof quietFloor>>[] = [];
  const errors: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const callerOf = (kind: number) => (i: number) => `+141530${String(round * 1000 + kind * 100 + i).padStart(5, "0")}`;
    firsts.push(await callFirstRound(port, callerOf(9), errors));
    const { baseURL: base, stop } = await startDevServer(port);
    try {
      const cookie = await login(base);
      const network = networkFor(flags.provider, base);
      let dashboards = await openDashboards(base, cookie, 1);
      firsts.push((await firstCall("restart", dashboards, network, callerOf(0), errors)).round);

      await dashboards.close();
      await resetSwitchboard(base);
      dashboards = await openDashboards(base, cookie, 1);
      firsts.push((await firstCall("eviction", dashboards, network, callerOf(1), errors)).round);

      for (let h = 0; h < Number(flags.hibernations); h++) {
        await sleep(HIBERNATE_AFTER_MS);
        const hibernation = await firstCall("hibernation", dashboards, network, callerOf(2 + h), errors);
        const { startedAt } = await switchboardStorage(base, "demo");
        firsts.push({ ...hibernation.round, wokenByTheCall: startedAt >= hibernation.firstStartedAt });
      }
      quiet.push(await quietFloor(base));
      await dashboards.close();
    } finally {
      await stop();
    }
  }
  return {
    kind: "cold" as const,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    settings: { rounds, warmCallsAfterEach: WARM_CALLS_AFTER_COLD, dashboards: 1, provider: flags.provider, hibernateAfterMs: HIBERNATE_AFTER_MS, hibernationsPerRestart: Number(flags.hibernations) },
    bundle: { kib: Math.round((bundle.bytes / 1024) * 10) / 10, gzipKiB: Math.round((bundle.gzipBytes / 1024) * 10) / 10 },
    startup: { activeMs: startup.activeMs, gcMs: startup.gcMs },
    rounds: firsts,
    quiet,
    errors: errors.length,
    errorSamples: errors.slice(0, 5),
  };
}

function printCold(r: Awaited<ReturnType<typeof coldBench>>) {
  console.log(`\ncold: the first call after each of ${r.settings.rounds} restarts (as the app's first request on yesterday's state; then after a sign-in with one dashboard open), then on the same server after the Switchboard alone is evicted and after it hibernates, each beside the p50 of the ${r.settings.warmCallsAfterEach} calls after it — ${r.machine.cpus} cores, Node ${r.machine.node}`);
  console.log(`bundle ${r.bundle.kib} KiB (gzip ${r.bundle.gzipKiB} KiB); wrangler check startup: ${r.startup.activeMs} ms active CPU (${r.startup.gcMs} ms of it garbage collection)`);
  console.log(`${"round".padEnd(16)} ${"first → TwiML".padStart(14)} ${"warm p50".padStart(9)} ${"×".padStart(6)} ${"first → popup".padStart(14)} ${"warm p50".padStart(9)} ${"×".padStart(6)}  the first call's Server-Timing`);
  const times = (a: number, b: number) => `×${Math.round((a / b) * 10) / 10}`;
  let restart = 0;
  for (const x of r.rounds) {
    if (x.kind === "call first") restart++;
    const phases = Object.entries(x.phases).map(([name, ms]) => `${name} ${ms}`).join(", ");
    const woken = x.wokenByTheCall === undefined ? "" : x.wokenByTheCall ? " (woken by the call)" : " (NOT woken by the call: it did not hibernate, or something woke it first, such as the alarm)";
    console.log(`${`${restart} ${x.kind}`.padEnd(16)} ${String(x.twimlMs).padStart(14)} ${String(x.warmTwimlP50).padStart(9)} ${times(x.twimlMs, x.warmTwimlP50).padStart(6)} ${(Number.isNaN(x.popupMs) ? "—" : String(x.popupMs)).padStart(14)} ${String(x.warmPopupP50).padStart(9)} ${(Number.isNaN(x.popupMs) ? "" : times(x.popupMs, x.warmPopupP50)).padStart(6)}  ${phases}${woken}`);
  }
  for (const q of r.quiet) console.log(`after ${r.settings.hibernateAfterMs / 1000} s of quiet, GET /health (no Switchboard): first ${q.firstMs} ms, warm p50 ${q.warmP50} ms (${times(q.firstMs, q.warmP50)})`);
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
  if (r.scale) printScale(r.scale);
  if (r.client) console.log(`client JavaScript gzipped: ${r.client.initialGzipKB} KB for the first screen (the entry and what it preloads), ${r.client.allGzipKB} KB with every lazy chunk`);
}

const result = flags.match
  ? await matchBench(flags.match.split(",").map(Number))
  : flags.cold
    ? await coldBench(Number(flags.cold))
    : flags.tenants
      ? await tenantsBench(Number(flags.tenants))
      : flags.soak
        ? await soakBench(Number(flags.soak))
        : await loadBench();
mkdirSync(join(ROOT, "bench-results"), { recursive: true });
const file = join(ROOT, "bench-results", `${result.kind}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(ROOT, "bench-results", "latest.json"), `${JSON.stringify(result, null, 2)}\n`);
if (result.kind === "match") console.log(JSON.stringify(result, null, 2));
else if (result.kind === "cold") printCold(result as Awaited<ReturnType<typeof coldBench>>);
else if (result.kind === "tenants") printTenants(result as Awaited<ReturnType<typeof tenantsBench>>);
else if (result.kind === "soak") printSoak(result as Awaited<ReturnType<typeof soakBench>>);
else printLoad(result as Awaited<ReturnType<typeof loadBench>>);
console.log(`\nwritten to ${file}`);
