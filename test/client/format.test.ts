import { describe, expect, it } from "vitest";
import { answeredByText, formatPhone, phoneFormatLoaded, ringsAtText, statusLabel } from "../../client/src/format.ts";
import { me } from "../../client/src/session.ts";

describe("formatPhone on the dashboard", () => {
  it("shows the stored number until the formatting has loaded, then the tenant's national format, others' international", async () => {
    const user = { id: "u", email: "a@b.test", name: "A", role: "agent" as const, popupOn: "ring" as const, popupCloseSeconds: 10 };
    const tenant = { id: "t", slug: "t", name: "T", timeZone: "UTC", country: "US" };
    me.value = { user, tenant };
    expect(formatPhone("+14155550124")).toBe("+14155550124");
    phoneFormatLoaded(await import("../../schema/phone.ts"));
    expect(formatPhone("+14155550124")).toBe("(415) 555-0124");
    expect(formatPhone("+442079460958")).toBe("+44 20 7946 0958");
    expect(formatPhone("not a number")).toBe("not a number");
    me.value = { user, tenant: { ...tenant, country: "GB" } };
    expect(formatPhone("+442079460958")).toBe("020 7946 0958");
    expect(formatPhone("+14155550124")).toBe("+1 415 555 0124");
  });
});

describe("statusLabel", () => {
  it("says the same words as the server's notifications: a message left is a voicemail, live calls ring or are on call", () => {
    expect(statusLabel({ status: "in-progress" })).toBe("On call");
    expect(statusLabel({ status: "ringing", voicemail: "reached" })).toBe("Leaving voicemail");
    expect(statusLabel({ status: "no-answer", voicemail: "left" })).toBe("Voicemail");
    expect(statusLabel({ status: "no-answer", voicemail: "reached" })).toBe("Missed (no answer)");
    expect(statusLabel({ status: "busy", voicemail: null })).toBe("Missed (busy)");
    expect(statusLabel({ status: "completed", voicemail: null })).toBe("Answered");
  });
});

describe("where a call rings, and who answered, by name", () => {
  it("names the receiving number (its label, then the formatted number), the bare number without one, and who answered once someone did", async () => {
    const tenant = { id: "t", slug: "t", name: "T", timeZone: "UTC", country: "US" };
    me.value = { user: { id: "u", email: "a@b.test", name: "A", role: "agent", popupOn: "ring", popupCloseSeconds: 10 }, tenant };
    phoneFormatLoaded(await import("../../schema/phone.ts"));
    expect(ringsAtText({ terminationNumber: "+14155550150", ringsAtLabel: "Office" })).toBe("Office · (415) 555-0150");
    expect(ringsAtText({ terminationNumber: "+14155550150", ringsAtLabel: null })).toBe("(415) 555-0150");
    // A call from a server of before the label: the number alone.
    expect(ringsAtText({ terminationNumber: "+14155550150" })).toBe("(415) 555-0150");
    expect(ringsAtText({ terminationNumber: null, ringsAtLabel: null })).toBe("—");
    expect(answeredByText({ answeredBy: null })).toBeNull();
    expect(answeredByText({})).toBeNull();
    expect(answeredByText({ answeredBy: { number: "+14155550151", label: "Warehouse" } })).toBe("Warehouse · (415) 555-0151");
  });
});
