import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLiveStore } from "../../client/src/live/model.ts";
import { formatDuration } from "../../client/src/format.ts";
import type { LiveCall } from "../../schema/calls.ts";

function call(id: string, status: LiveCall["status"], extra: Partial<LiveCall> = {}): LiveCall {
  return {
    id,
    provider: "twilio",
    providerCallId: `CA${id}`,
    status,
    callerNumber: "+14155550124",
    callerType: "unknown",
    callerName: null,
    contactId: null,
    trackingNumber: "+14155550100",
    trackingNumberId: "t",
    trackingLabel: "Website",
    campaignId: null,
    campaignName: null,
    terminationNumber: "+14155550150",
    firstTime: true,
    startedAt: 1000,
    answeredAt: null,
    endedAt: null,
    durationSeconds: null,
    talkSeconds: null,
    failsafe: false,
    tags: [],
    recordingUrl: null,
    voicemail: null,
    ringsAtLabel: null,
    answeredBy: null,
    ...extra,
  };
}

describe("the live store", () => {
  it("opens a popup per ringing call, the newest first, each closing on its own", () => {
    const store = createLiveStore("ring");
    store.apply({ type: "snapshot", seq: 0, calls: [], notifications: [], read: [], unread: 0 });
    store.apply({ type: "call", seq: 1, call: call("a", "ringing") });
    store.apply({ type: "call", seq: 2, call: call("b", "ringing", { startedAt: 2000 }) });
    expect(store.openPopups.value.map((c) => c.id)).toEqual(["b", "a"]);
    expect(store.activeCalls.value.map((c) => c.id)).toEqual(["a", "b"]);
    store.dismiss("a");
    expect(store.openPopups.value.map((c) => c.id)).toEqual(["b"]);
    // A dismissed popup does not come back when its call changes.
    store.apply({ type: "call", seq: 3, call: call("a", "in-progress") });
    expect(store.openPopups.value.map((c) => c.id)).toEqual(["b"]);
  });

  it("with the answer preference, waits for the answer to open the popup", () => {
    const store = createLiveStore("answer");
    store.apply({ type: "call", seq: 1, call: call("a", "ringing") });
    expect(store.openPopups.value).toEqual([]);
    store.apply({ type: "call", seq: 2, call: call("a", "in-progress", { answeredAt: 3000 }) });
    expect(store.openPopups.value.map((c) => c.id)).toEqual(["a"]);
  });

  it("drops an ended call from the active list but keeps it while its popup is open", () => {
    const store = createLiveStore("ring");
    store.apply({ type: "call", seq: 1, call: call("a", "ringing") });
    store.apply({ type: "call", seq: 2, call: call("b", "ringing") });
    store.dismiss("b");
    store.apply({ type: "call", seq: 3, call: call("a", "completed", { endedAt: 5000 }) });
    store.apply({ type: "call", seq: 4, call: call("b", "no-answer", { endedAt: 5000 }) });
    expect(store.activeCalls.value).toEqual([]);
    expect(Object.keys(store.calls.value)).toEqual(["a"]);
    expect(store.openPopups.value[0]?.status).toBe("completed");
  });

  it("ignores events it has already applied and remembers the last seq", () => {
    const store = createLiveStore("ring");
    store.apply({ type: "snapshot", seq: 5, calls: [call("a", "in-progress")], notifications: [], read: [], unread: 0 });
    store.apply({ type: "call", seq: 5, call: call("a", "completed") });
    expect(store.activeCalls.value.map((c) => c.status)).toEqual(["in-progress"]);
    const n = { id: "n1", kind: "missed-call" as const, callId: "a", contactId: null, title: "Missed", body: "", at: 1 };
    store.apply({ type: "notification", seq: 6, notification: n });
    store.apply({ type: "notification", seq: 6, notification: n });
    expect(store.notifications.value).toHaveLength(1);
    expect(store.seq).toBe(6);
  });

  it("puts a notification sent again (its call linked, a message left) in place of the old one, read or not", () => {
    const store = createLiveStore("ring");
    const missed = { id: "a:missed", kind: "missed-call" as const, callId: "a", contactId: null, title: "Missed call: (415) 555-0124", body: "", at: 1 };
    const other = { ...missed, id: "b:missed", callId: "b", at: 2 };
    store.apply({ type: "snapshot", seq: 1, calls: [], notifications: [other, missed], read: ["a:missed"], unread: 1 });
    store.apply({ type: "notification", seq: 2, notification: { ...missed, kind: "voicemail", title: "Voicemail from Ann Archer", contactId: "k1" } });
    // Sent again, it is not a new one: the count stays.
    expect(store.unreadCount.value).toBe(1);
    expect(store.notifications.value.map((n) => [n.id, n.kind, n.title])).toEqual([
      ["b:missed", "missed-call", "Missed call: (415) 555-0124"],
      ["a:missed", "voicemail", "Voicemail from Ann Archer"],
    ]);
    expect(store.unread.value.map((n) => n.id)).toEqual(["b:missed"]);
  });
});

