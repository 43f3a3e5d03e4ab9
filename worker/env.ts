import type { AuditNote } from "./audit/note.ts";
import type { AuthContext } from "./auth/middleware.ts";

/** Hono's environment: the Worker's bindings and what middleware puts on the context. */
export type AppEnv = {
  Bindings: Env;
  Variables: { auth: AuthContext; audit?: AuditNote };
};
