import { can } from "../can.ts";
import { ActiveCalls } from "../components/ActiveCalls.tsx";
import { lazy } from "../lazy.tsx";
import { formatTime } from "../format.ts";
import type { LiveStore } from "../live/model.ts";
import { href } from "../router.ts";

const SetupChecklist = lazy(() => import("../components/SetupChecklist.tsx").then((m) => m.SetupChecklist), { quiet: true });

/** The screen dispatchers keep open: active calls always visible, recent activity beside them. */
export function Dashboard({ store }: { store: LiveStore }) {
  const recent = store.notifications.value.slice(0, 10);
  return (
    <div class="dashboard">
      {can("settings:write") && <SetupChecklist store={store} />}
      <ActiveCalls store={store} />
      <section aria-labelledby="recent-title" class="recent">
        <h2 id="recent-title">Recent activity</h2>
        {recent.length === 0 ? (
          <p class="empty">No calls yet today.</p>
        ) : (
          <ul>
            {recent.map((n) => (
              <li key={n.id} data-kind={n.kind}>
                {n.callId && can("calls:read") ? <a href={href(`/calls/${n.callId}`)}>{n.title}</a> : n.title} <span class="muted">{n.body}</span> <time class="muted">{formatTime(n.at)}</time>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
