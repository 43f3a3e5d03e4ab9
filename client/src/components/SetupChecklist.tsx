/**
 * The first-run checklist on the dashboard, for whoever sets the business up (admins and managers):
 * each step links to where it is done and ticks itself when the server says it is. It asks again
 * when the dashboard is shown and when a call arrives (the test call is a step).
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, ApiFailure, problem } from "../api.ts";
import { can } from "../can.ts";
import type { LiveStore } from "../live/model.ts";
import { href } from "../router.ts";
import { formatPhone } from "../format.ts";
import { me } from "../session.ts";

type StepId = "provider" | "number" | "routing" | "test-call" | "team";
/** The test-call step names the sandbox number its button rings (none until one rings somewhere). */
type Setup = { steps: { id: StepId; done: boolean; detail: string | null; trackingNumberId?: string | null }[]; done: boolean };
type TestCall = { providerCallId: string; from: string; to: string; endsAt: number };

const STEPS: Record<StepId, { title: string; where?: { path: string; label: string; scope: Parameters<typeof can>[0] } }> = {
  provider: { title: "Connect a provider account", where: { path: "/settings/providers", label: "Settings › Provider accounts", scope: "providers:manage" } },
  number: { title: "Buy a tracking number", where: { path: "/numbers", label: "Numbers", scope: "numbers:read" } },
  routing: { title: "Say where its calls ring", where: { path: "/numbers", label: "Numbers", scope: "numbers:read" } },
  "test-call": { title: "Place a test call and see the popup" },
  team: { title: "Invite your team", where: { path: "/settings/team", label: "Settings › Team", scope: "users:manage" } },
};

const dismissKey = () => `switchboard:setup-dismissed:${me.value?.tenant.id ?? ""}`;

export function SetupChecklist({ store }: { store: LiveStore }) {
  const setup = useSignal<Setup | null>(null);
  const dismissed = useSignal(localStorage.getItem(dismissKey()) === "1");
  const calls = store.activeCalls.value.length;
  const seen = store.notifications.value.length;
  useEffect(() => {
    if (dismissed.value) return;
    api<Setup>("GET", "/api/setup").then(
      (s) => (setup.value = s),
      // A server without the checklist (404) shows none; anything else is tried again next time.
      (err: unknown) => {
        if (!(err instanceof ApiFailure)) console.warn("setup checklist:", err);
      },
    );
  }, [calls, seen, dismissed.value]);
  const s = setup.value;
  if (!s || s.done || dismissed.value) return null;
  const left = s.steps.filter((step) => !step.done).length;
  return (
    <section class="setup" aria-labelledby="setup-title">
      <header>
        <h2 id="setup-title">
          Getting started <span class="count">{s.steps.length - left} of {s.steps.length} done</span>
        </h2>
        <button type="button" onClick={() => (localStorage.setItem(dismissKey(), "1"), (dismissed.value = true))}>
          Hide
        </button>
      </header>
      <ol>
        {s.steps.map((step) => {
          const meta = STEPS[step.id] ?? { title: step.id };
          return (
            <li key={step.id} data-step={step.id} class={step.done ? "done" : "todo"}>
              <span class="tick" aria-label={step.done ? "Done" : "To do"}>
                {step.done ? "✓" : ""}
              </span>
              <div>
                <strong>{meta.title}</strong>
                {step.detail && <span class="muted"> — {step.detail}</span>}
                {!step.done && meta.where && can(meta.where.scope) && (
                  <div>
                    <a href={href(meta.where.path)}>Go to {meta.where.label}</a>
                  </div>
                )}
                {step.id === "test-call" && !step.done && step.trackingNumberId && <TestCallButton trackingNumberId={step.trackingNumberId} />}
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** Places a simulated call to a sandbox tracking number: the popup then opens through the live socket. */
function TestCallButton({ trackingNumberId }: { trackingNumberId: string }) {
  const message = useSignal<string | null>(null);
  const busy = useSignal(false);
  async function call() {
    busy.value = true;
    try {
      const placed = await api<TestCall>("POST", `/api/tracking-numbers/${trackingNumberId}/test-call`, {});
      message.value = `Calling ${formatPhone(placed.to)} from ${formatPhone(placed.from)}: the popup opens in a moment.`;
    } catch (err) {
      message.value = problem(err);
    } finally {
      busy.value = false;
    }
  }
  return (
    <div class="actions test-call">
      <button type="button" class="primary" disabled={busy.value} onClick={() => void call()}>
        Place a test call
      </button>
      {message.value && <span role="status">{message.value}</span>}
    </div>
  );
}
