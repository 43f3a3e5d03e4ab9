/**
 * The app, served as `npm run dev` serves it, for the end-to-end tests; stopped afterwards. It listens
 * on a free port the OS picks, so no other server on this machine is in its way;
 * BROWSER_TEST_PORT=N forces port N (the run then fails if N is taken).
 */
import type { TestProject } from "vitest/node";
import { startDevServer, type DevServer } from "../../scripts/serve.ts";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
  }
}

let server: DevServer | undefined;

export async function setup(project: TestProject) {
  const forced = process.env.BROWSER_TEST_PORT;
  const port = forced ? Number(forced) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`BROWSER_TEST_PORT=${forced} is not a port number`);
  server = await startDevServer(port, { timeoutMs: 90_000 });
  project.provide("baseURL", server.baseURL);
}

export async function teardown() {
  await server?.stop();
}
