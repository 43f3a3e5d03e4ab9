/**
 * A call's website visit in the words every screen uses (schema/visits.ts): "Google Ads: water
 * heater", and under it source / medium / campaign / keyword. Loaded when a popup first shows a call
 * that came from a visit: the first screen's budget has no room for the sources' names.
 */
import type { CallVisit } from "../../../schema/visits.ts";
import { visitDetails, visitSummary } from "../../../schema/visits.ts";

export function VisitLine({ visit }: { visit: CallVisit }) {
  return (
    <>
      {visitSummary(visit)}
      <span class="secondary">{visitDetails(visit)}</span>
    </>
  );
}
