/**
 * The route editor's draft of a dial route: a weight per row and sticky routing travel with their
 * numbers and come back as the API takes them (checked by the API's own schema).
 */
import { describe, expect, it } from "vitest";
import { bodyOf, draftOf, emptyDraft } from "../../client/src/routing/draft.ts";
import type { Route } from "../../client/src/routing/model.ts";
import { routeInput } from "../../schema/routing.ts";

const route: Route = { id: "r1", kind: "dial", name: "Techs", config: { receivingNumberIds: ["a", "b", "c"], pattern: "round-robin", weights: { a: 3 }, sticky: true } };

describe("a dial route's weights and sticky routing in the editor", () => {
  it("reads a weight for every number (1 where none is set) and gives back only those not 1", () => {
    const d = draftOf(route);
    expect(d.dial.weights).toEqual([3, 1, 1]);
    expect(d.dial.sticky).toBe(true);
    const body = bodyOf(d, new Map());
    expect(body).toMatchObject({ config: { receivingNumberIds: ["a", "b", "c"], weights: { a: 3 }, sticky: true } });
    expect(routeInput.safeParse(body).success).toBe(true);
  });

  it("names a typed number's weight by the id it was given, and sends no weights for another pattern", () => {
    const d = emptyDraft("dial");
    d.name = "Group";
    d.dial = { numbers: [{ kind: "receiving", id: "a" }, { kind: "new", number: "+14155557004" }], weights: [1, 5], pattern: "round-robin", sticky: false, noAnswer: null };
    const body = bodyOf(d, new Map([["+14155557004", "n1"]]));
    expect(body.config).toEqual({ receivingNumberIds: ["a", "n1"], pattern: "round-robin", weights: { n1: 5 }, noAnswer: undefined });
    expect(routeInput.safeParse(body).success).toBe(true);
    d.dial.pattern = "sequential";
    expect(bodyOf(d, new Map([["+14155557004", "n1"]])).config).not.toHaveProperty("weights");
  });
});
