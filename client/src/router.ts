/** A hash router: the screen is a signal of the path after "#". */
import { signal } from "@preact/signals";

export type Location = { path: string[]; query: URLSearchParams };

function read(): Location {
  const hash = location.hash.replace(/^#\/?/, "");
  const [path = "", query = ""] = hash.split("?");
  return { path: path.split("/").filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

export const here = signal<Location>(read());
addEventListener("hashchange", () => (here.value = read()));

export function href(path: string, query?: Record<string, string | undefined>) {
  const q = query ? new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined)).toString() : "";
  return `#${path}${q ? `?${q}` : ""}`;
}

export function navigate(path: string, query?: Record<string, string | undefined>) {
  location.hash = href(path, query);
}