describe("popups on a busy line", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("ringing calls come first, newest first, then calls in progress, then ended ones", () => {
    const store = createLiveStore("ring");
    store.apply({ type: "call", seq: 1, call: call("old", "ringing", { startedAt: 1000 }) });
    store.apply({ type: "call", seq: 2, call: call("talking", "in-progress", { startedAt: 1500, answeredAt: 2500 }) });
    store.apply({ type: "call", seq: 3, call: call("new", "ringing", { startedAt: 3000 }) });
    store.apply({ type: "call", seq: 4, call: call("done", "ringing", { startedAt: 500 }) });
    store.apply({ type: "call", seq: 5, call: call("done", "no-answer", { startedAt: 500, endedAt: 4000 }) });
    expect(store.openPopups.value.map((c) => c.id)).toEqual(["new", "old", "talking", "done"]);
  });

  it("an ended call's popup closes after the delay; a live one stays", () => {
    const store = createLiveStore("ring", undefined, 5);
    store.apply({ type: "call", seq: 1, call: call("a", "ringing") });
    store.apply({ type: "call", seq: 2, call: call("b", "ringing") });
    store.apply({ type: "call", seq: 3, call: call("a", "completed", { endedAt: 9000 }) });
    vi.advanceTimersByTime(4900);
    expect(store.openPopups.value.map((c) => c.id)).toEqual(["b", "a"]);
    vi.advanceTimersByTime(200);
    expect(store.openPopups.value.map((c) => c.id)).toEqual(["b"]);
    // The ended call is forgotten with its popup; the replayed end does not bring it back.
    expect(Object.keys(store.calls.value)).toEqual(["b"]);
    store.apply({ type: "call", seq: 4, call: call("a", "completed", { endedAt: 9000 }) });
    expect(store.openPopups.value.map((c) => c.id)).toEqual(["b"]);
    vi.advanceTimersByTime(60_000);
    expect(store.openPopups.value.map((c) => c.id)).toEqual(["b"]);
  });

  it("with a delay of 0 an ended call's popup stays until the user closes it", () => {
    const store = createLiveStore("ring", undefined, 0);
    store.apply({ type: "call", seq: 1, call: call("a", "ringing") });
    store.apply({ type: "call", seq: 2, call: call("a", "busy", { endedAt: 9000 }) });
    vi.advanceTimersByTime(3_600_000);
    expect(store.openPopups.value.map((c) => c.id)).toEqual(["a"]);
  });

  it("a popup the user works in keeps its place at the top and stays open; let go, it closes after the delay", () => {
    const store = createLiveStore("ring", undefined, 5);
    store.apply({ type: "call", seq: 1, call: call("a", "ringing", { startedAt: 1000 }) });
    store.pin("a", true);
    store.apply({ type: "call", seq: 2, call: call("b", "ringing", { startedAt: 2000 }) });
    expect(store.openPopups.value.map((c) => c.id)).toEqual(["a", "b"]);
    store.apply({ type: "call", seq: 3, call: call("a", "no-answer", { endedAt: 3000 }) });
    vi.advanceTimersByTime(60_000);
    expect(store.openPopups.value.map((c) => c.id)).toEqual(["a", "b"]);
    store.pin("a", false);
    expect(store.openPopups.value.map((c) => c.id)).toEqual(["b", "a"]);
    vi.advanceTimersByTime(5_000);
    expect(store.openPopups.value.map((c) => c.id)).toEqual(["b"]);
  });

  it("Dismiss all closes every popup and leaves the calls in the grid", () => {
    const store = createLiveStore("ring");
    for (const [i, id] of ["a", "b", "c", "d", "e"].entries()) store.apply({ type: "call", seq: i + 1, call: call(id, "ringing") });
    store.pin("c", true);
    store.dismissAll();
    expect(store.openPopups.value).toEqual([]);
    expect(store.pinned.value).toEqual([]);
    expect(store.activeCalls.value).toHaveLength(5);
    // Dismissed popups do not come back as their calls move on.
    store.apply({ type: "call", seq: 9, call: call("a", "in-progress") });
    expect(store.openPopups.value).toEqual([]);
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0:00"],
    [9.7, "0:09"],
    [65, "1:05"],
    [3600 + 61, "1:01:01"],
    [-3, "0:00"],
  ])("%s seconds → %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe("read marks", () => {
  it("count unread per user, mark read at once and tell the server, and follow read events from other screens", () => {
    const sent: unknown[] = [];
    const store = createLiveStore("ring");
    store.send = (m) => sent.push(m);
    const n = (id: string) => ({ id, kind: "missed-call" as const, callId: null, contactId: null, title: id, body: "", at: 1 });
    store.apply({ type: "snapshot", seq: 3, calls: [], notifications: [n("a"), n("b"), n("c")], read: ["a"], unread: 2 });
    expect(store.unread.value.map((x) => x.id)).toEqual(["b", "c"]);
    store.markRead(["b", "a"]);
    expect(sent).toEqual([{ type: "mark-read", ids: ["b"] }]);
    expect(store.unread.value.map((x) => x.id)).toEqual(["c"]);
    expect(store.unreadCount.value).toBe(1);
    store.apply({ type: "read", seq: 4, userId: "u", ids: ["c"], unread: 0 });
    expect(store.unread.value).toEqual([]);
    store.markRead("all");
    expect(sent).toHaveLength(1); // nothing left unread: nothing sent
  });

  it("take the unread count from the server, beyond the notifications held, and keep it right through events and replays", () => {
    const sent: unknown[] = [];
    const store = createLiveStore("ring");
    store.send = (m) => sent.push(m);
    const n = (id: string) => ({ id, kind: "missed-call" as const, callId: null, contactId: null, title: id, body: "", at: 1 });
    // 84 unread on the server; the snapshot holds the latest two of them.
    store.apply({ type: "snapshot", seq: 10, calls: [], notifications: [n("n84"), n("n83")], read: [], unread: 84 });
    expect(store.unreadCount.value).toBe(84);
    // A new notification counts once, however often it is delivered (a replay overlapping, the same id again).
    store.apply({ type: "notification", seq: 11, notification: n("n85") });
    store.apply({ type: "notification", seq: 11, notification: n("n85") });
    store.apply({ type: "notification", seq: 12, notification: n("n85") });
    expect(store.unreadCount.value).toBe(85);
    // Read on this screen: one less at once, and the server's event confirms it without counting it twice.
    store.markRead(["n85"]);
    expect(store.unreadCount.value).toBe(84);
    store.apply({ type: "read", seq: 13, userId: "u", ids: ["n85"], unread: 84 });
    store.apply({ type: "read", seq: 13, userId: "u", ids: ["n85"], unread: 84 });
    expect(store.unreadCount.value).toBe(84);
    // Read on another screen, beyond this one's window: the server's count says so.
    store.apply({ type: "read", seq: 14, userId: "u", ids: ["n1", "n2", "n3"], unread: 81 });
    expect(store.unreadCount.value).toBe(81);
    // An event logged before the server sent counts: what it newly read, once.
    store.apply({ type: "read", seq: 15, userId: "u", ids: ["n4", "n84"] });
    store.apply({ type: "read", seq: 15, userId: "u", ids: ["n4", "n84"] });
    expect(store.unreadCount.value).toBe(79);
    // Everything in the window is read, yet 78 older ones are not: "Mark all read" still goes, and zeroes the count.
    store.markRead(["n83"]);
    expect(store.unread.value).toEqual([]);
    sent.length = 0;
    store.markRead("all");
    expect(sent).toEqual([{ type: "mark-read", ids: "all" }]);
    expect(store.unreadCount.value).toBe(0);
    // A notification that came in before the server read "all" is in its read event: the count ends right.
    store.apply({ type: "notification", seq: 16, notification: n("n86") });
    expect(store.unreadCount.value).toBe(1);
    store.apply({ type: "read", seq: 17, userId: "u", ids: ["n86", "n5"], unread: 0 });
    expect(store.unreadCount.value).toBe(0);
    // A reload starts again from the server's count.
    store.apply({ type: "snapshot", seq: 17, calls: [], notifications: [n("n86")], read: ["n86"], unread: 0 });
    expect(store.unreadCount.value).toBe(0);
  });

  it("announces each popup once, for desktop alerts", () => {
    const announced: string[] = [];
    const store = createLiveStore("ring", (c) => announced.push(c.id));
    store.apply({ type: "call", seq: 1, call: call("a", "ringing") });
    store.apply({ type: "call", seq: 2, call: call("a", "in-progress") });
    expect(announced).toEqual(["a"]);
  });
});

