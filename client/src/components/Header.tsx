import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { Notification } from "../../../schema/calls.ts";
import { can, roleLabel, settingsSections } from "../can.ts";
import { formatTime } from "../format.ts";
import { alertPermission, allowAlerts, UNBLOCK_ALERTS } from "../live/alerts.ts";
import type { LiveStore } from "../live/model.ts";
import { here, href, navigate } from "../router.ts";
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

function initials(name: string) {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? "") + (words.length > 1 ? (words.at(-1)?.[0] ?? "") : "")).toUpperCase() || "?";
}

const PHONE_ICON = "M6.6 10.8a15.2 15.2 0 0 0 6.6 6.6l2.2-2.2c.3-.3.7-.4 1-.2 1.1.4 2.3.6 3.6.6.6 0 1 .4 1 1V20c0 .6-.4 1-1 1A17 17 0 0 1 3 4c0-.6.4-1 1-1h3.5c.6 0 1 .4 1 1 0 1.3.2 2.5.6 3.6.1.3 0 .7-.2 1z";
const BELL_ICON = "M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6V11c0-3.1-1.6-5.6-4.5-6.3V4a1.5 1.5 0 0 0-3 0v.7C7.6 5.4 6 7.9 6 11v5l-2 2v1h16v-1z";

function Icon({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
      <path fill="currentColor" d={d} />
    </svg>
  );
}

type Panel = "none" | "calls" | "notifications" | "menu" | "user" | "alerts";

/** Desktop alerts: offered while the browser has not been asked, explained once it blocks them. */
function AlertsControl({ panel, toggle }: { panel: Panel; toggle: (p: Panel) => void }) {
  const permission = alertPermission.value;
  if (!can("calls:write") || permission === "granted" || permission === "unsupported") return null;
  if (permission === "default")
    return (
      <button
        type="button"
        class="alerts-off"
        onClick={async () => {
          await allowAlerts();
          // Refused (or blocked outright): say so, and how to allow them, rather than nothing.
          if (alertPermission.value === "denied") toggle("alerts");
        }}
      >
        Enable call alerts
      </button>
    );
  return (
    <button type="button" class="alerts-blocked" aria-expanded={panel === "alerts"} onClick={() => toggle("alerts")}>
      Alerts blocked
    </button>
  );
}

export function Header({ store, me }: { store: LiveStore; me: Me }) {
  const panel = useSignal<Panel>("none");
  const active = store.activeCalls.value.length;
  const unread = store.unreadCount.value;
  const status = store.status.value;
  const toggle = (which: Panel) => (panel.value = panel.value === which ? "none" : which);
  const who = `${me.user.name} · ${roleLabel(me.user.role)} · ${me.user.email}`;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") panel.value = "none";
    };
    // Following a link closes the menu it was in.
    const onRoute = () => (panel.value = "none");
    addEventListener("keydown", onKey);
    addEventListener("hashchange", onRoute);
    return () => {
      removeEventListener("keydown", onKey);
      removeEventListener("hashchange", onRoute);
    };
  }, []);
  const current = here.value.path[0] ?? "";
  const link = (to: string, label: string) => (
    <a href={href(to === "" ? "/" : `/${to}`)} aria-current={current === to ? "page" : undefined}>
      {label}
    </a>
  );
  return (
    <>
      <header class="bar">
        <button type="button" class="icon menu-button" aria-label="Menu" aria-expanded={panel.value === "menu"} aria-controls="main-nav" onClick={() => toggle("menu")}>
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" d="M4 7h16M4 12h16M4 17h16" />
          </svg>
        </button>
        <a class="brand" href={href("/")}>
          Switchboard
        </a>
        <nav aria-label="Main" id="main-nav" class={panel.value === "menu" ? "open" : undefined}>
          {link("", "Dashboard")}
          {can("contacts:read") && link("contacts", "Contacts")}
          {can("calls:read") && link("calls", "Call log")}
          {can("marketing:read") && link("reports", "Reports")}
          {can("numbers:read") && link("numbers", "Numbers")}
          {can("marketing:read") && link("campaigns", "Campaigns")}
          {settingsSections().length > 0 && link("settings", "Settings")}
          <span class="in-menu">{link("profile", "Profile")}</span>
          <span class="in-menu">
            <AlertsControl panel={panel.value} toggle={toggle} />
          </span>
        </nav>
        <div class="tools">
          <button type="button" class="call-icon" aria-expanded={panel.value === "calls"} aria-label={`Active calls: ${active}`} data-testid="call-count" onClick={() => toggle("calls")}>
            <Icon d={PHONE_ICON} /> <span>{active}</span>
          </button>
          <button type="button" class="bell" aria-expanded={panel.value === "notifications"} aria-label={`Notifications: ${unread} unread`} data-testid="bell" onClick={() => toggle("notifications")}>
            <Icon d={BELL_ICON} /> {unread > 0 && <span class="unread-count">{unread}</span>}
          </button>
          <span class={`connection ${status}`} role="status" data-testid="connection">
            <span class="label">{status === "live" ? "Live" : status === "connecting" ? "Connecting…" : "Reconnecting…"}</span>
          </span>
          <span class="on-bar">
            <AlertsControl panel={panel.value} toggle={toggle} />
          </span>
          <button type="button" class="user" aria-expanded={panel.value === "user"} aria-label={`Account: ${who}`} title={who} data-testid="who" onClick={() => toggle("user")}>
            <span class="avatar" aria-hidden="true">
              {initials(me.user.name)}
            </span>
            <span class="user-name">{me.user.name}</span>
          </button>
        </div>
      </header>
      {panel.value === "user" && (
        <div class="panel user-panel" role="dialog" aria-label="Account">
          <p class="who">
            <strong>{me.user.name}</strong>
            <span>{roleLabel(me.user.role)}</span>
            <span class="muted">{me.user.email}</span>
          </p>
          <div class="actions">
            <a class="button" href={href("/profile")}>
              Profile
            </a>
            <button type="button" onClick={() => void logOut()}>
              Log out
            </button>
          </div>
        </div>
      )}
      {panel.value === "alerts" && (
        <div class="panel alerts-panel" role="dialog" aria-label="Desktop alerts">
          <p>{UNBLOCK_ALERTS}</p>
        </div>
      )}
      {panel.value === "calls" && (
        <div class="panel calls-panel">
          <ActiveCalls store={store} id="panel-active-calls" />
        </div>
      )}
      {panel.value === "notifications" && <NotificationCenter store={store} close={() => (panel.value = "none")} />}
    </>
  );
}
