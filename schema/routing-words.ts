/**
 * A conditional route's rules in words a business owner reads ("Weekdays 09:00 – 17:00 and caller
 * in area code 415"), one phrase for every kind of condition in ./routing.ts: the route tree labels
 * each rule with them (worker/routing/graph.ts), and the dashboard reads the same words. Types only
 * from ./routing.ts, so zod stays out of the dashboard's JavaScript.
 */
import { callerTypeLabel } from "./words.ts";
import type { CallerType } from "./constants.ts";
import type { Condition } from "./routing.ts";

export const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;
export const DAY_SHORT = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

/** "415", "415 or 628", "415, 628 or 510". */
function either(items: string[]) {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

/** "every day", "weekdays", "weekends", "Mon–Thu" (three days or more in a row), else "Mon, Wed and Fri". */
export function daysWords(days: readonly number[]) {
  const set = [...new Set(days)].sort((a, b) => a - b);
  const key = set.join();
  if (set.length === 7) return "every day";
  if (key === "1,2,3,4,5") return "weekdays";
  if (key === "0,6") return "weekends";
  const inRow = set.every((d, i) => i === 0 || d === set[i - 1]! + 1);
  if (inRow && set.length >= 3) return `${DAY_SHORT[set[0]!]}–${DAY_SHORT[set.at(-1)!]}`;
  const names = set.map((d) => DAY_SHORT[d] ?? String(d));
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * "09:00 – 17:00"; a window whose end is not after its start runs past midnight into the next day
 * (as tagging hours do), and one that ends when it starts covers no time at all.
 */
export function spanWords(from: string, to: string) {
  if (from === to) return `${from} – ${to} (no time at all)`;
  return to < from ? `${from} – ${to} the next day` : `${from} – ${to}`;
}

/** "a customer", "an employee", "unknown (not a contact)". */
function callerWords(type: CallerType) {
  if (type === "unknown") return "unknown (not a contact)";
  const word = callerTypeLabel(type).toLowerCase();
  return `${/^[aeiou]/.test(word) ? "an" : "a"} ${word}`;
}

/** What a condition names that only the tenant's configuration can say: a receiving number's label. */
export type ConditionNames = { receivingLabel: (id: string) => string | null };

/** One condition as a phrase that can stand inside a sentence ("caller in area code 415"). */
export function conditionPhrase(c: Condition, names: ConditionNames): string {
  switch (c.type) {
    case "time":
      return `${daysWords(c.days)} ${spanWords(c.from, c.to)}`;
    case "caller-type":
      return `caller is ${either([...new Set(c.in)].map(callerWords))}`;
    case "known":
      return c.value ? "caller is a known contact" : "caller is not a known contact";
    case "area-code":
      return `caller in area code${new Set(c.in).size > 1 ? "s" : ""} ${either([...new Set(c.in)])}`;
    case "hours": {
      const label = names.receivingLabel(c.receivingNumberId);
      return `${c.open ? "during" : "outside"} the tagging hours of ${label ?? "a receiving number that is gone"}`;
    }
    case "business-hours":
      return c.open ? "during business hours" : "outside business hours";
    case "tag":
      return `caller's contact is tagged ${either([...new Set(c.in)])}`;
    default: {
      const unreachable: never = c;
      throw new Error(`unknown condition ${JSON.stringify(unreachable)}`);
    }
  }
}

/** A rule's conditions, all of which must hold, as one line: "Weekdays 09:00 – 17:00 and caller in area code 415". */
export function ruleWords(when: readonly Condition[], names: ConditionNames) {
  const line = when.map((c) => conditionPhrase(c, names)).join(" and ");
  return line.charAt(0).toUpperCase() + line.slice(1);
}
