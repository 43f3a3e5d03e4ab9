/**
 * The route editor's part for each kind: dial, voice menu, queue, geo, conditional, agent. Each
 * edits its own slice of the draft (./draft.ts) through `change`, and shows the API's refusals at the
 * field they are about.
 */
import type { ComponentChildren } from "preact";
import { CALLER_TYPES, type CallerType } from "../../../schema/constants.ts";
import { callerTypeLabel } from "../format.ts";
import type { Condition, RouteDraft, Slot } from "./draft.ts";
import { listOf } from "./draft.ts";
import { FieldIssues } from "./fields.tsx";
import { MAX_WEIGHT } from "../../../schema/constants.ts";
import { DAY_SHORT, issuesAt, MENU_KEYS, PATTERN_WORDS, PATTERNS_SHOWN, receivingName, routing, type DialPattern, type Issue } from "./model.ts";
import { TargetPicker } from "./TargetPicker.tsx";

export type EditorProps = { d: RouteDraft; change: (edit: (d: RouteDraft) => void) => void; issues: Issue[]; disabled: boolean; selfId: string | undefined };

const num = (e: Event) => Number((e.currentTarget as HTMLInputElement).value);
const str = (e: Event) => (e.currentTarget as HTMLInputElement).value;

function Issues({ issues, path, exact = false }: { issues: Issue[]; path: string; exact?: boolean }) {
  return <FieldIssues messages={exact ? issues.filter((i) => i.path === path).map((i) => i.message) : issuesAt(issues, path)} />;
}

