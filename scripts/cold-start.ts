/**
 * `npm run cold-start`: what a cold isolate pays before the first request. Builds
 * the Worker as `wrangler deploy` would (`--dry-run`, offline), then prints the bundle's size before
 * and after gzip with the bytes each package and folder brings (esbuild's metafile), and `wrangler
 * check startup`'s active CPU at start-up with the profile's samples attributed to the sources they ran
 * in (through the bundle's source map). Everything is written to a temporary folder: the profile never
 * lands in the repository.
 *
 *   npm run cold-start                    one start-up profile
 *   npm run cold-start -- --runs 3        three, since one run on a shared machine is noisy
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { ROOT, TOOL_ENV, WRANGLER } from "./lib.ts";


type Metafile = { outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }> };
type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** A package (node_modules/<name>) or the project's top folder a source belongs to. */
function owner(source: string) {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (pkg) return pkg[1]!;
  const own = /(?:^|\/)(worker|party|schema|telephony)\/.*$/.exec(source);
  return own ? own[0].replace(/^\//, "") : source;
}

function printTop(title: string, totals: Map<string, number>, format: (n: number) => string, top: number) {
  console.log(`\n${title}`);
  for (const [name, n] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${format(n).padStart(12)}  ${name}`);
}

/** The Worker as `wrangler deploy` would upload it, built into a temporary folder: its size before and after gzip, and its bytes by package or folder. */
export function buildBundle() {
  const out = mkdtempSync(join(tmpdir(), "switchboard-cold-"));
  // The assets folder must exist for wrangler to build; the client itself plays no part in the Worker's start.
  mkdirSync(join(ROOT, "dist", "client"), { recursive: true });
  execFileSync(process.execPath, [WRANGLER, "deploy", "--dry-run", "--outdir", out, "--metafile", join(out, "meta.json")], { cwd: ROOT, env: TOOL_ENV, stdio: "ignore" });
  const bundle = readFileSync(join(out, "index.js"));

  const meta = JSON.parse(readFileSync(join(out, "meta.json"), "utf8")) as Metafile;
  const output = Object.values(meta.outputs).find((o) => Object.keys(o.inputs).length > 0)!;
  const bytes = new Map<string, number>();
  for (const [source, { bytesInOutput }] of Object.entries(output.inputs)) {
    const key = owner(source).split("/")[0]!;
    bytes.set(key, (bytes.get(key) ?? 0) + bytesInOutput);
  }
  return { out, bytes: bundle.length, gzipBytes: gzipSync(bundle).length, byOwner: bytes };
}

/**
 * One `wrangler check startup` of the Worker (it builds it again), its profile written into `out`:
 * the active CPU it reports, garbage collection included, and the sampled milliseconds by source.
 */
export function profileStartup(out: string, run = 1) {
  const map = new SourceMap(JSON.parse(readFileSync(join(out, "index.js.map"), "utf8")));
  const profilePath = join(out, `startup-${run}.cpuprofile`);
  const said = execFileSync(process.execPath, [WRANGLER, "check", "startup", "--outfile", profilePath], { cwd: ROOT, env: TOOL_ENV, encoding: "utf8" });
  const active = /Active: ([\d.]+) ms \(including ([\d.]+) ms garbage collection\)/.exec(said);
  const profile = JSON.parse(readFileSync(profilePath, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** Where a frame ran: its source's owner through the source map; the bundle's top level and the runtime's own frames by name. */
  const where = (n: ProfileNode) => {
    const f = n.callFrame;
    if (!f.url.endsWith("index.js")) return f.functionName || "(native)";
    if (f.lineNumber < 0) return "(bundle top level, compile)";
    const entry = map.findEntry(f.lineNumber, f.columnNumber) as { originalSource?: string };
    return entry.originalSource ? owner(entry.originalSource) : "(unmapped)";
  };
  // Inclusive: a sample counts for every source on its stack once, so a schema module is charged
  // the zod calls it makes at module load.
  const inclusive = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (byId.get(profile.samples[i]!)!.callFrame.functionName === "(idle)") continue;
    const seen = new Set<string>();
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const name = where(byId.get(id)!);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
    }
  }
  return { activeMs: active ? Number(active[1]) : NaN, gcMs: active ? Number(active[2]) : NaN, bySource: inclusive };
}

if (import.meta.main) {
  const { values: flags } = parseArgs({ options: { runs: { type: "string", default: "1" }, top: { type: "string", default: "15" } } });
  const bundle = buildBundle();
  console.log(`bundle: ${kib(bundle.bytes)}, gzip: ${kib(bundle.gzipBytes)} (${bundle.out})`);
  printTop("bundle by package or folder", bundle.byOwner, kib, Number(flags.top));
  for (let run = 1; run <= Number(flags.runs); run++) {
    const startup = profileStartup(bundle.out, run);
    console.log(`\nstart-up, run ${run}: ${startup.activeMs} ms active CPU (${startup.gcMs} ms of it garbage collection)`);
    printTop("sampled milliseconds by source (inclusive)", startup.bySource, (ms) => `${ms.toFixed(1)} ms`, Number(flags.top));
  }
}
