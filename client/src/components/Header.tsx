import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { Notification } from "../../../schema/calls.ts";
import { can, roleLabel, settingsSections } from "../can.ts";
import { formatTime } from "../format.ts";
import { alertsAllowed, allowAlerts } from "../live/alerts.ts";
import type { LiveStore } from "../live/model.ts";
import { href, navigate } from "../router.ts";
import { logOut, type Me } from "../session.ts";
import { ActiveCalls } from "./ActiveCalls.tsx";

function NotificationCenter({ store, close }: { store: LiveStore; close: () => void }) {
  const unread = store.unreadCount.value;
  function open(n: Notification) {
    store.markRead([n.id]);
    close();
    if (n.callId) navigate(`/calls/${n.callId}`);
  }
  return (
    <section class="panel notifications" aria-label="Notification Center">
      <header>
        <h2>Notifications</h2>
        <button type="button" disabled={unread === 0} onClick={() => store.markRead("all")}>
          Mark all read
        </button>
      </header>
      {store.notifications.value.length === 0 ? (
        <p class="empty">Nothing yet.</p>
      ) : (
        <ul>
          {store.notifications.value.map((n) => (
            <li key={n.id} class={`${n.kind} ${store.read.value.has(n.id) ? "read" : "unread"}`} data-kind={n.kind}>
              <button type="button" onClick={() => open(n)}>
                <strong>{n.title}</strong>
                <span>{n.body}</span>
                <time>{formatTime(n.at)}</time>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function Header({ store, me }: { store: LiveStore; me: Me }) {
  const panel = useSignal<"none" | "calls" | "notifications">("none");
  const active = store.activeCalls.value.length;
  const unread = store.unreadCount.value;
  const status = store.status.value;
  const toggle = (which: "calls" | "notifications") => (panel.value = panel.value === which ? "none" : which);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") panel.value = "none";
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);
  return (
    <>
      <header class="bar">
        <a class="brand" href={href("/")}>
          Switchboard
        </a>
        <nav aria-label="Main">
          <a href={href("/")}>Dashboard</a>
          {can("contacts:read") && <a href={href("/contacts")}>Contacts</a>}
          {can("calls:read") && <a href={href("/calls")}>Call log</a>}
          {can("marketing:read") && <a href={href("/reports")}>Reports</a>}
          {can("numbers:read") && <a href={href("/numbers")}>Numbers</a>}
          {can("marketing:read") && <a href={href("/campaigns")}>Campaigns</a>}
          {settingsSections().length > 0 && <a href={href("/settings")}>Settings</a>}
          <a href={href("/profile")}>Profile</a>
        </nav>
        <button type="button" class="call-icon" aria-expanded={panel.value === "calls"} aria-label={`Active calls: ${active}`} data-testid="call-count" onClick={() => toggle("calls")}>
          <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
            <path fill="currentColor" d="M6.6 10.8a15.2 15.2 0 0 0 6.6 6.6l2.2-2.2c.3-.3.7-.4 1-.2 1.1.4 2.3.6 3.6.6.6 0 1 .4 1 1V20c0 .6-.4 1-1 1A17 17 0 0 1 3 4c0-.6.4-1 1-1h3.5c.6 0 1 .4 1 1 0 1.3.2 2.5.6 3.6.1.3 0 .7-.2 1z" />
          </svg>{" "}
          <span>{active}</span>
        </button>
        <button type="button" class="bell" aria-expanded={panel.value === "notifications"} aria-label={`Notifications: ${unread} unread`} data-testid="bell" onClick={() => toggle("notifications")}>
          <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
            <path fill="currentColor" d="M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6V11c0-3.1-1.6-5.6-4.5-6.3V4a1.5 1.5 0 0 0-3 0v.7C7.6 5.4 6 7.9 6 11v5l-2 2v1h16v-1z" />
          </svg>{" "}
          {unread > 0 && <span class="unread-count">{unread}</span>}
        </button>
        <span class={`connection ${status}`} role="status" data-testid="connection">
          {status === "live" ? "Live" : status === "connecting" ? "Connecting…" : "Reconnecting…"}
        </span>
        {!alertsAllowed.value && typeof Notification !== "undefined" && can("calls:write") && (
          <button type="button" onClick={() => void allowAlerts()}>
            Enable call alerts
          </button>
        )}
        <span class="who" data-testid="who">
          {me.user.name} · {roleLabel(me.user.role)} · {me.user.email}
        </span>
        <button type="button" onClick={() => void logOut()}>
          Log out
        </button>
      </header>
      {panel.value === "calls" && (
        <div class="panel calls-panel">
          <ActiveCalls store={store} id="panel-active-calls" />
        </div>
      )}
      {panel.value === "notifications" && <NotificationCenter store={store} close={() => (panel.value = "none")} />}
    </>
  );
}
