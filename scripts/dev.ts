/**
 * `npm run dev`: build the client, migrate local D1, seed the demo tenant, serve on 127.0.0.1:8787.
 *   --port N          serve elsewhere
 *   --persist-to DIR  keep local state in DIR instead of .wrangler/state (tests and the benchmark
 *                     use their own, so they never touch a developer's data)
 *   --skip-build      reuse dist/client
 */
import { join, resolve } from "node:path";
import { ensureDevVars, ROOT, run, VITE, WRANGLER } from "./lib.ts";

function flag(name: string) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const port = flag("--port") ?? "8787";
const persistTo = flag("--persist-to");
const persist = persistTo ? ["--persist-to", resolve(persistTo)] : [];

ensureDevVars();
if (!process.argv.includes("--skip-build")) await run(VITE, ["build", "--logLevel", "warn"]);
await run(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", ...persist]);
await run(join(ROOT, "scripts", "seed.ts"), persist);
await run(WRANGLER, ["dev", "--ip", "127.0.0.1", "--port", port, "--local", "--show-interactive-dev-session=false", ...persist]);
