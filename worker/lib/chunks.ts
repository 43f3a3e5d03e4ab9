/** D1 binds at most 100 values per statement: long `in (...)` lists are asked in parts. */

export function chunks<T>(list: readonly T[], size = 90): T[][] {
  return Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, i * size + size));
}
