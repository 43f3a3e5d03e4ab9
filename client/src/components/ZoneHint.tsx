/**
 * Which time zone a screen's dates and times are in: the business's, which the browser's need not be
 * (a dispatcher abroad, a laptop set to UTC). Beside date filters, which are read in it too.
 */
import { zoneName } from "../format.ts";

export function ZoneHint() {
  return (
    <small class="muted zone-hint" data-testid="zone-hint">
      Dates and times in {zoneName()}
    </small>
  );
}
