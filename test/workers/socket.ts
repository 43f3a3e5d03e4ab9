/** A dashboard's realtime socket, opened through the real Worker. */
import { exports } from "cloudflare:workers";
import { serverFrame, type ServerMessage } from "../../schema/messages.ts";
import { BASE } from "./helpers.ts";

export function openSocket(slug: string, init: { cookie?: string; origin?: string | null; since?: number; upgrade?: boolean; frames?: "one" | "many" } = {}) {
  const headers = new Headers();
  if (init.upgrade !== false) headers.set("Upgrade", "websocket");
  if (init.cookie) headers.set("Cookie", init.cookie);
  if (init.origin !== null) headers.set("Origin", init.origin ?? BASE);
  const params = new URLSearchParams(init.since === undefined ? {} : { since: String(init.since) });
  // As the dashboard connects (it reads several events to a frame), unless a test plays an older one.
  if ((init.frames ?? "many") === "many") params.set("frames", "many");
  const query = params.size ? `?${params}` : "";
  return exports.default.fetch(new Request(`${BASE}/parties/switchboard/${slug}${query}`, { headers }));
}

export class Dashboard {
  /** Every message received, those that came several to a frame one by one. */
  readonly messages: ServerMessage[] = [];
  /** How many frames brought them. */
  frames = 0;
  readonly invalid: unknown[] = [];
  closed = false;
  /** The server's close code and reason, once it closed the socket. */
  closeCode: number | null = null;
  closeReason = "";
  readonly ws: WebSocket;
  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.accept();
    ws.addEventListener("message", (event) => {
      const data: unknown = JSON.parse(typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data as ArrayBuffer));
      const parsed = serverFrame.safeParse(data);
      this.frames++;
      if (!parsed.success) this.invalid.push(data);
      else if (Array.isArray(parsed.data)) this.messages.push(...parsed.data);
      else this.messages.push(parsed.data);
    });
    ws.addEventListener("close", (event) => {
      this.closed = true;
      this.closeCode = event.code;
      this.closeReason = event.reason;
    });
  }

  static async connect(slug: string, cookie: string, since?: number, frames: "one" | "many" = "many") {
    const res = await openSocket(slug, { cookie, frames, ...(since === undefined ? {} : { since }) });
    if (res.status !== 101 || !res.webSocket) throw new Error(`socket refused: ${res.status} ${await res.text()}`);
    return new Dashboard(res.webSocket);
  }

  /** Waits until `count` messages have arrived (or fails after a while: these are correctness waits, not timings). */
  async waitFor(count: number, limitMs = 5000) {
    const until = Date.now() + limitMs;
    while (this.messages.length < count) {
      if (Date.now() > until) throw new Error(`expected ${count} messages, got ${this.messages.length}: ${JSON.stringify(this.messages)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.messages;
  }

  /** Waits until the server has closed the socket; returns its code and reason. */
  async waitForClose(limitMs = 5000) {
    const until = Date.now() + limitMs;
    while (!this.closed) {
      if (Date.now() > until) throw new Error(`the socket is still open after ${limitMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return { code: this.closeCode, reason: this.closeReason };
  }

  /** Lets in-flight messages land, then returns everything received. */
  async settle() {
    await new Promise((r) => setTimeout(r, 50));
    return this.messages;
  }

  send(data: string) {
    this.ws.send(data);
  }

  close() {
    this.ws.close(1000, "done");
  }

  get lastSeq() {
    return this.messages.reduce((max, m) => Math.max(max, seqOf(m) ?? 0), 0);
  }
}

/** A message's seq; a pong (the runtime's answer to the keep-alive) has none. */
export function seqOf(m: ServerMessage): number | undefined {
  return "seq" in m ? m.seq : undefined;
}
