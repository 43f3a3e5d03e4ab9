/** The Numbers screen's parts, as CTM's Numbers menu has them: tracking numbers, receiving numbers, routes; the business hours they follow; the pools shown to website visitors. */
import { can } from "../can.ts";
import { href } from "../router.ts";

export type NumbersTab = "tracking" | "receiving" | "routes" | "hours" | "pools";

export function NumbersTabs({ current }: { current: NumbersTab }) {
  const tab = (id: NumbersTab, to: string, title: string) => (
    <a href={href(to)} aria-current={current === id ? "page" : undefined}>
      {title}
    </a>
  );
  return (
    <nav class="tabs" aria-label="Numbers">
      {tab("tracking", "/numbers", "Tracking numbers")}
      {can("routing:read") && tab("receiving", "/numbers/receiving", "Receiving numbers")}
      {can("routing:read") && tab("routes", "/numbers/routes", "Routes")}
      {can("routing:read") && tab("hours", "/numbers/hours", "Business hours")}
      {tab("pools", "/numbers/pools", "Number pools")}
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
