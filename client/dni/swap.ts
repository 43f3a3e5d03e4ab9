/**
 * How the snippet finds a business's number in a page's text and writes the visit's number in its
 * place, as plain functions over strings (test/client/dni.test.ts runs them in Node): the new number
 * keeps the old one's writing ("(415) 555-0100" becomes "(415) 555-0123", "415.555.0100" "415.555.0123").
 */

/** A run of digits with the punctuation phone numbers are written with: a candidate number. */
const PHONE = /\+?\d[\d\s().\-\u00a0]{5,}\d/g;

export const digitsOf = (text: string) => text.replace(/\D/g, "");

/**
 * Whether two numbers' digits are the same number: equal, or one is the other with its country code
 * (at most 3 digits more), seven digits at least.
 */
export function sameNumber(a: string, b: string) {
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  return short.length >= 7 && long.length - short.length <= 3 && long.endsWith(short);
}

/** The new number written as `old` is: each of old's digits, from the right, becomes the new number's. */
export function rewrite(old: string, number: string) {
  const digits = digitsOf(number);
  let i = digits.length;
  let out = "";
  for (let k = old.length - 1; k >= 0; k--) {
    const ch = old[k]!;
    out = (ch >= "0" && ch <= "9" && i > 0 ? digits[--i] : ch) + out;
  }
  return out;
}

/** `text` with every number that is one of `targets` (digits; with `any`, every number) written as `number`. */
export function replaceNumbers(text: string, targets: string[], number: string, any = false) {
  return text.replace(PHONE, (found) => (any || targets.some((t) => sameNumber(t, digitsOf(found))) ? rewrite(found, number) : found));
}
