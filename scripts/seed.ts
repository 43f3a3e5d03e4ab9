/**
 * Seeds the demo tenant into local D1 (`.wrangler/state/v3/d1`), the same database `wrangler dev`
 * serves. Idempotent: fixed ids, insert-or-ignore.
 */
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { getDb } from "../schema/d1.ts";
import { seedDemo } from "../worker/seed.ts";
import { ensureDevVars, ROOT } from "./lib.ts";

const databaseId = /database_id\s*=\s*"([^"]+)"/.exec(readFileSync(join(ROOT, "wrangler.toml"), "utf8"))?.[1];
if (!databaseId) throw new Error("wrangler.toml has no D1 database_id");

// `--persist-to DIR` as wrangler takes it: the state lives in DIR/v3.
const persistFlag = process.argv.indexOf("--persist-to");
const persistRoot = persistFlag > 0 ? resolve(process.argv[persistFlag + 1]!) : join(ROOT, ".wrangler", "state");

const secretsKey = ensureDevVars();
// A bare Miniflare with only the D1 binding, persisted where `wrangler dev --local` keeps it
// (built the way `wrangler d1 execute --local` builds its own).
const mf = new Miniflare(
  convertV4MiniflareOptions({
    modules: true,
    script: "",
    resourcePersistencePath: join(persistRoot, "v3"),
    d1Databases: { DB: databaseId },
  }),
);
try {
  await seedDemo(getDb(await mf.getD1Database("DB")), secretsKey);
  console.log("Seeded the demo tenant: admin@demo.test / demo-password");
} finally {
  await mf.dispose();
}
