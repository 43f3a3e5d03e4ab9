/**
 * "Contains this text", as SQL: `instr` of both sides lower-cased (ASCII, as LIKE folds case). Not
 * LIKE: D1 refuses a LIKE pattern of 50 bytes or more ("LIKE or GLOB pattern too complex"), and a
 * search box takes longer text than that; `instr` has no pattern to escape or to refuse.
 */
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";

export function contains(column: SQLWrapper, text: string): SQL {
  return sql`instr(lower(${column}), lower(${text})) > 0`;
}
