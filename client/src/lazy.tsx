/**
 * A screen or panel loaded on first use, so the dashboard's own JavaScript stays small. `quiet` parts
 * (a checklist, a form in a popup) show nothing while they load rather than "Loading…".
 */
import { signal } from "@preact/signals";
import type { ComponentType } from "preact";

export function lazy<P extends object>(load: () => Promise<ComponentType<P>>, { quiet = false } = {}): ComponentType<P> {
  const loaded = signal<ComponentType<P> | null>(null);
  let started = false;
  return function LazyScreen(props: P) {
    if (!started) {
      started = true;
      void load().then((component) => (loaded.value = component));
    }
    const Component = loaded.value;
    if (Component) return <Component {...props} />;
    return quiet ? null : <p class="loading">Loading…</p>;
  };
}
