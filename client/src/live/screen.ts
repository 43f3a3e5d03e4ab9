/** Whether the screen is too narrow for a popup column: popups then take a sheet at the bottom (the stylesheet's breakpoint). */
import { signal } from "@preact/signals";

const query = typeof matchMedia === "undefined" ? null : matchMedia("(max-width: 63.99rem)");
export const narrow = signal(query?.matches ?? false);
query?.addEventListener("change", (e) => (narrow.value = e.matches));
