/**
 * Starts the app through Miniflare's API directly, without wrangler's dev server and its proxy: the
 * Worker built as `wrangler deploy --dry-run` builds it, its bindings read from wrangler.toml by
 * wrangler's own `unstable_getMiniflareWorkerOptions`, local D1 migrated and the demo seeded, in a
 * fresh temporary folder. For the benchmark's main mode, which measures the app and not the tools
 * around it (`--via-wrangler` starts `npm run dev` instead, as scripts/serve.ts does).
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_splitSqlQuery } from "wrangler";
import { getDb } from "../schema/d1.ts";
import { seedDemo } from "../worker/seed.ts";
import { buildBundle } from "./cold-start.ts";
import { devVar, ensureDevVars, ROOT } from "./lib.ts";
import type { DevServer } from "./serve.ts";

/** Applies migrations/*.sql in order to a local D1, each split as `wrangler d1 migrations apply` splits it (comments and all). */
export async function applyMigrations(db: D1Database) {
  const files = readdirSync(join(ROOT, "migrations"))
    .filter((f) => f.endsWith(".sql"))
    .sort();
  for (const file of files) await db.batch(unstable_splitSqlQuery(readFileSync(join(ROOT, "migrations", file), "utf8")).map((sql) => db.prepare(sql)));
}

/** This process's group: Miniflare's workerd is its child, so the benchmark's CPU figures find it there. */
export function ownGroup() {
  const stat = readFileSync("/proc/self/stat", "utf8");
  return Number(stat.slice(stat.lastIndexOf(") ") + 2).split(" ")[2]);
}

/** `inspectorPort`: the app's V8 inspector (Chrome DevTools protocol) on that port, for the soak's heap figures. */
export async function startMiniflareServer(port = 0, { inspectorPort }: { inspectorPort?: number } = {}): Promise<DevServer> {
  const secretsKey = ensureDevVars();
  const bundle = buildBundle();
  // The bundle is built already: wrangler's rules for finding modules have nothing left to find.
  const { modulesRules: _rules, ...workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml")).workerOptions as Record<string, unknown> & { bindings?: Record<string, unknown> };
  // What `wrangler dev` reads from .dev.vars (scripts/lib.ts writes it), over wrangler.toml's [vars].
  const vars = Object.fromEntries(["SECRETS_KEY", "HEALTH_KEY", "OUTBOUND_PRIVATE_ADDRESSES", "SWITCHBOARD_RESETS"].map((name) => [name, devVar(name) ?? ""]));
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      ...workerOptions,
      // The built bundle, one ES module (its source map beside it).
      modules: true,
      scriptPath: join(bundle.out, "index.js"),
      modulesRoot: bundle.out,
      bindings: { ...(workerOptions.bindings ?? {}), ...vars },
      host: "127.0.0.1",
      port,
      defaultPersistRoot: bundle.out,
      // As `npm run dev` is configured (scripts/lib.ts TOOL_ENV): nothing fetched from Cloudflare.
      cf: false,
      ...(inspectorPort ? { inspectorPort } : {}),
    } as Parameters<typeof convertV4MiniflareOptions>[0]),
  );
  try {
    const url = await mf.ready;
    const db = await mf.getD1Database("DB");
    await applyMigrations(db);
    await seedDemo(getDb(db), secretsKey);
    const baseURL = url.origin.replace("localhost", "127.0.0.1");
    return {
      baseURL,
      port: Number(url.port),
      group: ownGroup(),
      d1: db,
      stop: async () => {
        await mf.dispose();
        rmSync(bundle.out, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await mf.dispose();
    rmSync(bundle.out, { recursive: true, force: true });
    throw err;
  }
}
