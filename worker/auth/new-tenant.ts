/**
 * What every new tenant gets, however it is made (sign-up, or the operator's CLI in Node): its slug,
 * and the credentials of its sandbox Twilio account. Pure functions, no bindings, so Node can run them.
 */
import { randomBytes, randomToken } from "../lib/crypto.ts";

/** `Acme Plumbing & Heating` → `acme-plumbing-heating`: lower-case ASCII letters, digits and dashes. */
export function slugOf(business: string) {
  const slug = business
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return slug || "tenant";
}

/** The slug, or the slug with the first free `-2`, `-3`… among `taken` (the slugs that are `base` or start `base-`). */
export function firstFreeSlug(base: string, taken: Set<string>) {
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

/** Credentials no one else has: a sandbox account is never called, but its webhooks are signed with the token. */
export function sandboxTwilioCredentials() {
  const hex = [...randomBytes(16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return { accountSid: `AC${hex}`, authToken: randomToken(24) };
}
