/** The app, served as `npm run dev` serves it, for the end-to-end tests; stopped afterwards. */
import type { TestProject } from "vitest/node";
import { startDevServer, type DevServer } from "../../scripts/serve.ts";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
  }
}

let server: DevServer | undefined;

export async function setup(project: TestProject) {
  server = await startDevServer(Number(process.env.BROWSER_TEST_PORT ?? 8791), { timeoutMs: 90_000 });
  project.provide("baseURL", server.baseURL);
}

export async function teardown() {
  await server?.stop();
}
