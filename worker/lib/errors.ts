import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ApiError } from "../../schema/api.ts";

type IssueList = { issues: readonly { path: readonly PropertyKey[]; message: string }[] };

export function issuesOf(error: IssueList): NonNullable<ApiError["issues"]> {
  return error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}

/** A 4xx with the body shape every client of the API can rely on. */
export function apiError(c: Context, status: ContentfulStatusCode, error: string, issues?: ApiError["issues"]) {
  const body: ApiError = issues?.length ? { error, issues } : { error };
  return c.json(body, status);
}
