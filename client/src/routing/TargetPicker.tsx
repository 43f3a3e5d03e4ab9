/**
 * Where a call goes next, picked as in CTM's route editor: type to search the receiving numbers,
 * routes, voicemail and hang-up, or type a number that is not there yet; it becomes a receiving
 * number when the form is saved. A combobox of its own (an <input> and a listbox), since a
 * <datalist> cannot say what kind of thing each choice is.
 */
import { useSignal } from "@preact/signals";
import { useMemo } from "preact/hooks";
import { formatPhone } from "../format.ts";
import { receivingName, routing, targetName, type DraftTarget } from "./model.ts";
import { FieldIssues } from "./fields.tsx";

let pickers = 0;

type Choice = { key: string; name: string; hint: string; target: DraftTarget | null };

/** Whether typed text is meant as a number to ring: a phone number (7 digits or more) or a SIP address. */
export const looksLikeNumber = (text: string) => /^\s*sips?:/i.test(text) || (/^[\d\s()+.-]+$/.test(text) && text.replace(/\D/g, "").length >= 7);

export function TargetPicker(props: {
  label: string;
  value: DraftTarget | null | undefined;
  onChange: (t: DraftTarget | null) => void;
  /** The field's path in the API body, where its refusals are shown. */
  path: string;
  issues: { path: string; message: string }[];
  /** Receiving numbers only (a dial's or queue's list). */
  receivingOnly?: boolean;
  /** "None" is a choice (the target is optional); its words say what happens then. */
  none?: string;
  /** The route being edited: not offered (it would lead to itself). */
  selfRouteId?: string | undefined;
  disabled?: boolean;
}) {
  const id = useMemo(() => `target-picker-${++pickers}`, []);
  const query = useSignal<string | null>(null);
  const active = useSignal(0);
  const typed = query.value;
  const choices: Choice[] = [];
  if (typed !== null) {
    const q = typed.trim().toLowerCase();
    const digits = q.replace(/\D/g, "");
    const matches = (...words: string[]) => !q || words.some((w) => w.toLowerCase().includes(q)) || (digits.length >= 3 && words.some((w) => w.replace(/\D/g, "").includes(digits)));
    if (props.none !== undefined && !q) choices.push({ key: "none", name: "None", hint: props.none, target: null });
    for (const r of routing.receiving.value ?? [])
      if (matches(r.label, r.number, formatPhone(r.number))) choices.push({ key: `r:${r.id}`, name: receivingName(r), hint: "Receiving number", target: { kind: "receiving", id: r.id } });
    if (!props.receivingOnly) {
      for (const r of routing.routes.value ?? []) if (r.id !== props.selfRouteId && matches(r.name, "route")) choices.push({ key: `t:${r.id}`, name: r.name, hint: "Route", target: { kind: "route", id: r.id } });
      if (matches("Voicemail")) choices.push({ key: "voicemail", name: "Voicemail", hint: "The caller leaves a message", target: { kind: "voicemail" } });
      if (matches("Hang up")) choices.push({ key: "hangup", name: "Hang up", hint: "The call ends", target: { kind: "hangup" } });
    }
    const known = (routing.receiving.value ?? []).some((r) => r.number.replace(/\D/g, "").endsWith(digits) && digits.length >= 10);
    if (looksLikeNumber(typed) && !known) choices.unshift({ key: "new", name: `New receiving number: ${typed.trim()}`, hint: "Added as a receiving number when you save", target: { kind: "new", number: typed.trim() } });
  }
  const open = typed !== null;
  const choose = (c: Choice) => {
    props.onChange(c.target);
    query.value = null;
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!open) query.value = "";
      active.value = Math.max(0, Math.min(choices.length - 1, active.value + (e.key === "ArrowDown" ? 1 : -1)));
    } else if (e.key === "Enter" && open) {
      e.preventDefault();
      const c = choices[active.value];
      if (c) choose(c);
    } else if (e.key === "Escape" && open) {
      e.stopPropagation();
      query.value = null;
    }
  };
  const value = props.value;
  const messages = props.issues.filter((i) => i.path === props.path || i.path.startsWith(`${props.path}.`));
  return (
    <div class={`target-picker${messages.length ? " invalid" : ""}`}>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        role="combobox"
        aria-expanded={open}
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-invalid={messages.length > 0}
        autoComplete="off"
        disabled={props.disabled}
        placeholder="Search, or type a new number"
        value={open ? typed : value ? targetName(value) : props.none !== undefined ? "" : ""}
        onFocus={() => {
          query.value = "";
          active.value = 0;
        }}
        onInput={(e) => {
          query.value = (e.currentTarget as HTMLInputElement).value;
          active.value = 0;
        }}
        onBlur={() => (query.value = null)}
        onKeyDown={onKey}
      />
      {open && (
        <ul role="listbox" id={`${id}-list`} class="choices-list">
          {choices.length === 0 && <li class="muted">Nothing matches; type a phone number to add it</li>}
          {choices.map((c, i) => (
            <li
              key={c.key}
              role="option"
              aria-selected={i === active.value}
              // Chosen on mousedown, before the input's blur closes the list.
              onMouseDown={(e) => {
                e.preventDefault();
                choose(c);
              }}
            >
              <span>{c.name}</span> <small class="muted">{c.hint}</small>
            </li>
          ))}
        </ul>
      )}
      {!open && !value && props.none !== undefined && <small class="muted">{props.none}</small>}
      {value?.kind === "voicemail" && (
        <input
          class="greeting"
          aria-label={`${props.label}: voicemail greeting`}
          placeholder="Greeting (optional): Please leave a message…"
          value={value.greeting ?? ""}
          disabled={props.disabled}
          onChange={(e) => {
            const greeting = (e.currentTarget as HTMLInputElement).value.trim();
            props.onChange(greeting ? { kind: "voicemail", greeting } : { kind: "voicemail" });
          }}
        />
      )}
      <FieldIssues messages={messages.map((m) => m.message)} />
    </div>
  );
}
