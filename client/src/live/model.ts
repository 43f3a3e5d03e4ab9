/**
 * The dashboard's live state as signals: active calls, popups, notifications with this user's read
 * marks and unread count, and the last `seq` seen. `apply` takes one server message; it holds no socket (`send` is
 * wired by the connection), so tests drive it directly.
 */
import { computed, signal } from "@preact/signals";
import type { LiveCall, Notification } from "../../../schema/calls.ts";
import { isTerminal } from "../../../schema/constants.ts";
import type { ClientMessage, ServerMessage } from "../../../schema/messages.ts";

export type PopupPreference = "ring" | "answer";
export type ConnectionStatus = "connecting" | "live" | "reconnecting";

const KEEP_NOTIFICATIONS = 100;

/** How many popups show in full at once; the rest wait behind a counter. A phone shows one. */
export const POPUPS_SHOWN = 3;

/**
 * Where each open popup stands: the ones the user is working in first (in the order they took them
 * up), then ringing calls newest first (the newest ringing call is always in sight), calls in progress,
 * and ended calls waiting to close.
 */
function popupRank(call: LiveCall, pinned: readonly string[]) {
  const pin = pinned.indexOf(call.id);
  if (pin >= 0) return [0, pin] as const;
  if (call.status === "ringing") return [1, -call.startedAt] as const;
  if (!isTerminal(call.status)) return [2, -(call.answeredAt ?? call.startedAt)] as const;
  return [3, -(call.endedAt ?? call.startedAt)] as const;
}

/**
 * `onPopup` runs once per popup as it opens (the desktop alert and ring); an ended call's popup closes
 * `closeAfterSeconds` after the end (0: when the user closes it).
 */
