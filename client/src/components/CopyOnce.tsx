/**
 * A secret the server shows once (an API key, an invitation or reset link): readable, selectable,
 * with a copy button, and a note on what to do with it, because it cannot be shown again.
 */
import { useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";

export function CopyOnce({ label, value, children, onClose }: { label: string; value: string; children: ComponentChildren; onClose: () => void }) {
  const copied = useSignal(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      copied.value = true;
    } catch {
      // No clipboard (an insecure origin, a refused permission): the text stays selected to copy by hand.
      (document.getElementById("copy-once-value") as HTMLInputElement | null)?.select();
    }
  }
  return (
    <section class="copy-once" role="region" aria-label={label}>
      <strong>{label}</strong>
      <div class="copy-row">
        <input id="copy-once-value" readOnly value={value} aria-label={label} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" class="primary" onClick={() => void copy()}>
          {copied.value ? "Copied" : "Copy"}
        </button>
      </div>
      <p class="muted">{children}</p>
      <button type="button" onClick={onClose}>
        Done
      </button>
    </section>
  );
}
