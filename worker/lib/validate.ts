import { zValidator } from "@hono/zod-validator";
import type { Context, ValidationTargets } from "hono";
import type { $ZodType } from "zod/v4/core";
import { apiError, issuesOf } from "./errors.ts";

/** The 400 for input that failed its schema: `{ error, issues: [{ path, message }] }`. */
export function refuseInvalid(c: Context, target: keyof ValidationTargets, error: Parameters<typeof issuesOf>[0]) {
  const issues = issuesOf(error);
  const first = issues[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ""}${first.message}` : "invalid input";
  return apiError(c, 400, `Invalid ${target}: ${summary}`, issues);
}

/**
 * zValidator that answers 400 with `{ error, issues: [{ path, message }] }`, so every endpoint
 * reports bad input the same way.
 */
export function validate<T extends $ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result, c) => {
    if (!result.success) return refuseInvalid(c, target, result.error);
  });
}
