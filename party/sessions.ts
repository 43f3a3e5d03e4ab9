/**
 * A dashboard's socket lives no longer than the session it was opened with. The Worker says at once
 * when a session ends (logout: the Switchboard's `closeSessions`); what nobody announces — a session
 * that expires, a user removed from D1, a logout whose message was lost — is found by a check of
 * every open socket's session against D1, run by the alarm while sockets are open: when events go
 * to the sockets and the last check is over a minute old, at the earliest expiry among them, and
 * otherwise once an hour. A Switchboard whose sockets are its only company is not woken every
 * minute for it (it hibernates between calls), and an ended session sees no more than a minute of
 * events.
 */
import { eq, inArray } from "drizzle-orm";
import { sessions, users } from "../schema/db.ts";
import { chunks, getDb } from "../schema/d1.ts";

/** While events go to the sockets, their sessions are checked against D1 at least this often. */
export const SESSION_CHECK_MS = 60 * 1000;
/** While nothing goes to them, this often (and at the earliest expiry among them). */
export const SESSION_IDLE_CHECK_MS = 60 * 60 * 1000;
/** A check found due when events go out runs this long after, behind the operation that sent them. */
export const SESSION_CHECK_DELAY_MS = 1000;

/** What a socket knows of its session: set by the Worker, kept in the connection's state across hibernation. */
export type SocketSession = { userId: string; sessionId: string; expiresAt: number; /** An admin's socket also gets the notices only admins see. */ admin: boolean };

export function sessionTag(sessionId: string) {
  return `session:${sessionId}`;
}

/** The state a socket was opened with, or null when it lacks a session (a socket from before sessions were kept). */
export function socketSession(state: unknown): SocketSession | null {
  if (!state || typeof state !== "object") return null;
  const { userId, sessionId, expiresAt, admin } = state as Partial<SocketSession>;
  return typeof userId === "string" && typeof sessionId === "string" && sessionId !== "" && typeof expiresAt === "number" ? { userId, sessionId, expiresAt, admin: admin === true } : null;
}

/**
 * Which of these sessions are over, and why: gone from D1 (logged out, its user removed) or expired;
 * and when the first of the others expires (null: none left). One query per 90 sessions; a session
 * D1 does not name is over.
 */
export async function endedSessions(d1: D1Database, sessionIds: string[], now = Date.now()): Promise<{ ended: Map<string, string>; nextExpiry: number | null }> {
  const expiry = new Map<string, number>();
  for (const part of chunks([...new Set(sessionIds)])) {
    const rows = await getDb(d1)
      .select({ id: sessions.id, expiresAt: sessions.expiresAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(inArray(sessions.id, part));
    for (const row of rows) expiry.set(row.id, row.expiresAt);
  }
  const ended = new Map<string, string>();
  let nextExpiry: number | null = null;
  for (const id of sessionIds) {
    const expiresAt = expiry.get(id);
    if (expiresAt === undefined) ended.set(id, "session ended");
    else if (expiresAt <= now) ended.set(id, "session expired");
    else nextExpiry = Math.min(nextExpiry ?? expiresAt, expiresAt);
  }
  return { ended, nextExpiry };
}
