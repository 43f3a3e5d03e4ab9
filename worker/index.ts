// The Worker entry: the Hono app answers every request the static assets do not; the outbound queue's consumer takes the rest.
import "./lib/zod-locale.ts";
import { app } from "./app.ts";
import { handleOutboundBatch } from "./outbound/consumer.ts";

export { Switchboard } from "../party/switchboard.ts";

// The outbound queue (webhooks to the business's systems, texts to staff) is consumed by this same
// Worker: its deliveries need D1 and the tenant's Switchboard, which it binds already (README, "Why Queues").
export default { fetch: app.fetch, queue: handleOutboundBatch } satisfies ExportedHandler<Env>;
