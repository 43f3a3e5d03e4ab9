import { describe, expect, it } from "vitest";
import { bodyOf, emptyDraft } from "../../client/src/routing/draft.ts";
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
