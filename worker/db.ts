import { drizzle } from "drizzle-orm/d1";
import * as schema from "../schema/db.ts";

export type Db = ReturnType<typeof getDb>;

/** One drizzle instance per binding: building its table map costs more than most queries. */
const instances = new WeakMap<D1Database, ReturnType<typeof make>>();

const make = (d1: D1Database) => drizzle(d1, { schema });

export function getDb(d1: D1Database) {
  let db = instances.get(d1);
  if (!db) {
    db = make(d1);
    instances.set(d1, db);
  }
  return db;
}
