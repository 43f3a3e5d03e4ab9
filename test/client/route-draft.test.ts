import { describe, expect, it } from "vitest";
import { bodyOf, draftOf, emptyDraft } from "../../client/src/routing/draft.ts";
import type { Route } from "../../client/src/routing/model.ts";
import { routeSave } from "../../schema/routing.ts";

describe("a route draft's body", () => {
  it("sends numbers typed into targets as newNumbers, each once, named by ref where they were typed", () => {
    const d = emptyDraft("dial");
    d.name = "Techs";
    d.dial.numbers = [{ kind: "new", number: "(415) 555-7004" }, { kind: "receiving", id: "r1" }, { kind: "new", number: "(415) 555-7005" }];
    d.dial.noAnswer = { kind: "new", number: "(415) 555-7004" };
    const body = bodyOf(d, "US");
    expect(body).toEqual({
      kind: "dial",
      name: "Techs",
      config: { receivingNumberIds: ["new:1", "r1", "new:2"], pattern: "simultaneous", noAnswer: { kind: "receiving", id: "new:1" } },
      newNumbers: [
        { ref: "new:1", number: "(415) 555-7004", country: "US" },
        { ref: "new:2", number: "(415) 555-7005", country: "US" },
      ],
    });
    // What the server reads it as (the schema the API validates with).
    expect(routeSave.safeParse(body).success).toBe(true);
  });

  it("sends no newNumbers when nothing was typed", () => {
    const d = emptyDraft("menu");
    d.name = "Menu";
    d.menu.greeting = "Hi";
    d.menu.options = [{ digit: "1", target: { kind: "voicemail" } }];
    expect(bodyOf(d, "US")).not.toHaveProperty("newNumbers");
  });
});

const route: Route = { id: "r1", kind: "dial", name: "Techs", config: { receivingNumberIds: ["a", "b", "c"], pattern: "round-robin", weights: { a: 3 }, sticky: true } };

describe("a dial route's weights and sticky routing in the editor", () => {
  it("reads a weight for every number (1 where none is set) and gives back only those not 1", () => {
    const d = draftOf(route);
    expect(d.dial.weights).toEqual([3, 1, 1]);
    expect(d.dial.sticky).toBe(true);
    const body = bodyOf(d, "US");
    expect(body).toMatchObject({ config: { receivingNumberIds: ["a", "b", "c"], weights: { a: 3 }, sticky: true } });
    expect(routeSave.safeParse(body).success).toBe(true);
  });

  it("names a typed number's weight by its ref, and sends no weights for another pattern", () => {
    const d = emptyDraft("dial");
    d.name = "Group";
    d.dial = { numbers: [{ kind: "receiving", id: "a" }, { kind: "new", number: "+14155557004" }], weights: [1, 5], pattern: "round-robin", sticky: false, noAnswer: null };
    const body = bodyOf(d, "US");
    expect(body.config).toEqual({ receivingNumberIds: ["a", "new:1"], pattern: "round-robin", weights: { "new:1": 5 }, noAnswer: undefined });
    expect(routeSave.safeParse(body).success).toBe(true);
    d.dial.pattern = "sequential";
    expect(bodyOf(d, "US").config).not.toHaveProperty("weights");
  });
});
