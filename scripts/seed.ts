/**
 * Seeds the demo tenant into local D1 (`.wrangler/state/v3/d1`), the same database `wrangler dev`
 * serves. Idempotent: fixed ids, insert-or-ignore.
 */
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getDb } from "../worker/db.ts";
import { seedDemo } from "../worker/seed.ts";
import { ensureDevVars, ROOT } from "./lib.ts";

const databaseId = /database_id\s*=\s*"([^"]+)"/.exec(readFileSync(join(ROOT, "wrangler.toml"), "utf8"))?.[1];
if (!databaseId) throw new Error("wrangler.toml has no D1 database_id");

const secretsKey = ensureDevVars();
// A bare Miniflare with only the D1 binding, persisted where `wrangler dev --local` keeps it
// (built the way `wrangler d1 execute --local` builds its own).
const mf = new Miniflare(
  convertV4MiniflareOptions({
    modules: true,
    script: "",
    resourcePersistencePath: join(ROOT, ".wrangler", "state", "v3"),
    d1Databases: { DB: databaseId },
  }),
);
try {
  await seedDemo(getDb(await mf.getD1Database("DB")), secretsKey);
  console.log("Seeded the demo tenant: admin@demo.test / demo-password");
} finally {
  await mf.dispose();
}
