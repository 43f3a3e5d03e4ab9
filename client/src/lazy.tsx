/** A screen loaded on first use, so the dashboard's own JavaScript stays small. */
import { signal } from "@preact/signals";
import type { ComponentType } from "preact";

export function lazy<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  const loaded = signal<ComponentType<P> | null>(null);
  let started = false;
  return function LazyScreen(props: P) {
    if (!started) {
      started = true;
      void load().then((component) => (loaded.value = component));
    }
    const Component = loaded.value;
    return Component ? <Component {...props} /> : <p class="loading">Loading…</p>;
  };
}
