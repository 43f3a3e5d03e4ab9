/**
 * The benchmark's K dashboards, in a thread of their own: reading every event on every socket must
 * not hold up the thread that times the calls' requests (nor the other way round). Times are
 * absolute (timeOrigin + now), so both threads' clocks compare.
 *
 * Either K dashboards of one tenant (`url`, `cookie`, `k`) or one dashboard per entry of `sockets`
 * (each its own tenant's URL and session, and the tracking number its events must name: a call
 * event of another number, or a notification about a call it never saw, is counted as foreign).
 * They connect `openAtOnce` at a time.
 *
 * Messages from the main thread: "reset" (forget what was seen), "report" (send it), "usage" (this
 * thread's CPU time and event-loop delay since the last "reset"). The main thread ends this one when
 * it is done.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { PING_EVERY_MS, PING_FRAME } from "../schema/constants.ts";
import NoDeflateSocket from "ws";

type Target = { url: string; cookie: string; trackingNumber?: string };
type Seen = {
  ringingAt: Map<string, number>;
  seqs: number[];
  frames: number;
  errors: string[];
  /** Each call's latest status on this dashboard, by the provider's call id. */
  calls: Map<string, string>;
  /** The Switchboard's ids of the calls this dashboard saw (notifications name them). */
  callIds: Set<string>;
  notificationCallIds: string[];
  /** Call events that named another tracking number than this dashboard's tenant's. */
  foreign: string[];
};
/** Per dashboard: when each call's ringing arrived, the seqs of the events seen, and the frames that brought them. */
export type DashboardReport = {
  ringingAt: [string, number][];
  seqs: number[];
  frames: number;
  errors: string[];
  /** Each call seen and its latest status (provider call id, status). */
  calls: [string, string][];
  /** Events that were not this dashboard's tenant's: call events of another tracking number, notifications about a call it never saw. */
  foreign: string[];
}[];
/** This thread's CPU milliseconds and event-loop delay (ms) since the last reset. */
export type DashboardUsage = { cpuMs: number; loopDelay: { p50: number; p99: number; max: number } };

/** `deflate`: offer permessage-deflate as browsers (and Node's WebSocket) do; false opens the sockets with `ws`, which can leave it out. */
const data = workerData as { url?: string; cookie?: string; k?: number; sockets?: Target[]; origin: string; deflate: boolean; openAtOnce?: number };
const targets: Target[] = data.sockets ?? Array.from({ length: data.k ?? 0 }, () => ({ url: data.url!, cookie: data.cookie! }));
const { origin, deflate } = data;
const now = () => performance.timeOrigin + performance.now();
const dashboards: Seen[] = [];

const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
let cpuFrom = process.threadCpuUsage();

function open(target: Target) {
  const seen: Seen = { ringingAt: new Map(), seqs: [], frames: 0, errors: [], calls: new Map(), callIds: new Set(), notificationCallIds: [], foreign: [] };
  dashboards.push(seen);
  return new Promise<void>((resolve, reject) => {
    // Node's WebSocket (undici) takes headers: the session cookie and our Origin, as a browser sends.
    const headers = { Cookie: target.cookie, Origin: origin };
    const socket = deflate ? new WebSocket(`${target.url}?frames=many`, { headers } as unknown as string[]) : (new NoDeflateSocket(`${target.url}?frames=many`, { headers, perMessageDeflate: false }) as unknown as WebSocket);
    socket.addEventListener("message", (event) => {
      const at = now();
      type Message = { type: string; seq: number; call?: { id: string; providerCallId: string; status: string; trackingNumber?: string }; notification?: { callId: string | null } };
      const frame = JSON.parse(String(event.data)) as Message | Message[];
      if (!Array.isArray(frame) && frame.type === "snapshot") {
        // The keep-alive, as the dashboard sends it (client/src/live/connection.ts): every 25 s, from a
        // moment of its own, as dashboards opened at different times would.
        setTimeout(() => {
          const ping = setInterval(() => (socket.readyState === WebSocket.OPEN ? socket.send(PING_FRAME) : clearInterval(ping)), PING_EVERY_MS);
          ping.unref();
        }, Math.random() * PING_EVERY_MS).unref();
        return resolve();
      }
      if (!Array.isArray(frame) && frame.type === "pong") return;
      seen.frames++;
      for (const message of Array.isArray(frame) ? frame : [frame]) {
        if (message.type === "call" || message.type === "notification") seen.seqs.push(message.seq);
        const call = message.call;
        if (message.type === "call" && call) {
          if (call.status === "ringing" && !seen.ringingAt.has(call.providerCallId)) seen.ringingAt.set(call.providerCallId, at);
          if (call.status !== undefined) seen.calls.set(call.providerCallId, call.status);
          if (call.id !== undefined) seen.callIds.add(call.id);
          if (target.trackingNumber !== undefined && call.trackingNumber !== undefined && call.trackingNumber !== target.trackingNumber) seen.foreign.push(`call ${call.providerCallId} to ${call.trackingNumber}`);
        }
        if (message.type === "notification" && message.notification?.callId) seen.notificationCallIds.push(message.notification.callId);
      }
    });
    socket.addEventListener("error", () => reject(new Error("dashboard socket failed")));
    socket.addEventListener("close", (e) => seen.errors.push(`closed ${e.code}`));
  });
}

const openAtOnce = data.openAtOnce ?? 50;
for (let i = 0; i < targets.length; i += openAtOnce) await Promise.all(targets.slice(i, i + openAtOnce).map(open));
parentPort!.postMessage({ type: "ready" });

parentPort!.on("message", (command: string) => {
  if (command === "reset") {
    for (const d of dashboards) {
      d.ringingAt.clear();
      d.seqs.length = 0;
      d.frames = 0;
      d.calls.clear();
      d.callIds.clear();
      d.notificationCallIds.length = 0;
      d.foreign.length = 0;
    }
    delay.reset();
    cpuFrom = process.threadCpuUsage();
    parentPort!.postMessage({ type: "reset" });
  } else if (command === "report") {
    const report: DashboardReport = dashboards.map((d) => ({
      ringingAt: [...d.ringingAt],
      seqs: d.seqs,
      frames: d.frames,
      errors: d.errors,
      calls: [...d.calls],
      // A notification about a call this dashboard never saw is another tenant's (checked now: a frame may carry it before its call).
      foreign: [...d.foreign, ...d.notificationCallIds.filter((id) => !d.callIds.has(id)).map((id) => `notification about call ${id}`)],
    }));
    parentPort!.postMessage({ type: "report", report });
  } else if (command === "usage") {
    const cpu = process.threadCpuUsage(cpuFrom);
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    const usage: DashboardUsage = { cpuMs: Math.round((cpu.user + cpu.system) / 100) / 10, loopDelay: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) } };
    parentPort!.postMessage({ type: "usage", usage });
  }
});
