import { render } from "preact";
import { useEffect, useMemo } from "preact/hooks";
import { connectLive } from "./live/connection.ts";
import { createLiveStore } from "./live/model.ts";
import { ActiveCalls, CallPopups, ConnectionBadge } from "./live/views.tsx";
import { Login } from "./Login.tsx";
import { loadMe, logOut, me, type Me } from "./session.ts";
import "./styles.css";

function Dashboard({ current }: { current: Me }) {
  const store = useMemo(() => createLiveStore(current.user.popupOn), [current.user.id]);
  useEffect(() => connectLive(store, current.tenant.slug), [store, current.tenant.slug]);
  const active = store.activeCalls.value.length;
  return (
    <>
      <header class="bar">
        <strong>Switchboard</strong>
        <span class="tenant">{current.tenant.name}</span>
        <a class="call-icon" href="#active-calls-title" aria-label={`Active calls: ${active}`} data-testid="call-count">
          ☎ <span>{active}</span>
        </a>
        <ConnectionBadge store={store} />
        <span class="who" data-testid="who">
          {current.user.name} · {current.user.email} · {current.user.role}
        </span>
        <button type="button" onClick={() => void logOut()}>
          Log out
        </button>
      </header>
      <main class="home">
        <ActiveCalls store={store} />
      </main>
      <CallPopups store={store} />
    </>
  );
}

function App() {
  if (me.value === undefined) return <p class="loading">Loading…</p>;
  return me.value ? <Dashboard current={me.value} /> : <Login />;
}

render(<App />, document.getElementById("app")!);
void loadMe();
