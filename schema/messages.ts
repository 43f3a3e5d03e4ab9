/**
 * Realtime messages on /parties/switchboard/<tenant-slug>, both ways, as zod discriminated unions.
 * Every server message carries the tenant's `seq`: events (`call`, `notification`) each take the
 * next one; the others carry the latest so a client always knows where it stands.
 */
import * as z from "zod/mini";
import { liveCall, notification } from "./calls.ts";

const seq = z.number().check(z.int(), z.nonnegative());

/** First message on a fresh connection, and on a reconnect too far behind to replay. */
export const snapshotMessage = z.object({
  type: z.literal("snapshot"),
  seq,
  calls: z.array(liveCall),
  notifications: z.array(notification),
});
/** A call appeared or changed; a call whose status is terminal has left the active list. */
export const callMessage = z.object({ type: z.literal("call"), seq, call: liveCall });
export const notificationMessage = z.object({ type: z.literal("notification"), seq, notification });
export const pongMessage = z.object({ type: z.literal("pong"), seq });
/** The client sent something the server does not understand; the connection stays open. */
export const errorMessage = z.object({ type: z.literal("error"), seq, message: z.string() });

export const serverMessage = z.discriminatedUnion("type", [snapshotMessage, callMessage, notificationMessage, pongMessage, errorMessage]);
export type ServerMessage = z.infer<typeof serverMessage>;
/** The messages kept in the event log and replayed to a client that reconnects. */
export type EventMessage = z.infer<typeof callMessage> | z.infer<typeof notificationMessage>;
/** An event before the log gives it its seq. */
export type NewEvent = EventMessage extends infer E ? (E extends EventMessage ? Omit<E, "seq"> : never) : never;

export const pingMessage = z.object({ type: z.literal("ping") });
export const clientMessage = z.discriminatedUnion("type", [pingMessage]);
export type ClientMessage = z.infer<typeof clientMessage>;

/** The query a client connects with: `since` is the last seq it saw, when it reconnects. */
export const connectQuery = z.object({ since: z.optional(z.coerce.number().check(z.int(), z.nonnegative())) });
