/**
 * The benchmark's K dashboards, in a thread of their own: reading every event on every socket must
 * not hold up the thread that times the calls' requests (nor the other way round). Times are
 * absolute (timeOrigin + now), so both threads' clocks compare.
 *
 * Messages from the main thread: "reset" (forget what was seen), "report" (send it). The main
 * thread ends this one when it is done.
 */
import { parentPort, workerData } from "node:worker_threads";
import NoDeflateSocket from "ws";

type Seen = { ringingAt: Map<string, number>; seqs: number[]; frames: number; errors: string[] };
/** Per dashboard: when each call's ringing arrived, the seqs of the events seen, and the frames that brought them. */
export type DashboardReport = { ringingAt: [string, number][]; seqs: number[]; frames: number; errors: string[] }[];

/** `deflate`: offer permessage-deflate as browsers (and Node's WebSocket) do; false opens the sockets with `ws`, which can leave it out. */
const { url, cookie, origin, k, deflate } = workerData as { url: string; cookie: string; origin: string; k: number; deflate: boolean };
const now = () => performance.timeOrigin + performance.now();
const dashboards: Seen[] = [];

await Promise.all(
  Array.from({ length: k }, () => {
    const seen: Seen = { ringingAt: new Map(), seqs: [], frames: 0, errors: [] };
    dashboards.push(seen);
    return new Promise<void>((resolve, reject) => {
      // Node's WebSocket (undici) takes headers: the session cookie and our Origin, as a browser sends.
      const headers = { Cookie: cookie, Origin: origin };
      const socket = deflate ? new WebSocket(`${url}?frames=many`, { headers } as unknown as string[]) : (new NoDeflateSocket(`${url}?frames=many`, { headers, perMessageDeflate: false }) as unknown as WebSocket);
      socket.addEventListener("message", (event) => {
        const at = now();
        type Message = { type: string; seq: number; call?: { providerCallId: string; status: string } };
        const frame = JSON.parse(String(event.data)) as Message | Message[];
        if (!Array.isArray(frame) && frame.type === "snapshot") return resolve();
        seen.frames++;
        for (const message of Array.isArray(frame) ? frame : [frame]) {
          if (message.type === "call" || message.type === "notification") seen.seqs.push(message.seq);
          if (message.type === "call" && message.call?.status === "ringing" && !seen.ringingAt.has(message.call.providerCallId)) seen.ringingAt.set(message.call.providerCallId, at);
        }
      });
      socket.addEventListener("error", () => reject(new Error("dashboard socket failed")));
      socket.addEventListener("close", (e) => seen.errors.push(`closed ${e.code}`));
    });
  }),
);
parentPort!.postMessage({ type: "ready" });

parentPort!.on("message", (command: string) => {
  if (command === "reset") {
    for (const d of dashboards) {
      d.ringingAt.clear();
      d.seqs.length = 0;
      d.frames = 0;
    }
    parentPort!.postMessage({ type: "reset" });
  } else if (command === "report") {
    const report: DashboardReport = dashboards.map((d) => ({ ringingAt: [...d.ringingAt], seqs: d.seqs, frames: d.frames, errors: d.errors }));
    parentPort!.postMessage({ type: "report", report });
  }
});
