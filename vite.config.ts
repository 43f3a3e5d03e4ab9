import { defineConfig, type Plugin } from "vite";
import { buildSnippet } from "./client/dni/build.ts";

/** dni.js, the website snippet (client/dni/), built on its own and put beside the dashboard's files as /dni.js. */
const dniSnippet: Plugin = {
  name: "dni-snippet",
  apply: "build",
  async generateBundle() {
    this.emitFile({ type: "asset", fileName: "dni.js", source: await buildSnippet() });
  },
};

// The dashboard: a small Preact app built into dist/client, which the Worker serves as static assets.
export default defineConfig({
  root: "client",
  build: { outDir: "../dist/client", emptyOutDir: true, target: "es2022" },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  resolve: { alias: { react: "preact/compat", "react-dom": "preact/compat" } },
  plugins: [dniSnippet],
});
