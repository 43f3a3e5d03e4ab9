/**
 * What the logged-in user may do, read from their role as the server reads it (schema/constants.ts):
 * the dashboard shows only what the server would let through, so nobody meets a button that answers 403.
 */
import { mayDo, type ApiScope } from "../../schema/constants.ts";
import { me } from "./session.ts";

export function can(scope: ApiScope) {
  const current = me.value;
  return current ? mayDo(current.user.role, scope) : false;
}

/** The Settings sections, each with what it takes to open it. */
export const SETTINGS_SECTIONS = [
  { id: "business", title: "Business", scope: "settings:write" },
  { id: "team", title: "Team", scope: "users:manage" },
  { id: "providers", title: "Provider accounts", scope: "providers:manage" },
  { id: "keys", title: "API keys", scope: "keys:manage" },
  { id: "webhooks", title: "Webhooks", scope: "webhooks:manage" },
  { id: "audit", title: "Audit log", scope: "audit:read" },
] as const satisfies readonly { id: string; title: string; scope: ApiScope }[];

export type SettingsSection = (typeof SETTINGS_SECTIONS)[number]["id"];

export const settingsSections = () => SETTINGS_SECTIONS.filter((s) => can(s.scope));

const ROLE_LABELS = { admin: "Admin", manager: "Manager", agent: "Agent", reporting: "Reporting" } as const;
export const roleLabel = (role: keyof typeof ROLE_LABELS) => ROLE_LABELS[role];
const AS_A = { admin: "an admin", manager: "a manager", agent: "an agent", reporting: "a reporting user" } as const;
/** "Join Acme as an agent", "Dana is now a manager". */
export const asRole = (role: keyof typeof AS_A) => AS_A[role];
