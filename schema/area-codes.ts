/**
 * North American area codes: a number's, and where each is (its state's or province's code, its main
 * city and that city's coordinates), for the geo route and the number shops. The rows are a copy of the
 * `areacodes` package's data (schema/area-codes-data.ts, made by `npm run area-codes`), read into a
 * map at the first lookup rather than when the Worker starts.
 */
import { AREA_CODE_ROWS } from "./area-codes-data.ts";

export type AreaCode = { code: string; stateCode: string; city: string | null; latitude: number | null; longitude: number | null };

let table: Map<string, AreaCode> | null = null;

function areaCodes() {
  if (table) return table;
  table = new Map();
  for (const row of AREA_CODE_ROWS.split("\n")) {
    const [code = "", stateCode = "", city = "", latitude = "", longitude = ""] = row.split("|");
    table.set(code, { code, stateCode, city: city || null, latitude: latitude ? Number(latitude) : null, longitude: longitude ? Number(longitude) : null });
  }
  return table;
}

/** The NANP area code of an E.164 number (+1 NXX ...), or null. */
export function areaCodeOf(number: string) {
  return /^\+1(\d{3})\d{7}$/.exec(number)?.[1] ?? null;
}

/** Where a three-digit area code is, or undefined for a code that names no place (toll-free, unassigned). */
export function areaCodeInfo(code: string): AreaCode | undefined {
  return areaCodes().get(code);
}

/** The first area code (in numeric order) of a state or province ("NJ" → "201"), or undefined. */
export function firstAreaCodeOf(stateCode: string): string | undefined {
  for (const info of areaCodes().values()) if (info.stateCode === stateCode) return info.code;
  return undefined;
}
