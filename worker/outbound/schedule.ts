/**
 * When a failed delivery is tried again, as plain functions of the attempt and the clock. The
 * schedule is Standard Webhooks' reference one (Svix's): after the first attempt, 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h and 10 h, eight attempts over 27 h 35 min. A receiver's `Retry-After` (on
 * a 429 or 5xx) names the wait instead, up to a day. Cloudflare Queues delay a message by at most
 * 12 hours, so a longer wait is a chain of delays: the message comes back early, finds its time
 * not yet come (`nextAttemptAt`), and waits again.
 */

/** Seconds to wait after attempt n (1-based) failed; none after the last. */
export const RETRY_DELAYS_S = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_S.length + 1;
/** Cloudflare Queues' longest delay for send() and retry() (Queues limits: 12 hours). */
export const MAX_QUEUE_DELAY_S = 12 * 3600;
/** The longest `Retry-After` honoured. */
export const MAX_RETRY_AFTER_S = 24 * 3600;
/** An endpoint that has failed every attempt for this long is disabled. */
export const DISABLE_AFTER_MS = 3 * 24 * 3600 * 1000;
/** How long an endpoint has to answer before the attempt counts as a timeout. */
export const ATTEMPT_TIMEOUT_MS = 15_000;
/** How long an attempt in flight holds its delivery (longer than the timeout and reading the answer). */
export const LEASE_MS = 60_000;

/** What an attempt came to: an answer's status, or none (timeout, connection failed). */
export type AttemptOutcome = { status: number | null; retryAfterS?: number | null };

/** 2xx: received. */
export const received = (status: number | null) => status !== null && status >= 200 && status < 300;

/**
 * Whether it is worth trying again: no answer (a timeout or a connection that failed), 408, 429 or
 * a 5xx. Any other answer (a 3xx — redirects are not followed — or a 4xx) is the receiver's "no",
 * which another try would not change.
 */
export function retryable(status: number | null) {
  return status === null || status === 408 || status === 429 || status >= 500;
}

/** `Retry-After` in seconds (delta-seconds or an HTTP date), clamped to [0, MAX_RETRY_AFTER_S]; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (header === null) return null;
  const text = header.trim();
  let seconds: number;
  if (/^\d+$/.test(text)) seconds = Number(text);
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return null;
    seconds = Math.ceil((at - now) / 1000);
  }
  return Math.min(MAX_RETRY_AFTER_S, Math.max(0, seconds));
}

/**
 * When to try again after attempt number `attempts` (1-based) failed, in epoch ms, or null to give
 * up: a retryable outcome before the last attempt waits its turn in the schedule, or what the
 * receiver's Retry-After asked.
 */
export function nextAttemptAt(attempts: number, outcome: AttemptOutcome, now: number): number | null {
  if (received(outcome.status) || !retryable(outcome.status) || attempts >= MAX_ATTEMPTS) return null;
  const wait = outcome.retryAfterS ?? RETRY_DELAYS_S[Math.max(0, attempts - 1)]!;
  return now + wait * 1000;
}

/** The delay to hand Queues for a message due at `at`: whole seconds, at most Queues' maximum (longer waits chain). */
export function queueDelaySeconds(at: number, now: number) {
  return Math.min(MAX_QUEUE_DELAY_S, Math.max(0, Math.ceil((at - now) / 1000)));
}

/** Whether an endpoint failing since `failingSince` has failed long enough to be disabled at `now`. */
export function failedTooLong(failingSince: number | null, now: number) {
  return failingSince !== null && now - failingSince >= DISABLE_AFTER_MS;
}
