/** The wall clock, once a second, for live durations; it ticks while anything reads it. */
import { signal } from "@preact/signals";

export const now = signal(Date.now());
setInterval(() => (now.value = Date.now()), 1000);
