/** Whether a call id a client sent is one of the tenant's calls: checked before it is stored anywhere. */
import { and, eq } from "drizzle-orm";
import { getDb } from "../../schema/d1.ts";
import { calls } from "../../schema/db.ts";

/** Whether `id` names one of the tenant's calls, logged or live (ids sent by clients are checked so). */
export async function isTenantCall(env: Env, tenantId: string, id: string) {
  const row = await getDb(env.DB).select({ id: calls.id }).from(calls).where(and(eq(calls.tenantId, tenantId), eq(calls.id, id))).get();
  return row !== undefined || (await env.Switchboard.getByName(tenantId).liveCall(id)) !== null;
}