function PatternField({ value, onChange, disabled }: { value: DialPattern; onChange: (p: DialPattern) => void; disabled: boolean }) {
  return (
    <fieldset class="patterns">
      <legend>Dialling pattern</legend>
      {PATTERNS_SHOWN.map((p) => (
        <label key={p} class="choice">
          <input type="radio" name="pattern" value={p} checked={value === p} disabled={disabled} onChange={() => onChange(p)} />
          <span>
            <strong>{PATTERN_WORDS[p].title}</strong> <small class="muted">{PATTERN_WORDS[p].hint}</small>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/**
 * Receiving numbers in order: searched or typed, moved up and down, removed. Each row is one
 * number; per-number settings (a weight for weighted round robin) belong in the row.
 */
function NumberRows({
  numbers,
  set,
  issues,
  disabled,
  legend,
  weights,
}: {
  numbers: Slot[];
  /** The rows as they are now, with their weights moved, removed and added alongside (when weighed). */
  set: (n: Slot[], w: number[]) => void;
  issues: Issue[];
  disabled: boolean;
  legend: string;
  /** Round robin's weight per row: shown when given. */
  weights?: number[] | undefined;
}) {
  const w = numbers.map((_, i) => weights?.[i] ?? 1);
  const move = (i: number, by: number) => {
    const next = [...numbers];
    const nextW = [...w];
    const [it] = next.splice(i, 1);
    const [weight] = nextW.splice(i, 1);
    next.splice(i + by, 0, it ?? null);
    nextW.splice(i + by, 0, weight ?? 1);
    set(next, nextW);
  };
  const drop = (i: number) => set(numbers.filter((_, j) => j !== i), w.filter((_, j) => j !== i));
  const weightOf = (t: Slot) => (t?.kind === "receiving" ? routing.receiving.value?.find((r) => r.id === t.id)?.label : t?.kind === "new" ? t.number : undefined);
  return (
    <fieldset class="number-rows">
      <legend>{legend}</legend>
      <ol>
        {numbers.map((t, i) => (
          <li key={i} class="row">
            <TargetPicker label={`Number ${i + 1}`} value={t} onChange={(v) => set(numbers.map((x, j) => (j === i ? v : x)), w)} path={`config.receivingNumberIds.${i}`} issues={issues} receivingOnly disabled={disabled} />
            {weights && (
              <label class="weight" title="Its share of the calls: 3 beside 1 starts 3 calls of every 4 here">
                Weight
                <input
                  type="number"
                  min={1}
                  max={MAX_WEIGHT}
                  step={1}
                  required
                  value={w[i]}
                  disabled={disabled}
                  aria-label={`Weight of number ${i + 1}${weightOf(t) ? ` (${weightOf(t)})` : ""}`}
                  onInput={(e) => set(numbers, w.map((x, j) => (j === i ? num(e) : x)))}
                />
              </label>
            )}
            {!disabled && (
              <span class="row-tools">
                <button type="button" class="small" aria-label={`Move number ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                  ↑
                </button>
                <button type="button" class="small" aria-label={`Move number ${i + 1} down`} disabled={i === numbers.length - 1} onClick={() => move(i, 1)}>
                  ↓
                </button>
                <button type="button" class="small" aria-label={`Remove number ${i + 1}`} onClick={() => drop(i)}>
                  Remove
                </button>
              </span>
            )}
          </li>
        ))}
      </ol>
      <Issues issues={issues} path="config.receivingNumberIds" exact />
      {!disabled && (
        <button type="button" class="small" onClick={() => set([...numbers, null], [...w, 1])}>
          Add receiving number
        </button>
      )}
    </fieldset>
  );
}

export function DialEditor({ d, change, issues, disabled }: EditorProps) {
  return (
    <>
      <NumberRows
        legend="Receiving numbers, in order"
        numbers={d.dial.numbers}
        weights={d.dial.pattern === "round-robin" && d.dial.numbers.length > 1 ? d.dial.weights : undefined}
        set={(n, w) => change((x) => void ((x.dial.numbers = n), (x.dial.weights = w)))}
        issues={issues}
        disabled={disabled}
      />
      {d.dial.pattern === "round-robin" && d.dial.numbers.length > 1 && <small class="muted">Weights share out the calls: a number of weight 3 beside one of weight 1 takes 3 calls of every 4 first.</small>}
      <Issues issues={issues} path="config.weights" />
      {d.dial.numbers.length > 1 && <PatternField value={d.dial.pattern} disabled={disabled} onChange={(p) => change((x) => void (x.dial.pattern = p))} />}
      {d.dial.numbers.length > 1 && (
        <label class="choice">
          <input type="checkbox" checked={d.dial.sticky} disabled={disabled} onChange={(e) => change((x) => void (x.dial.sticky = (e.currentTarget as HTMLInputElement).checked))} />
          <span>
            <strong>Sticky</strong> <small class="muted">A returning caller rings first whoever answered them last, then the pattern</small>
          </span>
        </label>
      )}
      <TargetPicker
        label="When nobody answers"
        value={d.dial.noAnswer}
        onChange={(t) => change((x) => void (x.dial.noAnswer = t))}
        path="config.noAnswer"
        issues={issues}
        none="None: each receiving number's own no-answer target, else the call ends"
        disabled={disabled}
      />
    </>
  );
}

export function MenuEditor({ d, change, issues, disabled, selfId }: EditorProps) {
  const m = d.menu;
  const free = MENU_KEYS.filter((k) => !m.options.some((o) => o.digit === k));
  return (
    <>
      <label>
        Greeting (read to the caller)
        <textarea rows={3} value={m.greeting} required maxLength={1000} placeholder="Thanks for calling. Press 1 for sales, press 2 for service." disabled={disabled} onInput={(e) => change((x) => void (x.menu.greeting = str(e)))} />
        <Issues issues={issues} path="config.greeting" />
      </label>
      <fieldset class="menu-keys">
        <legend>Keys</legend>
        <ul>
          {m.options.map((o, i) => (
            <li key={i} class="row" data-key={o.digit}>
              <label>
                Key
                <select value={o.digit} disabled={disabled} onChange={(e) => change((x) => void (x.menu.options[i]!.digit = str(e) as typeof o.digit))}>
                  {MENU_KEYS.filter((k) => k === o.digit || free.includes(k)).map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
              </label>
              <TargetPicker label={`Press ${o.digit}: go to`} value={o.target} onChange={(t) => change((x) => void (x.menu.options[i]!.target = t))} path={`config.options.${i}.target`} issues={issues} selfRouteId={selfId} disabled={disabled} />
              {!disabled && (
                <button type="button" class="small" aria-label={`Remove key ${o.digit}`} onClick={() => change((x) => void x.menu.options.splice(i, 1))}>
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
        <Issues issues={issues} path="config.options" exact />
        {!disabled && free.length > 0 && (
          <button type="button" class="small" onClick={() => change((x) => void x.menu.options.push({ digit: free[0]!, target: null }))}>
            Add key
          </button>
        )}
      </fieldset>
      <div class="field-row">
        <label>
          Wait for a key (seconds)
          <input type="number" min={1} max={30} value={m.timeoutSeconds} disabled={disabled} onInput={(e) => change((x) => void (x.menu.timeoutSeconds = num(e)))} />
          <Issues issues={issues} path="config.timeoutSeconds" />
        </label>
        <label>
          Times the menu is offered
          <input type="number" min={1} max={5} value={m.attempts} disabled={disabled} onInput={(e) => change((x) => void (x.menu.attempts = num(e)))} />
          <Issues issues={issues} path="config.attempts" />
        </label>
      </div>
      <TargetPicker
        label="When no key is pressed"
        value={m.timeoutTarget}
        onChange={(t) => change((x) => void (x.menu.timeoutTarget = t))}
        path="config.timeoutTarget"
        issues={issues}
        none="None: the call ends after the last offer"
        selfRouteId={selfId}
        disabled={disabled}
      />
    </>
  );
}

export function QueueEditor({ d, change, issues, disabled, selfId }: EditorProps) {
  const q = d.queue;
  return (
    <>
      <label>
        Greeting (optional)
        <input value={q.greeting} maxLength={1000} placeholder="All our staff are busy; please hold." disabled={disabled} onInput={(e) => change((x) => void (x.queue.greeting = str(e)))} />
        <Issues issues={issues} path="config.greeting" />
      </label>
      <label>
        Hold music URL (optional)
        <input type="url" value={q.holdMusicUrl} maxLength={500} placeholder="https://example.com/hold.mp3" disabled={disabled} onInput={(e) => change((x) => void (x.queue.holdMusicUrl = str(e)))} />
        <Issues issues={issues} path="config.holdMusicUrl" />
      </label>
      <NumberRows legend="Agents' numbers" numbers={q.numbers} set={(n) => change((x) => void (x.queue.numbers = n))} issues={issues} disabled={disabled} />
      <PatternField value={q.pattern} disabled={disabled} onChange={(p) => change((x) => void (x.queue.pattern = p))} />
      <label>
        Longest wait (seconds)
        <input type="number" min={10} max={3600} value={q.maxWaitSeconds} disabled={disabled} onInput={(e) => change((x) => void (x.queue.maxWaitSeconds = num(e)))} />
        <Issues issues={issues} path="config.maxWaitSeconds" />
      </label>
      <TargetPicker label="After the longest wait" value={q.timeoutTarget} onChange={(t) => change((x) => void (x.queue.timeoutTarget = t))} path="config.timeoutTarget" issues={issues} none="None: the call ends" selfRouteId={selfId} disabled={disabled} />
    </>
  );
}

export function GeoEditor({ d, change, issues, disabled, selfId }: EditorProps) {
  return (
    <>
      <p class="muted">A caller goes to the location that lists their area code, else their state or province, else the location nearest them.</p>
      {d.geo.locations.map((l, i) => (
        <fieldset key={i} class="location">
          <legend>Location {i + 1}</legend>
          <label>
            Name
            <input value={l.name} required maxLength={100} placeholder="Oakland shop" disabled={disabled} onInput={(e) => change((x) => void (x.geo.locations[i]!.name = str(e)))} />
            <Issues issues={issues} path={`config.locations.${i}.name`} />
          </label>
          <TargetPicker label="Rings" value={l.target} onChange={(t) => change((x) => void (x.geo.locations[i]!.target = t))} path={`config.locations.${i}.target`} issues={issues} selfRouteId={selfId} disabled={disabled} />
          <div class="field-row">
            <label>
              Area codes
              <input value={l.areaCodes} placeholder="510, 925" disabled={disabled} onInput={(e) => change((x) => void (x.geo.locations[i]!.areaCodes = str(e)))} />
              <Issues issues={issues} path={`config.locations.${i}.areaCodes`} />
            </label>
            <label>
              States or provinces
              <input value={l.regions} placeholder="CA, NV" disabled={disabled} onInput={(e) => change((x) => void (x.geo.locations[i]!.regions = str(e)))} />
              <Issues issues={issues} path={`config.locations.${i}.regions`} />
            </label>
            <label>
              Its own area code (for nearest)
              <input value={l.near} inputMode="numeric" maxLength={3} placeholder="510" disabled={disabled} onInput={(e) => change((x) => void (x.geo.locations[i]!.near = str(e)))} />
              <Issues issues={issues} path={`config.locations.${i}.near`} />
            </label>
          </div>
          {!disabled && d.geo.locations.length > 1 && (
            <button type="button" class="small" onClick={() => change((x) => void x.geo.locations.splice(i, 1))}>
              Remove location {i + 1}
            </button>
          )}
        </fieldset>
      ))}
      {!disabled && (
        <button type="button" class="small" onClick={() => change((x) => void x.geo.locations.push({ name: "", target: null, areaCodes: "", regions: "", near: "" }))}>
          Add location
        </button>
      )}
      <TargetPicker label="Callers from anywhere else" value={d.geo.default} onChange={(t) => change((x) => void (x.geo.default = t))} path="config.default" issues={issues} selfRouteId={selfId} disabled={disabled} />
    </>
  );
}

/** The conditions the API has, in words, with a blank of each to start from. */
const CONDITIONS: { [K in Condition["type"]]: { title: string; blank: () => Extract<Condition, { type: K }> } } = {
  time: { title: "Day and time", blank: () => ({ type: "time", days: [1, 2, 3, 4, 5], from: "09:00", to: "17:00" }) },
  "caller-type": { title: "Caller type", blank: () => ({ type: "caller-type", in: ["customer"] }) },
  known: { title: "Known or unknown caller", blank: () => ({ type: "known", value: true }) },
  "area-code": { title: "Caller's area code", blank: () => ({ type: "area-code", in: [] }) },
  hours: { title: "A receiving number's tagging hours", blank: () => ({ type: "hours", receivingNumberId: routing.receiving.value?.[0]?.id ?? "", open: true }) },
  tag: { title: "Caller's contact tag", blank: () => ({ type: "tag", in: [] }) },
  "business-hours": { title: "Business hours", blank: () => ({ type: "business-hours", open: false }) },
};
const CONDITION_TYPES = Object.keys(CONDITIONS) as Condition["type"][];

function ConditionFields({ c, set, disabled, n }: { c: Condition; set: (c: Condition) => void; disabled: boolean; n: string }) {
  const toggle = <T,>(list: T[], v: T, on: boolean) => (on ? [...list, v] : list.filter((x) => x !== v));
  switch (c.type) {
    case "time":
      return (
        <span class="condition-fields">
          {DAY_SHORT.map((day, i) => (
            <label key={day} class="inline">
              <input type="checkbox" checked={c.days.includes(i)} disabled={disabled} onChange={(e) => set({ ...c, days: toggle(c.days, i, (e.currentTarget as HTMLInputElement).checked).sort() })} />
              {day}
            </label>
          ))}
          <input type="time" aria-label={`${n}: from`} value={c.from} disabled={disabled} onChange={(e) => set({ ...c, from: str(e) })} />
          <span aria-hidden="true">to</span>
          <input type="time" aria-label={`${n}: to`} value={c.to} disabled={disabled} onChange={(e) => set({ ...c, to: str(e) })} />
        </span>
      );
    case "caller-type":
      return (
        <span class="condition-fields">
          {CALLER_TYPES.map((t: CallerType) => (
            <label key={t} class="inline">
              <input type="checkbox" checked={c.in.includes(t)} disabled={disabled} onChange={(e) => set({ ...c, in: toggle(c.in, t, (e.currentTarget as HTMLInputElement).checked) })} />
              {callerTypeLabel(t)}
            </label>
          ))}
        </span>
      );
    case "known":
      return (
        <select aria-label={`${n}: which callers`} value={String(c.value)} disabled={disabled} onChange={(e) => set({ ...c, value: str(e) === "true" })}>
          <option value="true">Known (a contact)</option>
          <option value="false">Unknown</option>
        </select>
      );
    case "area-code":
      return <input aria-label={`${n}: area codes`} value={c.in.join(", ")} placeholder="415, 628" disabled={disabled} onChange={(e) => set({ ...c, in: listOf(str(e)) })} />;
    case "hours":
      return (
        <span class="condition-fields">
          <select aria-label={`${n}: receiving number`} value={c.receivingNumberId} disabled={disabled} onChange={(e) => set({ ...c, receivingNumberId: str(e) })}>
            {(routing.receiving.value ?? []).map((r) => (
              <option key={r.id} value={r.id}>
                {receivingName(r)}
              </option>
            ))}
          </select>
          <select aria-label={`${n}: open or closed`} value={String(c.open)} disabled={disabled} onChange={(e) => set({ ...c, open: str(e) === "true" })}>
            <option value="true">is open</option>
            <option value="false">is closed</option>
          </select>
        </span>
      );
    case "business-hours":
      return (
        <select aria-label={`${n}: the business`} value={String(c.open)} disabled={disabled} onChange={(e) => set({ ...c, open: str(e) === "true" })}>
          <option value="true">is open</option>
          <option value="false">is closed</option>
        </select>
      );
    case "tag":
      return <input aria-label={`${n}: tags`} value={c.in.join(", ")} placeholder="vip, commercial" disabled={disabled} onChange={(e) => set({ ...c, in: str(e).split(",").map((s) => s.trim()).filter(Boolean) })} />;
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}

export function ConditionalEditor({ d, change, issues, disabled, selfId }: EditorProps) {
  return (
    <>
      <p class="muted">The first rule whose conditions all hold decides where the call goes.</p>
      {d.conditional.rules.map((rule, i) => (
        <fieldset key={i} class="rule">
          <legend>Rule {i + 1}</legend>
          <ul>
            {rule.when.map((c, j) => {
              const n = `Rule ${i + 1}, condition ${j + 1}`;
              return (
                <li key={j} class="row condition">
                  <select
                    aria-label={`${n}: kind`}
                    value={c.type}
                    disabled={disabled}
                    onChange={(e) =>
                      change((x) => {
                        x.conditional.rules[i]!.when[j] = CONDITIONS[str(e) as Condition["type"]].blank();
                      })
                    }
                  >
                    {CONDITION_TYPES.map((t) => (
                      <option key={t} value={t}>
                        {CONDITIONS[t].title}
                      </option>
                    ))}
                  </select>
                  <ConditionFields c={c} n={n} disabled={disabled} set={(next) => change((x) => void (x.conditional.rules[i]!.when[j] = next))} />
                  {!disabled && rule.when.length > 1 && (
                    <button type="button" class="small" aria-label={`Remove ${n}`} onClick={() => change((x) => void x.conditional.rules[i]!.when.splice(j, 1))}>
                      Remove
                    </button>
                  )}
                  <Issues issues={issues} path={`config.rules.${i}.when.${j}`} />
                </li>
              );
            })}
          </ul>
          {!disabled && (
            <button type="button" class="small" onClick={() => change((x) => void x.conditional.rules[i]!.when.push(CONDITIONS.time.blank()))}>
              And another condition
            </button>
          )}
          <TargetPicker label={`Rule ${i + 1}: go to`} value={rule.target} onChange={(t) => change((x) => void (x.conditional.rules[i]!.target = t))} path={`config.rules.${i}.target`} issues={issues} selfRouteId={selfId} disabled={disabled} />
          {!disabled && d.conditional.rules.length > 1 && (
            <button type="button" class="small" onClick={() => change((x) => void x.conditional.rules.splice(i, 1))}>
              Remove rule {i + 1}
            </button>
          )}
        </fieldset>
      ))}
      <Issues issues={issues} path="config.rules" exact />
      {!disabled && (
        <button type="button" class="small" onClick={() => change((x) => void x.conditional.rules.push({ when: [CONDITIONS.known.blank()], target: null }))}>
          Add rule
        </button>
      )}
      <TargetPicker label="Otherwise" value={d.conditional.default} onChange={(t) => change((x) => void (x.conditional.default = t))} path="config.default" issues={issues} selfRouteId={selfId} disabled={disabled} />
    </>
  );
}

export function AgentEditor({ d, change, issues, disabled, selfId }: EditorProps) {
  const agents = routing.agents.value;
  const chosen = agents.find((a) => a.id === d.agent.userId);
  return (
    <>
      <label>
        Agent
        <select value={d.agent.userId} required disabled={disabled} onChange={(e) => change((x) => void (x.agent.userId = str(e)))}>
          <option value="">Choose an agent</option>
          {agents.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
              {a.agentNumber ? "" : " (no number set)"}
            </option>
          ))}
        </select>
        <Issues issues={issues} path="config.userId" />
      </label>
      {chosen && !chosen.agentNumber && <p class="notice">{chosen.name} has not set the number they take calls on (Profile): until they do, this route goes straight to its no-answer step.</p>}
      <TargetPicker label="When the agent does not answer" value={d.agent.noAnswer} onChange={(t) => change((x) => void (x.agent.noAnswer = t))} path="config.noAnswer" issues={issues} none="None: the call ends" selfRouteId={selfId} disabled={disabled} />
    </>
  );
}

export function KindEditor(props: EditorProps): ComponentChildren {
  switch (props.d.kind) {
    case "dial":
      return <DialEditor {...props} />;
    case "menu":
      return <MenuEditor {...props} />;
    case "queue":
      return <QueueEditor {...props} />;
    case "geo":
      return <GeoEditor {...props} />;
    case "conditional":
      return <ConditionalEditor {...props} />;
    case "agent":
      return <AgentEditor {...props} />;
    default: {
      const unreachable: never = props.d.kind;
      return unreachable;
    }
  }
}
