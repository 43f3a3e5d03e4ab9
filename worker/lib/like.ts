/** Escapes LIKE's wildcards so a search for "50%" or "a_b" means those characters (use with escape '\'). */
export function escapeLike(text: string) {
  return text.replace(/[\\%_]/g, (m) => `\\${m}`);
}
