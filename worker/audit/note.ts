/**
 * What a route tells the audit log about the change it made. The audit middleware writes one event
 * for every change that succeeds on an audited resource; a route that notes what it did (whose role
 * changed, from what to what) makes that event say so in words, instead of only the method and path.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";

/** Who acted, as the audit log keeps it: as they were named when they acted. */
export type AuditActor = {
  /** Named here because a public route (accepting an invitation, a reset link) has no session to read it from. */
  tenantId: string;
  type: "user" | "api-key" | "operator";
  id: string | null;
  name: string;
};

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
   * Who did it, where the request's session or key does not say: a public route (accepting an
   * invitation, setting a password from a reset link) names the user it acted as. Otherwise the
   * middleware reads the caller from the request's auth.
   */
  actor?: AuditActor;
};

export function noteAudit(c: Context<AppEnv>, note: AuditNote) {
  c.set("audit", note);
}

type Change = { from: unknown; to: unknown };

/**
 * The fields of `next` that differ from `before`, for an event's details, and the same in words for
 * its summary (`label "Print" → "Radio", record off → on`). Fields not in `next` (undefined) did not
 * change; `names` gives a field its words.
 */
export function changesOf<T extends Record<string, unknown>>(before: T, next: Partial<T>, names: Partial<Record<keyof T, string>> = {}) {
  const changes: Record<string, Change> = {};
  const words: string[] = [];
  for (const [field, to] of Object.entries(next)) {
    const from = before[field];
    if (to === undefined || JSON.stringify(from ?? null) === JSON.stringify(to ?? null)) continue;
    changes[field] = { from: from ?? null, to: to ?? null };
    words.push(`${names[field as keyof T] ?? field} ${shown(from)} → ${shown(to)}`);
  }
  return { changes, text: words.length ? words.join(", ") : "nothing changed" };
}

function shown(value: unknown) {
  if (value === null || value === undefined || value === "") return "(none)";
  if (typeof value === "boolean") return value ? "on" : "off";
  if (typeof value === "string") return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  if (typeof value === "number") return String(value);
  return "(changed)";
}

/** Cents as people read an amount: 12500 → "125.00". */
export const amount = (cents: number) => (cents / 100).toFixed(2);

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
