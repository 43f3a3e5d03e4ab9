/**
 * Counts what this dashboard saved on calls (call information, the contact a call belongs to):
 * screens that list calls (a contact's history) read them again when it moves, with no reload.
 */
import { signal } from "@preact/signals";

export const callsSaved = signal(0);
