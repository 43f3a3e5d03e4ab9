/**
 * Realtime messages on /parties/switchboard/<tenant-slug>, both ways, as zod discriminated unions.
 * Every server message but `pong` carries the tenant's `seq`: events (`call`, `notification`) each
 * take the next one; the others carry the latest so a client always knows where it stands. A `pong`
 * is the runtime's answer to the keep-alive, sent without waking a hibernated Switchboard, so it
 * carries nothing.
 */
import * as z from "zod/mini";
import { liveCall, notification } from "./calls.ts";
import { lazy } from "./lazy.ts";

const seq = lazy(() => z.number().check(z.int(), z.nonnegative()));
const count = lazy(() => z.number().check(z.int(), z.nonnegative()));

/** First message on a fresh connection, and on a reconnect too far behind to replay. */
export const snapshotMessage = lazy(() => z.object({
  type: z.literal("snapshot"),
  seq,
  calls: z.array(liveCall),
  notifications: z.array(notification),
  /** Which of those notifications this user has read already. */
  read: z.array(z.string()),
  /** How many of all the tenant's notifications this user has not read: the window above holds only the latest. */
  unread: count,
}));
/** A call appeared or changed; a call whose status is terminal has left the active list. */
export const callMessage = lazy(() => z.object({ type: z.literal("call"), seq, call: liveCall }));
export const notificationMessage = lazy(() => z.object({ type: z.literal("notification"), seq, notification }));
/**
 * A user read notifications (on any of their screens); sent only to that user's connections. `ids`
 * were all unread until this event; `unread` is the user's count after it (absent from events logged
 * before the count was sent, which a reconnect may still replay).
 */
export const readMessage = lazy(() => z.object({ type: z.literal("read"), seq, userId: z.string(), ids: z.array(z.string()), unread: z.optional(count) }));
export const pongMessage = lazy(() => z.object({ type: z.literal("pong") }));
/** The client sent something the server does not understand; the connection stays open. */
export const errorMessage = lazy(() => z.object({ type: z.literal("error"), seq, message: z.string() }));

export const serverMessage = lazy(() => z.discriminatedUnion("type", [snapshotMessage, callMessage, notificationMessage, readMessage, pongMessage, errorMessage]));
export type ServerMessage = z.infer<typeof serverMessage>;
/** The messages kept in the event log and replayed to a client that reconnects. */
export const eventMessage = lazy(() => z.discriminatedUnion("type", [callMessage, notificationMessage, readMessage]));
export type EventMessage = z.infer<typeof eventMessage>;
/**
 * What one WebSocket frame from the server holds: a message, or several events as a JSON array in
 * seq order (the events of one operation for the same dashboards, or a stretch of a replay).
 */
export const serverFrame = lazy(() => z.union([serverMessage, z.array(eventMessage).check(z.minLength(2))]));
export type ServerFrame = z.infer<typeof serverFrame>;
/** An event before the log gives it its seq. */
export type NewEvent = EventMessage extends infer E ? (E extends EventMessage ? Omit<E, "seq"> : never) : never;

export const pingMessage = lazy(() => z.object({ type: z.literal("ping") }));
/**
 * Marks notifications read for this user: the ids given, or every notification so far. A dashboard
 * holds the 50 latest and sends one id per click, or "all"; a hundred ids of ours fit the size cap.
 */
export const markReadMessage = lazy(() => z.object({
  type: z.literal("mark-read"),
  ids: z.union([z.array(z.string().check(z.maxLength(64))).check(z.maxLength(100)), z.literal("all")]),
}));
export const clientMessage = lazy(() => z.discriminatedUnion("type", [pingMessage, markReadMessage]));
export type ClientMessage = z.infer<typeof clientMessage>;

/** The query a client connects with: `since` is the last seq it saw, when it reconnects. */
export const connectQuery = lazy(() => z.object({
  since: z.optional(z.coerce.number().check(z.int(), z.nonnegative())),
  /** "many": this client reads frames of several events (every dashboard since they exist; one opened before gets one event a frame). */
  frames: z.optional(z.literal("many")),
}));

export { CLOSE_POLICY, CLOSE_RECONNECT, CLOSE_SESSION_ENDED, CLOSE_TOO_BIG, PING_FRAME, PONG_FRAME, ROLE_CHANGED } from "./constants.ts";

/** The largest message a client may send; a mark-read of a hundred of our ids is under 7 KB. */
export const MAX_CLIENT_MESSAGE_BYTES = 8 * 1024;
/**
 * Messages a socket may send: a burst of CLIENT_MESSAGE_BURST, refilled at CLIENT_MESSAGES_PER_SECOND.
 * A dashboard sends a ping every 25 s and a mark-read per click; a script that floods is cut off.
 */
export const CLIENT_MESSAGE_BURST = 60;
export const CLIENT_MESSAGES_PER_SECOND = 5;
