/**
 * A session ends everywhere at once: besides its D1 row, the dashboards' sockets opened with it,
 * which the tenant's Switchboard holds. The Switchboard also checks its sockets' sessions against
 * D1 (party/sessions.ts), so a session that ends without a word here (it expires) sees at most a
 * minute of events.
 */
import { ROLE_CHANGED } from "../../schema/constants.ts";
import { sha256Hex } from "../lib/crypto.ts";

/** The session's id as D1 keys it (and the Switchboard tags its sockets): the SHA-256 of the cookie's token. */
export function sessionIdOf(token: string) {
  return sha256Hex(token);
}

/**
 * A user's role changed: their open dashboards reconnect (they catch up from their last event), so
 * the Switchboard sees the role they have now. Never throws: a socket left open keeps the old role's
 * notices until it reconnects, and the change itself is made.
 */
export async function reconnectUserSockets(env: Env, tenantId: string, userId: string) {
  try {
    await env.Switchboard.getByName(tenantId).reconnectUser(userId, ROLE_CHANGED);
  } catch (err) {
    console.error("could not reconnect the sockets of a user whose role changed", err);
  }
}

/**
 * Closes the sockets of a session (logout), or of every session of a user (for a password change or a
 * removed user), on the tenant's Switchboard. Never throws: the session is over in D1 already, and
 * the Switchboard's own check closes what this could not reach before a minute of events has gone to it.
 */
export async function closeSessionSockets(env: Env, tenantId: string, target: { sessionId: string } | { userId: string }, reason: string) {
  try {
    await env.Switchboard.getByName(tenantId).closeSessions(target, reason);
  } catch (err) {
    console.error("could not close the sockets of an ended session; the Switchboard's check will", err);
  }
}
