// The Worker entry: the Hono app answers every request the static assets do not.
import { app } from "./app.ts";

export { Switchboard } from "../party/switchboard.ts";

export default app satisfies ExportedHandler<Env>;
