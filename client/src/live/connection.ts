/** Keeps a dashboard connected to its tenant's Switchboard, resuming from the last seq after a drop. */
import PartySocket from "partysocket";
import { CLOSE_RECONNECT, CLOSE_SESSION_ENDED, PING_EVERY_MS, PING_FRAME, ROLE_CHANGED } from "../../../schema/constants.ts";
import type { ServerMessage } from "../../../schema/messages.ts";

const SERVER_MESSAGE_TYPES = new Set<string>(["snapshot", "call", "notification", "read", "pong", "error"] satisfies ServerMessage["type"][]);
import type { LiveStore } from "./model.ts";

/**
 * `sessionEnded` runs when the server closes the socket because the session is over (logged out
 * elsewhere, expired); `roleChanged` when it closes it because the user's role changed (the socket
 * reconnects by itself; the app asks who it is again, so screens follow the new role).
 */
export function connectLive(store: LiveStore, tenantSlug: string, sessionEnded: () => void, roleChanged: () => void = () => {}) {
  const socket = new PartySocket({
    host: location.host,
    protocol: location.protocol === "https:" ? "wss" : "ws",
    party: "switchboard",
    room: tenantSlug,
    // Asked again at every reconnect: the server replays exactly what came after this seq.
    // `frames=many`: this dashboard reads several events to a frame (schema/messages.ts).
    query: () => ({ frames: "many", ...(store.seq > 0 ? { since: String(store.seq) } : {}) }),
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
    else if (event.code === CLOSE_RECONNECT && event.reason === ROLE_CHANGED) roleChanged();
  });
  socket.addEventListener("message", (event: MessageEvent) => {
    let data: unknown;
    try {
      data = JSON.parse(String(event.data));
    } catch {
      return;
    }
    // Our own server's frames, of the shapes in schema/messages.ts (the Workers tests check every
    // frame the server sends against those schemas): a message, or several events in an array. The
    // dashboard checks only their kind, so that zod stays out of its first screen's JavaScript.
    for (const message of Array.isArray(data) ? data : [data]) {
      const type = (message as { type?: unknown } | null)?.type;
      if (typeof type === "string" && SERVER_MESSAGE_TYPES.has(type)) store.apply(message as ServerMessage);
      else console.warn("ignored a message the dashboard does not understand", message);
    }
  });
  const ping = setInterval(() => {
    if (socket.readyState === WebSocket.OPEN) socket.send(PING_FRAME);
  }, PING_EVERY_MS);
  return () => {
    clearInterval(ping);
    socket.close();
  };
}
