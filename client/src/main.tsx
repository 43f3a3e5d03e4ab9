import { render } from "preact";
import { useEffect, useMemo } from "preact/hooks";
import { CallPopups } from "./components/CallPopup.tsx";
import { Header } from "./components/Header.tsx";
import { alertIncoming } from "./live/alerts.ts";
import { connectLive } from "./live/connection.ts";
import { createLiveStore, type LiveStore } from "./live/model.ts";
import { here } from "./router.ts";
import { lazy } from "./lazy.tsx";
import { Dashboard } from "./screens/Dashboard.tsx";
import { can } from "./can.ts";
import { phoneFormatLoaded } from "./format.ts";
import { mayDo, type ApiScope } from "../../schema/constants.ts";
import { loadMe, me, sessionEnded, type Me } from "./session.ts";
import { labelTableCells } from "./table-labels.ts";
import "./styles.css";

const Login = lazy(() => import("./Login.tsx").then((m) => m.Login), { quiet: true });
const ContactList = lazy(() => import("./screens/Contacts.tsx").then((m) => m.ContactList));
const ContactView = lazy(() => import("./screens/Contacts.tsx").then((m) => m.ContactView));
const ContactForm = lazy(() => import("./screens/Contacts.tsx").then((m) => m.ContactForm));
const CallLog = lazy(() => import("./screens/CallLog.tsx").then((m) => m.CallLog));
const CallDetail = lazy(() => import("./screens/CallLog.tsx").then((m) => m.CallDetail));
const ProfileScreen = lazy(() => import("./screens/Profile.tsx").then((m) => m.ProfileScreen));
const NumbersScreen = lazy(() => import("./screens/Numbers.tsx").then((m) => m.NumbersScreen));
const ReceivingScreen = lazy(() => import("./screens/Receiving.tsx").then((m) => m.ReceivingScreen));
const RoutesScreen = lazy(() => import("./screens/Routes.tsx").then((m) => m.RoutesScreen));
const PoolsScreen = lazy(() => import("./screens/Pools.tsx").then((m) => m.PoolsScreen));
const BusinessHoursScreen = lazy(() => import("./screens/BusinessHours.tsx").then((m) => m.BusinessHoursScreen));
const CampaignsScreen = lazy(() => import("./screens/Campaigns.tsx").then((m) => m.CampaignsScreen));
const SettingsScreen = lazy(() => import("./screens/settings/Settings.tsx").then((m) => m.SettingsScreen));
const Signup = lazy(() => import("./public/Signup.tsx").then((m) => m.Signup));
const Invite = lazy(() => import("./public/Invite.tsx").then((m) => m.Invite));
const Reset = lazy(() => import("./public/Reset.tsx").then((m) => m.Reset));
const ReportsScreen = lazy(() => import("./screens/Reports.tsx").then((m) => m.ReportsScreen));

/** What each screen needs to be read at all; a link typed or bookmarked by a weaker role says so. */
const SCREEN_SCOPES: Record<string, ApiScope> = { contacts: "contacts:read", calls: "calls:read", reports: "marketing:read", campaigns: "marketing:read", numbers: "numbers:read" };

function Screen({ store }: { store: LiveStore }) {
  const { path, query } = here.value;
  const [first, id, sub] = path;
  const needs = first ? SCREEN_SCOPES[first] : undefined;
  if (needs && !can(needs))
    return (
      <p class="error">
        Your role does not open this screen. <a href="#/">Back to the dashboard</a>
      </p>
    );
  switch (first) {
    case undefined:
      return <Dashboard store={store} />;
    case "contacts":
      if (id === "new") return <ContactForm query={query} />;
      if (id && sub === "edit") return <ContactForm id={id} query={query} />;
      if (id) return <ContactView id={id} query={query} />;
      return <ContactList query={query} />;
    case "calls":
      return id ? <CallDetail id={id} /> : <CallLog query={query} />;
    case "profile":
      return <ProfileScreen />;
    case "numbers":
      // Tabs: tracking numbers, receiving numbers (#/numbers/receiving[/id|new]), routes (#/numbers/routes[/id|new]), business hours (#/numbers/hours).
      if (id === "receiving") return <ReceivingScreen id={sub} query={query} />;
      if (id === "routes") return <RoutesScreen id={sub} query={query} />;
      if (id === "hours") return <BusinessHoursScreen query={query} />;
      if (id === "pools") return <PoolsScreen id={sub} query={query} />;
      return <NumbersScreen />;
    case "campaigns":
      return <CampaignsScreen />;
    case "reports":
      return <ReportsScreen query={query} />;
    case "settings":
      return <SettingsScreen section={id} />;
    default:
      return <p class="error">Nothing here. <a href="#/">Back to the dashboard</a></p>;
  }
}

function Shell({ current }: { current: Me }) {
  const { popupOn, popupCloseSeconds } = current.user;
  const answers = mayDo(current.user.role, "calls:write");
  const store = useMemo(() => createLiveStore(popupOn, answers ? alertIncoming : undefined, popupCloseSeconds), [current.user.id, answers, popupOn, popupCloseSeconds]);
  useEffect(() => connectLive(store, current.tenant.slug, sessionEnded, () => void loadMe()), [store, current.tenant.slug]);
  // Phone formatting is a chunk of its own (the first screen's budget has no room for it): fetched now, before a call needs it.
  useEffect(() => void import("../../schema/phone.ts").then(phoneFormatLoaded), []);
  // A popup is for answering: someone who may not write to a call sees the live calls, not popups.
  return (
    <div class={`shell${answers ? " with-popups" : ""}`}>
      <Header store={store} me={current} />
      <main class="home" id="main">
        <Screen store={store} />
      </main>
      {answers && <CallPopups store={store} />}
    </div>
  );
}

/** The pages for people without a session (yet), whoever is logged in: sign-up, an invitation, a reset link. */
function PublicScreen() {
  const [first, token] = here.value.path;
  if (first === "signup") return <Signup />;
  if (first === "invite" && token) return <Invite token={token} />;
  if (first === "reset" && token) return <Reset token={token} />;
  return null;
}

function App() {
  const publicPage = PublicScreen();
  if (publicPage) return publicPage;
  if (me.value === undefined) return <p class="loading">Loading…</p>;
  return me.value ? <Shell current={me.value} /> : <Login />;
}

const root = document.getElementById("app")!;
labelTableCells(root);
render(<App />, root);
void loadMe();
