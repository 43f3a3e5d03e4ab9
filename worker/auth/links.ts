/**
 * Single-use links: an invitation to join a tenant, or a link to set a password. The token is shown
 * once, in the link; D1 keeps only its SHA-256, so a leaked table opens nothing. There is no email
 * service: whoever makes a link passes it on.
 */
import type { Context } from "hono";
import { sha256Hex, randomToken } from "../lib/crypto.ts";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const RESET_TTL_MS = 24 * 60 * 60 * 1000;

/** The dashboard's page for each kind of link (its hash routes). */
const PAGES = { invitation: "invite", reset: "reset" } as const;

/** A fresh token, its hash for D1, and the dashboard link that carries it. */
export async function newLink(c: Context | { origin: string }, kind: keyof typeof PAGES) {
  const token = randomToken(32);
  const origin = "origin" in c ? c.origin : new URL(c.req.url).origin;
  return { token, tokenHash: await sha256Hex(token), url: `${origin}/#/${PAGES[kind]}/${token}` };
}

export const tokenHashOf = (token: string) => sha256Hex(token);
