/**
 * fast-check arbitraries for the fuzz suite: values shaped by a route's own zod schema (so many
 * requests get past validation and reach the handler), and the nasty strings and numbers every
 * field is also given.
 */
import fc from "fast-check";
import type { z } from "zod";

/** Strings that have broken parsers somewhere: empty, huge, unicode, lone surrogates, escapes, dates at the edges. */
export const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 24 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "",
      " ",
      "0",
      "-1",
      "1e309",
      "NaN",
      "Infinity",
      "null",
      "true",
      "[]",
      "{}",
      "9999-12-31",
      "0000-00-00",
      "2026-02-30",
      "1969-12-31",
      "2199-12-31",
      "2200-01-01",
      "+14155550124",
      "(415) 555-0124 x12",
      "+1",
      "%",
      "%E0%A4%A",
      "%00",
      "%2F..%2F",
      "\u0000",
      "\uD800",
      "\uFEFF",
      "<script>alert(1)</script>",
      "'; drop table contacts; --",
      "=cmd|' /C calc'!A0",
      "a".repeat(101),
      "a".repeat(5001),
      "𝓤".repeat(60),
      "America/Los_Angeles",
      "Mars/Olympus_Mons",
    ),
  },
);

export const nastyNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 0, -0, 1, 2 ** 31, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e300, -1e300, 8.64e15, 8.64e15 + 1, 253402300800000, 0.5),
);

type Def = { type: string; [k: string]: unknown };
const defOf = (schema: unknown) => (schema as { _zod: { def: Def } })._zod.def;
type Check = { check: string; minimum?: number; maximum?: number; value?: number; format?: string };
const checksOf = (def: Def) => ((def.checks as { _zod: { def: Check } }[] | undefined) ?? []).map((c) => c._zod.def);

/** A string of the kind the schema asks for (its format and length), often right and sometimes not. */
function stringFor(def: Def, pool: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const checks = checksOf(def);
  const min = checks.find((c) => c.check === "min_length")?.minimum ?? 0;
  const max = checks.find((c) => c.check === "max_length")?.maximum ?? 40;
  const formatted: Record<string, fc.Arbitrary<string>> = {
    email: fc.emailAddress(),
    date: fc.oneof(fc.date({ min: new Date("1960-01-01"), max: new Date("2300-01-01"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), fc.constantFrom("9999-12-31", "2026-11-21", "0001-01-01", "1970-01-01", "2199-12-31", "2026-02-30", "2026-03-08", "2026-11-01", "2026-11-30")),
    url: fc.oneof(fc.webUrl(), fc.constantFrom("https://api.twilio.com/rec/RE1", "javascript:alert(1)")),
  };
  const format = (def.format as string | undefined) ?? checks.find((c) => c.format)?.format;
  const shaped = (format && formatted[format]) || fc.string({ minLength: min, maxLength: Math.min(max, 60) });
  return fc.oneof({ weight: 5, arbitrary: shaped }, { weight: 2, arbitrary: nastyString }, { weight: 2, arbitrary: pool }, { weight: 1, arbitrary: fc.string({ minLength: max + 1, maxLength: max + 3 }) });
}

function numberFor(def: Def): fc.Arbitrary<number> {
  const checks = checksOf(def);
  const min = checks.find((c) => c.check === "greater_than")?.value ?? -1000;
  const max = checks.find((c) => c.check === "less_than")?.value ?? 1000;
  const safe = (n: number) => Math.max(Number.MIN_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, Math.round(n)));
  return fc.oneof({ weight: 5, arbitrary: fc.integer({ min: safe(min), max: safe(max) }) }, { weight: 2, arbitrary: nastyNumber });
}

/**
 * Values for a zod schema's input: its own shape with leaves drawn near and outside its limits,
 * and now and then anything at all. `pool` gives strings worth trying (real ids of both tenants).
 */
export function arbitraryOf(schema: unknown, pool: fc.Arbitrary<string>, depth = 0): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const inner = (s: unknown) => arbitraryOf(s, pool, depth + 1);
  if (depth > 6) return fc.constant(null);
  const wild = fc.jsonValue({ maxDepth: 2 });
  let shaped: fc.Arbitrary<unknown>;
  switch (def.type) {
    case "object": {
      const shape = def.shape as Record<string, unknown>;
      const fields = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, inner(v)]));
      shaped = fc.oneof({ weight: 3, arbitrary: fc.record(fields) }, { weight: 2, arbitrary: fc.record(fields, { requiredKeys: [] }) });
      break;
    }
    case "string":
      shaped = stringFor(def, pool);
      break;
    case "number":
      shaped = def.coerce ? fc.oneof(numberFor(def), numberFor(def).map(String), nastyString) : numberFor(def);
      break;
    case "boolean":
      shaped = fc.boolean();
      break;
    case "enum":
      shaped = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...Object.values(def.entries as Record<string, string>)) }, { weight: 1, arbitrary: nastyString });
      break;
    case "literal":
      shaped = fc.constantFrom(...(def.values as unknown[]));
      break;
    case "array":
      shaped = fc.array(inner(def.element), { maxLength: 4 });
      break;
    case "record":
      // Keys from the schema's own key type (real ids among them), such as a dial route's weights.
      shaped = fc.dictionary(inner(def.keyType).filter((k): k is string => typeof k === "string"), inner(def.valueType), { maxKeys: 4 });
      break;
    case "optional":
      shaped = fc.option(inner(def.innerType), { nil: undefined, freq: 4 });
      break;
    case "nullable":
      shaped = fc.option(inner(def.innerType), { nil: null, freq: 4 });
      break;
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      shaped = fc.option(inner(def.innerType), { nil: undefined, freq: 4 });
      break;
    case "union":
      shaped = fc.oneof(...(def.options as unknown[]).map(inner));
      break;
    case "intersection":
      shaped = fc.tuple(inner(def.left), inner(def.right)).map(([a, b]) => (typeof a === "object" && a && typeof b === "object" && b ? { ...a, ...b } : a));
      break;
    case "pipe":
      shaped = inner(def.in);
      break;
    case "lazy":
      shaped = inner((def.getter as () => unknown)());
      break;
    default:
      shaped = wild;
  }
  return fc.oneof({ weight: 12, arbitrary: shaped }, { weight: 1, arbitrary: wild });
}

/** The field names of a zod object schema (through the wrappers and refinements around it). */
export function keysOf(schema: z.core.$ZodType): string[] {
  let def = defOf(schema);
  while (!def.shape && (def.innerType || def.in || def.left)) def = defOf(def.innerType ?? def.in ?? def.left);
  return Object.keys((def.shape as Record<string, unknown> | undefined) ?? {});
}
