import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";
import { apiError, issuesOf } from "./errors.ts";

/**
 * zValidator that answers 400 with `{ error, issues: [{ path, message }] }`, so every endpoint
 * reports bad input the same way.
 */
export function validate<T extends ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result, c) => {
    if (!result.success) {
      const issues = issuesOf(result.error);
      const first = issues[0];
      const summary = first ? `${first.path ? `${first.path}: ` : ""}${first.message}` : "invalid input";
      return apiError(c, 400, `Invalid ${target}: ${summary}`, issues);
    }
  });
}
