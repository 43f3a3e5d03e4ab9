/**
 * `npm run dev`: build the client, migrate local D1, seed the demo tenant, serve on 127.0.0.1:8787.
 * `--port N` serves elsewhere; `--skip-build` reuses dist/client (the browser tests and the
 * benchmark build once and start several servers).
 */
import { join } from "node:path";
import { ensureDevVars, ROOT, run, VITE, WRANGLER } from "./lib.ts";

const portFlag = process.argv.indexOf("--port");
const port = portFlag > 0 ? process.argv[portFlag + 1]! : "8787";

ensureDevVars();
if (!process.argv.includes("--skip-build")) await run(VITE, ["build", "--logLevel", "warn"]);
await run(WRANGLER, ["d1", "migrations", "apply", "DB", "--local"]);
await run(join(ROOT, "scripts", "seed.ts"), []);
await run(WRANGLER, ["dev", "--ip", "127.0.0.1", "--port", port, "--local", "--show-interactive-dev-session=false"]);
