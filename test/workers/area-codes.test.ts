import areaCodeData from "areacodes/lib/data.json";
import { describe, expect, it } from "vitest";
import { areaCodeInfo, firstAreaCodeOf } from "../../schema/area-codes.ts";

type Entry = { city: string | null; stateCode: string | null; location: { latitude: number | null; longitude: number | null } | null };
const packageData = areaCodeData as Record<string, Entry>;

describe("the area codes' copy (schema/area-codes-data.ts)", () => {
  it("holds every code of the areacodes package that names a place, as the package has it (run `npm run area-codes` after updating it)", () => {
    const entries = Object.entries(packageData);
    expect(entries.length).toBeGreaterThan(300);
    for (const [code, e] of entries) {
      const info = areaCodeInfo(code);
      if (!e.stateCode) {
        expect(info, code).toBeUndefined();
        continue;
      }
      expect(info, code).toMatchObject({ code, stateCode: e.stateCode, city: e.city });
      // Three decimals: within about 100 m of the package's coordinates.
      expect(Math.abs(info!.latitude! - e.location!.latitude!), code).toBeLessThanOrEqual(0.0005);
      expect(Math.abs(info!.longitude! - e.location!.longitude!), code).toBeLessThanOrEqual(0.0005);
    }
  });

  it("answers nothing for a code the package does not have", () => {
    expect(areaCodeInfo("000")).toBeUndefined();
    expect(areaCodeInfo("")).toBeUndefined();
    expect(areaCodeInfo("800")).toBeUndefined();
  });

  it("finds a state's first area code in numeric order, as the package's key order gave it", () => {
    const byPackage = (state: string) => Object.entries(packageData).find(([, e]) => e.stateCode === state)?.[0];
    for (const state of ["NJ", "CA", "TX", "NY", "ON", "BC", "DC"]) expect(firstAreaCodeOf(state), state).toBe(byPackage(state));
    expect(firstAreaCodeOf("ZZ")).toBeUndefined();
  });
});