export function createLiveStore(popupOn: PopupPreference = "ring", onPopup: (call: LiveCall) => void = () => {}, closeAfterSeconds = 10) {
  const calls = signal<Record<string, LiveCall>>({});
  const notifications = signal<Notification[]>([]);
  const read = signal<ReadonlySet<string>>(new Set());
  /**
   * How many notifications this user has not read, of all the tenant's: the server counts them (the
   * snapshot and each read event say how many); a new notification adds one until the next says.
   */
  const unreadCount = signal(0);
  /** Call ids whose popup is open, in the order they opened. */
  const popups = signal<string[]>([]);
  /** Popups the user is working in (a form open, or brought forward from the list): they stay in place and open. */
  const pinned = signal<readonly string[]>([]);
  const status = signal<ConnectionStatus>("connecting");
  const dismissed = new Set<string>();
  /** The timers that close ended calls' popups. */
  const closing = new Map<string, ReturnType<typeof setTimeout>>();
  let seq = 0;
  let send: (message: ClientMessage) => void = () => {};

  const activeCalls = computed(() =>
    Object.values(calls.value)
      .filter((c) => !isTerminal(c.status))
      .sort((a, b) => a.startedAt - b.startedAt),
  );
  const openPopups = computed(() => {
    const open = popups.value.map((id) => calls.value[id]).filter((c): c is LiveCall => c !== undefined);
    const pins = pinned.value;
    return open.sort((a, b) => {
      const [ra, ka] = popupRank(a, pins);
      const [rb, kb] = popupRank(b, pins);
      return ra - rb || ka - kb;
    });
  });
  /** The unread notifications among those held here (the count can be larger: see unreadCount). */
  const unread = computed(() => notifications.value.filter((n) => !read.value.has(n.id)));

  function wantsPopup(call: LiveCall) {
    if (dismissed.has(call.id) || popups.value.includes(call.id)) return false;
    return popupOn === "ring" ? call.status === "ringing" || call.status === "in-progress" : call.status === "in-progress";
  }

  /** An ended call's popup closes after the delay, unless the user is working in it. */
  function scheduleClose(call: LiveCall) {
    if (closeAfterSeconds <= 0 || !isTerminal(call.status) || closing.has(call.id) || pinned.value.includes(call.id)) return;
    if (!popups.value.includes(call.id)) return;
    closing.set(
      call.id,
      setTimeout(() => {
        closing.delete(call.id);
        if (!pinned.value.includes(call.id)) dismiss(call.id);
      }, closeAfterSeconds * 1000),
    );
  }

  function upsert(next: Record<string, LiveCall>, call: LiveCall) {
    next[call.id] = call;
    if (wantsPopup(call)) {
      popups.value = [...popups.value, call.id];
      onPopup(call);
    }
    scheduleClose(call);
  }

  /** Ended calls are kept only while their popup is open. */
  function prune(next: Record<string, LiveCall>) {
    const open = new Set(popups.value);
    for (const [id, call] of Object.entries(next)) if (isTerminal(call.status) && !open.has(id)) delete next[id];
    return next;
  }

  function apply(message: ServerMessage) {
    switch (message.type) {
      case "snapshot": {
        const next: Record<string, LiveCall> = {};
        // A popup stays open across a snapshot even if its call has ended meanwhile.
        for (const id of popups.value) if (calls.value[id]) next[id] = calls.value[id]!;
        for (const call of message.calls) upsert(next, call);
        calls.value = prune(next);
        notifications.value = message.notifications;
        read.value = new Set(message.read);
        unreadCount.value = message.unread;
        seq = message.seq;
        return;
      }
      case "call": {
        if (message.seq <= seq) return; // already applied (a replay overlapping what we had)
        seq = message.seq;
        const next = { ...calls.value };
        upsert(next, message.call);
        calls.value = prune(next);
        return;
      }
      case "notification": {
        if (message.seq <= seq) return;
        seq = message.seq;
        // One sent again (its call linked to a contact, a message left) takes the old one's place, uncounted.
        const { notification } = message;
        if (notifications.value.some((n) => n.id === notification.id)) {
          notifications.value = notifications.value.map((n) => (n.id === notification.id ? notification : n));
          return;
        }
        notifications.value = [notification, ...notifications.value].slice(0, KEEP_NOTIFICATIONS);
        if (!read.value.has(notification.id)) unreadCount.value += 1;
        return;
      }
      case "read": {
        if (message.seq <= seq) return;
        seq = message.seq;
        const before = read.value;
        read.value = new Set([...before, ...message.ids]);
        // The server's count as of this event; an event logged before it sent counts: what it newly read.
        unreadCount.value = message.unread ?? Math.max(0, unreadCount.value - message.ids.filter((id) => !before.has(id)).length);
        return;
      }
      case "pong":
      case "error":
        return;
      default: {
        const unreachable: never = message;
        throw new Error(`unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  function dismiss(callId: string) {
    dismissed.add(callId);
    clearTimeout(closing.get(callId));
    closing.delete(callId);
    popups.value = popups.value.filter((id) => id !== callId);
    pinned.value = pinned.value.filter((id) => id !== callId);
    calls.value = prune({ ...calls.value });
  }

  /** Closes every popup at once (a busy line's "Dismiss all"). */
  function dismissAll() {
    for (const id of popups.value) dismiss(id);
  }

  /**
   * The user is working in a popup (`on`), or has finished: a pinned popup keeps its place at the top
   * and does not close by itself; once let go, an ended call's popup closes after the delay.
   */
  function pin(callId: string, on: boolean) {
    if (on) {
      if (!popups.value.includes(callId) || pinned.value.includes(callId)) return;
      clearTimeout(closing.get(callId));
      closing.delete(callId);
      pinned.value = [...pinned.value, callId];
      return;
    }
    if (!pinned.value.includes(callId)) return;
    pinned.value = pinned.value.filter((id) => id !== callId);
    const call = calls.value[callId];
    if (call) scheduleClose(call);
  }

  function markRead(ids: string[] | "all") {
    const fresh = ids === "all" ? unread.value.map((n) => n.id) : [...new Set(ids)].filter((id) => !read.value.has(id));
    // "All" reaches the notifications older than those held here too.
    if (fresh.length === 0 && (ids !== "all" || unreadCount.value === 0)) return;
    // Shown as read at once; the server's read event confirms it (and the count) on every screen of this user.
    read.value = new Set([...read.value, ...fresh]);
    unreadCount.value = ids === "all" ? 0 : Math.max(0, unreadCount.value - fresh.length);
    send({ type: "mark-read", ids: ids === "all" ? "all" : fresh });
  }

  return {
    calls,
    notifications,
    read,
    unread,
    unreadCount,
    popups,
    status,
    activeCalls,
    openPopups,
    pinned,
    apply,
    dismiss,
    dismissAll,
    pin,
    markRead,
    /** The last seq applied: a reconnect asks for what came after it. */
    get seq() {
      return seq;
    },
    set send(fn: (message: ClientMessage) => void) {
      send = fn;
    },
  };
}

export type LiveStore = ReturnType<typeof createLiveStore>;
