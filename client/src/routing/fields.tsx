/** Small pieces the routing forms share: a refusal shown at its field, and the weekly hours editor. */
import { DAY_NAMES, windowWords, type HoursWindow } from "./model.ts";

/** The API's words about one field, beneath it. */
export function FieldIssues({ messages }: { messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <p class="field-issue" role="alert">
      {messages.join("; ")}
    </p>
  );
}

const WEEKDAYS = [1, 2, 3, 4, 5];

/**
 * Weekly windows in the business's time zone. A window whose end is before its start runs past
 * midnight into the next day (Friday 22:00–02:00 ends on Saturday at 02:00), and says so.
 */
export function HoursEditor({ value, onChange, disabled, legend, zone }: { value: HoursWindow[]; onChange: (v: HoursWindow[]) => void; disabled?: boolean; legend: string; zone: string }) {
  const set = (i: number, patch: Partial<HoursWindow>) => onChange(value.map((w, j) => (j === i ? { ...w, ...patch } : w)));
  return (
    <fieldset class="hours">
      <legend>{legend}</legend>
      <small class="muted">Times in {zone}. A window that ends before it starts runs past midnight into the next day.</small>
      {value.length === 0 && <p class="muted">No hours: always open.</p>}
      <ul class="hours-list">
        {value.map((w, i) => (
          <li key={i} class="hours-row" data-window={windowWords(w)}>
            <select aria-label={`Window ${i + 1}: day`} value={w.day} disabled={disabled} onChange={(e) => set(i, { day: Number((e.currentTarget as HTMLSelectElement).value) })}>
              {DAY_NAMES.map((d, n) => (
                <option key={d} value={n}>
                  {d}
                </option>
              ))}
            </select>
            <input type="time" aria-label={`Window ${i + 1}: from`} value={w.from} disabled={disabled} required onChange={(e) => set(i, { from: (e.currentTarget as HTMLInputElement).value })} />
            <span aria-hidden="true">to</span>
            <input type="time" aria-label={`Window ${i + 1}: to`} value={w.to} disabled={disabled} required onChange={(e) => set(i, { to: (e.currentTarget as HTMLInputElement).value })} />
            <span class="muted window-words">{w.to < w.from ? `${windowWords(w)} (past midnight)` : windowWords(w)}</span>
            {!disabled && (
              <button type="button" class="small" aria-label={`Remove window ${i + 1}`} onClick={() => onChange(value.filter((_, j) => j !== i))}>
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {!disabled && (
        <div class="actions">
          <button type="button" class="small" onClick={() => onChange([...value, { day: 1, from: "09:00", to: "17:00" }])}>
            Add window
          </button>
          <button type="button" class="small" onClick={() => onChange([...value.filter((w) => !WEEKDAYS.includes(w.day)), ...WEEKDAYS.map((day) => ({ day, from: "09:00", to: "17:00" }))])}>
            Monday–Friday 9–5
          </button>
        </div>
      )}
    </fieldset>
  );
}
