/** Who is logged in, as a signal the whole app reads. */
import { signal } from "@preact/signals";
import type { UserRole } from "../../schema/constants.ts";
import { api, ApiFailure } from "./api.ts";

export type Me = {
  user: { id: string; email: string; name: string; role: UserRole; popupOn: "ring" | "answer"; popupCloseSeconds: number };
  /** `country`: the tenant's, two letters; phone numbers of that country are shown in its national format. */
  tenant: { id: string; slug: string; name: string; timeZone: string; country: string; crmUrlTemplate?: string | null };
};

/** undefined while we ask the server, null when nobody is logged in. */
export const me = signal<Me | null | undefined>(undefined);

export async function loadMe() {
  try {
    me.value = await api<Me>("GET", "/api/auth/me");
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 401) me.value = null;
    else throw err;
  }
}

export async function logIn(email: string, password: string) {
  await api("POST", "/api/auth/login", { email, password });
  await loadMe();
}

export async function logOut() {
  await api("POST", "/api/auth/logout");
  me.value = null;
}

/** The server ended this session (logout in another tab, expiry): back to the login screen. */
export function sessionEnded() {
  me.value = null;
}
