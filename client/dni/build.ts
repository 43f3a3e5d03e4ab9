/**
 * Builds dni.js from snippet.ts: one classic script (an IIFE: nothing leaks into the page's globals),
 * minified, for browsers of the last few years. vite.config.ts emits it into the dashboard's build
 * as /dni.js; test/client/dni.test.ts builds it to weigh it.
 */
import { fileURLToPath } from "node:url";
import { build, type Rollup } from "vite";

export const SNIPPET_ENTRY = fileURLToPath(new URL("./snippet.ts", import.meta.url));

export async function buildSnippet(): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: "warn",
    build: {
      write: false,
      target: "es2019",
      minify: true,
      lib: { entry: SNIPPET_ENTRY, formats: ["iife"], name: "switchboardDni", fileName: () => "dni.js" },
      emptyOutDir: false,
    },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as Rollup.RollupOutput[];
  const chunk = outputs.flatMap((o) => o.output).find((f): f is Rollup.OutputChunk => f.type === "chunk");
  if (!chunk) throw new Error("dni.js: the build made no script");
  return chunk.code;
}
