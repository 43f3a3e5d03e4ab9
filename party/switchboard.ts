import { Server } from "partyserver";

/**
 * One per tenant, named by the tenant's id: live calls, routing counters, notifications and the
 * event log, in SQLite storage so an eviction or restart loses nothing. The class holds lifecycle
 * hooks; the logic lives in plain functions beside it.
 */
export class Switchboard extends Server<Env> {
  // Hibernation lets an idle tenant with dashboards open cost nothing between calls.
  static override options = { hibernate: true };
}