describe("helpers", () => {
  it("parse tags, and datetime-local values in the business's time zone, not the machine's", async () => {
    const { parseTags, fromLocalInput, toLocalInput, formatTime } = await import("../../client/src/format.ts");
    expect(parseTags(" vip, boiler ,vip,, ")).toEqual(["vip", "boiler"]);
    expect(fromLocalInput("", "America/Los_Angeles")).toBeNull();
    const at = Date.parse("2026-11-21T22:30:00Z");
    expect(toLocalInput(at, "America/Los_Angeles")).toBe("2026-11-21T14:30");
    expect(fromLocalInput("2026-11-21T14:30", "America/Los_Angeles")).toBe(at);
    expect(toLocalInput(at, "Asia/Tokyo")).toBe("2026-11-22T07:30");
    expect(fromLocalInput("2026-11-22T07:30", "Asia/Tokyo")).toBe(at);
    expect(fromLocalInput("2026-02-30T10:00", "Asia/Tokyo")).toBeNull();
    // Another year's moment names its year; this year's does not.
    expect(formatTime(Date.parse("2025-11-30T15:13:00Z"), "America/Los_Angeles")).toMatch(/Nov 30, 2025.*7:13\sAM/);
    const thisYear = new Date().getUTCFullYear();
    expect(formatTime(Date.parse(`${thisYear}-07-04T15:13:00Z`), "America/Los_Angeles")).toMatch(/^Jul 4.*8:13\sAM$/);
  });
});
