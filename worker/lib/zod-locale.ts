/**
 * zod's English messages ("Too small: expected string to have >=1 characters", ...). Classic zod
 * loads them when it is imported; zod/mini, which the Worker's schemas use, does not, and without
 * them every built-in check would answer "Invalid input". The Worker's entry imports this first
 * (it sets zod's global config, so it covers the Durable Object in the same isolate too); only the
 * English locale is bundled.
 */
import * as z from "zod/mini";
import { en } from "zod/locales";

// The messages' tables are made at the first issue, not at start-up: a request that passes every check never needs them.
let english: ReturnType<typeof en>["localeError"] | undefined;
z.config({ localeError: (issue) => (english ??= en().localeError)(issue) });
