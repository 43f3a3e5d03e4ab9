/** The dashboard's client for the REST API: JSON in, JSON out, errors as ApiFailure. */
import type { ApiError } from "../../schema/api.ts";

export class ApiFailure extends Error {
  readonly status: number;
  readonly body: ApiError;
  constructor(status: number, body: ApiError) {
    super(body.error);
    this.status = status;
    this.body = body;
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }));
  if (!res.ok) throw new ApiFailure(res.status, data as ApiError);
  return data as T;
}

/**
 * What went wrong, in words for people: a field's own message under the label the form shows it
 * with ("Password must be at least 10 characters"), else the server's sentence.
 */
export function problem(err: unknown, labels: Record<string, string> = {}) {
  if (!(err instanceof ApiFailure)) return "Could not reach Switchboard; check the connection and try again";
  const issue = err.body.issues?.find((i) => labels[i.path]);
  return issue ? `${labels[issue.path]} ${issue.message}` : err.message;
}
