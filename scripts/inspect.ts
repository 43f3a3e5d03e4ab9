/**
 * The app's V8 heaps, read through workerd's own inspector (Chrome DevTools protocol): Miniflare
 * started with `inspectorPort` (scripts/serve-miniflare.ts) lists every isolate of the process — the
 * app's (`core:user:`, the Worker and its Durable Objects), local D1's, Miniflare's own — and answers
 * `Runtime.getHeapUsage` for each. For the soak: whether the process's memory is the JavaScript heap
 * or outside it. (Miniflare's inspector proxy, `unsafeInspectorProxy`, did not pass the messages on;
 * workerd does not answer `HeapProfiler.collectGarbage`.)
 */

export type HeapUsage = { usedMiB: number; totalMiB: number };

const MiB = 2 ** 20;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** One request to one isolate's inspector; null if it does not answer within `timeoutMs`. */
async function ask<T>(url: string, method: string, timeoutMs: number): Promise<T | null> {
  const ws = new WebSocket(url);
  try {
    return await new Promise<T | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      ws.onerror = () => {
        clearTimeout(timer);
        resolve(null);
      };
      ws.onopen = () => ws.send(JSON.stringify({ id: 1, method }));
      ws.onmessage = (e) => {
        const m = JSON.parse(String(e.data)) as { id?: number; result?: T };
        if (m.id !== 1) return;
        clearTimeout(timer);
        resolve(m.result ?? null);
      };
    });
  } finally {
    ws.close();
  }
}

/** Each isolate's heap, by workerd's name for it (`core:user:` is the app's). */
export async function heapUsage(inspectorPort: number, timeoutMs = 5000): Promise<Record<string, HeapUsage>> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { id: string }[];
  const out: Record<string, HeapUsage> = {};
  for (const { id } of targets) {
    const r = await ask<{ usedSize: number; totalSize: number }>(`ws://127.0.0.1:${inspectorPort}/${id}`, "Runtime.getHeapUsage", timeoutMs);
    if (r) out[id] = { usedMiB: round1(r.usedSize / MiB), totalMiB: round1(r.totalSize / MiB) };
  }
  return out;
}

/** The app's isolate and the sum of all of them. */
export function heapSummary(heaps: Record<string, HeapUsage>) {
  const all = Object.values(heaps);
  return {
    app: heaps["core:user:"] ?? null,
    allUsedMiB: round1(all.reduce((a, h) => a + h.usedMiB, 0)),
    allTotalMiB: round1(all.reduce((a, h) => a + h.totalMiB, 0)),
    isolates: all.length,
  };
}
