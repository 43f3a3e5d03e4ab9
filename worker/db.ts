import { drizzle } from "drizzle-orm/d1";
import * as schema from "../schema/db.ts";

export type Db = ReturnType<typeof getDb>;

export function getDb(d1: D1Database) {
  return drizzle(d1, { schema });
}
