/** Whether a request's Origin is the Worker's own, or one listed in ALLOWED_ORIGINS (comma-separated). */
export function originAllowed(origin: string | undefined, requestUrl: string, allowed: string) {
  if (!origin) return false;
  if (origin === new URL(requestUrl).origin) return true;
  return allowed
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean)
    .includes(origin);
}
