/**
 * What one realtime socket may send: messages up to a size, at a rate. The Switchboard runs one
 * thread for the tenant; a socket that floods it (12,000 mark-reads in a burst) delays every voice
 * webhook of the tenant behind its messages, so it is closed instead.
 */
import { CLIENT_MESSAGE_BURST, CLIENT_MESSAGES_PER_SECOND, CLOSE_POLICY, CLOSE_TOO_BIG, MAX_CLIENT_MESSAGE_BYTES } from "../schema/messages.ts";

type Bucket = { tokens: number; at: number };
export type Refusal = { code: number; reason: string };

const utf8 = new TextEncoder();

/** A message's size in bytes, counting a string's UTF-8 only when its length leaves it in doubt. */
export function messageBytes(raw: string | ArrayBuffer | ArrayBufferView): number {
  if (typeof raw !== "string") return raw.byteLength;
  // UTF-8 takes one to three bytes per UTF-16 unit.
  if (raw.length > MAX_CLIENT_MESSAGE_BYTES || raw.length * 3 <= MAX_CLIENT_MESSAGE_BYTES) return raw.length;
  return utf8.encode(raw).byteLength;
}

/**
 * Token buckets per connection, in memory: a hibernated or evicted Switchboard forgets them and every
 * socket starts full again, which only happens after the sockets were quiet.
 */
export class SocketLimits {
  readonly #buckets = new Map<string, Bucket>();

  /** Null if this message may be handled, else why the socket is to be closed. */
  admit(connectionId: string, raw: string | ArrayBuffer | ArrayBufferView, now = Date.now()): Refusal | null {
    if (messageBytes(raw) > MAX_CLIENT_MESSAGE_BYTES) return { code: CLOSE_TOO_BIG, reason: "message too big" };
    const bucket = this.#buckets.get(connectionId) ?? { tokens: CLIENT_MESSAGE_BURST, at: now };
    bucket.tokens = Math.min(CLIENT_MESSAGE_BURST, bucket.tokens + ((now - bucket.at) / 1000) * CLIENT_MESSAGES_PER_SECOND);
    bucket.at = now;
    if (bucket.tokens < 1) return { code: CLOSE_POLICY, reason: "too many messages" };
    bucket.tokens -= 1;
    this.#buckets.set(connectionId, bucket);
    return null;
  }

  forget(connectionId: string) {
    this.#buckets.delete(connectionId);
  }
}
