/**
 * The website snippet: its size (≤ 3 KB gzipped, the README says how much), that it is one classic
 * script leaking nothing into the page, and how it rewrites a page's number in the page's own writing.
 */
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { buildSnippet } from "../../client/dni/build.ts";
import { replaceNumbers, rewrite, sameNumber } from "../../client/dni/swap.ts";

let code = "";
beforeAll(async () => {
  code = await buildSnippet();
}, 60_000);

describe("dni.js", () => {
  it("is at most 3 KB gzipped", () => {
    const gzipped = gzipSync(code, { level: 9 }).byteLength;
    console.log(`dni.js: ${code.length} bytes, ${gzipped} bytes gzipped`);
    expect(gzipped).toBeLessThanOrEqual(3 * 1024);
  });

  it("is a classic script: no import, no export, nothing left in the page's globals", () => {
    expect(code).not.toMatch(/^\s*(import|export)\b/m);
    expect(code.trim()).toMatch(/^\(function\(\)\{|^\(\(\)=>\{|^!function|^\(function\s*\(/);
  });
});

describe("a page's number, rewritten", () => {
  it("keeps the page's writing", () => {
    expect(rewrite("(415) 555-0100", "+14155550123")).toBe("(415) 555-0123");
    expect(rewrite("415.555.0100", "+14155550123")).toBe("415.555.0123");
    expect(rewrite("+1 415 555 0100", "+16505550123")).toBe("+1 650 555 0123");
    expect(rewrite("1-800-555-0100", "+14155550123")).toBe("1-415-555-0123");
  });

  it("finds the business's number in any format, and leaves other numbers alone", () => {
    const targets = ["4155550100"];
    expect(replaceNumbers("Call (415) 555-0100 or fax 415-555-0199 today", targets, "+14155550123")).toBe("Call (415) 555-0123 or fax 415-555-0199 today");
    expect(replaceNumbers("Ring +1 415 555 0100", targets, "+14155550123")).toBe("Ring +1 415 555 0123");
    expect(replaceNumbers("Open 9-17, 2026 prices", targets, "+14155550123")).toBe("Open 9-17, 2026 prices");
    // Inside the class's elements, any number is the business's.
    expect(replaceNumbers("Call 212-555-0100", [], "+14155550123", true)).toBe("Call 415-555-0123");
  });

  it("compares numbers with or without their country code", () => {
    expect(sameNumber("14155550100", "4155550100")).toBe(true);
    expect(sameNumber("4155550100", "4155550101")).toBe(false);
    expect(sameNumber("0100", "0100")).toBe(false);
  });
});
