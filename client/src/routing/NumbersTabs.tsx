/** The Numbers screen's parts, as CTM's Numbers menu has them: tracking numbers, receiving numbers, routes; the business hours they follow; the pools shown to website visitors. */
import { can } from "../can.ts";
import { href } from "../router.ts";

export type NumbersTab = "tracking" | "receiving" | "routes" | "hours" | "pools";

export function NumbersTabs({ current }: { current: NumbersTab }) {
  // On a phone the five tabs take their short word ("Receiving"), so they stay on one line; the
  // screen's heading below says the whole name, and the link's name is always the whole one.
  const tab = (id: NumbersTab, to: string, title: string, short: string) => (
    <a href={href(to)} aria-current={current === id ? "page" : undefined} aria-label={short === title ? undefined : title}>
      {short === title ? (
        title
      ) : (
        <>
          <span class="tab-long">{title}</span>
          <span class="tab-short">{short}</span>
        </>
      )}
    </a>
  );
  return (
    <nav class="tabs" aria-label="Numbers">
      {tab("tracking", "/numbers", "Tracking numbers", "Tracking")}
      {can("routing:read") && tab("receiving", "/numbers/receiving", "Receiving numbers", "Receiving")}
      {can("routing:read") && tab("routes", "/numbers/routes", "Routes", "Routes")}
      {can("routing:read") && tab("hours", "/numbers/hours", "Business hours", "Hours")}
      {tab("pools", "/numbers/pools", "Number pools", "Pools")}
    </nav>
  );
}

/** A link typed or bookmarked by a role that does not read routing: said as main.tsx says it. */
export function NotForRole() {
  return (
    <p class="error">
      Your role does not open this screen. <a href="#/">Back to the dashboard</a>
    </p>
  );
}
