import { defineConfig } from "vite";

// The dashboard: a small Preact app built into dist/client, which the Worker serves as static assets.
export default defineConfig({
  root: "client",
  build: { outDir: "../dist/client", emptyOutDir: true, target: "es2022" },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  resolve: { alias: { react: "preact/compat", "react-dom": "preact/compat" } },
});
