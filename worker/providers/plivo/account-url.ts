/**
 * Plivo's webhooks do not say which account they come from, so every URL we give Plivo names it:
 * `auth_id=` in the query, which V3 signs.
 */
export const ACCOUNT_PARAM = "auth_id";

/** The URL with the account named in its query (once). */
export function withAccount(url: string, authId: string) {
  const parsed = new URL(url);
  parsed.searchParams.set(ACCOUNT_PARAM, authId);
  return parsed.toString();
}
