/**
 * A business's webhook receiver, for the outbound tests: `https://hooks.test/<box>` takes POSTs and
 * keeps each (its headers and raw body) for `GET https://hooks.test/<box>/received`. Every test
 * names a box of its own, so files running side by side never read each other's. The query of the
 * URL registered says how it answers: `fail=N` answers the first N attempts of each webhook-id 503
 * with `Retry-After: 1` (`retryAfter=S` changes it), `status=C` answers every attempt C.
 */
type Received = { headers: Record<string, string>; body: string; answered: number; at: number };

const boxes = new Map<string, Received[]>();

const KEPT_HEADERS = ["webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "user-agent"];

export const fakeReceiver = {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const [box, what] = url.pathname.split("/").filter(Boolean);
    if (!box) return new Response("name a box: https://hooks.test/<box>", { status: 404 });
    if (request.method === "GET" && what === "received") return Response.json(boxes.get(box) ?? []);
    if (request.method !== "POST") return new Response("POST only", { status: 405 });
    const list = boxes.get(box) ?? [];
    boxes.set(box, list);
    const headers = Object.fromEntries(KEPT_HEADERS.flatMap((h) => (request.headers.get(h) !== null ? [[h, request.headers.get(h)!]] : [])));
    const id = headers["webhook-id"] ?? "";
    const before = list.filter((r) => r.headers["webhook-id"] === id).length;
    const fail = Number(url.searchParams.get("fail") ?? 0);
    const status = url.searchParams.get("status");
    const answered = status ? Number(status) : before < fail ? 503 : 200;
    list.push({ headers, body: await request.text(), answered, at: Date.now() });
    if (answered === 503 && !status) return new Response("busy, come back", { status: 503, headers: { "Retry-After": url.searchParams.get("retryAfter") ?? "1" } });
    return new Response(answered < 300 ? `ok ${box}` : `refused by ${box}`, { status: answered });
  },
};
