import { render } from "preact";
import { Login } from "./Login.tsx";
import { loadMe, logOut, me } from "./session.ts";
import "./styles.css";

function Home() {
  const current = me.value!;
  return (
    <>
      <header class="bar">
        <strong>Switchboard</strong>
        <span class="tenant">{current.tenant.name}</span>
        <span class="who" data-testid="who">
          {current.user.name} · {current.user.email} · {current.user.role}
        </span>
        <button type="button" onClick={() => void logOut()}>
          Log out
        </button>
      </header>
      <main class="home">
        <p>You are logged in to {current.tenant.name}.</p>
      </main>
    </>
  );
}

function App() {
  if (me.value === undefined) return <p class="loading">Loading…</p>;
  return me.value ? <Home /> : <Login />;
}

render(<App />, document.getElementById("app")!);
void loadMe();
