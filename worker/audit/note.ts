/**
 * What a route tells the audit log about the change it made. The audit middleware writes one event
 * for every change that succeeds on an audited resource; a route that notes what it did (whose role
 * changed, from what to what) makes that event say so in words, instead of only the method and path.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";

export type AuditNote = {
  /** `<thing>.<verb>`: `user.role_changed`, `invitation.created`, `route.updated`. */
  action: string;
  targetType?: string;
  targetId?: string;
  /** One line for people: "Changed Sam Lee's role from agent to manager". */
  summary: string;
  /** What changed, for programs; never a secret (no token, password or credential). */
  details?: Record<string, unknown>;
  /**
   * Who acted, where no session or key says so: the newcomer who accepted an invitation or set a
   * password from a link (public routes).
   */
  actor?: { type: "user"; id: string; name: string; tenantId: string };
};

export function noteAudit(c: Context<AppEnv>, note: AuditNote) {
  c.set("audit", note);
}
