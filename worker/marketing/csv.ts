/** CSV in and out, with papaparse: imports say which rows were refused and why. */

/**
 * papaparse, loaded by the first CSV an isolate reads or writes. Bundled as CommonJS, its factory
 * would otherwise run at every isolate's start-up, and no call or dashboard needs it.
 */
let papaparse: Promise<typeof import("papaparse")> | null = null;
const loadPapa = () => (papaparse ??= import("papaparse").then((m) => m.default ?? m));

export type CsvRow = { line: number; values: Record<string, string> };

/** Rows keyed by lower-cased, trimmed header; `line` is the row's line in the file (header is 1). */
export async function parseCsv(text: string): Promise<{ rows: CsvRow[]; error: string | null }> {
  const Papa = await loadPapa();
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ""), {
    header: true,
    skipEmptyLines: "greedy",
    transformHeader: (h) => h.trim().toLowerCase(),
    transform: (v) => v.trim(),
  });
  const fatal = parsed.errors.find((e) => e.type === "Delimiter" || e.type === "Quotes");
  if (!parsed.meta.fields?.length) return { rows: [], error: "the file has no header row" };
  return {
    rows: parsed.data.map((values, i) => ({ line: i + 2, values })),
    error: fatal ? `line ${fatal.row === undefined ? "?" : fatal.row + 2}: ${fatal.message}` : null,
  };
}

/**
 * A text a spreadsheet would run as a formula: it starts with = @, a tab or a carriage return, or with
 * + or - (OWASP's list) unless it is a plain number or phone number ("+14155550124", "-12.50", from
 * which nothing can call a function). Such a text is written with a leading ' so it stays text.
 */
export const FORMULA = /^(?:[=@\t\r]|[+-](?![\d\s().+-]*$))/;

export async function toCsv(rows: Record<string, string | number | boolean | null>[], columns: string[]) {
  const Papa = await loadPapa();
  return Papa.unparse({ fields: columns, data: rows.map((r) => columns.map((c) => r[c] ?? "")) }, { escapeFormulae: FORMULA });
}

/** "1,234.50", "$12", "12.5" → cents; null when it is not an amount. */
export function parseAmount(text: string): number | null {
  const clean = text.replace(/[$€£,\s]/g, "");
  if (!/^-?\d+(\.\d{1,2})?$/.test(clean)) return null;
  return Math.round(Number(clean) * 100);
}
