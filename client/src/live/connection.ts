/** Keeps a dashboard connected to its tenant's Switchboard, resuming from the last seq after a drop. */
import PartySocket from "partysocket";
import { CLOSE_SESSION_ENDED, serverMessage } from "../../../schema/messages.ts";
import type { LiveStore } from "./model.ts";

const PING_EVERY_MS = 25_000;

/** `sessionEnded` runs when the server closes the socket because the session is over (logged out elsewhere, expired). */
export function connectLive(store: LiveStore, tenantSlug: string, sessionEnded: () => void) {
  const socket = new PartySocket({
    host: location.host,
    protocol: location.protocol === "https:" ? "wss" : "ws",
    party: "switchboard",
    room: tenantSlug,
    // Asked again at every reconnect: the server replays exactly what came after this seq.
    query: () => (store.seq > 0 ? { since: String(store.seq) } : {}),
    // The session is over (logged out, expired): every reconnect would be refused, so none is tried.
    shouldReconnectOnClose: (event) => event.code !== CLOSE_SESSION_ENDED,
  });
  store.send = (message) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };
  socket.addEventListener("open", () => (store.status.value = "live"));
  socket.addEventListener("close", (event: CloseEvent) => {
    store.status.value = "reconnecting";
    if (event.code === CLOSE_SESSION_ENDED) sessionEnded();
  });
  socket.addEventListener("message", (event: MessageEvent) => {
    let data: unknown;
    try {
      data = JSON.parse(String(event.data));
    } catch {
      return;
    }
    const parsed = serverMessage.safeParse(data);
    if (parsed.success) store.apply(parsed.data);
    else console.warn("ignored a message the dashboard does not understand", data);
  });
  const ping = setInterval(() => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
  }, PING_EVERY_MS);
  return () => {
    clearInterval(ping);
    socket.close();
  };
}
