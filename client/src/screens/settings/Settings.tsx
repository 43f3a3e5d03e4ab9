/** Settings: one entry in the nav, a tab per section, each shown only to roles that may use it. */
import { settingsSections, type SettingsSection } from "../../can.ts";
import { href } from "../../router.ts";
import { AuditLog } from "./AuditLog.tsx";
import { BusinessSettings } from "./Business.tsx";
import { ApiKeys } from "./Keys.tsx";
import { ProviderAccounts } from "./Providers.tsx";
import { Team } from "./Team.tsx";
import { Webhooks } from "./Webhooks.tsx";

function Section({ id }: { id: SettingsSection }) {
  switch (id) {
    case "business":
      return <BusinessSettings />;
    case "team":
      return <Team />;
    case "providers":
      return <ProviderAccounts />;
    case "keys":
      return <ApiKeys />;
    case "webhooks":
      return <Webhooks />;
    case "audit":
      return <AuditLog />;
    default: {
      const unknown: never = id;
      return unknown;
    }
  }
}

export function SettingsScreen({ section }: { section: string | undefined }) {
  const sections = settingsSections();
  const current = sections.find((s) => s.id === section) ?? sections[0];
  if (!current)
    return (
      <p class="error">
        Settings are for admins and managers. <a href={href("/")}>Back to the dashboard</a>
      </p>
    );
  return (
    <section class="screen settings">
      <h1>Settings</h1>
      <nav class="tabs" aria-label="Settings">
        {sections.map((s) => (
          <a key={s.id} href={href(`/settings/${s.id}`)} aria-current={s.id === current.id ? "page" : undefined}>
            {s.title}
          </a>
        ))}
      </nav>
      <Section key={current.id} id={current.id} />
    </section>
  );
}
